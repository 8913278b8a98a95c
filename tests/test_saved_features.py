"""The features of invented pages are the ones saved in tests/data (tests/saved_features.py),
bit for bit, however they are computed: in one batch or page by page, with the line
statistics kept from an earlier batch or not, with cue names or without."""

import numpy as np
import pytest

import saved_features
from conftest import SHARED, needs_shared
from feature_pages import pages
from linesift.corpus import read_labeled_corpus
from linesift.features import extract
from linesift.reading import read_bytes, read_html_page


@pytest.fixture(scope="module")
def saved():
    return np.load(saved_features.SAVED, allow_pickle=False)


def assert_same(found, saved, name):
    for part in saved_features.PARTS:
        assert np.array_equal(getattr(found, part), saved[f"{name}.{part}"]), part   # bit-identical, not close


def batch_features(**options):
    batch = pages()
    return extract(batch, sites=saved_features.sites(batch), **options)


def test_a_batch_gets_the_saved_features(saved):
    assert_same(batch_features(), saved, "batch")


@pytest.mark.parametrize("page", range(len(pages())))
def test_each_page_alone_gets_the_saved_features(saved, page):
    assert_same(extract([pages()[page]]), saved, f"page{page}")


def test_cue_names_change_no_feature_and_name_each_cue(saved):
    found = batch_features(cue_names=True)
    assert_same(found, saved, "batch")
    assert found.hash_name.astype(str).tolist() == saved["batch.hash_name"].tolist()


def test_lines_kept_from_an_earlier_batch_give_the_same_features(saved):
    cache = {}
    extract(pages()[::2], cache=cache)
    assert_same(batch_features(cache=cache), saved, "batch")


def test_a_full_cache_is_emptied_and_still_right(monkeypatch, saved):
    monkeypatch.setattr("linesift.features.LINE_CACHE_LINES", 5)
    cache = {}
    for _ in range(2):
        assert_same(batch_features(cache=cache), saved, "batch")


@needs_shared
def test_features_do_not_depend_on_the_batch_on_real_pages():
    corpus = SHARED / "corpus"
    real = [read_html_page(path, read_bytes(path), "x").markup
            for path in sorted(corpus.glob("*/pages/*/page.html.gz"))[::400]]
    real += [read_labeled_corpus([path])[0].lines for path in sorted(corpus.glob("*/dumps/*/*/*.tsv"))[::200]]
    assert len(real) > 50
    whole = extract(real)
    cache = {}
    pieces = [extract(real[start:start + 7], cache=cache) for start in range(0, len(real), 7)]
    # Container and page sums are differences of running sums over the batch: equal to
    # rounding, not bit for bit (a window's sum runs from its own page's first row).
    assert np.allclose(whole.dense, np.concatenate([piece.dense for piece in pieces]), rtol=0, atol=1e-9)
    starts = np.cumsum([0] + [len(piece.dense) for piece in pieces])
    rows = np.concatenate([piece.hash_row + start for piece, start in zip(pieces, starts)])
    buckets = np.concatenate([piece.hash_bucket for piece in pieces])
    assert (sorted(zip(whole.hash_row.tolist(), whole.hash_bucket.tolist()))
            == sorted(zip(rows.tolist(), buckets.tolist())))
