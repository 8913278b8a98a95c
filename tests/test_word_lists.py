"""The curated word lists in src/linesift/data load and keep their conventions: lower case,
no duplicates, no empty or padded entries, entries the feature tokeniser can match."""

import unicodedata
from collections import Counter
from importlib import resources

import pytest

from linesift.features._stats import is_cjk_character
from linesift.features.words import CHROME_WORDS, STOPWORDS

LISTS = ("stopwords.txt", "chrome_words.txt", "cjk_function_chars.txt")


def entries(name):
    """The entry lines of a list file as written (comments left out, nothing stripped)."""
    text = resources.files("linesift").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if not line.startswith("#")]


def is_word(text):
    # One \w+ run of the feature tokeniser, or one word written with combining marks
    # (Hindi vowel signs), which a tokeniser that keeps marks in words reads whole.
    return bool(text) and all(c.isalnum() or unicodedata.category(c).startswith("M") for c in text)


@pytest.mark.parametrize("name", LISTS)
def test_list_entries_are_clean(name):
    lines = entries(name)
    assert lines, f"{name} has no entries"
    assert [line for line in lines if not line.strip()] == [], f"{name} has empty lines"
    assert [line for line in lines if line != line.strip()] == [], f"{name} has padded entries"
    assert [line for line in lines if line != line.lower()] == [], f"{name} has upper-case entries"
    assert [word for word, n in Counter(lines).items() if n > 1] == [], f"{name} has duplicates"


def test_the_features_read_the_lists():
    assert STOPWORDS == frozenset(entries("stopwords.txt") + entries("cjk_function_chars.txt"))
    assert CHROME_WORDS == frozenset(entries("chrome_words.txt"))
    assert {"the", "и", "και", "że", "và", "في"} <= STOPWORDS


def test_stopwords_are_single_words():
    assert [word for word in entries("stopwords.txt") if not is_word(word)] == []


def test_chrome_entries_are_one_or_two_words():
    odd = [entry for entry in entries("chrome_words.txt")
           if entry != "©" and not (1 <= len(entry.split(" ")) <= 2 and all(map(is_word, entry.split(" "))))]
    assert odd == []


def test_cjk_function_chars_are_single_cjk_characters():
    chars = entries("cjk_function_chars.txt")
    assert [c for c in chars if not is_cjk_character(c)] == []   # one character the features count as a word
    assert {"的", "了", "の", "は"} <= set(chars)
