"""The shipped model's probabilities on a fixed sample of pages, kept in
tests/data/shipped_probabilities.npz (numbers only, no page text): a change meant to make
linesift faster, not different, must give them again within TOLERANCE
(tests/test_shipped_outputs.py). After a feature change on purpose and a retrain, save them
again and say so in the commit:

    python tests/shipped_outputs.py

The sample: every page of labeled/ (the project's own), and from ../shared (when it is
there) the dumps of every SITE_STEP-th site folder of each corpus, plain and markdown,
all pages of a site together (so the site pass counts), and every HTML_STEP-th HTML page.
Pages are classified in batches of predict's size, each page with its site as ``predict``
gives it.
"""

import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import SHARED  # noqa: E402
from linesift.corpus import read_labeled_corpus  # noqa: E402
from linesift.evaluation import predict_with_sites  # noqa: E402
from linesift.model_file import SHIPPED_MODEL, load_model  # noqa: E402
from linesift.predict import BATCH_PAGES  # noqa: E402
from linesift.reading import read_bytes, read_html_page

SAVED = ROOT / "tests" / "data" / "shipped_probabilities.npz"
TOLERANCE = 1e-6
SITE_STEP = 50
HTML_STEP = 100


def model_digest():
    return hashlib.sha256(SHIPPED_MODEL.read_bytes()).hexdigest()


def sample(part):
    """The pages of a part of the sample: "labeled" or "shared"."""
    if part == "labeled":
        return read_labeled_corpus([str(ROOT / "labeled")])
    pages = []
    for dumps in sorted((SHARED / "corpus").glob("*/dumps/*")):
        sites = sorted(path for path in dumps.iterdir() if path.is_dir())[::SITE_STEP]
        pages += [page for page in read_labeled_corpus([str(dumps)]) if Path(page.source).parent in sites]
    for path in sorted((SHARED / "corpus").glob("*/pages/*/page.html.gz"))[::HTML_STEP]:
        pages.append(read_html_page(str(path), read_bytes(path), path.parent.name))   # a site of one page
    return pages


def probabilities(model, pages):
    """P(content) of every non-blank line of ``pages``, one array, in order."""
    found = []
    for start in range(0, len(pages), BATCH_PAGES):
        for page in predict_with_sites(model, pages[start:start + BATCH_PAGES]):
            found.append(page[np.isfinite(page)])
    return np.concatenate(found) if found else np.zeros(0)


def main():
    model = load_model()
    saved = {"model_sha256": np.array(model_digest())}
    for part in ("labeled", "shared"):
        saved[part] = probabilities(model, sample(part)).astype(np.float32)   # within 6e-8 of each: under TOLERANCE
        print(f"{part}: {len(saved[part]):,} lines")
    SAVED.parent.mkdir(exist_ok=True)
    np.savez_compressed(SAVED, **saved)
    print(f"saved {SAVED.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
