"""Words: the word lists (package data) and the index of every word seen.

A batch's words are looked up once, in one C-level pass over them (``WordIndex.rows``),
instead of once for each thing a feature asks of a word: its cue id (crc32, stable across
processes, unlike str hash()), whether it is a function word, a chrome word, or the first
word of a two-word chrome entry. Those are then numpy gathers over the rows. The index
lives as long as the process (a crawl repeats its words), up to WORD_CACHE_WORDS words.
"""

import zlib
from importlib import resources

import numpy as np

from linesift.features.rows import Growing, RowStore

# The index is emptied past this many entries: memory per process. It holds every word
# seen, and short lines whole (text.WHOLE_LINE_WORDS), whose ids are looked up the same way,
# so uncapped it would grow with the crawl; past the cap, words are looked up again as they
# come (the cap's size against its memory: docs/decisions.md).
WORD_CACHE_WORDS = 200_000


def _word_list(name):
    text = resources.files("linesift").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


STOPWORDS = _word_list("stopwords.txt") | _word_list("cjk_function_chars.txt")
CHROME_WORDS = _word_list("chrome_words.txt")
# First words of the chrome list's two-word entries: only a head word among them can
# start a pair that is on the list.
CHROME_PAIR_FIRST = frozenset(entry.split(" ", 1)[0] for entry in CHROME_WORDS if " " in entry)


def crc(text):
    # crc32 is stable across processes (str hash() is salted).
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


class WordIndex(RowStore):
    """Every word seen (up to WORD_CACHE_WORDS) as a row: ``ids`` its crc id, ``stop`` /
    ``chrome`` / ``pair_first`` whether it is on STOPWORDS / CHROME_WORDS / CHROME_PAIR_FIRST."""

    @property
    def limit(self):
        return WORD_CACHE_WORDS   # read when used, so that a test can lower it

    def _start(self):
        self._ids, self._flags = Growing(np.int64), Growing(bool, (3,))

    def _append(self, new):
        self._ids.extend(np.fromiter(map(crc, new), np.int64, len(new)))
        self._flags.extend(np.column_stack([np.fromiter(map(word_list.__contains__, new), bool, len(new))
                                            for word_list in (STOPWORDS, CHROME_WORDS, CHROME_PAIR_FIRST)]))

    @property
    def ids(self):
        return self._ids.array

    @property
    def stop(self):
        return self._flags.array[:, 0]

    @property
    def chrome(self):
        return self._flags.array[:, 1]

    @property
    def pair_first(self):
        return self._flags.array[:, 2]


WORDS = WordIndex()   # the process's


def word_ids(words):
    """crc ids of ``words`` (a list), through the process's word index."""
    rows = WORDS.rows(words)   # first: it may grow the index
    return WORDS.ids[rows].tolist()
