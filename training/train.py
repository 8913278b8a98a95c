"""Training and evaluation jobs over labeled corpora: what the CLI's train and evaluate run."""

import hashlib

from training.errors import InputError
from training.evaluation import BASELINES, cross_validate, score
from training.model import LineClassifier
from training.reading import read_labeled_corpus


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


def train_model(pages, hyperparameters, progress=None):
    """Fit a LineClassifier on labeled pages."""
    model = LineClassifier(**hyperparameters)
    return model.fit([p.model_lines for p in pages], [p.labels for p in pages],
                     groups=[p.site for p in pages], page_weights=[p.weight for p in pages], progress=progress)


def evaluate_pages(pages, model=None, folds=None, hyperparameters=None, threshold=None,
                   baselines=True, seed=0, progress=None):
    """Score ``model`` on ``pages``, or (``folds``) cross-validate a new model split by site.
    Returns {"linesift": metrics, "baselines": {name: metrics}, "setup": ...}."""
    if folds:
        predictions = cross_validate(pages, lambda: LineClassifier(**(hyperparameters or {})),
                                     folds=folds, seed=seed, progress=progress)
        setup = {"mode": f"{folds}-fold cross-validation by site", "hyperparameters": hyperparameters or {}}
    else:
        predictions = model.predict([p.model_lines for p in pages], threshold)
        setup = {"mode": "fixed model", "threshold": model.threshold_ if threshold is None else threshold}
    report = {"setup": setup, "linesift": score(pages, predictions)}
    if baselines:
        report["baselines"] = {name: score(pages, [rule(p) for p in pages]) for name, rule in BASELINES.items()}
    return report
