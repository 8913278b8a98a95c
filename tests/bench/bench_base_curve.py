"""Learning curve of `linesift train --base`: what k labeled pages of a new notion of content buy.

A user whose notion differs from the shipped model's: WCXB's pages other than articles
(services, forums, products, collections, listings, documentation: "all main content of the
page type", forum posts with their usernames, product specs), which the shipped model was
not trained on. Per random draw, a third of the sites (all their pages) is held out for
testing; from the other sites k pages are labeled, one page per site, each k's pages a
prefix of the next k's. On the held-out sites, token F1 per page (`evaluate`'s "content,
tokens (per page)"), each model at its own threshold (0.5) of
- the base alone (the shipped model, zero-shot),
- from scratch: `linesift train MY_LABELS` (a LineClassifier with default settings on the k pages),
- `--base`: `linesift train MY_LABELS --base` (linesift.transfer).
Prints the mean and standard deviation over the draws, the mean paired difference of
--base against the better of the other two, and the seconds `--base` took to train (reading
features included, as the command does; the model file's loading and saving left out).

    python tests/bench/bench_base_curve.py                      # about 7 minutes on 2 cores
    python tests/bench/bench_base_curve.py --draws 2 --ks 5,20  # quicker
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from linesift.evaluation import page_labels, score
from linesift.model_file import load_base
from linesift.train import read_corpus, train_model

ROOT = Path(__file__).resolve().parents[2]
WCXB = ROOT.parent / "shared" / "corpus" / "wcxb"
NOT_ARTICLES = "service,forum,product,collection,listing,documentation"


def wcxb_pages(corpus, converter, types):
    """The corpus's labeled dumps of the given page types, flagged pages left out."""
    flagged = []
    for row in (corpus / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = row.split("\t")
        if fields[2] == converter and fields[11].strip():
            flagged.append(str(corpus / fields[3]))
    pages = read_corpus([corpus / "dumps" / converter], exclude=flagged)
    kind = {}
    for meta in (corpus / "pages").glob("*/meta.json"):
        kind[meta.parent.name] = json.loads(meta.read_text(encoding="utf-8"))["page_type"]
    return [page for page in pages if kind[Path(page.source).stem] in types]


def token_f1(model, pages, cache):
    probabilities = model.predict_proba([page.model_lines for page in pages], cache)
    return score(pages, page_labels(pages, probabilities, model.threshold_))["tokens_per_page"]["f1"]


def draw_split(pages, seed, test_share):
    """(test pages, training pool: one page per site of the other sites, in a random order)."""
    rng = np.random.default_rng(seed)
    sites = sorted({page.site for page in pages})
    order = [sites[i] for i in rng.permutation(len(sites))]
    held_out = set(order[:int(test_share * len(sites))])
    test = [page for page in pages if page.site in held_out]
    by_site = {}
    for page in pages:
        by_site.setdefault(page.site, []).append(page)
    pool = [by_site[site][rng.integers(len(by_site[site]))] for site in order[len(held_out):]]
    return test, pool


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=WCXB)
    parser.add_argument("--converter", default="md", choices=["md", "text"])
    parser.add_argument("--types", default=NOT_ARTICLES, help="WCXB page types, comma-separated")
    parser.add_argument("--ks", default="5,10,20,50,100", help="numbers of labeled pages")
    parser.add_argument("--draws", type=int, default=5)
    parser.add_argument("--test-share", type=float, default=1 / 3, help="share of the sites held out for testing")
    parser.add_argument("--base", default=None, help="base model [default: the shipped one]")
    args = parser.parse_args()
    ks = [int(k) for k in args.ks.split(",")]
    say = lambda message: print(message, file=sys.stderr, flush=True)   # noqa: E731

    pages = wcxb_pages(args.corpus, args.converter, set(args.types.split(",")))
    base = load_base(args.base)
    say(f"{len(pages)} pages from {len({p.site for p in pages})} sites; base {base.source_['file']} "
        f"(sha256 {base.source_['sha256'][:12]})")
    rows = {k: {"base": [], "scratch": [], "--base": [], "seconds": []} for k in ks}
    for draw in range(args.draws):
        test, pool = draw_split(pages, draw, args.test_share)
        if len(pool) < max(ks):
            raise SystemExit(f"only {len(pool)} training sites: lower --ks or --test-share")
        cache = {}
        alone = token_f1(base, test, cache)
        for k in ks:
            labeled = pool[:k]
            scratch = train_model(labeled, {})
            started = time.perf_counter()
            based = train_model(labeled, {}, base=base)
            seconds = time.perf_counter() - started
            row = rows[k]
            row["base"].append(alone)
            row["scratch"].append(token_f1(scratch, test, cache))
            row["--base"].append(token_f1(based, test, cache))
            row["seconds"].append(seconds)
            say(f"draw {draw + 1}/{args.draws}, {len(test)} test pages, k={k}: base {alone:.3f}, "
                f"scratch {row['scratch'][-1]:.3f}, --base {row['--base'][-1]:.3f} ({seconds:.1f}s)")

    print(f"WCXB {args.converter} dumps, page types {args.types}: {len(pages)} pages, "
          f"{len({p.site for p in pages})} sites; {args.draws} draws, {args.test_share:.0%} of the sites held out; "
          f"base sha256 {base.source_['sha256'][:12]}\n")
    print("| labeled pages | base alone | from scratch | --base | --base minus the better other (paired) "
          "| --base training s |")
    print("|---|---|---|---|---|---|")

    def cell(values):
        return f"{np.mean(values):.3f} ± {np.std(values):.3f}"

    for k in ks:
        row = rows[k]
        margin = np.array(row["--base"]) - np.maximum(row["base"], row["scratch"])
        print(f"| {k} | {cell(row['base'])} | {cell(row['scratch'])} | {cell(row['--base'])} | "
              f"{np.mean(margin):+.3f} (min {margin.min():+.3f}, max {margin.max():+.3f}) | "
              f"{np.mean(row['seconds']):.1f} |")


if __name__ == "__main__":
    main()
