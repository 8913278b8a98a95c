"""One test per feature, on tiny synthetic pages."""

import math
import subprocess
import sys

import numpy as np
import pytest

from linesift.features import FEATURE_SET_VERSION, dense_feature_names, extract
from linesift.features.cues import SHAPE_CROSSES

PROSE = "The council voted on the plan and it was approved by a wide margin."


def value(lines, name, line=0, pages=None):
    """Feature ``name`` of page line ``line`` (index into ``lines``, which must be non-blank)."""
    features = extract(pages or [lines])
    row = list(features.line_index[: features.page_offsets[1]]).index(line)
    return features.dense[row, dense_feature_names().index(name)]


def test_names_are_unique_and_match_the_matrix():
    names = dense_feature_names()
    assert len(names) == len(set(names))
    assert extract([["a", "b"]]).dense.shape == (2, len(names))
    assert isinstance(FEATURE_SET_VERSION, int)


@pytest.mark.parametrize("name, line, expected", [
    ("log_chars", "abcd", math.log1p(4)),
    ("log_words", "one two three", math.log1p(3)),
    ("no_words", "|", 1.0),
    ("no_words", "x", 0.0),
    ("mean_word_length", "abcd ef", 7 / 2),
    ("link_density", "[Home](/) page", 4 / 9),
    ("link_density", "Home page", 0.0),
    ("log_links", "[a](/a) [b](/b)", math.log1p(2)),
    ("has_image", "![photo](/p.jpg)", 1.0),
    ("log_indent", "    * item", math.log1p(4)),
    ("is_list", "- item", 1.0),
    ("is_list", "item", 0.0),
    ("is_heading", "# Title", 1.0),
    ("is_quote", "> said", 1.0),
    ("is_table", "| a | b |", 1.0),
    ("stopword_density", "the cat and the dog", 3 / 5),
    ("log_words", "我们的公司 iPhone", math.log1p(6)),    # CJK: each character is a word
    ("stopword_density", "我们的公司", 3 / 5),            # 我 们 的 are function characters
    ("log_words", "भारत के प्रधानमंत्री", math.log1p(3)),   # Indic vowel signs stay inside their words
    ("ends_sentence", "这是一个句子。", 1.0),
    ("log_chrome_words", "Share on Facebook", math.log1p(2)),
    ("chrome_word_density", "privacy policy", 1.0),
    ("title_case_ratio", "Most Popular stories", 2 / 3),
    ("digit_ratio", "ab12", 2 / 4),
    ("punctuation_ratio", "a!b?", 2 / 4),
    ("ends_sentence", "It rained.", 1.0),
    ("ends_sentence", "“Yes,” she said”", 1.0),
    ("ends_sentence", "See All", 0.0),
    ("ends_colon", "Ingredients:", 1.0),
    ("log_separators", "Home | News | Sport", math.log1p(2)),
    ("has_year", "© 2023 Example", 1.0),
    ("has_year", "Page 3", 0.0),
    ("has_time", "Updated 4:47 AM", 1.0),
    ("photo_credit", "Mayor Ada Brenn at the ribbon cutting. (AP Photo/Tom Reyes, File)", 1.0),
    ("photo_credit", "Photo: Jane Doe", 1.0),
    ("photo_credit", "She took a photo of the bridge.", 0.0),
])
def test_own_line_features(name, line, expected):
    assert value([line], name) == pytest.approx(expected)


def test_duplicated():
    page = ["See All", "Text", "see all!"]
    assert value(page, "duplicated", 0) == 1.0
    assert value(page, "duplicated", 1) == 0.0


def test_positions_count_classified_lines_only():
    page = ["a", "", "b", "c"]
    assert value(page, "position_from_top", 0) == 0.0
    assert value(page, "position_from_top", 2) == 0.5
    assert value(page, "position_from_bottom", 3) == 0.0
    assert value(page, "is_first", 0) == 1.0 and value(page, "is_last", 3) == 1.0


def test_text_before_is_the_share_of_characters_above():
    assert value(["aaaa", "bbbb"], "text_before", 1) == pytest.approx(0.5)


def test_blank_lines_mark_block_breaks():
    page = ["a", "", "   ", "b", "c"]
    assert value(page, "blank_after", 0) == 1.0
    assert value(page, "blank_before", 3) == 1.0
    assert value(page, "blank_before", 4) == 0.0
    assert value(["", "x"], "blank_before", 1) == 1.0


def test_neighbour_features_look_at_the_classified_lines_around():
    page = ["Home", PROSE, "", "Share"]
    assert value(page, "prev1_log_words", 1) == pytest.approx(math.log1p(1))
    assert value(page, "next1_log_words", 0) == pytest.approx(math.log1p(len(PROSE.split())))
    assert value(page, "next1_chrome_word_density", 1) == 1.0
    assert value(page, "prev2_log_words", 1) == 0.0   # past the page's edge


def test_neighbours_never_cross_into_another_page():
    features = extract([["Alpha", "Beta"], ["Gamma delta epsilon"]])
    column = dense_feature_names().index("next1_log_words")
    assert features.dense[1, column] == 0.0


def test_window_means():
    page = ["x", "y y y", "z"]
    assert value(page, "window3_log_words", 1) == pytest.approx((2 * math.log1p(1) + math.log1p(3)) / 3)


def test_region_features_find_the_prose_in_the_middle():
    page = ["Home", "News", PROSE, PROSE, "Short line", PROSE, "Copyright"]
    assert value(page, "prose_around", 4) > 0.5
    assert value(page, "prose_around", 0) == 0.0
    assert value(page, "prose_after", 6) == 0.0
    assert value(page, "from_peak", 0) < 0 < value(page, "from_peak", 6)


def test_headline_candidate_is_the_longest_short_line_just_above_the_first_prose():
    page = ["Home News World", "Load more stories here", "Minister to meet his counterpart in Moscow next week",
            "by AP - 04/14/23", PROSE, "Related stories about it", PROSE]
    marked = [line for line in range(len(page)) if value(page, "headline_candidate", line)]
    assert marked == [2]
    # Too far above the prose (HEADLINE_WINDOW), linked, or ending a sentence: no candidate.
    assert not any(value(["Minister to meet his counterpart"] + ["x"] * 8 + [PROSE], "headline_candidate", line)
                   for line in range(10))
    assert not value(["[Minister to meet his counterpart](https://e.com/a)", PROSE], "headline_candidate", 0)
    assert not value(["The minister met his counterpart.", PROSE], "headline_candidate", 0)


def test_page_features_are_the_same_for_every_line_of_a_page():
    page = ["[a](/a)", "text", "more text"]
    assert value(page, "page_log_lines", 0) == pytest.approx(math.log1p(3))
    assert value(page, "page_linked_lines", 2) == pytest.approx(1 / 3)


def test_blank_lines_are_not_classified():
    features = extract([["a", "", " \t ", "b"]])
    assert list(features.line_index) == [0, 3]


def test_keyword_cues_are_the_same_in_every_process():
    code = "from linesift.features import extract; print(sorted(extract([['See all stories']]).hash_bucket.tolist()))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    assert len(runs) == 1
    assert runs.pop().strip() == str(sorted(extract([["See all stories"]]).hash_bucket.tolist()))


def test_keyword_cues_cover_head_words_pairs_and_short_lines_whole():
    features = extract([["See all"]])
    # 2 words + 1 pair + the whole line + one of each binned shape cross
    assert len(features.hash_bucket) == 2 + 1 + 1 + len(SHAPE_CROSSES)
    assert features.hash_bucket.min() >= 0 and features.hash_bucket.max() < 2 ** 18
    assert np.all(features.hash_row == 0)


def test_duplicated_matches_lines_that_start_alike():
    caption = "FILE - Mayor Ada Brenn, center, the head of the harbor board, attends the ceremony"
    page = [caption, "Body text here.", caption.replace(" - ", " – ").replace("ceremony", "…")]
    assert value(page, "duplicated", 0) == 1.0 and value(page, "duplicated", 2) == 1.0
    assert value(["|", "Body", "|"], "duplicated", 0) == 0.0   # no words: nothing to compare


def test_long_lines_hash_their_last_words_too():
    short = extract([["one two three four five six seven eight"]])
    long = extract([["one two three four five six seven eight nine ten"]])
    assert len(long.hash_bucket) - len(short.hash_bucket) == 3


def test_lines_to_and_since_prose():
    page = ["Home", "Headline here", PROSE, "Share", PROSE, "Footer", "Copyright"]
    assert value(page, "lines_to_next_prose", 1) == pytest.approx(math.log1p(1))
    assert value(page, "lines_to_next_prose", 0) == pytest.approx(math.log1p(2))
    assert value(page, "lines_since_prose", 6) == pytest.approx(math.log1p(2))
    assert value(page, "lines_since_prose", 0) == pytest.approx(math.log1p(30))      # none before: the cap
    assert value(page, "lines_to_next_prose", 4) == pytest.approx(math.log1p(30))    # none after
    assert value(page, "lines_since_prose", 3) == pytest.approx(math.log1p(1))


def test_title_heading_is_the_first_heading_of_the_top_level():
    page = ["## Menu", "# The title", "Text", "# Another top heading", "### Small"]
    assert value(page, "is_title_heading", 1) == 1.0
    assert value(page, "is_title_heading", 0) == 0.0 and value(page, "is_title_heading", 3) == 0.0
    assert value(["## Only second level", "## Again"], "is_title_heading", 0) == 1.0
    assert value(["No headings here"], "is_title_heading", 0) == 0.0
