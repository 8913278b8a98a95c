"""Word-bag stage: extracted text vs gold text -> WCXB's word measure.

The measure of WCXB (Web Content eXtraction Benchmark, Murrough Foley 2026), whose
published scores use it, so linesift's numbers stand beside theirs; the other measure of
the field, ScrapingHub's shingles, is in ``linesift.shingles``:

- a text is lower-cased, then its words are the ``\\w+`` runs (lower-casing comes first,
  as there: it can change what ``\\w+`` splits, e.g. "İ" becomes "i" + a combining dot);
- a text is the bag (multiset) of its words; per page, shared = the size of the multiset
  intersection, P = shared / predicted words, R = shared / gold words, F1 their harmonic
  mean (0 when both are 0);
- precision, recall and F1 are each the plain mean of the per-page values over all pages
  (not the harmonic mean of averages, as the shingle measure does);
- a page with empty output (no word) scores P = R = F1 = 0, unless its gold text is empty
  too: gold without words scores 1 for an output without words and 0 for any other.

Checked against WCXB's own ``evaluate.py`` (repository
Murrough-Foley/web-content-extraction-benchmark, commit 70e37e5): its ``tokenize``
(``re.findall(r'\\w+', text.lower())``, an empty or None text giving no words), its
``word_f1`` (the empty-gold and empty-output cases above, the multiset overlap of
``Counter``s) and its averages (``sum(...) / n`` of P, R and F1 over every page of the
split, a page missing from the predictions scored as empty output); run side by side on
seven extractors' outputs for the 1,358 WCXB development pages, both gave the same P, R
and F1 on every page and the same averages. Its snippet checks (``with`` /
``without``) are not part of the F1 and are not reproduced here.
"""

import re
from collections import Counter

_WORD = re.compile(r"\w+")


def words(text: str) -> Counter:
    """The bag of a text's lower-cased ``\\w+`` words."""
    return Counter(_WORD.findall(text.lower())) if text else Counter()


def word_scores(predicted: str, gold: str) -> tuple:
    """(precision, recall, F1) of one page's predicted text against its gold text."""
    predicted_words, gold_words = words(predicted), words(gold)
    predicted_count, gold_count = sum(predicted_words.values()), sum(gold_words.values())
    if not gold_count:
        return (1.0, 1.0, 1.0) if not predicted_count else (0.0, 0.0, 0.0)
    if not predicted_count:
        return 0.0, 0.0, 0.0
    shared = sum((predicted_words & gold_words).values())
    precision, recall = shared / predicted_count, shared / gold_count
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def average_word_scores(triples) -> dict:
    """Means over pages of (P, R, F1) triples (from word_scores), as WCXB averages them."""
    triples = list(triples)
    pages = len(triples)
    if not pages:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "pages": 0}
    precision, recall, f1 = (sum(values) / pages for values in zip(*triples))
    return {"precision": precision, "recall": recall, "f1": f1, "pages": pages}
