"""Teach a trained model (the *base*) a user's notion of content from a few labeled pages.

``BasedLineClassifier`` keeps everything the base model computes and learns a correction
on top of the base's score of each line:

    logit = base logit + shape features . a + context of the base's logits . b + keyword cues . c + d

fitted on the user's pages only, as a logistic regression whose *offset* is the base
logit, with an L2 penalty pulling the correction toward zero: that is "regularise toward
the base". With a few pages the model stays close to the base; the more pages, the more
the user's labels win. The context columns (the base's logits of the line, of its
neighbours, of windows around it and of the page, as ``model.context_features`` makes
them) let the correction say "content here is what the base scores a little lower than
it would like", the shape features and cues say what it is about the lines themselves.

Chosen by measurement (tests/bench/bench_base_methods.py, README "Train on your own
labels"): on WCXB's non-article pages, held-out sites, token F1 per page, it beat stacking
(a fresh logistic regression over the base's logits and the shape features: 0.687 and
0.727 against 0.701 and 0.734 with 20 and 100 pages) and warm-starting the base's first
pass toward its own weights under its context pass (0.674, 0.695); warm start then
correction added 0.005 and 0.001, within the noise, for twice the work and a reach into
the base's first pass, which this design stays out of.

Each page counts the same in the fit (its lines' word weights sum to 1, times its
``--weight``), so the pulls read in pages: ``pull=1`` weighs the base like one page of
the user's. The model needs only the base's fitted arrays and its public ``row_logits``,
so it works with whatever LineClassifier the base is; it is saved whole (base arrays and
correction in one data-only file, linesift.model_file), loadable without the base file.
"""

import inspect
from pathlib import Path

import numpy as np

from linesift.features import FEATURE_SET_VERSION, dense_feature_names, page_bounds
from linesift.labels import DEFAULT_THRESHOLD, checked_threshold
from linesift.model import LOGIT_CLIP, LineClassifier, context_feature_names, context_features

BASE_PULL = 1.0           # L2 on the correction's shape and context weights, in pages of the user's
CUE_PULL = 0.1            # L2 on its keyword-cue weights: cues are many and sparse, each seen on few lines
MAX_ITERATIONS = 300      # L-BFGS iterations; a fit of 100 pages converges in about 50
TOLERANCE = 1e-6          # stop when an iteration lowers the objective by less than this share
LBFGS_MEMORY = 10
# Arrays a model file of a BasedLineClassifier holds besides the base's (linesift.model_file).
# The base's fitted attributes that describe its file, not its weights: not taken over.
_NOT_TAKEN = ("info_", "source_")


def correction_feature_names():
    """Columns of the correction's dense block: the shape features, then the context of the base's logits."""
    return dense_feature_names() + base_context_names()


def base_context_names():
    return [name for name in context_feature_names() if name not in set(dense_feature_names())]


def _init_parameters(cls):
    return [name for name in inspect.signature(cls.__init__).parameters if name != "self"]


class BasedLineClassifier(LineClassifier):
    """A LineClassifier that keeps a fitted ``base`` model's passes and learns a correction of
    its logits from the pages given to ``fit`` (see the module docstring).

    Parameters
    ----------
    base : a fitted LineClassifier (not itself a BasedLineClassifier).
    pull : L2 pulling the shape and context weights of the correction toward 0 (the base), in pages.
    cue_pull : the same for the keyword-cue weights.
    word_weight : weight of a line within its page, as LineClassifier's.
    threshold : P(content) at or above which a line is content, or "page" (``labels.PAGE_CUT``).
    max_iter : L-BFGS iterations.
    """

    def __init__(self, base, pull=BASE_PULL, cue_pull=CUE_PULL, word_weight="log", threshold=DEFAULT_THRESHOLD,
                 max_iter=MAX_ITERATIONS):
        if isinstance(base, BasedLineClassifier):
            raise ValueError("a model trained with a base cannot itself be a base: give its base model, "
                             "and train on all your labeled pages at once")
        inherited = {name: getattr(base, name) for name in _init_parameters(LineClassifier)}
        super().__init__(**{**inherited, "word_weight": word_weight, "threshold": threshold, "max_iter": max_iter})
        self.base = base
        self.pull = pull
        self.cue_pull = cue_pull

    def _take_base(self):
        """The base's fitted state, shared (never changed here), so the base's row_logits runs as it is."""
        for name, value in vars(self.base).items():
            if name.endswith("_") and name not in _NOT_TAKEN and not name.startswith(("correction_", "based_on_")):
                setattr(self, name, value)

    def fit(self, pages, labels, groups=None, page_weights=None, progress=None, sites=None):
        """Fit the correction on ``pages`` / ``labels`` (as LineClassifier.fit; ``groups`` is not
        needed: the base's passes are not refitted)."""
        say = progress or (lambda message: None)
        self._take_base()
        features, y, keep = self._labeled_rows(pages, labels, say, self._sites_shown(sites))
        weights = _per_page(self._row_weights(features) * keep, features.page_offsets, page_weights)
        base_logits = LineClassifier.row_logits(self, features)
        self._fit_context_scale(base_logits, features)
        say(f"correction of the base on {int(keep.sum())} lines")
        coef, cue_coef, intercept = fit_offset_logistic(
            self._dense_block(features, base_logits)[keep], _cue_matrix(features, self.hash_bits)[keep],
            y[keep], base_logits[keep], weights[keep], self.pull, self.cue_pull, self.max_iter)
        self.correction_coef_ = coef
        self.correction_cue_coef_ = cue_coef
        self.correction_intercept_ = float(intercept)
        self.based_on_ = base_record(self.base)
        self.threshold_ = checked_threshold(self.threshold)
        return self

    def _fit_context_scale(self, base_logits, features):
        contexts = _base_contexts(base_logits, features)
        self.correction_mean_ = contexts.mean(axis=0)
        self.correction_std_ = contexts.std(axis=0)
        self.correction_std_[self.correction_std_ == 0] = 1.0

    def _dense_block(self, features, base_logits):
        shape = (features.dense - self.scale_mean_) / self.scale_std_
        contexts = (_base_contexts(base_logits, features) - self.correction_mean_) / self.correction_std_
        return np.hstack([shape, contexts])

    def row_logits(self, features):
        """The base's logits plus the correction, for every classified line of ``features``."""
        base_logits = LineClassifier.row_logits(self, features)
        cues = np.bincount(features.hash_row, weights=self.correction_cue_coef_[features.hash_bucket],
                           minlength=len(base_logits))
        return base_logits + self._dense_block(features, base_logits) @ self.correction_coef_ + cues \
            + self.correction_intercept_

    def correction_terms(self, features, row):
        """The correction's part of ``row``'s logit, for ``linesift.explain``: (contribution of each
        shape feature, of each of the row's cues in ``features`` order, [(context column, its raw
        value, contribution), ...], the constant)."""
        base_logits = LineClassifier.row_logits(self, features)
        block = self._dense_block(features, base_logits)[row] * self.correction_coef_
        d = len(self.scale_mean_)
        raw = _base_contexts(base_logits, features)[row]
        contexts = [(name, float(raw[j]), float(block[d + j])) for j, name in enumerate(base_context_names())]
        cues = self.correction_cue_coef_[features.hash_bucket[features.hash_row == row]].astype(np.float64)
        return block[:d], cues, contexts, self.correction_intercept_


def _base_contexts(base_logits, features):
    """The context columns of the base's (clipped) logits, as the base's own context pass reads them."""
    return context_features(np.clip(base_logits, -LOGIT_CLIP, LOGIT_CLIP), features)


def _cue_matrix(features, hash_bits):
    from scipy import sparse

    return sparse.csr_matrix((np.ones(len(features.hash_row)), (features.hash_row, features.hash_bucket)),
                             shape=(len(features.dense), 1 << hash_bits))


def _per_page(weights, page_offsets, page_weights=None):
    """Row weights scaled so each page's sum to 1 (times its page weight): a long page of
    menus does not outweigh ten short articles, and the pulls count in pages."""
    page_of_row, _, _ = page_bounds(page_offsets)
    totals = np.bincount(page_of_row, weights=weights, minlength=len(page_offsets) - 1)
    scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    if page_weights is not None:
        scale = scale * np.asarray(page_weights, dtype=np.float64)
    return weights * scale[page_of_row]


# -- the solver -----------------------------------------------------------------------
def fit_offset_logistic(dense, cues, y, offset, weights, pull, cue_pull, max_iter=MAX_ITERATIONS, tol=TOLERANCE):
    """Minimise sum_i weights_i * log(1 + exp(-s_i z_i)) + pull/2 |a|^2 + cue_pull/2 |c|^2 over
    z = offset + dense a + cues c + d, with s_i = +1 for content, -1 for chrome; the intercept d
    is not pulled. ``cues`` is a sparse matrix; only its columns that occur are solved for.
    Returns (a, c as float32 over all of cues' columns, d).

    scikit-learn's solvers take no offset, so this is L-BFGS on columns rescaled by the
    diagonal of the Hessian at the start (the dense block and the cue columns differ by
    orders of magnitude in scale; unscaled, L-BFGS needs ten times the iterations)."""
    from scipy import sparse
    from scipy.special import expit

    cues = sparse.csc_matrix(cues)
    width = cues.shape[1]
    used = np.flatnonzero(np.diff(cues.indptr))
    cues = cues[:, used]
    sign = 2.0 * np.asarray(y, dtype=np.float64) - 1.0
    start = expit(offset)
    curvature = weights * start * (1 - start)
    penalty = np.r_[np.full(dense.shape[1], pull), np.full(len(used), cue_pull), 0.0]
    diagonal = np.r_[(dense * dense).T @ curvature, np.asarray(cues.multiply(cues).T @ curvature).ravel(),
                     curvature.sum()] + penalty
    scale = 1.0 / np.sqrt(np.maximum(diagonal, 1e-12))
    d, q = dense.shape[1], len(used)
    dense_scaled = dense * scale[:d]
    cues_scaled = (cues @ sparse.diags(scale[d:d + q])).tocsr()
    cues_scaled_t = cues_scaled.T.tocsr()
    penalty_scaled = penalty * scale * scale

    def objective(theta):
        margin = -sign * (offset + dense_scaled @ theta[:d] + cues_scaled @ theta[d:d + q] + theta[-1] * scale[-1])
        slope = -sign * weights * expit(margin)
        value = weights @ np.logaddexp(0.0, margin) + 0.5 * penalty_scaled @ (theta * theta)
        gradient = np.concatenate([dense_scaled.T @ slope, cues_scaled_t @ slope, [slope.sum() * scale[-1]]])
        return value, gradient + penalty_scaled * theta

    from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

    # One BLAS thread: on vectors this size, threads cost more than they give (a fit of
    # 100 pages took 15 s instead of 3 s on two cores shared with other work).
    with threadpool_limits(limits=1, user_api="blas"):
        theta = _lbfgs(objective, np.zeros(d + q + 1), max_iter, tol) * scale
    cue_coef = np.zeros(width, dtype=np.float32)
    cue_coef[used] = theta[d:d + q]
    return theta[:d], cue_coef, float(theta[-1])


def _lbfgs(objective, x, max_iter, tol, memory=LBFGS_MEMORY):
    """Minimise ``objective(x) -> (value, gradient)``: L-BFGS (two-loop recursion) with a
    backtracking line search; stops when an iteration gains less than ``tol`` of the value."""
    value, gradient = objective(x)
    history = []   # (step, gradient change, 1 / their product), newest last
    for _ in range(max_iter):
        direction = gradient.copy()
        alphas = []
        for step, change, rho in reversed(history):
            alphas.append(rho * (step @ direction))
            direction -= alphas[-1] * change
        if history:
            step, change, _ = history[-1]
            direction *= (step @ change) / (change @ change)
        else:
            direction /= max(1.0, np.linalg.norm(gradient))
        for (step, change, rho), alpha in zip(history, reversed(alphas)):
            direction += step * (alpha - rho * (change @ direction))
        direction = -direction
        slope = gradient @ direction
        if slope >= 0:   # not a descent direction: start the memory again from the gradient
            history, direction = [], -gradient / max(1.0, np.linalg.norm(gradient))
            slope = gradient @ direction
        length = 1.0
        for _ in range(40):
            new_x = x + length * direction
            new_value, new_gradient = objective(new_x)
            if new_value <= value + 1e-4 * length * slope:
                break
            length /= 2
        else:
            break   # no step lowers the objective: at the minimum, as far as floats tell
        step, change = new_x - x, new_gradient - gradient
        if step @ change > 1e-12:
            history = (history + [(step, change, 1.0 / (step @ change))])[-memory:]
        converged = value - new_value <= tol * max(abs(new_value), 1e-12)
        x, value, gradient = new_x, new_value, new_gradient
        if converged:
            break
    return x


def base_record(base):
    """What a model records about its base: the base file and its sha256 (when it was read
    from one), the feature set, the linesift that trained it and its training data digest."""
    info = getattr(base, "info_", {}) or {}
    source = getattr(base, "source_", {}) or {}
    return {
        "file": Path(source["file"]).name if source.get("file") else None,
        "sha256": source.get("sha256"),
        "feature_set_version": FEATURE_SET_VERSION,
        "linesift": (info.get("versions") or {}).get("linesift"),
        "training_digest": (info.get("training") or {}).get("digest"),
    }
