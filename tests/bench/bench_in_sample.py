"""Pages that fail out of fold, read again by the shipped model, which was trained on them:
does a page fail because the model cannot represent it, or because what it learned from
the page's own site does not carry to a site not seen?

Per page, WCXB's word measure (``linesift.wordbag``, as ``bench_html_peers.py`` scores) of
the out-of-fold text (``--predictions FILE.json``, e.g. ``measure_corpus.py --texts``)
against ``gold.txt``; the pages of the chosen page types whose out-of-fold word recall is
under ``--below`` are classified again by the shipped model (in sample: an upper bound, not
an accuracy) and their recall printed beside it. Page ids only, never their text.

    python tests/bench/bench_in_sample.py --corpus wcxb --predictions step-wcxb.json --types listing collection
"""

import argparse
import json
import logging
from pathlib import Path

import bench_html_peers as peers

from linesift.api import classify_html
from linesift.model_file import load_model
from linesift.output import cleaned_text
from linesift.wordbag import word_scores


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="wcxb")
    parser.add_argument("--shared", type=Path, default=peers.SHARED)
    parser.add_argument("--predictions", type=Path, required=True, help="linesift's out-of-fold {page_id: text} JSON")
    parser.add_argument("--types", nargs="+", default=["listing", "collection"], help="meta.json page types")
    parser.add_argument("--below", type=float, default=0.3, help="out-of-fold word recall under this")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    predicted = json.loads(args.predictions.read_text(encoding="utf-8"))
    pages = [page for page in peers.corpus_pages(args.shared / "corpus" / args.corpus) if page["group"] in args.types]
    failing = [(page, recall) for page in pages
               for recall in [word_scores(predicted.get(page["id"]) or "", page["gold"])[1]] if recall < args.below]
    model = load_model()
    rows = []
    for page, out_of_fold in failing:
        result = classify_html(model, [(page["folder"] / "page.html.gz").read_bytes()])[0]
        rows.append((page["id"], page["group"], out_of_fold,
                     word_scores(cleaned_text(result, model.threshold_), page["gold"])[1]))
    if not rows:
        print(f"{args.corpus}: no page of {', '.join(args.types)} with word recall under {args.below}")
        return
    print(f"{args.corpus}: {len(rows)} of {len(pages)} pages of {', '.join(args.types)} with out-of-fold word recall "
          f"under {args.below}: mean recall out of fold **{sum(r[2] for r in rows) / len(rows):.2f}**, in sample "
          f"(the shipped model) **{sum(r[3] for r in rows) / len(rows):.2f}**\n")
    for page_id, group, out_of_fold, in_sample in rows:
        print(f"{page_id}\t{group}\tout of fold {out_of_fold:.2f}\tin sample {in_sample:.2f}")


if __name__ == "__main__":
    main()
