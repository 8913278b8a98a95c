"""Count linesift's catastrophes against a peer: pages where linesift's word F1 is low
while the peer's is high (by default linesift < 0.3 and trafilatura > 0.8).

Per page, WCXB's word measure (``linesift.wordbag``: the lower-cased ``\\w+`` words as a
bag; F1 of their overlap with ``gold.txt``; an empty output scores 0), on the unflagged
pages of a shared corpus, as ``bench_html_peers.py`` scores them. linesift's text is given
per page (``--predictions FILE.json``, e.g. the out-of-fold texts of
``measure_corpus.py --texts``); the peer's text is read from ``bench_html_peers.py``'s cache
(run that first with the same ``--cache``), or the peer is run here when it is not cached.
Prints the count, the count per page type, and the page ids (never their text).

    python tests/bench/bench_catastrophes.py --corpus wcxb --cache ../peer-cache --predictions cv-wcxb.json
"""

import argparse
import json
import logging
from collections import Counter
from pathlib import Path

import bench_html_peers as peers

from linesift.wordbag import word_scores


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="wcxb")
    parser.add_argument("--shared", type=Path, default=peers.SHARED)
    parser.add_argument("--predictions", type=Path, required=True, help="linesift's {page_id: text} JSON")
    parser.add_argument("--peer", default="trafilatura", help="a tool of bench_html_peers.py (default trafilatura)")
    parser.add_argument("--cache", type=Path, default=None, help="bench_html_peers.py's cache folder")
    parser.add_argument("--low", type=float, default=0.3, help="linesift's word F1 below this ...")
    parser.add_argument("--high", type=float, default=0.8, help="... while the peer's is above this")
    parser.add_argument("--by", default="page_type", help="meta.json key to count by")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    corpus_dir = args.shared / "corpus" / args.corpus
    pages = peers.corpus_pages(corpus_dir, group_key=args.by)
    extract, depends_on = peers.TOOLS[args.peer]
    version = peers.tool_version(depends_on)
    cache = peers._cache_path(args.cache, args.corpus, args.peer) if args.cache else None
    outputs = peers.load_cache(cache, version)
    if not peers.run_tool(extract, pages, outputs):
        raise SystemExit(f"{args.peer} is not installed")
    predicted = json.loads(args.predictions.read_text(encoding="utf-8"))
    hits, by_group = [], Counter()
    totals = Counter(page["group"] for page in pages)
    for page in pages:
        ours = word_scores(predicted.get(page["id"]) or "", page["gold"])[2]
        theirs = word_scores(outputs[page["id"]]["text"], page["gold"])[2]
        if ours < args.low and theirs > args.high:
            hits.append((page["id"], page["group"], ours, theirs))
            by_group[page["group"]] += 1
    reverse = sum(1 for page in pages
                  if word_scores(outputs[page["id"]]["text"], page["gold"])[2] < args.low
                  and word_scores(predicted.get(page["id"]) or "", page["gold"])[2] > args.high)
    print(f"{args.corpus}: {len(pages)} pages; linesift word F1 < {args.low} while {args.peer} > {args.high}: "
          f"**{len(hits)}** pages ({len(hits) / len(pages):.1%}); the reverse ({args.peer} < {args.low}, "
          f"linesift > {args.high}): {reverse}\n")
    print(f"| {args.by} | pages | catastrophes |\n|---|---|---|")
    for group in sorted(totals, key=str):
        print(f"| {group} | {totals[group]} | {by_group[group]} |")
    print()
    for page_id, group, ours, theirs in hits:
        print(f"{page_id}\t{group}\tlinesift {ours:.3f}\t{args.peer} {theirs:.3f}")


if __name__ == "__main__":
    main()
