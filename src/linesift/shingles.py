"""Shingles stage: extracted text vs gold text -> the field's token measure.

The measure of ScrapingHub's article-extraction benchmark (``evaluate.py``), which the
peers' published numbers use, so linesift's numbers stand beside theirs:

- tokens are the ``\\w+`` runs of a text, case kept;
- a text is the multiset of its shingles, the runs of SHINGLE_TOKENS consecutive tokens;
  a text of fewer tokens is one shingle of all of them (none when it has no token);
- per page, TP = size of the multiset intersection of predicted and gold shingles,
  FP = predicted shingles - TP, FN = gold shingles - TP;
- precision and recall are each averaged over pages, and F1 is the harmonic mean of the
  two averages (not an average of per-page F1s).

A page whose output is empty has no precision: it is left out of the precision average
and counts as recall 0. ``strict_precision`` counts it as precision 0 instead, so a tool
cannot gain precision by giving up on hard pages. A page whose gold text is empty has no
recall and is left out of the recall average (an output there has precision 0).
The benchmark divides TP, FP and FN by their sum; shingle_scores keeps the counts, which
gives the same per-page precision and recall.
"""

import re
from collections import Counter

SHINGLE_TOKENS = 4
_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter:
    """The multiset of a text's shingles (tuples of SHINGLE_TOKENS tokens)."""
    tokens = _TOKEN.findall(text or "")
    if len(tokens) < SHINGLE_TOKENS:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + SHINGLE_TOKENS]) for i in range(len(tokens) - SHINGLE_TOKENS + 1))


def shingle_scores(predicted: str, gold: str) -> tuple:
    """(TP, FP, FN) shingle counts of one page's predicted text against its gold text."""
    predicted_shingles = shingles(predicted)
    gold_shingles = shingles(gold)
    tp = sum((predicted_shingles & gold_shingles).values())
    return tp, sum(predicted_shingles.values()) - tp, sum(gold_shingles.values()) - tp


def _mean(values):
    return sum(values) / len(values) if values else 0.0


def average_scores(pairs) -> dict:
    """Averages over pages of (TP, FP, FN) triples (from shingle_scores), as the
    benchmark averages them: see the module docstring."""
    precisions, strict_precisions, recalls = [], [], []
    pages = 0
    for tp, fp, fn in pairs:
        pages += 1
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
            strict_precisions.append(tp / (tp + fp))
        elif fn > 0:
            strict_precisions.append(0.0)   # empty output where there was text to find
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision, recall = _mean(precisions), _mean(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "strict_precision": _mean(strict_precisions), "pages": pages}
