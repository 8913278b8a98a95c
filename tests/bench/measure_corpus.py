"""Measure linesift by site-grouped cross-validation on labeled corpora, per corpus.

Trains and tests K folds over the union of the corpora given (sites dealt to folds at
random, so no site is on both sides), then scores each corpus separately, beside the two
reference rules computed by the same code. Pages listed in an exclude file (the shared
corpus's flagged pages) are left out. Prints a markdown table; --json for the raw report.
``--also-threshold T`` scores the same out-of-fold probabilities labeled at T as well (rows
"linesift at T"): two decisions compared on one training.

``--texts CORPUS=FILE.json`` writes, for each page of the HTML corpus CORPUS (one of those
given), its out-of-fold content text as {page_id: text} (page_id: the page's folder name),
which tests/bench/bench_html_peers.py scores beside the field's extractors
(``--predictions "linesift CV"=FILE.json``), by the same code on the same pages.

Each held-out page is also classified by the same fold's model without its site known
(the site pass off: ``features.site``), and a second table gives token F1 per page with
and without it, by how many pages the page's site has in its corpus (1, 2, 3 or more).

    python tests/bench/measure_corpus.py ../shared/corpus/dragnet/dumps/text \\
        ../shared/corpus/dragnet/dumps/md ../shared/corpus/cleaneval/dumps/text \\
        ../shared/corpus/cleaneval/dumps/md labeled --exclude flagged.txt --folds 5
    python tests/bench/measure_corpus.py ../shared/corpus/wcxb/pages ../shared/corpus/dragnet/pages \\
        --exclude flagged.txt --texts ../shared/corpus/wcxb/pages=/work/peer-cache/cv-wcxb.json
"""

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from linesift.atomic import atomic_writer
from linesift.evaluation import BASELINES, content_text, cross_validate, page_labels, predict_with_sites, score
from linesift.labels import DEFAULT_THRESHOLD, checked_threshold
from linesift.model import LineClassifier
from linesift.reading import read_path_list
from linesift.train import read_corpus


def add_corpus_arguments(parser, folds):
    """The corpora and the training setup every cross-validation benchmark takes."""
    parser.add_argument("corpora", nargs="+")
    parser.add_argument("--exclude", help="file of labeled page paths to leave out")
    parser.add_argument("--folds", type=int, default=folds)
    parser.add_argument("--params", default="{}", help="LineClassifier hyperparameters as JSON")
    parser.add_argument("--weight", action="append", default=[], metavar="CORPUS=W",
                        help="training weight of a corpus's pages, as linesift train --weight")


def read_corpora(args):
    """(pages, the corpus each page came from, weights) of ``add_corpus_arguments``' corpora."""
    exclude = read_path_list(args.exclude) if args.exclude else []
    weights = {path: float(w) for path, _, w in (item.rpartition("=") for item in args.weight)}
    pages, corpus_of = [], []
    for corpus in args.corpora:
        found = read_corpus([corpus], exclude, weights)
        pages += found
        corpus_of += [corpus] * len(found)
    return pages, corpus_of, weights


def out_of_fold(pages, args, predict=predict_with_sites):
    """``cross_validate`` with ``args``' folds and hyperparameters, its progress on stderr."""
    params = json.loads(args.params)
    started = time.time()
    return cross_validate(pages, lambda: LineClassifier(**params), folds=args.folds, predict=predict,
                          progress=lambda m: print(f"{m} ({time.time() - started:.0f}s)", file=sys.stderr))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_corpus_arguments(parser, folds=5)
    parser.add_argument("--texts", action="append", default=[], metavar="CORPUS=FILE.json",
                        help="write the out-of-fold content text of each page of the HTML corpus CORPUS")
    parser.add_argument("--also-threshold", type=checked_threshold, default=None, metavar="T",
                        help="also score the same out-of-fold probabilities labeled at T (a number or 'page')")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts_of = dict(item.rpartition("=")[::2] for item in args.texts)
    unknown = set(texts_of) - set(args.corpora)
    if unknown:
        raise SystemExit(f"--texts names corpora not given: {sorted(unknown)}")
    pages, corpus_of, weights = read_corpora(args)
    params = json.loads(args.params)
    both = out_of_fold(pages, args, predict=with_and_without_sites)
    cut = params.get("threshold", DEFAULT_THRESHOLD)
    with_sites, without = zip(*both)
    predictions = page_labels(pages, with_sites, cut)
    without_sites = page_labels(pages, without, cut)
    also = page_labels(pages, with_sites, args.also_threshold) if args.also_threshold is not None else None
    for corpus, path in texts_of.items():
        write_texts(path, [(pages[i], predictions[i]) for i, c in enumerate(corpus_of) if c == corpus])
        print(f"wrote {path}", file=sys.stderr)
    report = {"params": params, "weights": weights, "folds": args.folds, "corpora": {},
              "site_pass": site_pass_report(pages, corpus_of, predictions, without_sites)}
    for corpus in args.corpora:
        chosen = [i for i, c in enumerate(corpus_of) if c == corpus]
        subset = [pages[i] for i in chosen]
        report["corpora"][corpus] = {
            "linesift": score(subset, [predictions[i] for i in chosen]),
            **({f"linesift at {args.also_threshold}": score(subset, [also[i] for i in chosen])}
               if args.also_threshold is not None else {}),
            **{name: score(subset, [rule(p) for p in subset]) for name, rule in BASELINES.items()},
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"site-grouped {args.folds}-fold CV over {len(pages)} pages; params {params}; weights {weights}\n")
    print(table(report))
    by_type = page_type_table(report)
    if by_type:
        print("\n" + by_type)
    print("\n" + site_pass_table(report))


def with_and_without_sites(model, pages):
    """(P(content) with the pages' sites known, without) for each held-out page."""
    return list(zip(predict_with_sites(model, pages), model.predict_proba([p.model_lines for p in pages])))


SITE_SIZES = ("1 page", "2 pages", "3+ pages")


def site_sizes(sites):
    """For each page's site (one per page), how many pages its site has: a SITE_SIZES label."""
    pages_of_site = Counter(sites)
    return [SITE_SIZES[min(pages_of_site[site], len(SITE_SIZES)) - 1] for site in sites]


def site_pass_report(pages, corpus_of, with_sites, without_sites):
    """{corpus: {site size: {"pages", "with", "without"}}}: token F1 per page with the site pass and without."""
    size_of = site_sizes([page.site_key for page in pages])
    report = {}
    for corpus in dict.fromkeys(corpus_of):
        for size in SITE_SIZES:
            chosen = [i for i, c in enumerate(corpus_of) if c == corpus and size_of[i] == size]
            if chosen:
                subset = [pages[i] for i in chosen]
                report.setdefault(corpus, {})[size] = {
                    "pages": len(chosen),
                    **{name: score(subset, [labels[i] for i in chosen])["tokens_per_page"]["f1"]
                       for name, labels in (("with", with_sites), ("without", without_sites))}}
    return report


def site_pass_table(report):
    rows = ["| corpus | pages of the site | pages | token F1 per page, site pass | without | gain |",
            "|---|---|---|---|---|---|"]
    for corpus, sizes in report["site_pass"].items():
        for size, m in sizes.items():
            rows.append(f"| {corpus} | {size} | {m['pages']} | {m['with']:.3f} | {m['without']:.3f} "
                        f"| {m['with'] - m['without']:+.3f} |")
    return "\n".join(rows)


def write_texts(path, labeled_pages):
    """{page_id: content text} of an HTML corpus's pages, written atomically."""
    texts = {}
    for page, labels in labeled_pages:
        if page.gold is None:
            raise SystemExit(f"--texts: {page.source} is not a page of an HTML corpus (page.html beside gold.txt)")
        texts[Path(page.source).parent.name] = content_text(page.lines, labels)
    with atomic_writer(path) as handle:
        json.dump(texts, handle)


def table(report):
    rows = ["| corpus | pages | method | line P | line R | line F1 | token F1 (pooled) | token P / R / F1 (per page) "
            "| shingle P / R / F1 vs gold | word P / R / F1 vs gold (WCXB) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for corpus, scores in report["corpora"].items():
        for method, m in scores.items():
            t = m["tokens_per_page"]
            g = m.get("shingles")
            gold = f"{g['precision']:.3f} / {g['recall']:.3f} / **{g['f1']:.3f}**" if g else "—"
            w = m.get("words")
            words = f"{w['precision']:.3f} / {w['recall']:.3f} / **{w['f1']:.3f}**" if w else "—"
            rows.append(f"| {corpus} | {m['pages']} | {method} | {m['content']['precision']:.3f} | {m['content']['recall']:.3f} "
                        f"| {m['content']['f1']:.3f} | {m['tokens']['f1']:.3f} | {t['precision']:.3f} / {t['recall']:.3f} / "
                        f"**{t['f1']:.3f}** | {gold} | {words} |")
    return "\n".join(rows)


def page_type_table(report):
    """linesift's F1 by both measures per page type, for corpora whose pages have one (wcxb)."""
    rows = []
    for corpus, scores in report["corpora"].items():
        for method, labeled in scores.items():
            for page_type, m in labeled.get("page_types", {}).items() if method.startswith("linesift") else ():
                rows.append(f"| {corpus} | {method} | {page_type} | {m['pages']} | {m['words']['f1']:.3f} "
                            f"| {m['shingles']['f1']:.3f} |")
    header = ["| corpus | method | page type | pages | word F1 (WCXB) | shingle F1 |", "|---|---|---|---|---|---|"]
    return "\n".join(header + rows) if rows else ""


if __name__ == "__main__":
    main()
