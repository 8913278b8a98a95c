"""How to start from the base model: the candidates `--base` was chosen from, measured alike.

On the split of bench_base_curve.py (WCXB's non-article pages, a third of the sites held
out, k labeled pages from the others, one per site), token F1 per page on the held-out
sites of
- base alone, and from scratch (a LineClassifier on the k pages), as in the curve;
- stacking: a new logistic regression (scikit-learn, as strongly regularised) on the k pages over the
  context columns of the base's logits (the line's, its neighbours', windows', the page's)
  and the shape features, in place of the base;
- warm start: the base's first pass with its weights refitted on the k pages, L2 pulling
  them toward the base's weights instead of toward 0, the base's context pass kept on top;
- correction (what `--base` does, linesift.transfer): the base's final logit as the offset
  of a logistic regression on shape features, the base's logit context and keyword cues,
  L2 pulling the correction toward 0;
- both: the warm-started model as the base of a correction.
Warm start and correction use the same solver, page weights and pulls
(linesift.transfer.fit_offset_logistic, BASE_PULL, CUE_PULL).

    python tests/bench/bench_base_methods.py                 # about 7 minutes on 2 cores
"""

import argparse
import copy
import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from linesift.model import LineClassifier
from linesift.model_file import load_base
from linesift.train import train_model
from linesift.transfer import BASE_PULL, CUE_PULL, BasedLineClassifier, _cue_matrix, _per_page, fit_offset_logistic

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_base_curve import NOT_ARTICLES, WCXB, draw_split, token_f1, wcxb_pages  # noqa: E402


class Stacked(BasedLineClassifier):
    """A fresh logistic regression over the base's logit context and the shape features,
    its L2 as strong as the correction's (C = 1 / pull: scikit-learn's C multiplies the loss)."""

    def fit(self, pages, labels, groups=None, page_weights=None, progress=None):
        from sklearn.linear_model import LogisticRegression

        self._take_base()
        features, y, keep, weights = _training_rows(self, pages, labels)
        base_logits = LineClassifier.row_logits(self, features)
        self._fit_context_scale(base_logits, features)
        second = LogisticRegression(C=1 / self.pull, max_iter=1000)
        second.fit(self._dense_block(features, base_logits)[keep], y[keep], sample_weight=weights[keep])
        self.stack_coef_, self.stack_intercept_ = second.coef_[0], float(second.intercept_[0])
        self.threshold_ = float(self.threshold)
        return self

    def row_logits(self, features):
        base_logits = LineClassifier.row_logits(self, features)
        return self._dense_block(features, base_logits) @ self.stack_coef_ + self.stack_intercept_


def _training_rows(model, pages, labels):
    """(features, labels, labeled rows, weights) as BasedLineClassifier.fit makes them."""
    features, y, keep = model._labeled_rows(pages, labels, lambda message: None)
    return features, y, keep, _per_page(model._row_weights(features) * keep, features.page_offsets)


def warm_start(base, pages, labels):
    """The base with its first pass refitted toward its own weights; its context pass kept."""
    model = copy.copy(base)
    features, y, keep, weights = _training_rows(base, pages, labels)
    shape = (features.dense - base.scale_mean_) / base.scale_std_
    first = base._first_pass_logits(features)
    dense, cues, intercept = fit_offset_logistic(shape[keep], _cue_matrix(features, base.hash_bits)[keep], y[keep],
                                                 first[keep], weights[keep], BASE_PULL, CUE_PULL)
    model.coef_dense_ = base.coef_dense_ + dense
    model.coef_hash_ = base.coef_hash_ + cues
    model.intercept_ = base.intercept_ + intercept
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ks", default="5,20,100")
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--first-draw", type=int, default=0, help="seed of the first draw")
    parser.add_argument("--test-share", type=float, default=1 / 3)
    args = parser.parse_args()
    ks = [int(k) for k in args.ks.split(",")]
    threadpool_limits(limits=1, user_api="blas")   # small problems: BLAS threads only get in each other's way
    pages = wcxb_pages(WCXB, "md", set(NOT_ARTICLES.split(",")))
    base = load_base()
    methods = ("base alone", "from scratch", "stacking", "warm start", "correction (--base)", "both")
    scores = {(k, m): [] for k in ks for m in methods}
    for draw in range(args.first_draw, args.first_draw + args.draws):
        test, pool = draw_split(pages, draw, args.test_share)
        cache = {}
        alone = token_f1(base, test, cache)
        for k in ks:
            labeled = pool[:k]
            lines, labels = [p.model_lines for p in labeled], [p.labels for p in labeled]
            fitted = {
                "from scratch": train_model(labeled, {}),
                "stacking": Stacked(base).fit(lines, labels),
                "warm start": warm_start(base, lines, labels),
                "correction (--base)": train_model(labeled, {}, base=base),
            }
            fitted["both"] = BasedLineClassifier(fitted["warm start"]).fit(lines, labels)
            scores[(k, "base alone")].append(alone)
            for name, model in fitted.items():
                scores[(k, name)].append(token_f1(model, test, cache))
            print(f"draw {draw}, k={k}: " + ", ".join(f"{m} {scores[(k, m)][-1]:.3f}" for m in methods),
                  file=sys.stderr, flush=True)
    print(f"token F1 per page on held-out sites, mean ± sd over {args.draws} draws (seeds {args.first_draw}-"
          f"{args.first_draw + args.draws - 1})\n")
    print("| labeled pages | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    for k in ks:
        print(f"| {k} | " + " | ".join(f"{np.mean(scores[(k, m)]):.3f} ± {np.std(scores[(k, m)]):.3f}"
                                       for m in methods) + " |")


if __name__ == "__main__":
    main()
