"""Measuring: precision, recall and F1 of ``content`` over lines, plain and token-weighted,
cross-validation split by site, and the two reference rules every number is shown beside.
"""

import re

import numpy as np

from linesift.labels import CHROME, CONTENT, UNLABELED, labels_from_probabilities
from linesift.lines import parse_line
from linesift.shingles import average_scores, shingle_scores
from linesift.wordbag import average_word_scores, word_scores

_WORD = re.compile(r"\w+")
C4_MIN_WORDS = 5
C4_ENDINGS = tuple('.!?"\'”’')


def word_count(line):
    """Words a reader sees on a line (markup and URLs left out): a line's token weight."""
    return len(_WORD.findall(parse_line(line).text)) if line.strip() else 0


def _prf(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def score(pages, predictions):
    """Metrics of predicted labels against the pages' labels (lines without a label skipped).

    Returns a dict: ``lines``, ``content`` (P/R/F1 of content over lines), ``tokens``
    (the same with each line weighted by its word count, pooled over all pages),
    ``tokens_per_page`` (token-weighted precision and recall of each page averaged over
    pages, F1 their harmonic mean, as the field's extraction benchmarks do: one huge page
    cannot outweigh a hundred small ones; a page with no predicted content is left out of
    the precision average and counts 0 for recall), ``classes`` (P/R/F1 and support of
    each class) and ``confusion`` (tp, fp, fn, tn with content as positive); for pages
    with gold text, ``shingles`` and ``words`` (the content text against it by the field's
    two measures) and ``page_types`` (both, per page type), see ``_gold_report``.
    """
    truth, guess, weight, page_of = [], [], [], []
    for number, (page, predicted) in enumerate(zip(pages, predictions)):
        for line, label, prediction in zip(page.lines, page.labels, predicted):
            if label == UNLABELED or not line.strip():
                continue
            truth.append(label)
            guess.append(prediction == CONTENT)
            weight.append(word_count(line))
            page_of.append(number)
    truth = np.array(truth, dtype=bool)
    guess = np.array(guess, dtype=bool)
    weight = np.array(weight, dtype=np.float64)
    page_of = np.array(page_of, dtype=np.int64)

    def counts(w):
        return (float(w[truth & guess].sum()), float(w[~truth & guess].sum()),
                float(w[truth & ~guess].sum()), float(w[~truth & ~guess].sum()))

    tp, fp, fn, tn = counts(np.ones(len(truth)))
    wtp, wfp, wfn, _ = counts(weight)
    chrome = _prf(tn, fn, fp)
    return {
        "pages": len(pages),
        "lines": int(len(truth)),
        "content": _prf(tp, fp, fn),
        "tokens": _prf(wtp, wfp, wfn),
        "tokens_per_page": _per_page_prf(truth, guess, weight, page_of, len(pages)),
        "classes": {
            "content": {**_prf(tp, fp, fn), "support": int(tp + fn)},
            "chrome": {**chrome, "support": int(tn + fp)},
        },
        "confusion": {"tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn)},
        **_gold_report(pages, predictions),
    }


def page_labels(pages, probabilities, threshold):
    """The labels of each page's lines (``page.lines``) from its probabilities, at ``threshold``."""
    return [labels_from_probabilities(p, threshold, page.lines) for page, p in zip(pages, probabilities)]


def content_text(lines, labels):
    """The text a labeling keeps: its content lines, one per line; what the measures
    against gold text score (and what the benchmark scripts write as linesift's output)."""
    return "\n".join(line for line, label in zip(lines, labels) if label == CONTENT)


# WCXB's evaluate.py lists its page types in this order; other groups follow, sorted.
PAGE_TYPE_ORDER = ("article", "forum", "product", "collection", "listing", "documentation", "service")


def gold_measures(texts, golds):
    """The field's two measures of extracted texts against gold texts, one pair per page:
    {"shingles": ScrapingHub's (linesift.shingles), "words": WCXB's (linesift.wordbag)}."""
    texts, golds = list(texts), list(golds)
    return {"shingles": average_scores(shingle_scores(text, gold) for text, gold in zip(texts, golds)),
            "words": average_word_scores(word_scores(text, gold) for text, gold in zip(texts, golds))}


def gold_measures_by_group(texts, golds, groups):
    """gold_measures of the pages of each group (a page type...; None: in no group), as
    {group: {"pages": n, "shingles": ..., "words": ...}}, WCXB's page types first."""
    named = {group for group in groups if group is not None}
    ordered = [g for g in PAGE_TYPE_ORDER if g in named] + sorted(named - set(PAGE_TYPE_ORDER))
    result = {}
    for group in ordered:
        chosen = [i for i, g in enumerate(groups) if g == group]
        result[group] = {"pages": len(chosen),
                         **gold_measures([texts[i] for i in chosen], [golds[i] for i in chosen])}
    return result


def _gold_report(pages, predictions):
    """Both measures against each page's gold text, for pages that have one (HTML
    corpora), and the same per page type when the pages have one (WCXB):
    {"shingles": ..., "words": ..., "page_types": {type: {"pages", "shingles", "words"}}}
    or nothing."""
    scored = [(content_text(page.lines, predicted), page.gold, page.page_type)
              for page, predicted in zip(pages, predictions) if page.gold is not None]
    if not scored:
        return {}
    texts, golds, types = zip(*scored)
    report = gold_measures(texts, golds)
    by_type = gold_measures_by_group(texts, golds, [None if t is None else str(t) for t in types])
    return {**report, "page_types": by_type} if by_type else report


def _per_page_prf(truth, guess, weight, page_of, pages):
    """Per-page weighted counts, averaged over pages by the same rule as the shingle measure."""
    tp = np.bincount(page_of, weight * (truth & guess), pages)
    fp = np.bincount(page_of, weight * (~truth & guess), pages)
    fn = np.bincount(page_of, weight * (truth & ~guess), pages)
    averaged = average_scores(zip(tp.tolist(), fp.tolist(), fn.tolist()))
    return {key: averaged[key] for key in ("precision", "recall", "f1")}


def every_line_content(page):
    """Reference rule: every non-blank line is content."""
    return [CONTENT if line.strip() else UNLABELED for line in page.lines]


def c4_line_rule(page):
    """Reference rule from C4: keep a line that ends in . ! ? or a quote and has at least
    five words."""
    out = []
    for line in page.lines:
        text = line.strip()
        if not text:
            out.append(UNLABELED)
        elif text.endswith(C4_ENDINGS) and len(text.split()) >= C4_MIN_WORDS:
            out.append(CONTENT)
        else:
            out.append(CHROME)
    return out


BASELINES = {"every line content": every_line_content, "C4 line rule": c4_line_rule}


def site_folds(pages, folds, seed=0):
    """Fold number of each page: whole sites are dealt to folds at random, so no site
    (no template) is on both sides of a split."""
    sites = sorted({page.site for page in pages})
    if len(sites) < folds:
        raise ValueError(f"{folds}-fold cross-validation needs at least {folds} sites, found {len(sites)}")
    order = np.random.default_rng(seed).permutation(len(sites))
    fold_of_site = {sites[i]: n % folds for n, i in enumerate(order)}
    return [fold_of_site[page.site] for page in pages]


def predict_with_sites(model, pages):
    """P(content) per line of ``pages``, their sites known to the site pass."""
    return model.predict_proba([p.model_lines for p in pages], sites=[p.site_key for p in pages])


def cross_validate(pages, make_model, folds=5, seed=0, progress=None, predict=predict_with_sites):
    """Train ``make_model()`` on all folds but one, score that one, for every fold;
    returns P(content) per line of every page (NaN on blank lines), each page scored by
    a model that saw none of its site. ``labels_from_probabilities`` turns them into labels.
    ``predict(model, pages)`` gives the held-out pages' results (one per page)."""
    say = progress or (lambda message: None)
    fold_of_page = site_folds(pages, folds, seed)
    probabilities = [None] * len(pages)
    for fold in range(folds):
        train = [p for p, f in zip(pages, fold_of_page) if f != fold]
        test = [i for i, f in enumerate(fold_of_page) if f == fold]
        say(f"fold {fold + 1}/{folds}: train on {len(train)} pages, test on {len(test)}")
        model = make_model()
        model.fit([p.model_lines for p in train], [p.labels for p in train], groups=[p.site for p in train],
                  page_weights=[p.weight for p in train], sites=[p.site_key for p in train])
        for i, page_probabilities in zip(test, predict(model, [pages[i] for i in test])):
            probabilities[i] = page_probabilities
    return probabilities
