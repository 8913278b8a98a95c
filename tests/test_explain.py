"""explain: every term of a line's logit, named for a reader, summing to the model's logit."""

import json
import math

import pytest
from click.testing import CliRunner

from conftest import LABELED
from linesift.cli import main
from linesift.explain import FEATURE_PHRASES, describe_feature, explain_line
from linesift.features import dense_feature_names
from linesift.model_file import load_model
from linesift.reading import read_input_page
from linesift.train import train_model

PAGES = sorted(LABELED.glob("*/*.tsv"))


@pytest.fixture(scope="module")
def flat_model(labeled_pages):
    """A model without the context pass: its logit is the first pass alone."""
    return train_model(labeled_pages, {"epochs": 3, "context": False})


def _check_sum(model, page):
    explained = []
    for index, line in enumerate(page.lines):
        if not line.strip():
            continue
        e = explain_line(model, page.model_lines, index)
        total = e["baseline"] + math.fsum(term["contribution"] for term in e["terms"])
        assert total == pytest.approx(e["logit"], abs=1e-9)
        probability = model.predict_proba([page.model_lines])[0][index]
        assert e["probability"] == pytest.approx(probability, abs=1e-12)
        explained.append(e)
    return explained


@pytest.mark.parametrize("which", ["small", "flat", "shipped"])
def test_terms_sum_to_the_logit_on_every_line(which, small_model, flat_model, labeled_pages):
    model = {"small": small_model, "flat": flat_model, "shipped": None}[which] or load_model()
    for page in labeled_pages[::10]:
        explained = _check_sum(model, page)
        assert explained
        kinds = {term["kind"] for e in explained for term in e["terms"]}
        assert kinds == ({"feature", "cue"} if which == "flat" else {"feature", "cue", "context"})


def test_clipped_first_pass_logits_still_sum_exactly(small_model, labeled_pages):
    clipped = 0
    for page in labeled_pages:
        for e in _check_sum(small_model, page):
            clipped += abs(e["first_pass_logit"]) > 8
        if clipped:
            break
    assert clipped, "no line with a first-pass logit past the clip: the clipped path is untested"


def test_html_lines_are_explained_with_their_markup_cues(small_model, small_model_file, tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><body><nav class='site-menu'><a href='/'>Home</a></nav>"
                    "<article><h1>A title</h1><p>This is a sentence of running text in the article, "
                    "long enough to count.</p></article></body></html>", encoding="utf-8")
    page = read_input_page(str(path), "s")
    e = explain_line(small_model, page.model_lines, 0)
    names = {term["name"] for term in e["terms"]}
    assert "HTML tag <nav>" in names and "class/id word 'menu'" in names and "word 'home'" in names
    assert e["baseline"] + math.fsum(t["contribution"] for t in e["terms"]) == pytest.approx(e["logit"], abs=1e-9)
    result = CliRunner().invoke(main, ["explain", str(path), "--line", "1", "-m", str(small_model_file), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["text"] == page.lines[0] == "Home"


def test_cues_are_named_as_a_reader_sees_them(small_model):
    lines = ["Home | News | Sport", "", "Subscribe to our newsletter today for the latest news and offers here now",
             "This is a long paragraph of running text that a reader would want to keep, with several clauses."]
    e = explain_line(small_model, lines, 2)
    names = [term["name"] for term in e["terms"] if term["kind"] == "cue"]
    assert "word 'subscribe'" in names and "words 'subscribe to'" in names and "last word 'now'" in names
    assert any(name.startswith("shape: words 10-19") for name in names)
    context = [term["name"] for term in e["terms"] if term["kind"] == "context"]
    assert any(name.startswith("previous line looks like") for name in context)
    short = explain_line(small_model, lines, 0)
    assert "whole line 'home news sport'" in {term["name"] for term in short["terms"]}


def test_every_dense_feature_has_a_phrase():
    for name in dense_feature_names():
        text = describe_feature(name, 0.5)
        assert name not in text, f"{name} has no phrase"
    assert describe_feature("link_density", 0.92) == "link density 0.92"
    assert describe_feature("prev1_is_list", 1.0) == "previous line: a list item"
    assert len(FEATURE_PHRASES) == 58


def _explain(*arguments):
    return CliRunner().invoke(main, ["explain", *map(str, arguments)])


def test_cli_prints_verdict_terms_and_total(small_model_file):
    page = PAGES[0]
    number = next(n for n, row in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if row)
    result = _explain(page, "--line", number, "-m", small_model_file, "--top", "5")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].startswith(f"{page}:{number}: ") and "P(content)" in rows[0]
    assert len(rows) == 2 + 5 + 3 and "other terms" in rows[-3] and rows[-1].endswith("score")
    shown = sum(float(row.split()[0]) for row in rows[2:-1])
    assert shown == pytest.approx(float(rows[-1].split()[0]), abs=5e-3)   # rounding of the printed terms
    data = json.loads(_explain(page, "--line", number, "-m", small_model_file, "--json").stdout)
    assert data["line"] == number and data["source"] == str(page)
    assert data["baseline"] + math.fsum(t["contribution"] for t in data["terms"]) == pytest.approx(data["logit"], abs=1e-9)


@pytest.mark.parametrize("number, message", [(None, "blank line"), (100000, "no such line")])
def test_blank_or_missing_line_is_a_one_line_error(small_model_file, number, message):
    page = PAGES[0]
    rows = page.read_text(encoding="utf-8").splitlines()
    number = number or next(n for n, row in enumerate(rows, 1) if not row)
    result = _explain(page, "--line", number, "-m", small_model_file)
    assert result.exit_code == 1
    assert result.output == f"linesift: {page}:{number}: {result.output.split(': ', 2)[2]}"
    assert message in result.output and len(result.output.strip().splitlines()) == 1


# -- explain and predict give every line the same label ---------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from linesift.api import classify_texts  # noqa: E402
from linesift.labels import LABEL_NAMES, labels_from_probabilities  # noqa: E402
from linesift.model_file import SHIPPED_MODEL  # noqa: E402

KETTLES = ["Home", "About us", "Our kettles are made in Sheffield", "Log in"]
LINE_POOL = KETTLES + ["", "Share", "Cookie settings", "© 2026 Example Ltd. All rights reserved.",
                       "The council voted on Tuesday to keep the library open for another three years.",
                       "Read more", "Posted by Ana on 3 March", "Sign up for our newsletter",
                       "Each kettle is tested by hand before it leaves the workshop, and repaired for free."]


@pytest.fixture(scope="module")
def shipped():
    return load_model(SHIPPED_MODEL)


def _predicted_labels(model, lines, threshold):
    result = classify_texts(model, ["\n".join(lines)])[0]
    return result.labels(threshold)


def test_explain_keeps_the_best_lines_as_predict_does_above_the_pages_best_line(shipped):
    """A threshold just above the page's best line: predict keeps the page's most
    content-like lines (keep-best rule), and explain must say so too."""
    result = classify_texts(shipped, ["\n".join(KETTLES)])[0]
    threshold = min(1.0, float(max(result.probabilities)) + 1e-6)
    predicted = result.labels(threshold)
    assert (predicted == 1).any()   # the rule applies on this page
    for index in range(len(KETTLES)):
        assert explain_line(shipped, KETTLES, index, threshold=threshold)["label"] == LABEL_NAMES[predicted[index]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.sampled_from(LINE_POOL), min_size=1, max_size=7),
       threshold=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.5, 1.0, "page"])))
def test_explain_and_predict_agree_on_every_lines_label(shipped, lines, threshold):
    predicted = _predicted_labels(shipped, lines, threshold)
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        explained = explain_line(shipped, lines, index, threshold=threshold)
        assert explained["label"] == LABEL_NAMES[predicted[index]], (lines, index, threshold)
        assert explained["threshold"] == threshold
        # Where the page's content starts: its lowest kept P (the page read as explain reads it,
        # these very lines: a joined text loses a last blank line, and moves the scores a little).
        (probabilities,) = shipped.predict_proba([lines])
        kept = probabilities[labels_from_probabilities(probabilities, threshold, lines) == 1]
        assert explained["content_from"] == (pytest.approx(kept.min(), abs=1e-9) if len(kept) else None)
