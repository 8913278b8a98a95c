"""The library API: load a model once, then classify pages (lists of lines)."""

from training.model_file import load_model
from training.model import labels_from_probabilities

__all__ = ["load_model", "classify_lines", "classify_pages"]


def classify_pages(model, pages, cache=None):
    """P(content) per line for each page (a list of lines); NaN for blank lines.
    Pass the same dict as ``cache`` across calls to reuse the work on repeated lines."""
    return model.predict_proba(pages, cache)


def classify_lines(model, lines):
    """(labels, probabilities) of one page's lines with the model's own threshold:
    labels are 1 content, 0 chrome, -1 for blank lines."""
    probabilities = model.predict_proba([lines])[0]
    return labels_from_probabilities(probabilities, model.threshold_), probabilities
