"""Features of this checkout against another revision's, bit for bit, on a fixed sample of
real pages: labeled/ and every 20th HTML page and every 40th dump of the ../shared corpora.

``save`` runs under the other revision's code and keeps its features (outside the
project: they come from the corpora); ``check`` computes this checkout's, by the batch
path and by the line-at-a-time one, and says what differs. A speed change passes when
everything is equal.

    mkdir -p /tmp/ref && git archive main src | tar -x -C /tmp/ref
    PYTHONPATH=/tmp/ref/src python tests/bench/compare_features.py save /tmp/ref_features.npz
    python tests/bench/compare_features.py check /tmp/ref_features.npz
"""

import argparse
from pathlib import Path

import numpy as np

from linesift.corpus import read_labeled_corpus
from linesift.features import dense_feature_names, extract
from linesift.reading import read_bytes, read_html_page

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
PARTS = ("dense", "hash_row", "hash_bucket", "line_index", "page_offsets")


def sample_pages():
    """(pages, a site per page): the site pass is compared too."""
    labeled = read_labeled_corpus([str(ROOT / "labeled")])
    pages = [page.model_lines for page in labeled]
    sites = [page.site for page in labeled]
    for path in sorted(CORPUS.glob("*/pages/*/page.html.gz"))[::20]:
        pages.append(read_html_page(path, read_bytes(path), "x").markup)
        sites.append(None)
    for path in sorted(CORPUS.glob("*/dumps/*/*/*.tsv"))[::40]:
        pages.append(read_labeled_corpus([path])[0].lines)
        sites.append(("dumps", path.parts[-4], path.parts[-3], path.parts[-2]))
    return pages, sites


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("reference", help="the .npz file of the other revision's features")
    args = parser.parse_args()
    pages, sites = sample_pages()
    lines = sum(map(len, pages))
    if args.action == "save":
        features = extract(pages, sites=sites)
        np.savez(args.reference, **{part: getattr(features, part) for part in PARTS})
        print(f"saved the features of {len(pages)} pages ({lines:,} lines): {features.dense.shape[1]} columns")
        return
    reference = np.load(args.reference)
    different = 0
    for path, features in (("batch", extract(pages, sites=sites)),
                           ("line at a time", extract(pages, cue_names=True, sites=sites))):
        for part in PARTS:
            mine, theirs = getattr(features, part), reference[part]
            if mine.shape != theirs.shape or not np.array_equal(mine, theirs):
                different += 1
                print(f"{path}: {part} differs", end="")
                if part == "dense" and mine.shape == theirs.shape:
                    columns = np.flatnonzero((mine != theirs).any(axis=0))
                    print(": " + ", ".join(dense_feature_names()[c] for c in columns), end="")
                print()
    print(f"{len(pages)} pages ({lines:,} lines): " + ("all equal" if not different else f"{different} parts differ"))


if __name__ == "__main__":
    main()
