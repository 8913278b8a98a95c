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
    "labeled": (0.93, 0.88),
    "dragnet/dumps/text": (0.845, 0.675),
    "dragnet/dumps/md": (0.855, 0.70),
    "dragnet/pages": (0.91, 0.83),
    "cleaneval/dumps/text": (0.925, 0.84),
    "cleaneval/dumps/md": (0.92, 0.82),
    "cleaneval/pages": (0.94, 0.89),
    "wcxb/dumps/text": (0.845, 0.76),
    "wcxb/pages": (0.875, 0.855),
    "daniel/dumps/text": (0.90, 0.77),
    "daniel/dumps/md": (0.905, 0.79),
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


PAYWALLED = """<html><head><title>Harbour plan approved | The Coastline Courier</title></head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a
href="/sport">Sport</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav></header>
<div class="modal" style="display:none"><ul><li><a href="/login">Sign in</a></li><li><a
href="/subscribe">Subscribe</a></li>
<li><a href="/account">My account</a></li><li><a href="/newsletters">Newsletters</a></li></ul></div>
<main><article><h1>Harbour redevelopment plan approved after a year of hearings</h1>
<p>The town council approved the harbour redevelopment plan on Tuesday evening, ending a year of public
hearings in which fishermen, shop owners and residents argued over the future of the old quay.</p>
<p>The plan turns the disused fish market into a covered hall for local traders and moves the ferry ticket
office closer to the car park, which the council says will ease the queues that form on summer weekends.</p>
<div class="paywall-content" hidden>
<p>Opponents had asked for the market building to be kept as a working space for the fishing fleet, and
several of them told the meeting that the new hall would price them out of the harbour they had worked in for
decades.</p>
<p>The council's planning officer said the design keeps two cold stores and a landing area for the boats, and
that rents for fishing businesses would be held at their current level for ten years after the hall opens.</p>
<p>Work on the quay walls is due to start in the spring, and the hall itself should open the following autumn
if the contractor keeps to the timetable agreed with the harbour board last month.</p>
</div></article></main>
<footer><p>Copyright 2026 The Coastline Courier. All rights reserved.</p></footer></body></html>"""


def test_an_article_behind_a_hidden_paywall_block_is_kept_and_a_hidden_menu_dropped(shipped):
    """Invented page: the article's last three paragraphs sit in a hidden paywall block, a
    sign-in menu in a hidden modal. The shipped model judges hidden lines like the others."""
    from linesift.api import classify_html
    from linesift.labels import CONTENT, resolve_threshold

    page = classify_html(shipped, [PAYWALLED.encode()])[0]
    kept = [line for line, label in zip(page.lines, page.labels(resolve_threshold(shipped, None))) if label == CONTENT]
    assert sum(text.startswith(("Opponents had", "The council's planning", "Work on the quay")) for text in kept) == 3
    assert not any(text in ("Sign in", "Subscribe", "My account", "Newsletters", "Home", "Sport") for text in kept)
