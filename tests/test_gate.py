"""Evaluation gate: the shipped model and the default training recipe must not regress.

Floors are pinned a little under the scores measured when the model was shipped
(model/README.md); a change that loses more than that fails CI.
"""

import re

import pytest

from conftest import LABELED, SEED, SHARED, needs_shared
from linesift.decoding import decode_lines
from linesift.evaluation import score
from linesift.model_file import SHIPPED_MODEL, load_model
from linesift.output import render
from linesift.train import evaluate_pages, read_corpus

# corpus: (token F1 per page floor, line F1 floor) of the shipped model, each corpus read as
# a folder (the site pass on), a little under the shipped model's own scores on it
# (model/README.md, docs/benchmarks.md). These are pages it trained on (WCXB's dumps here
# with their own labels: the title is chrome): the floors catch a broken model or feature
# code, not overfitting.
SHIPPED_FLOORS = {
    "labeled": (0.93, 0.86),
    "dragnet/dumps/text": (0.845, 0.70),
    "dragnet/dumps/md": (0.85, 0.71),
    "dragnet/pages": (0.90, 0.82),
    "cleaneval/dumps/text": (0.92, 0.82),
    "cleaneval/dumps/md": (0.92, 0.80),
    "cleaneval/pages": (0.94, 0.88),
    "wcxb/dumps/text": (0.84, 0.75),
    "wcxb/pages": (0.86, 0.85),
    "daniel/dumps/text": (0.90, 0.80),
    "daniel/dumps/md": (0.90, 0.81),
}
# The site pass on dragnet's plain dumps (most of its sites have several pages): the shipped
# model scores higher with the pages' sites known than without (model/README.md).
SITE_PASS_GAIN_FLOOR = 0.01
# Cross-validation by site on labeled/ with the default recipe: out-of-sample, so it
# catches a feature or model change that only looks good on pages it trained on.
LABELED_CV_FLOOR = 0.85


@pytest.fixture(scope="module")
def shipped():
    assert SHIPPED_MODEL.exists(), "model/linesift.npz is missing: the shipped model must be committed"
    return load_model()


def _corpus_path(name):
    return LABELED if name == "labeled" else SHARED / "corpus" / name


@pytest.mark.parametrize("name", sorted(SHIPPED_FLOORS))
def test_shipped_model_stays_above_its_floor(shipped, name):
    if name != "labeled" and not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    pages = read_corpus([_corpus_path(name)])   # a folder, as `linesift evaluate` reads it: the site pass on
    m = score(pages, shipped.predict([p.model_lines for p in pages], sites=[p.site_key for p in pages]))
    token_floor, line_floor = SHIPPED_FLOORS[name]
    assert m["tokens_per_page"]["f1"] >= token_floor
    assert m["content"]["f1"] >= line_floor


@needs_shared
def test_the_site_pass_gains_where_sites_have_several_pages(shipped):
    pages = read_corpus([_corpus_path("dragnet/dumps/text")])
    lines = [p.model_lines for p in pages]
    with_sites = score(pages, shipped.predict(lines, sites=[p.site_key for p in pages]))
    without = score(pages, shipped.predict(lines))
    assert with_sites["tokens_per_page"]["f1"] - without["tokens_per_page"]["f1"] >= SITE_PASS_GAIN_FLOOR


def test_default_recipe_cross_validated_on_labeled_pages():
    pages = read_corpus([LABELED])
    report = evaluate_pages(pages, folds=5, hyperparameters={}, baselines=False)
    assert report["linesift"]["tokens_per_page"]["f1"] >= LABELED_CV_FLOOR


def _seed_content(model):
    lines = decode_lines(SEED.read_bytes())
    (probabilities,) = model.predict_proba([lines])
    kept = render("text", str(SEED), lines, probabilities, model.threshold_).splitlines()
    return [line for line in kept if line.strip()]


def _seed_truth():
    """(headline, first words of the body, last words of the body) as ../shared/README.md
    states them: the seed's text stays in ../shared, never in the project."""
    described = (SHARED / "README.md").read_text(encoding="utf-8")
    found = re.search(r'the headline \("([^"]+)"\) and the paragraphs from "([^"]+)" to "\.\.\.([^"]+)"', described)
    assert found, "../shared/README.md no longer describes the seed page as this test expects"
    return found.groups()


def _seed_caption_starts():
    """The seed's duplicated photo caption: the long lines between the bylines and the body."""
    lines = [line for line in decode_lines(SEED.read_bytes()) if line.strip()]
    _, body_start, _ = _seed_truth()
    before_body = lines[:next(i for i, line in enumerate(lines) if line.startswith(body_start))]
    return [line[:40] for line in before_body if len(line.split()) >= 20]


@needs_shared
def test_seed_page_gives_the_headline_and_the_eleven_paragraphs_and_no_menus(shipped):
    headline, body_start, body_end = _seed_truth()
    kept = _seed_content(shipped)
    assert kept[0] == headline
    first = next(i for i, line in enumerate(kept) if line.startswith(body_start))
    body = kept[first:]
    assert len(body) == 11 and body[-1].endswith(body_end)
    for chrome in ("See All", "Most Popular", "Copyright 2023", "by AP - ", "Tags", "Just In", "View all"):
        assert not any(line.startswith(chrome) for line in kept), chrome
    assert len(_seed_caption_starts()) == 2    # the caption and its cut copy, for the test below


@needs_shared
@pytest.mark.xfail(reason="known miss: the shipped model keeps the seed's photo caption (twice); in the research "
                          "corpora it trains on, long captions inside the article are often content", strict=False)
def test_seed_page_drops_the_duplicated_photo_caption(shipped):
    kept = _seed_content(shipped)
    assert not any(line.startswith(tuple(_seed_caption_starts())) for line in kept)
