"""The labels, and the one rule that turns probabilities into them.

Every command that labels lines (predict, explain, the label page, evaluate, the library)
calls ``labels_from_probabilities`` with the threshold ``resolve_threshold`` gives: the
labels a line gets never depend on which command asked.
"""

import numpy as np

CONTENT, CHROME, UNLABELED = 1, 0, -1
LABEL_NAMES = {CONTENT: "content", CHROME: "chrome"}
LABEL_IDS = {name: label for label, name in LABEL_NAMES.items()}

DEFAULT_THRESHOLD = 0.5
KEEP_BEST_SHARE = 0.8     # labels_from_probabilities: what a page with no line over the threshold keeps
KEEP_BEST_FLOOR = 0.05    # ... unless even its best line is this unlikely to be content


def resolve_threshold(model, threshold=None):
    """The threshold to label with: ``threshold`` when given, else the model's own."""
    return model.threshold_ if threshold is None else threshold


def labels_from_probabilities(probabilities, threshold, keep_best=KEEP_BEST_SHARE):
    """CONTENT (1) / CHROME (0) per line of a page; UNLABELED where there is no probability
    (NaN). A page on which no line reaches ``threshold`` keeps its most content-like lines
    (P at least ``keep_best`` x the page's highest, when that is at least KEEP_BEST_FLOOR)
    rather than nothing: a page whose article scores low throughout (an article between
    dozens of share buttons, under 60 lines of menus) otherwise loses all of its text."""
    labels = np.where(probabilities >= threshold, CONTENT, CHROME)
    classified = ~np.isnan(probabilities)
    if keep_best and classified.any() and not labels.any():
        best = np.nanmax(probabilities)
        if best >= KEEP_BEST_FLOOR:
            labels[classified & (probabilities >= keep_best * best)] = CONTENT
    labels[~classified] = UNLABELED
    return labels
