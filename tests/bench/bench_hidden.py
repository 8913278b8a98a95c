"""Hidden text: how much of a corpus's gold text sits in hidden blocks, and how linesift's
output scores on the pages where it does.

For each unflagged page of a shared HTML corpus: the share of its gold words (WCXB's word
measure, ``linesift.wordbag``) found in its visible lines, and in its visible and hidden
lines together (``linesift.html``: a hidden block's lines carry HIDDEN on their path). A page
whose recall rises by more than --gain with the hidden lines is a page whose content is
hidden (a soft paywall, a tab, an accordion). With ``--predictions NAME=FILE.json``
({page_id: text}, e.g. the out-of-fold texts of ``measure_corpus.py --texts``), each
prediction's mean word F1 on those pages and on the others. Prints counts and scores,
never text.

    python tests/bench/bench_hidden.py --corpus wcxb --predictions "linesift CV"=../cv-wcxb.json
"""

import argparse
import gzip
import json
from pathlib import Path

import bench_html_peers as peers

from linesift.html import HIDDEN, read_html
from linesift.wordbag import word_scores


def page_html(folder):
    plain = folder / "page.html"
    return plain.read_bytes() if plain.is_file() else gzip.decompress((folder / "page.html.gz").read_bytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="wcxb")
    parser.add_argument("--shared", type=Path, default=peers.SHARED)
    parser.add_argument("--gain", type=float, default=0.1, help="recall the hidden lines add to a 'hidden content' page"
                        " (default 0.1)")
    parser.add_argument("--predictions", action="append", default=[], metavar="NAME=FILE.json")
    args = parser.parse_args()
    pages = peers.corpus_pages(args.shared / "corpus" / args.corpus)
    hidden_pages, visible_recall, all_recall, hidden_lines, lines = set(), 0.0, 0.0, 0, 0
    for page in pages:
        read = read_html(page_html(page["folder"]))
        visible = " ".join(line.text for line in read if HIDDEN not in line.tags)
        everything = " ".join(line.text for line in read)
        before, after = word_scores(visible, page["gold"])[1], word_scores(everything, page["gold"])[1]
        visible_recall, all_recall = visible_recall + before, all_recall + after
        hidden_lines += sum(HIDDEN in line.tags for line in read)
        lines += len(read)
        if after - before > args.gain:
            hidden_pages.add(page["id"])
    print(f"{args.corpus}: {len(pages)} pages, {lines:,} lines of which {hidden_lines:,} hidden "
          f"({hidden_lines / max(lines, 1):.1%}); gold word recall of every visible line "
          f"{visible_recall / len(pages):.4f}, with the hidden lines {all_recall / len(pages):.4f}; "
          f"pages whose hidden lines add more than {args.gain} recall: {len(hidden_pages)}")
    for spec in args.predictions:
        name, _, path = spec.partition("=")
        predicted = json.loads(Path(path).read_text(encoding="utf-8"))
        scores = {page["id"]: word_scores(predicted.get(page["id"]) or "", page["gold"])[2] for page in pages}
        on = [scores[i] for i in hidden_pages]
        off = [score for i, score in scores.items() if i not in hidden_pages]
        print(f"  {name}: word F1 {sum(on) / max(len(on), 1):.4f} on the {len(on)} hidden-content pages, "
              f"{sum(off) / max(len(off), 1):.4f} on the other {len(off)}")


if __name__ == "__main__":
    main()
