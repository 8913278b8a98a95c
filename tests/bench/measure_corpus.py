"""Measure linesift by site-grouped cross-validation on labeled corpora, per corpus.

Trains and tests K folds over the union of the corpora given (sites dealt to folds at
random, so no site is on both sides), then scores each corpus separately, beside the two
reference rules computed by the same code. Pages listed in an exclude file (the shared
corpus's flagged pages) are left out. Prints a markdown table; --json for the raw report.

    python tests/bench/measure_corpus.py ../shared/corpus/dragnet/dumps/text \\
        ../shared/corpus/dragnet/dumps/md ../shared/corpus/cleaneval/dumps/text \\
        ../shared/corpus/cleaneval/dumps/md labeled --exclude flagged.txt --folds 5
"""

import argparse
import json
import sys
import time

from linesift.evaluation import BASELINES, cross_validate, score
from linesift.model import DEFAULT_THRESHOLD, LineClassifier, labels_from_probabilities
from linesift.reading import read_path_list
from linesift.train import read_corpus


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpora", nargs="+")
    parser.add_argument("--exclude", help="file of labeled page paths to leave out")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--params", default="{}", help="LineClassifier hyperparameters as JSON")
    parser.add_argument("--weight", action="append", default=[], metavar="CORPUS=W",
                        help="training weight of a corpus's pages, as linesift train --weight")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    exclude = read_path_list(args.exclude) if args.exclude else []
    pages, corpus_of = [], []
    weights = {path: float(w) for path, _, w in (item.rpartition("=") for item in args.weight)}
    for corpus in args.corpora:
        found = read_corpus([corpus], exclude, weights)
        pages += found
        corpus_of += [corpus] * len(found)
    started = time.time()
    params = json.loads(args.params)
    probabilities = cross_validate(pages, lambda: LineClassifier(**params), folds=args.folds,
                                   progress=lambda m: print(f"{m} ({time.time() - started:.0f}s)", file=sys.stderr))
    cut = params.get("threshold", DEFAULT_THRESHOLD)
    predictions = [labels_from_probabilities(p, cut) for p in probabilities]
    report = {"params": params, "weights": weights, "folds": args.folds, "corpora": {}}
    for corpus in args.corpora:
        chosen = [i for i, c in enumerate(corpus_of) if c == corpus]
        subset = [pages[i] for i in chosen]
        report["corpora"][corpus] = {
            "linesift": score(subset, [predictions[i] for i in chosen]),
            **{name: score(subset, [rule(p) for p in subset]) for name, rule in BASELINES.items()},
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"site-grouped {args.folds}-fold CV over {len(pages)} pages; params {params}; weights {weights}\n")
    print(table(report))


def table(report):
    rows = ["| corpus | pages | method | line P | line R | line F1 | token F1 (pooled) | token P / R / F1 (per page) "
            "| shingle P / R / F1 vs gold |", "|---|---|---|---|---|---|---|---|---|"]
    for corpus, scores in report["corpora"].items():
        for method, m in scores.items():
            t = m["tokens_per_page"]
            g = m.get("shingles")
            gold = f"{g['precision']:.3f} / {g['recall']:.3f} / **{g['f1']:.3f}**" if g else "—"
            rows.append(f"| {corpus} | {m['pages']} | {method} | {m['content']['precision']:.3f} | {m['content']['recall']:.3f} "
                        f"| {m['content']['f1']:.3f} | {m['tokens']['f1']:.3f} | {t['precision']:.3f} / {t['recall']:.3f} / "
                        f"**{t['f1']:.3f}** | {gold} |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
