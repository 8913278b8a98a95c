from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LABELED = ROOT / "labeled"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_f59c2b7049d4ea33.txt"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (the research corpora) is not beside this checkout")


@pytest.fixture(scope="session")
def labeled_pages():
    from linesift.train import read_corpus

    return read_corpus([LABELED])


@pytest.fixture(scope="session")
def small_model(labeled_pages):
    """A model trained on the project's own labeled pages (quick: few epochs)."""
    from linesift.train import train_model

    return train_model(labeled_pages, {"epochs": 5, "context_folds": 2})


@pytest.fixture(scope="session")
def small_model_file(small_model, tmp_path_factory):
    from linesift.model_file import save_model

    path = tmp_path_factory.mktemp("model") / "small.npz"
    save_model(small_model, path, {"training": {"note": "test"}})
    return path
