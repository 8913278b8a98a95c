"""Training and evaluation jobs over labeled corpora: what the CLI's train and evaluate run."""

import copy
import hashlib

from linesift.corpus import read_labeled_corpus
from linesift.errors import InputError
from linesift.evaluation import BASELINES, cross_validate, page_labels, predict_with_sites, score
from linesift.labels import DEFAULT_THRESHOLD, resolve_threshold
from linesift.model import LineClassifier
from linesift.threshold import choose_threshold, labeled_scores, pr_curve


def read_corpus(paths, exclude=(), weights=None):
    """Labeled pages under ``paths``, without the pages that have no text at all.
    ``weights`` maps a path (as given) to the training weight of its pages (default 1)."""
    pages = []
    for path in paths:
        for page in read_labeled_corpus([path], exclude):
            if any(line.strip() for line in page.lines):
                page.weight = float((weights or {}).get(str(path), 1.0))
                pages.append(page)
    if not pages:
        raise InputError(" ".join(map(str, paths)), "no labeled lines: every page is empty")
    return pages


def corpus_digest(pages):
    """sha256 of the pages' lines and labels, in order: which data a model saw."""
    digest = hashlib.sha256()
    for page in pages:
        for line, label in zip(page.lines, page.labels):
            digest.update(f"{label}\t{line}\n".encode("utf-8", "surrogateescape"))
        digest.update(b"\f")
    return digest.hexdigest()


def describe(pages, paths):
    return {
        "corpora": [str(p) for p in paths],
        "pages": len(pages),
        "sites": len({page.site for page in pages}),
        "lines": sum(sum(1 for line in page.lines if line.strip()) for page in pages),
        "content_lines": sum(sum(1 for label in page.labels if label == 1) for page in pages),
        "digest": "sha256:" + corpus_digest(pages),
    }


def new_model(hyperparameters, base=None):
    """An unfitted LineClassifier; with ``base`` (a fitted model), one that keeps the base and
    learns a correction of it from the pages it is fitted on (linesift.transfer)."""
    if base is None:
        return LineClassifier(**hyperparameters)
    from linesift.transfer import BasedLineClassifier

    return BasedLineClassifier(base, **hyperparameters)


def train_model(pages, hyperparameters, progress=None, base=None):
    """Fit a LineClassifier on labeled pages (starting from ``base``, when given)."""
    model = new_model(hyperparameters, base)
    return model.fit([p.model_lines for p in pages], [p.labels for p in pages], groups=[p.site for p in pages],
                     page_weights=[p.weight for p in pages], progress=progress, sites=[p.site_key for p in pages])


def page_probabilities(pages, model=None, folds=None, hyperparameters=None, threshold=None, seed=0, progress=None,
                       base=None):
    """P(content) per line of each page (NaN on blank lines), from ``model`` or (``folds``)
    out of fold from a new model per site fold (starting from ``base``, when given); with the
    threshold that labels them and a description of the setup. Returns (probabilities, threshold, setup)."""
    if folds:
        hyperparameters = hyperparameters or {}
        probabilities = cross_validate(pages, lambda: new_model(hyperparameters, base),
                                       folds=folds, seed=seed, progress=progress)
        cut = hyperparameters.get("threshold", DEFAULT_THRESHOLD)
        setup = {"mode": f"{folds}-fold cross-validation by site{' from a base model' if base else ''}",
                 "hyperparameters": hyperparameters, "threshold": cut}
        if base is not None:
            from linesift.transfer import base_record

            setup["base"] = base_record(base)
    else:
        probabilities = predict_with_sites(model, pages)
        cut = resolve_threshold(model, threshold)
        setup = {"mode": "fixed model", "threshold": cut}
    return probabilities, cut, setup


def score_report(pages, probabilities, threshold, setup, baselines=True):
    """The evaluation report of probabilities labeled at ``threshold``:
    {"setup": ..., "linesift": metrics, "baselines": {name: metrics}}."""
    report = {"setup": setup, "linesift": score(pages, page_labels(pages, probabilities, threshold))}
    if baselines:
        report["baselines"] = {name: score(pages, [rule(p) for p in pages]) for name, rule in BASELINES.items()}
    return report


def evaluate_pages(pages, model=None, folds=None, hyperparameters=None, threshold=None,
                   baselines=True, seed=0, progress=None, keep_probabilities=False, base=None):
    """Score ``model`` on ``pages``, or (``folds``) cross-validate a new model split by site.
    Returns {"linesift": metrics, "baselines": {name: metrics}, "setup": ...}; with
    ``keep_probabilities``, (that report, P(content) per line of each page) for
    ``linesift.report``."""
    probabilities, cut, setup = page_probabilities(pages, model, folds, hyperparameters, threshold, seed, progress, base)
    report = score_report(pages, probabilities, cut, setup, baselines)
    return (report, probabilities) if keep_probabilities else report


DEFAULT_TARGET_FOLDS = 5   # folds for --target-*: fewer when the corpus has fewer sites
BASE_CHECK_FOLDS = 5       # folds by site of the --base check: fewer when the pages have fewer sites
BASE_CHECK_MEASURE = "tokens_per_page"   # the field's page-averaged token measure: each page counts once


def threshold_by_target(pages, hyperparameters, target_precision=None, target_recall=None, folds=None,
                        seed=0, progress=None, base=None):
    """Pick the threshold that reaches a target precision or recall of content on
    out-of-fold scores (site-grouped cross-validation of ``hyperparameters``).
    Returns (selection: what the model file records, probabilities, setup)."""
    sites = len({page.site for page in pages})
    if sites < 2:
        raise ValueError("choosing a threshold on held-out folds needs pages from at least 2 sites")
    folds = folds or min(DEFAULT_TARGET_FOLDS, sites)
    probabilities, _, setup = page_probabilities(pages, folds=folds, hyperparameters=hyperparameters,
                                                 seed=seed, progress=progress, base=base)
    choice = choose_threshold(pr_curve(*labeled_scores(pages, probabilities)), target_precision, target_recall)
    selection = {
        "method": f"target {'precision' if target_precision is not None else 'recall'} of content on "
                  f"out-of-fold scores ({folds}-fold cross-validation by site), lines weighted by their words",
        "target": {"precision": target_precision} if target_precision is not None else {"recall": target_recall},
        "folds": folds,
        "threshold": choice.threshold,
        "precision": choice.precision,
        "recall": choice.recall,
    }
    return selection, probabilities, setup


def check_correction(pages, base, hyperparameters, folds=None, seed=0, progress=None, base_threshold=None):
    """Whether a correction of ``base`` learned from ``pages`` beats ``base`` itself on sites
    it did not see: the correction cross-validated by site on ``pages`` against the base's
    own labels of the same pages, by BASE_CHECK_MEASURE. Returns {"folds", "measure",
    "base", "corrected" (P/R/F1), "better"}, or None when the pages come from fewer than 2
    sites (nothing can be held out). Each is labeled at its own threshold: the correction
    at the one in ``hyperparameters``, the base at ``base_threshold`` (a target's, chosen on
    its own scores of the pages) or else the same."""
    sites = len({page.site for page in pages})
    if sites < 2:
        return None
    folds = min(folds or BASE_CHECK_FOLDS, sites)
    corrected, cut, _ = page_probabilities(pages, folds=folds, hyperparameters=hyperparameters, seed=seed,
                                           progress=progress, base=base)
    own = predict_with_sites(base, pages)
    base_cut = base_threshold if base_threshold is not None else hyperparameters.get("threshold", base.threshold_)
    scores = {"base": score(pages, page_labels(pages, own, base_cut))[BASE_CHECK_MEASURE],
              "corrected": score(pages, page_labels(pages, corrected, cut))[BASE_CHECK_MEASURE]}
    return {"folds": folds, "measure": BASE_CHECK_MEASURE, **scores,
            "better": scores["corrected"]["f1"] > scores["base"]["f1"]}


def train_corpus(pages, corpus, hyperparameters, weights=None, target_precision=None, target_recall=None, folds=None,
                 base=None, progress=None, keep_correction=False):
    """What ``linesift train`` does: (model, info) for labeled ``pages`` read from the paths
    ``corpus``. The threshold is the one in ``hyperparameters`` (the default when absent),
    or the one ``threshold_by_target`` chooses for a target precision or recall; with
    ``folds``, the site-grouped cross-validation is measured first and kept in ``info``
    (the model file's metadata). With ``base``, the correction is first checked against
    the base (``check_correction``, in ``info["base_check"]``): when it does not beat the
    base on held-out sites, the model returned is the base itself, unchanged, unless
    ``keep_correction`` — a user's labels never make the model silently worse."""
    say = progress
    hyperparameters = dict(hyperparameters)
    threshold = hyperparameters.get("threshold")
    corpus_weights = weights or {}
    targeted = target_precision is not None or target_recall is not None
    info = {"training": {**describe(pages, corpus), "weights": corpus_weights},
            "threshold_selection": {"method": "default" if threshold is None else "given (--threshold)",
                                    "threshold": DEFAULT_THRESHOLD if threshold is None else threshold}}
    if targeted:
        selection, probabilities, setup = threshold_by_target(pages, hyperparameters, target_precision,
                                                              target_recall, folds, progress=say, base=base)
        info["threshold_selection"] = selection
        hyperparameters["threshold"] = selection["threshold"]
        if folds:   # the same folds' scores, at the chosen threshold (chosen on them: optimistic)
            info["metrics"] = score_report(pages, probabilities, selection["threshold"], setup)
    elif folds:
        info["metrics"] = evaluate_pages(pages, folds=folds, hyperparameters=hyperparameters, progress=say,
                                         base=base)
    if base is not None:
        own = predict_with_sites(base, pages) if targeted else None
        base_selection = _base_target(pages, own, target_precision, target_recall) if targeted else None
        check = check_correction(pages, base, hyperparameters, progress=say,
                                 base_threshold=base_selection["threshold"] if base_selection else None)
        info["base_check"] = check if check is not None else {"better": None, "folds": 0}
        if check is not None and not check["better"] and not keep_correction:
            info["base_check"]["kept"] = "base"
            kept = copy.copy(base)
            kept.threshold_ = hyperparameters.get("threshold", base.threshold_)
            if base_selection is not None:   # the target, met by the model written: the base's own threshold
                kept.threshold_ = base_selection["threshold"]
                info["threshold_selection"] = base_selection
                if folds:
                    info["metrics"] = score_report(pages, own, kept.threshold_,
                                                   {"mode": "the base model, kept (it never saw these pages)",
                                                    "threshold": kept.threshold_})
            return kept, info
        info["base_check"]["kept"] = "correction"
    model = train_model(pages, hyperparameters, progress=say, base=base)
    return model, info


def _base_target(pages, probabilities, target_precision, target_recall):
    """The threshold at which the base's own scores of ``pages`` reach the target, as
    ``threshold_by_target`` records a selection."""
    choice = choose_threshold(pr_curve(*labeled_scores(pages, probabilities)), target_precision, target_recall)
    return {"method": f"target {'precision' if target_precision is not None else 'recall'} of content on the base "
                      "model's scores of the pages (the base is kept), lines weighted by their words",
            "target": {"precision": target_precision} if target_precision is not None else {"recall": target_recall},
            "threshold": choice.threshold, "precision": choice.precision, "recall": choice.recall}
