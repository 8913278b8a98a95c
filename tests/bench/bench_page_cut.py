"""Compare ways of cutting a page's lines into content and chrome on the same out-of-fold
probabilities: fixed thresholds, the page cut at several b², and the best threshold chosen
per page with the gold text in hand (a ceiling for any per-page threshold, not a method).

Trains K folds by site over the corpora given (as ``measure_corpus.py``: the flagged pages
left out, ``--weight`` per corpus, ``--params`` the LineClassifier's hyperparameters), keeps
each page's out-of-fold P(content), then labels them every way and scores each corpus: word
F1 against gold (WCXB's measure, mean of per-page F1s) for HTML corpora, per page type where
the pages have one, and token F1 per page against the line labels for dumps. The rows differ
only in the cut: the probabilities are the same.

    python tests/bench/bench_page_cut.py ../shared/corpus/wcxb/pages ../shared/corpus/dragnet/pages \\
        --weight ../shared/corpus/wcxb/pages=2 --exclude flagged.txt --folds 3 --params '{"alpha": 3e-5}'
"""

import argparse

import numpy as np
from measure_corpus import add_corpus_arguments, out_of_fold, read_corpora

from linesift.evaluation import PAGE_TYPE_ORDER, content_text, score
from linesift.labels import CHROME, CONTENT, UNLABELED, labels_from_probabilities, page_cut
from linesift.wordbag import word_scores

FIXED = (0.4, 0.5)
RECALL_WEIGHTS = (0.5, 0.6, 0.7, 1.0)
ORACLE_GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)


def cut_labels(probabilities, lines, recall_weight):
    labels = np.where(page_cut(probabilities, lines, recall_weight), CONTENT, CHROME)
    labels[np.isnan(probabilities)] = UNLABELED
    return labels


def best_threshold_labels(probabilities, page):
    """The labels at the grid threshold that scores this page best against its gold text."""
    def f1(labels):
        return word_scores(content_text(page.lines, labels), page.gold)[2]
    return max((labels_from_probabilities(probabilities, float(t), page.lines) for t in ORACLE_GRID), key=f1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_arguments(parser, folds=3)
    args = parser.parse_args()
    pages, corpus_of, weights = read_corpora(args)
    probabilities = out_of_fold(pages, args)
    cuts = {f"threshold {t}": (lambda p, page, t=t: labels_from_probabilities(p, t, page.lines)) for t in FIXED}
    cuts.update({f"page cut, b² {b}": (lambda p, page, b=b: cut_labels(p, page.lines, b)) for b in RECALL_WEIGHTS})
    cuts["best threshold per page (gold in hand)"] = best_threshold_labels
    print(f"site-grouped {args.folds}-fold CV over {len(pages)} pages; params {args.params}; weights {weights}\n")
    for corpus in args.corpora:
        chosen = [i for i, c in enumerate(corpus_of) if c == corpus]
        subset = [pages[i] for i in chosen]
        gold = all(page.gold is not None for page in subset)
        rows = []
        for name, cut in cuts.items():
            if not gold and name.startswith("best threshold"):
                continue
            m = score(subset, [cut(probabilities[i], pages[i]) for i in chosen])
            if gold:
                types = m.get("page_types", {})
                rows.append((name, m["words"]["f1"], *(types[t]["words"]["f1"] if t in types else None
                                                       for t in PAGE_TYPE_ORDER)))
            else:
                rows.append((name, m["tokens_per_page"]["f1"]))
        measure = "word F1 vs gold" if gold else "token F1 per page"
        header = ["cut", measure] + (list(PAGE_TYPE_ORDER) if gold and any(r[2:] != (None,) * 7 for r in rows) else [])
        print(f"{corpus} ({len(subset)} pages)\n")
        print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
        for row in rows:
            cells = [row[0]] + [f"{v:.4f}" if v is not None else "—" for v in row[1:len(header)]]
            print("| " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
