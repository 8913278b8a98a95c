"""evaluate --report: one self-contained HTML page, read back with lxml."""

import json
import shutil

import lxml.html
import numpy as np
import pytest
from click.testing import CliRunner

from conftest import LABELED
from linesift.cli import main
from linesift.evaluation import predict_with_sites
from linesift.labels import PAGE_CUT, labels_from_probabilities
from linesift.report import page_errors
from linesift.train import evaluate_pages, read_corpus

NASTY = '<script>alert("x")</script> & <b>bold</b> \'quoted\''


def _evaluate(*arguments):
    result = CliRunner().invoke(main, ["evaluate", *map(str, arguments), "-q"])
    assert result.exit_code == 0, result.output
    return result


def _value(report, key):
    value = report
    for part in key.split("."):
        value = value[part]
    return value


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """labeled/ plus one page whose text is HTML markup, to see it escaped."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(LABELED, root / "labeled")
    (root / "labeled" / "nasty.example").mkdir()
    (root / "labeled" / "nasty.example" / "page.tsv").write_text(
        f"content\t{NASTY}\nchrome\tHome | About | Contact\n\ncontent\tA plain sentence of running text, "
        "long enough to look like prose to the model.\n", encoding="utf-8")
    return root / "labeled"


@pytest.fixture(scope="module")
def fixed(corpus, small_model_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    _evaluate(corpus, "-m", small_model_file, "--report", path)
    as_json = json.loads(_evaluate(corpus, "-m", small_model_file, "--json").stdout)
    return lxml.html.fromstring(path.read_bytes()), path.read_text(encoding="utf-8"), as_json


def test_table_numbers_are_those_of_evaluate_json(fixed):
    document, _, as_json = fixed
    cells = document.xpath("//td[@data-key]")
    keys = {cell.get("data-key") for cell in cells}
    assert {"linesift.content.f1", "linesift.tokens_per_page.f1", "linesift.confusion.tp",
            "baselines.C4 line rule.tokens.precision", "linesift.classes.chrome.support"} <= keys
    for cell in cells:
        expected = _value(as_json, cell.get("data-key"))
        assert float(cell.get("data-value")) == expected
        assert float(cell.text_content()) == pytest.approx(expected, abs=5e-5)


def test_curve_is_inline_svg_with_the_page_cut_marked_where_its_labels_fall(fixed):
    document, text, as_json = fixed
    svg = document.xpath("//*[local-name()='svg']")
    assert len(svg) == 1
    marker = svg[0].xpath(".//*[@class='threshold-marker']")
    assert len(marker) == 1 and marker[0].get("data-threshold") == repr(PAGE_CUT)
    pooled = as_json["linesift"]["tokens"]
    assert float(marker[0].get("data-precision")) == pooled["precision"]
    assert float(marker[0].get("data-recall")) == pooled["recall"]
    assert marker[0].xpath(".//*[local-name()='circle']")
    assert len(svg[0].xpath(".//*[local-name()='polyline']")[0].get("points").split()) > 10
    assert "threshold on P(content): the page's cut." in text


def test_a_fixed_threshold_is_marked_on_the_curve(corpus, small_model_file, tmp_path):
    path = tmp_path / "fixed.html"
    _evaluate(corpus, "-m", small_model_file, "--threshold", "0.5", "--report", path)
    document = lxml.html.fromstring(path.read_bytes())
    (marker,) = document.xpath("//*[@class='threshold-marker']")
    assert float(marker.get("data-threshold")) == 0.5 and marker.xpath(".//*[local-name()='circle']")
    assert "threshold on P(content): 0.5000." in path.read_text(encoding="utf-8")


def test_every_page_with_errors_is_shown_and_no_other(fixed, corpus, small_model):
    document, _, _ = fixed
    pages = read_corpus([corpus])
    probabilities = predict_with_sites(small_model, pages)   # as evaluate scores a folder
    wrong = {page.source for page, p in zip(pages, probabilities)
             if sum(page_errors(page, labels_from_probabilities(p, small_model.threshold_, page.lines)))}
    assert wrong and len(wrong) < len(pages)   # both kinds exist, or the test shows nothing
    shown = [section.get("data-source") for section in document.xpath("//section[@class='page']")]
    assert sorted(shown) == sorted(wrong)
    listed = [a.text_content() for a in document.xpath("//ol[@class='error-pages']//a")]
    assert sorted(listed) == sorted(wrong)


def test_lines_carry_truth_prediction_and_error_marks(fixed):
    document, _, _ = fixed
    section = document.xpath("//section[@class='page']")[0]
    rows = section.xpath(".//div[contains(@class, 'line ')]")
    errors = [row for row in rows if "error" in row.get("class").split()]
    assert errors
    for row in errors:
        classes = row.get("class").split()
        truth = next(c for c in classes if c.startswith("truth-"))[6:]
        guess = next(c for c in classes if c.startswith("pred-"))[5:]
        assert truth != guess


def test_page_text_is_escaped_and_there_are_no_scripts_or_external_resources(fixed):
    document, text, _ = fixed
    assert "<script" not in text and NASTY not in text
    assert document.xpath("//script") == [] and document.xpath("//link") == []
    assert document.xpath("//*[@src]") == []
    assert document.xpath("//b") == []   # the page's <b> is text, not markup


def test_nasty_page_is_in_the_report_escaped(corpus, small_model_file, tmp_path):
    """A page whose every line is wrong at threshold 1 is shown: its markup appears as text."""
    path = tmp_path / "strict.html"
    _evaluate(corpus, "-m", small_model_file, "--threshold", "1", "--report", path)
    text = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert "<script" not in text


def test_cross_validation_report_uses_out_of_fold_probabilities(tmp_path):
    path = tmp_path / "cv.html"
    out = _evaluate(LABELED, "--cv", "3", "--epochs", "2", "--no-baselines", "--json", "--report", path)
    as_json = json.loads(out.stdout)
    document = lxml.html.fromstring(path.read_bytes())
    for cell in document.xpath("//td[@data-key]"):
        assert float(cell.get("data-value")) == _value(as_json, cell.get("data-key"))
    assert document.xpath("//*[@class='threshold-marker']")[0].get("data-threshold") == repr(PAGE_CUT)


def test_evaluate_pages_keeps_the_probabilities_it_scored(labeled_pages, small_model):
    report, probabilities = evaluate_pages(labeled_pages, model=small_model, keep_probabilities=True)
    assert report == evaluate_pages(labeled_pages, model=small_model)
    for page, p, q in zip(labeled_pages, probabilities, predict_with_sites(small_model, labeled_pages)):
        assert np.array_equal(p, q, equal_nan=True) and len(p) == len(page.lines)


# -- in a real browser ----------------------------------------------------------------------

from browser import browser  # noqa: E402,F401  (the fixture: a headless Chromium, or a skip)


def test_report_renders_in_a_browser_with_curve_and_pages(browser, tmp_path):
    """The report as a person sees it: loaded from disk in headless Chromium, the curve
    drawn, the error pages shown; LINESIFT_SCREENSHOT=path.png keeps a screenshot."""
    import os

    from selenium.webdriver.common.by import By

    report = tmp_path / "report.html"
    _evaluate(LABELED, "--report", report)   # the shipped model on the project's own pages
    browser.get(report.as_uri())
    svg = browser.find_element(By.TAG_NAME, "svg")
    assert svg.size["width"] > 200 and svg.size["height"] > 100     # drawn, not collapsed
    assert browser.find_elements(By.CSS_SELECTOR, "svg circle, svg .threshold")
    tables = browser.find_elements(By.TAG_NAME, "table")
    assert tables and tables[0].is_displayed()
    assert "F1" in browser.find_element(By.TAG_NAME, "body").text
    screenshot = os.environ.get("LINESIFT_SCREENSHOT_REPORT", str(tmp_path / "report.png"))
    browser.set_window_size(1280, 2400)
    assert browser.save_screenshot(screenshot)
