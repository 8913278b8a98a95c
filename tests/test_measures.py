import json

import pytest

from linesift.corpus import read_gold_page
from linesift.evaluation import content_text, score
from linesift.labels import CHROME, CONTENT
from linesift.page import Page
from linesift.wordbag import average_word_scores, word_scores, words

# --- WCXB's word measure ---------------------------------------------------------------------


def test_words_are_lower_cased_word_runs_counted_as_a_bag():
    assert words("The cat, the HAT!") == {"the": 2, "cat": 1, "hat": 1}
    assert words("snake_case 3.14") == {"snake_case": 1, "3": 1, "14": 1}
    assert words(" ... ") == {} and words("") == {} and words(None) == {}


def test_words_lower_case_before_splitting_as_wcxb_does():
    # "İ" lower-cases to "i" + a combining dot, which is not a word character
    assert words("İstanbul") == {"i": 1, "stanbul": 1}


def test_word_scores_are_bag_precision_and_recall_of_one_page():
    gold = "one two two three"
    assert word_scores(gold, gold) == (1.0, 1.0, 1.0)
    assert word_scores("ONE two", gold) == (1.0, 0.5, pytest.approx(2 / 3))          # case ignored
    assert word_scores("two two two menu", gold) == (0.5, 0.5, 0.5)                  # multiset: two counts twice
    assert word_scores("three two one two", gold) == (1.0, 1.0, 1.0)                 # order ignored
    assert word_scores("menu login", gold) == (0.0, 0.0, 0.0)


def test_empty_output_scores_zero_and_empty_gold_scores_only_empty_output():
    assert word_scores("", "some gold") == (0.0, 0.0, 0.0)
    assert word_scores(" -- ", "some gold") == (0.0, 0.0, 0.0)       # no word is empty output
    assert word_scores("", "") == (1.0, 1.0, 1.0)
    assert word_scores("...", " ") == (1.0, 1.0, 1.0)
    assert word_scores("menu", "") == (0.0, 0.0, 0.0)


def test_average_word_scores_are_plain_means_of_the_per_page_values():
    triples = [(1.0, 0.5, 2 / 3), (0.0, 0.0, 0.0), (0.5, 1.0, 2 / 3)]
    average = average_word_scores(triples)
    assert average["precision"] == pytest.approx(0.5)
    assert average["recall"] == pytest.approx(0.5)
    assert average["f1"] == pytest.approx(4 / 9)      # mean of F1s, not F1 of the means (0.5)
    assert average["pages"] == 3
    assert average_word_scores([]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "pages": 0}


# --- both measures in evaluate, per page type ------------------------------------------------

def _page(lines, gold, page_type):
    return Page("p", "site", lines, [CONTENT] * len(lines), gold=gold, page_type=page_type)


def test_content_text_is_the_content_lines():
    assert content_text(["a", "b", "c"], [CONTENT, CHROME, CONTENT]) == "a\nc"


def test_score_reports_both_measures_overall_and_per_page_type():
    pages = [_page(["alpha beta gamma delta", "menu"], "alpha beta gamma delta", "article"),
             _page(["post one by ann", "reply by bob"], "post one by ann\nreply by bob", "forum"),
             _page(["post two by cy"], "post two by cy\nreply by dee", "forum")]
    predictions = [[CONTENT, CHROME], [CONTENT, CONTENT], [CONTENT]]
    report = score(pages, predictions)
    assert report["words"]["f1"] == pytest.approx((1.0 + 1.0 + 8 / 11) / 3)     # last page: P 1, R 4/7
    assert report["shingles"]["pages"] == 3
    assert set(report["page_types"]) == {"article", "forum"}
    forum = report["page_types"]["forum"]
    assert forum["pages"] == 2
    assert forum["words"]["recall"] == pytest.approx((1.0 + 4 / 7) / 2)
    assert report["page_types"]["article"]["words"]["f1"] == 1.0


def test_no_page_type_no_breakdown():
    report = score([_page(["alpha beta"], "alpha beta", None)], [[CONTENT]])
    assert report["words"]["f1"] == 1.0 and "page_types" not in report


def test_page_type_is_read_from_meta_json(tmp_path):
    (tmp_path / "page.html").write_text("<html><body><p>Hello there</p></body></html>", encoding="utf-8")
    (tmp_path / "gold.txt").write_text("Hello there", encoding="utf-8")
    (tmp_path / "meta.json").write_text(json.dumps({"site": "a.example", "page_type": "forum"}))
    page = read_gold_page(tmp_path / "page.html", "folder")
    assert (page.site, page.page_type) == ("a.example", "forum")
    (tmp_path / "meta.json").write_text(json.dumps({"site": "a.example"}))
    assert read_gold_page(tmp_path / "page.html", "folder").page_type is None
