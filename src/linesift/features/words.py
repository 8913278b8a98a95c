"""Words: the word lists (package data) the features look words up in: function words
(jusText's stopword density) and chrome words and phrases ("share", "read more")."""

from importlib import resources


def _word_list(name):
    text = resources.files("linesift").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


STOPWORDS = _word_list("stopwords.txt") | _word_list("cjk_function_chars.txt")
CHROME_WORDS = _word_list("chrome_words.txt")
