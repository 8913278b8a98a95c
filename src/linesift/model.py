"""Model stage: features -> P(content) for each line.

LineClassifier is a scikit-learn style estimator over *pages* (lists of lines):
hyperparameters in ``__init__``, ``fit``, ``predict_proba``, fitted state ending in ``_``.

Two linear passes:
1. a logistic regression (fitted by averaged SGD: the hashed cues make it 262k columns
   wide) on the scaled shape features plus the hashed keyword cues and shape crosses;
2. (``context=True``) a small logistic regression on the first pass's logits of the line,
   of its neighbours, of windows and of the containers around it, on how its region
   ranks among the page's regions by the content the first pass found in them
   (``features.regions``), and on the first pass's verdict on the page's other lines of
   the same path (``structure.path_peers``), beside the shape features: a paragraph
   between paragraphs is content even when it is short, a lone sentence in a footer is
   not, of two articles on a page the stronger one is the page's, and the tenth card of a
   listing is judged with the nine above it. It is trained on first-pass logits
   of pages the first pass did not see (folds by site), so it learns how far to trust the
   first pass on new sites, not on its own training pages.

Pages may name their site (``sites``): pages of one site classified together then tell
each other their template (``features.site``). Training hides the site of a share of
the sites (``site_dropout``), so that a page that comes alone, or from a stream not
grouped by site, is classified as well as by a model that never had the site features.
"""

import numpy as np

from linesift.features import HASH_BITS, dense_feature_names, extract
from linesift.features.page import page_bounds, shifts, window_means_of
from linesift.features.regions import region_columns, region_feature_names
from linesift.features.structure import CONTAINER_LEVELS, MAIN_SHARES, range_sum
from linesift.labels import (
    DEFAULT_THRESHOLD,
    UNLABELED,
    checked_threshold,
    labels_from_probabilities,
    resolve_threshold,
)

CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
CONTEXT_WINDOWS = (2, 5, 10)
SITE_DROPOUT = 0.5        # share of training sites fitted without their site features (module docstring)
LOGIT_CLIP = 8.0   # first-pass logits are clipped before the context pass: past this, sure is sure


def context_feature_names():
    """Columns of the second pass: context of the first-pass logits, then the shape features."""
    names = ["logit"]
    names += [f"logit_{'prev' if o < 0 else 'next'}{abs(o)}" for o in CONTEXT_OFFSETS]
    names += [f"logit_window{w}" for w in CONTEXT_WINDOWS]
    names += ["logit_page_mean", "logit_page_max", "logit_below_page_max"]
    names += [f"logit_container{level}" for level in range(1, CONTAINER_LEVELS + 1)]
    names += [f"logit_main{round(share * 100)}" for share in MAIN_SHARES]
    names += [f"content_share_container{level}" for level in range(1, CONTAINER_LEVELS + 1)]
    names += region_feature_names(CONTAINER_LEVELS)
    names += ["logit_path_peers", "path_peers_content_share", "path_peers_log_count"]
    return names + dense_feature_names()


_LOG_WORDS = dense_feature_names().index("log_words")
EDGE_LOGIT = -4.0   # a neighbour past the page's edge counts as a confident chrome line


def context_features(logits, features):
    """Second-pass inputs for each row, from first-pass logits of the same page."""
    n = len(logits)
    page_of_row, start, end = page_bounds(features.page_offsets)
    columns = [logits]
    columns += list(shifts(logits, CONTEXT_OFFSETS, start, end, fill=EDGE_LOGIT))
    columns += list(window_means_of(logits, CONTEXT_WINDOWS, start, end))
    pages = len(features.page_offsets) - 1
    sizes = np.maximum(np.diff(features.page_offsets), 1)
    page_mean = np.bincount(page_of_row, weights=logits, minlength=pages) / sizes
    page_max = np.full(pages, -np.inf)
    np.maximum.at(page_max, page_of_row, logits)
    columns += [page_mean[page_of_row], page_max[page_of_row], page_max[page_of_row] - logits]
    # The mean first-pass logit of each container around the line (features.structure):
    # paragraphs that share a container with the article vouch for each other.
    if n:
        for start, end in features.containers.levels + features.containers.main:
            columns.append(range_sum(logits, start, end) / np.maximum(end - start, 1))
        for start, end in features.containers.levels:
            columns.append(range_sum(logits > 0, start, end) / np.maximum(end - start, 1))
        # Regions compete: each container's content words by the first pass, against the
        # page's strongest region (features.regions).
        words = np.expm1(features.dense[:, _LOG_WORDS])
        columns += region_columns(_sigmoid(logits), words, features.containers, page_of_row,
                                  features.page_offsets[:-1][page_of_row], features.page_offsets[1:][page_of_row])
        # Lines of one path vouch for each other: a listing's cards, an article's paragraphs.
        group = features.containers.peers
        counts = np.bincount(group)
        columns += [np.bincount(group, weights=logits)[group] / counts[group],
                    np.bincount(group, weights=logits > 0)[group] / counts[group], np.log(counts[group])]
    return np.column_stack(columns) if n else np.zeros((0, len(context_feature_names()) - len(dense_feature_names())))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


class LineClassifier:
    """Labels lines content (1) or chrome (0). See the module docstring.

    Parameters
    ----------
    alpha : L2 regularisation of the first pass (SGD's alpha): larger is smoother.
    epochs : passes of SGD over the training lines.
    context : train the second, context pass.
    context_folds : site folds used to make out-of-sample logits for the context pass.
    word_weight : weight each training line by "none" (1), "log" (1 + log(1 + words)) or
        "sqrt" (sqrt(1 + words)): a missed paragraph costs more than a missed "Share".
    hash_bits : size of the keyword-cue hash space (2**hash_bits buckets).
    threshold : P(content) at or above which a line is content, or "page" (``labels.PAGE_CUT``):
        each page cut where its expected F-measure is highest.
    site_dropout : share of the training sites whose pages are fitted as if their site
        were not known (see the module docstring).
    """

    def __init__(self, alpha=1e-5, epochs=30, context=True, context_folds=3, word_weight="log",
                 hash_bits=HASH_BITS, threshold=DEFAULT_THRESHOLD, max_iter=1000, random_state=0,
                 site_dropout=SITE_DROPOUT):
        self.alpha = alpha
        self.epochs = epochs
        self.context = context
        self.context_folds = context_folds
        self.word_weight = word_weight
        self.hash_bits = hash_bits
        self.threshold = threshold
        self.max_iter = max_iter
        self.random_state = random_state
        self.site_dropout = site_dropout

    # -- training -------------------------------------------------------------------
    def fit(self, pages, labels, groups=None, page_weights=None, progress=None, sites=None):
        """Fit on ``pages`` (lists of lines) with ``labels`` (lists of 1/0/UNLABELED per line).
        ``groups`` (one per page, e.g. the site) keeps a site's pages in one context fold;
        ``page_weights`` (one per page) scale how much each page's lines count; ``sites``
        (one per page, None where not known) turns on the site features."""
        say = progress or (lambda message: None)
        features, y, keep = self._labeled_rows(pages, labels, say, self._sites_shown(sites))
        weights = self._row_weights(features)
        if page_weights is not None:
            weights = weights * np.repeat(np.asarray(page_weights, dtype=np.float64), np.diff(features.page_offsets))
        self.dense_feature_names_ = dense_feature_names()
        self.scale_mean_ = features.dense.mean(axis=0)
        self.scale_std_ = features.dense.std(axis=0)
        self.scale_std_[self.scale_std_ == 0] = 1.0
        say(f"first pass on {int(keep.sum())} lines")
        self.coef_dense_, self.coef_hash_, self.intercept_ = self._fit_first_pass(features, y, weights, keep)
        self.context_coef_ = np.zeros(0)
        self.context_intercept_ = 0.0
        self.context_mean_ = self.context_std_ = np.zeros(0)
        if self.context:
            logits = self._out_of_fold_logits(features, y, weights, keep, groups, say)
            X = self._context_inputs(logits, features, fit_scale=True)
            say("context pass")
            from sklearn.linear_model import LogisticRegression  # training only: keeps `predict` start-up short

            second = LogisticRegression(C=1.0, max_iter=self.max_iter)
            if keep.all():   # no copy of X when every line is labeled, as in most corpora
                second.fit(X, y, sample_weight=weights)
            else:
                second.fit(X[keep], y[keep], sample_weight=weights[keep])
            self.context_coef_ = second.coef_[0]
            self.context_intercept_ = float(second.intercept_[0])
        self.threshold_ = checked_threshold(self.threshold)
        return self

    def _sites_shown(self, sites):
        """``sites`` with those of a random ``site_dropout`` share of the sites hidden (None)."""
        if sites is None or not self.site_dropout:
            return sites
        names = sorted({site for site in sites if site is not None}, key=repr)
        order = np.random.default_rng(self.random_state).permutation(len(names))
        hidden = {names[i] for i in order[:round(self.site_dropout * len(names))]}
        return [None if site in hidden else site for site in sites]

    def _labeled_rows(self, pages, labels, say, sites=None):
        """(features, label of each row, which rows have one) of training pages; both classes needed."""
        say(f"features of {len(pages)} pages")
        features = extract(pages, self.hash_bits, sites=sites)
        y = self._row_labels(features, labels)
        keep = y != UNLABELED
        if not keep.any() or len(np.unique(y[keep])) < 2:
            raise ValueError("training needs lines of both classes, content and chrome")
        return features, y, keep

    def _row_labels(self, features, labels):
        y = np.full(len(features.line_index), UNLABELED, dtype=np.int64)
        for page, page_labels in enumerate(labels):
            rows = slice(features.page_offsets[page], features.page_offsets[page + 1])
            y[rows] = np.asarray(page_labels, dtype=np.int64)[features.line_index[rows]]
        return y

    def _row_weights(self, features):
        words = np.expm1(features.dense[:, dense_feature_names().index("log_words")])
        if self.word_weight == "log":
            return 1.0 + np.log1p(words)
        if self.word_weight == "sqrt":
            return np.sqrt(1.0 + words)
        if self.word_weight == "none":
            return np.ones(len(words))
        raise ValueError(f"word_weight must be none, log or sqrt, not {self.word_weight!r}")

    def _design(self, features, rows):
        """The first pass's inputs for the rows where ``rows`` (a boolean mask) is true: each
        row's scaled shape features, then a 1 per hashed cue (a cue twice in a row is two
        entries of its column, which for a linear model is a 2). Built straight as CSR,
        column by column, without a scaled copy of the dense block or a COO detour: on a
        few million lines those copies are what runs a machine out of memory."""
        from scipy import sparse

        selected = np.flatnonzero(rows)
        n, d = len(selected), features.dense.shape[1]
        new_row = np.full(len(features.dense), -1, dtype=np.int64)
        new_row[selected] = np.arange(n)
        cue_row = new_row[features.hash_row]
        cue_order = np.argsort(cue_row, kind="stable")
        cue_order = cue_order[cue_row[cue_order] >= 0]
        cues_per_row = np.bincount(cue_row[cue_order], minlength=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(d + cues_per_row, out=indptr[1:])
        data = np.ones(indptr[-1], dtype=np.float64)
        indices = np.empty(indptr[-1], dtype=np.int32 if d + (1 << self.hash_bits) < 2 ** 31 else np.int64)
        starts = indptr[:-1]
        for column in range(d):
            data[starts + column] = (features.dense[selected, column] - self.scale_mean_[column]) / self.scale_std_[column]
            indices[starts + column] = column
        # The k-th cue of a row goes after its d shape features.
        rank = np.arange(len(cue_order)) - np.repeat(np.cumsum(cues_per_row) - cues_per_row, cues_per_row)
        indices[starts[cue_row[cue_order]] + d + rank] = d + features.hash_bucket[cue_order]
        return sparse.csr_matrix((data, indices, indptr), shape=(n, d + (1 << self.hash_bits)))

    def _fit_first_pass(self, features, y, weights, rows):
        from sklearn.linear_model import SGDClassifier

        first = SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=self.epochs, tol=None,
                              average=True, random_state=self.random_state)
        first.fit(self._design(features, rows), y[rows], sample_weight=weights[rows])
        d = len(self.dense_feature_names_)
        coef = first.coef_[0]
        return coef[:d].copy(), coef[d:].astype(np.float32), float(first.intercept_[0])

    def _out_of_fold_logits(self, features, y, weights, keep, groups, say):
        page_of_row, _, _ = page_bounds(features.page_offsets)
        pages = len(features.page_offsets) - 1
        groups = np.asarray(groups if groups is not None else np.arange(pages))
        names, group_of_page = np.unique(groups, return_inverse=True)
        fold_of_group = np.random.default_rng(self.random_state).permutation(len(names)) % self.context_folds
        fold_of_row = fold_of_group[group_of_page][page_of_row]
        logits = np.zeros(len(y))
        fitted = (self.coef_dense_, self.coef_hash_, self.intercept_)
        for fold in range(self.context_folds):
            held_out = fold_of_row == fold
            train = keep & ~held_out
            if not held_out.any() or len(np.unique(y[train])) < 2:
                continue
            say(f"context fold {fold + 1}/{self.context_folds}")
            self.coef_dense_, self.coef_hash_, self.intercept_ = self._fit_first_pass(features, y, weights, train)
            logits[held_out] = self._first_pass_logits(features)[held_out]
        self.coef_dense_, self.coef_hash_, self.intercept_ = fitted
        return logits

    # -- prediction -----------------------------------------------------------------
    def _first_pass_logits(self, features):
        keywords = np.bincount(features.hash_row, weights=self.coef_hash_[features.hash_bucket],
                               minlength=len(features.dense))
        # ((dense - mean) / std) @ coef, with the scaling folded into the weights: no scaled copy.
        weights = self.coef_dense_ / self.scale_std_
        return features.dense @ weights + keywords + (self.intercept_ - self.scale_mean_ @ weights)

    def _context_inputs(self, logits, features, fit_scale=False):
        """Second-pass inputs: context features of the clipped logits beside the shape
        features, scaled. Built in one array and scaled in place, a column at a time: the
        full-size temporaries of the obvious expression run a few million lines out of memory."""
        contexts = context_features(np.clip(logits, -LOGIT_CLIP, LOGIT_CLIP), features)
        k = contexts.shape[1]
        X = np.empty((len(logits), k + features.dense.shape[1]))
        X[:, :k] = contexts
        del contexts
        X[:, k:] = features.dense
        X[:, k:] -= self.scale_mean_
        X[:, k:] /= self.scale_std_
        if fit_scale:
            self.context_mean_ = X.mean(axis=0)
            self.context_std_ = np.array([X[:, column].std() for column in range(X.shape[1])])
            self.context_std_[self.context_std_ == 0] = 1.0
        X -= self.context_mean_
        X /= self.context_std_
        return X

    def row_logits(self, features):
        """Final logits of every classified line (row) of ``features``."""
        logits = self._first_pass_logits(features)
        if not len(self.context_coef_):
            return logits
        # The same as _context_inputs(logits, features) @ context_coef_ + context_intercept_,
        # with both scalings of the shape features folded into one weight per raw column.
        contexts = context_features(np.clip(logits, -LOGIT_CLIP, LOGIT_CLIP), features)
        k = contexts.shape[1]
        weights = self.context_coef_ / self.context_std_
        shape_weights = weights[k:] / self.scale_std_
        constant = (self.context_intercept_ - self.context_mean_ @ weights
                    - (self.scale_mean_ / self.scale_std_) @ weights[k:])
        return contexts @ weights[:k] + features.dense @ shape_weights + constant

    def predict_proba(self, pages, cache=None, sites=None):
        """P(content) for every line of every page: one float array per page, NaN on the
        lines the model does not classify (blank or whitespace-only). ``sites`` (one per
        page, None where not known): pages of one site tell each other their template."""
        features = extract(pages, self.hash_bits, cache, sites=sites)
        probabilities = _sigmoid(self.row_logits(features))
        out = []
        for page, lines in enumerate(pages):
            page_probabilities = np.full(len(lines), np.nan)
            rows = slice(features.page_offsets[page], features.page_offsets[page + 1])
            page_probabilities[features.line_index[rows]] = probabilities[rows]
            out.append(page_probabilities)
        return out

    def predict(self, pages, threshold=None, sites=None):
        """Labels per page: CONTENT / CHROME, UNLABELED for unclassified lines."""
        cut = resolve_threshold(self, threshold)
        probabilities = self.predict_proba(pages, sites=sites)
        return [labels_from_probabilities(p, cut, lines) for p, lines in zip(probabilities, pages)]
