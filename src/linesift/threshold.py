"""Thresholds: the precision-recall curve of ``content`` over every threshold, and the
threshold that reaches a target precision or recall on held-out (out-of-fold) scores.

Both weight each line by its words (``evaluation.word_count``), pooled over all pages: the
unit of ``evaluate``'s "content, tokens (pooled)" row, and what a user of the cleaned text
gets: the share of its words that are content, the share of the content's words it keeps.
Counted by lines instead, a precision target is dominated by the many short lines whose
labels are least sure, and is reached only at a threshold that drops most of the content
(docs/decisions.md).
"""

from typing import NamedTuple

import numpy as np

from linesift.evaluation import word_count
from linesift.labels import CONTENT, UNLABELED


class Curve(NamedTuple):
    """Precision and recall of content for each distinct threshold, highest first: a line
    is content when P(content) >= thresholds[i]."""

    thresholds: np.ndarray
    precision: np.ndarray
    recall: np.ndarray


def labeled_scores(pages, probabilities):
    """(truth, P(content), words) over the labeled non-blank lines of ``pages``, as arrays."""
    truth, scores, words = [], [], []
    for page, page_probabilities in zip(pages, probabilities):
        for line, label, probability in zip(page.lines, page.labels, page_probabilities):
            if label != UNLABELED and not np.isnan(probability):
                truth.append(label == CONTENT)
                scores.append(probability)
                words.append(word_count(line))
    return np.array(truth, dtype=bool), np.array(scores, dtype=np.float64), np.array(words, dtype=np.float64)


def pr_curve(truth, scores, weights=None):
    """The Curve of ``scores`` against ``truth`` (booleans: is content), each line counting
    its weight (1 when ``weights`` is None)."""
    weights = np.ones(len(truth)) if weights is None else np.asarray(weights, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    ranked, hits, counts = scores[order], truth[order], weights[order]
    # The last line of each run of equal scores: a threshold takes all of a tie or none.
    ends = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])
    tp = np.cumsum(counts * hits)[ends]
    predicted = np.maximum(np.cumsum(counts)[ends], 1e-12)
    positives = max(float((weights * truth).sum()), 1e-12)
    return Curve(ranked[ends], tp / predicted, tp / positives)


def point_at(curve, threshold):
    """(precision, recall) at ``threshold``: the point of the lowest curve threshold at or above it."""
    at_or_above = np.flatnonzero(curve.thresholds >= threshold)
    if not len(at_or_above):
        return 1.0, 0.0   # nothing is content: precision of nothing counted as 1, recall 0
    i = at_or_above[-1]
    return float(curve.precision[i]), float(curve.recall[i])


class Choice(NamedTuple):
    threshold: float
    precision: float
    recall: float


def choose_threshold(curve, target_precision=None, target_recall=None):
    """The lowest threshold whose precision reaches ``target_precision``, or the highest whose
    recall reaches ``target_recall``. Raises ValueError naming the best reachable value."""
    if (target_precision is None) == (target_recall is None):
        raise ValueError("give exactly one of target_precision and target_recall")
    if target_precision is not None:
        measure, target, name = curve.precision, target_precision, "precision"
        reaching = np.flatnonzero(measure >= target)
        i = reaching[-1] if len(reaching) else None          # thresholds run highest first
    else:
        measure, target, name = curve.recall, target_recall, "recall"
        reaching = np.flatnonzero(measure >= target)
        i = reaching[0] if len(reaching) else None
    if i is None:
        best = int(np.argmax(measure)) if len(measure) else None
        reachable = "no content line to score" if best is None else (
            f"the best reachable is {measure[best]:.4f} (at threshold {curve.thresholds[best]:.4f})")
        raise ValueError(f"no threshold reaches out-of-fold {name} {target} of content: {reachable}")
    return Choice(float(curve.thresholds[i]), float(curve.precision[i]), float(curve.recall[i]))
