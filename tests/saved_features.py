"""The features of the invented pages of tests/feature_pages.py, kept in
tests/data/saved_features.npz: the compiled line statistics are the definition, and these
numbers pin what they give (tests/test_saved_features.py). A change of a feature on purpose
saves them again, and says so in the commit:

    python tests/saved_features.py

Saved: the features of all the pages in one batch (with sites, so the site pass counts),
of each page alone, and the cue names of the batch.
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from feature_pages import pages  # noqa: E402
from linesift.features import extract  # noqa: E402

SAVED = ROOT / "tests" / "data" / "saved_features.npz"
PARTS = ("page_offsets", "line_index", "dense", "hash_row", "hash_bucket")


def sites(batch):
    """A site per page, two pages of each: the site features see repeats across pages."""
    return [f"site{at // 2}" for at in range(len(batch))]


def runs():
    """(name, features) of each saved run."""
    batch = pages()
    yield "batch", extract(batch, sites=sites(batch))
    for at, page in enumerate(batch):
        yield f"page{at}", extract([page])


def main():
    saved = {}
    for name, features in runs():
        saved.update({f"{name}.{part}": getattr(features, part) for part in PARTS})
    batch = pages()
    saved["batch.hash_name"] = extract(batch, sites=sites(batch), cue_names=True).hash_name.astype(str)
    SAVED.parent.mkdir(exist_ok=True)
    np.savez_compressed(SAVED, **saved)
    print(f"saved {SAVED.relative_to(ROOT)}: {len(saved)} arrays")


if __name__ == "__main__":
    main()
