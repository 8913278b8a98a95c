"""The rules of a line's own statistics (``linesift.features._stats``), one per test, on
tiny invented lines."""

import random
import re
import zlib

import pytest

from linesift.features._stats import (
    COUNT_FIELDS,
    DUPLICATE_KEY_WORDS,
    KEYWORD_WORDS,
    SEPARATOR_LINE_CHARS,
    TAIL_WORDS,
    WHOLE_LINE_WORDS,
    crc,
    fingerprints,
    line_table,
    split_words,
)
from linesift.features.cues import TAIL_SALT


def stats(text):
    table = line_table([text], keep_words=True)
    found = dict(zip(COUNT_FIELDS, table["counts"][0].tolist()))
    found.update(head=table["head"].tolist(), tail=table["tail"].tolist(), whole=int(table["whole"][0]),
                 key=table["keys"][0], words=table["words"][0])
    return found


@pytest.mark.parametrize("text", ["", "home", "Straße", "中文", "\ud800x", "𝒜b", "a b"])
def test_a_cue_id_is_the_crc32_of_the_utf8(text):
    assert crc(text) == zlib.crc32(text.encode("utf-8", "surrogatepass"))


def test_words_are_runs_of_word_characters():
    assert split_words("hello, world_x 42 km²") == ["hello", "world_x", "42", "km²"]
    assert split_words("— ... |") == []


def test_indic_vowel_signs_stay_inside_their_word():
    assert split_words("के साथ") == ["के", "साथ"]


def test_each_cjk_character_is_a_word_and_other_runs_stay_whole():
    assert split_words("新闻 news 24") == ["新", "闻", "news", "24"]
    # The CJK ranges' punctuation too ("・").
    assert split_words("カタカナ・テスト") == ["カ", "タ", "カ", "ナ", "・", "テ", "ス", "ト"]


def test_a_cjk_line_splits_indic_at_its_vowel_signs():
    # A line with CJK in it: word characters run apart from the Indic ones \w leaves out.
    assert split_words("中 के") == ["中", "क", "े"]


def test_words_are_read_lower_cased_and_counted():
    found = stats("Home NEWS")
    assert found["words"] == ["home", "news"] and found["chars"] == 9


def test_lower_casing_may_lengthen_a_line():
    # "İ" lower-cased is "i" and a combining dot, which is no word character.
    found = stats("İ" * 1000 + " x")
    assert found["words"] == ["i"] * 1000 + ["x"] and found["key"] == " ".join(["i"] * DUPLICATE_KEY_WORDS)


def test_function_words_are_counted_among_all_words():
    assert stats("the cat and the dog")["stop"] == 3


def test_chrome_words_count_in_the_head_only_with_pairs_and_copyright():
    assert stats("home")["chrome"] == 1
    assert stats("one two three four five six seven eight home")["chrome"] == 0   # past the head
    assert stats("read more")["chrome"] >= 2   # "more" and the pair "read more" (and "read" if listed)
    assert stats("© © x")["chrome"] == 2


def test_capitalised_words_start_with_a_capital_after_no_word_character():
    assert stats("Title Case and ÉCOLE")["title"] == 3
    assert stats("iPhone 4S x_Y ßtraße")["title"] == 0   # within a word, a digit run, after "_", ß
    assert stats("(Note) «Dit»")["title"] == 2


def test_digits_and_punctuation_are_ascii():
    found = stats("12 ٣٤ a,b! «c» …")
    assert found["digits"] == 2 and found["punct"] == 2


def test_sentence_end_and_colon_are_the_last_character():
    assert stats("It ended.")["ends_sentence"] == 1 and stats("“Quoted”")["ends_sentence"] == 1
    assert stats("完了。")["ends_sentence"] == 1 and stats("no end")["ends_sentence"] == 0
    assert stats("Label:")["ends_colon"] == 1 and stats("Label: x")["ends_colon"] == 0


def test_separators_need_a_space_each_side_and_do_not_overlap():
    assert stats("News | Sport · Weather » More")["separators"] == 3
    assert stats("a|b a/b 2-3")["separators"] == 0
    assert stats("a | | b")["separators"] == 1   # the second "|" shares the first one's space
    assert stats("a\u00a0|\u2003b")["separators"] == 1   # any space character


def test_separators_are_not_counted_in_long_lines():
    assert stats("x" * SEPARATOR_LINE_CHARS + " | y")["separators"] == 0
    assert stats("x" * (SEPARATOR_LINE_CHARS - 10) + " | y")["separators"] == 1


@pytest.mark.parametrize("text, found", [
    ("In 2019 it", 1), ("(1999)", 1), ("2019年", 0), ("12019", 0), ("2019x", 0), ("x2019", 0),
    ("1899", 0), ("2100", 0), ("20١٩ 1234", 1), ("20١٩", 0), ("201", 0),
])
def test_a_year_stands_alone(text, found):
    # Any decimal digits after "19" or "20", but four ASCII digits in the line before the rule looks.
    assert stats(text)["has_year"] == found


@pytest.mark.parametrize("text, found", [
    ("at 10:30", 1), ("9:05 pm", 1), ("at 10:30am", 0), ("123:45", 0), ("1:2345", 0), ("a1:23", 0),
    ("12:3", 0), ("x 12:34:56", 1), ("1:23", 1), ("1:2", 0),
])
def test_a_time_stands_alone(text, found):
    assert stats(text)["has_time"] == found


@pytest.mark.parametrize("text, found", [
    ("(AP Photo/Jane Doe)", 1), ("Photos by someone", 1), ("PHOTOGRAPHS BY X", 1), ("Getty Images", 1),
    ("via getty images", 1), ("Credit: x", 1), ("Image : x", 1), ("picture credit x", 1), ("Foto:x", 1),
    ("photo\u00a0/ x", 1), ("photo by", 1), ("a photograph of the sea", 0), ("photographer: x", 0),
    ("photobyline", 0), ("photo bystander", 0), ("aphoto: x", 0), ("_photo: x", 0), ("éphoto: x", 0),
    ("credit x", 0), ("accredit: x", 0), ("gettyimages", 0), ("photoss: x", 0), ("", 0),
])
def test_a_photo_credit_is_a_label_or_agency(text, found):
    assert stats(text)["photo_credit"] == found


# The rule as a regular expression, to hold the compiled scan to. Python's case-blind
# matching also equates "İ" and "ı" with "i" and "ſ" with "s" (the rule reads ASCII letters
# only): the pieces below hold none of them, so on them the two must agree.
PHOTO_CREDIT = re.compile(r"\b(?:photo|photograph|image|picture|foto)s?\s*(?:/|:|by\b|credit)|getty images|\bcredit:",
                          re.IGNORECASE)
_PIECES = ["photo", "Photo", "PHOTOGRAPH", "image", "pictures", "foto", "s", "S", " ", "\u00a0", "\t", ":", "/",
           "by", "By", "credit", "getty", " images", "x", "_", "é", "1", "-", "(", "Ж"]


def test_a_photo_credit_is_what_the_regular_expression_says():
    chance = random.Random(7)
    for _ in range(20_000):
        text = "".join(chance.choices(_PIECES, k=chance.randint(1, 8)))
        assert stats(text)["photo_credit"] == (PHOTO_CREDIT.search(text) is not None), repr(text)


def test_the_head_words_are_hashed_the_tail_of_a_long_line_salted():
    short = stats("one two three")
    assert short["head"] == [crc("one"), crc("two"), crc("three")] and short["tail"] == []
    words = [f"w{at}" for at in range(KEYWORD_WORDS + 2)]
    long = stats(" ".join(words))
    assert long["head"] == [crc(word) for word in words[:KEYWORD_WORDS]]
    assert long["tail"] == [crc(word) ^ TAIL_SALT for word in words[-TAIL_WORDS:]]


def test_a_short_line_is_hashed_whole_and_its_key_is_its_first_words():
    assert stats("See  ALL!")["whole"] == crc("see all")
    words = [f"w{at}" for at in range(DUPLICATE_KEY_WORDS + 3)]
    assert stats(" ".join(words[:WHOLE_LINE_WORDS + 1]))["whole"] == -1
    assert stats(" ".join(words))["key"] == " ".join(words[:DUPLICATE_KEY_WORDS])
    assert stats("!!")["key"] == "" and stats("!!")["whole"] == crc("")


def test_many_lines_at_once_are_each_read_alone():
    texts = ["Home", "", "The end.", "中文 1999"]
    table = line_table(texts)
    for at, text in enumerate(texts):
        alone = line_table([text])
        assert table["counts"][at].tolist() == alone["counts"][0].tolist()
    assert table["head_lengths"].tolist() == [1, 0, 2, 3] and len(table["head"]) == 6


def test_a_fingerprint_reads_each_run_of_digits_as_zero():
    found = fingerprints(["posted 3 2024 12 comments", "posted 12 1999 7 comments", "posted", "page ٣", "page 0"])
    assert found[0] == found[1] and found[0] != found[2] and found[3] == found[4]
    table = line_table(["Home", "News 24"])
    assert table["fingerprint"][0] == table["key"][0] and table["fingerprint"][1] != table["key"][1]
