"""The labels, and the one rule that turns probabilities into them.

Every command that labels lines (predict, explain, the label page, evaluate, the library)
calls ``labels_from_probabilities`` with the threshold ``resolve_threshold`` gives: the
labels a line gets never depend on which command asked.

A threshold is a number (a line is content when its P(content) reaches it) or ``PAGE_CUT``
(each page is cut where the F-measure its probabilities expect is highest: ``page_cut``).
"""

import numpy as np

from linesift._lines import visible_lengths

CONTENT, CHROME, UNLABELED = 1, 0, -1
LABEL_NAMES = {CONTENT: "content", CHROME: "chrome"}
LABEL_IDS = {name: label for label, name in LABEL_NAMES.items()}

PAGE_CUT = "page"
DEFAULT_THRESHOLD = PAGE_CUT
# page_cut maximises the expected F_b with b**2 = this: below 1 a kept line's precision
# counts more than a found line's recall, which the probabilities overstate below 0.5 on
# strict gold texts (reader comments and teasers, chrome to a news article's gold, score
# 0.3-0.6 and are content a tenth to a third of the time there).
PAGE_CUT_RECALL_WEIGHT = 0.6
KEEP_BEST_SHARE = 0.8     # labels_from_probabilities: what a page with no line over the threshold keeps
KEEP_BEST_FLOOR = 0.05    # ... unless even its best line is this unlikely to be content (both rules)


def checked_threshold(value):
    """``value`` as a threshold: PAGE_CUT, or a float in [0, 1]; ValueError otherwise."""
    if value == PAGE_CUT:
        return PAGE_CUT
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0 <= number <= 1:   # NaN fails too
        raise ValueError(f"a threshold is a probability or {PAGE_CUT!r}, not {value!r}")
    return number


def describe_threshold(threshold) -> str:
    """A threshold in words, for tables and reports."""
    return "the page's cut" if threshold == PAGE_CUT else f"{threshold:.4f}"


def resolve_threshold(model, threshold=None):
    """The threshold to label with: ``threshold`` when given, else the model's own."""
    return model.threshold_ if threshold is None else threshold


def labels_from_probabilities(probabilities, threshold, lines, keep_best=KEEP_BEST_SHARE):
    """CONTENT (1) / CHROME (0) per line of a page; UNLABELED where there is no probability
    (NaN). ``lines``: the page's lines (text, or anything with a ``text``), which the page
    cut weighs by their length.

    At a number: a line is content when its P reaches it, and a page on which no line does
    keeps its most content-like lines (P at least ``keep_best`` x the page's highest, when
    that is at least KEEP_BEST_FLOOR) rather than nothing: a page whose article scores low
    throughout (an article between dozens of share buttons, under 60 lines of menus)
    otherwise loses all of its text. At PAGE_CUT: ``page_cut``."""
    classified = ~np.isnan(probabilities)
    if threshold == PAGE_CUT:
        labels = np.where(page_cut(probabilities, lines), CONTENT, CHROME)
    else:
        labels = np.where(probabilities >= threshold, CONTENT, CHROME)
        if keep_best and classified.any() and not labels.any():
            best = np.nanmax(probabilities)
            if best >= KEEP_BEST_FLOOR:
                labels[classified & (probabilities >= keep_best * best)] = CONTENT
    labels[~classified] = UNLABELED
    return labels


def content_from(probabilities, labels):
    """The lowest P(content) of a page's CONTENT lines, where its content starts (the page
    cut's own threshold); None when it keeps none."""
    kept = probabilities[np.asarray(labels) == CONTENT]
    return float(kept.min()) if len(kept) else None


def page_cut(probabilities, lines, recall_weight=PAGE_CUT_RECALL_WEIGHT):
    """Which lines of a page to keep: its classified lines in order of P(content), as many
    as make the page's expected F-measure highest.

    Each line weighs its visible length in characters (``line_lengths``; at least one);
    taking the
    probabilities as the chance that each line is content, keeping the k likeliest lines
    is expected to find sum(P x length) of them and to face sum(P x length) over the page,
    so the expected F_b is (1 + b**2) x found / (kept + b**2 x expected), b**2 =
    ``recall_weight``. A line raises it when its P is over the expected F_b / (1 + b**2) of
    the lines before it: a page whose article the model is sure of (F_b of 0.9 and more)
    keeps the lines over about 0.55-0.6; a page where every line is doubtful (a listing whose
    cards score 0.2-0.4) keeps its best lines and those nearly as likely, not next to
    nothing. A page whose best line is under KEEP_BEST_FLOOR keeps nothing."""
    keep = np.zeros(len(probabilities), dtype=bool)
    classified = np.flatnonzero(~np.isnan(probabilities))
    if not len(classified) or probabilities[classified].max() < KEEP_BEST_FLOOR:
        return keep
    p = probabilities[classified]
    lengths = np.maximum(line_lengths(lines)[classified], 1)   # a line of bare link markup still weighs
    order = np.argsort(-p, kind="stable")
    found = np.cumsum(lengths[order] * p[order])
    kept = np.cumsum(lengths[order])
    expected_f = found / (kept + recall_weight * found[-1])   # (1 + b**2) left out: same argmax
    keep[classified[order[:int(np.argmax(expected_f)) + 1]]] = True
    return keep


def line_lengths(lines):
    """About the characters a reader sees of each line: an HTML line's text; a dump line
    stripped, its markdown links counted by their text, not their URLs
    (``_lines.visible_lengths``)."""
    return visible_lengths(_texts(lines))


def _texts(lines):
    return list(lines) if not len(lines) or isinstance(lines[0], str) else [line.text for line in lines]
