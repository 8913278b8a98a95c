"""Types of the compiled line statistics (``_stats.pyx``, whose docstring gives the rules)."""

from collections.abc import Iterable
from typing import Final

import numpy as np

KEYWORD_WORDS: Final[int]
WHOLE_LINE_WORDS: Final[int]
TAIL_WORDS: Final[int]
DUPLICATE_KEY_WORDS: Final[int]
SEPARATOR_LINE_CHARS: Final[int]
COUNT_FIELDS: Final[tuple[str, ...]]

def crc(text: str) -> int: ...
def set_word_lists(stopwords: Iterable[str], chrome_words: Iterable[str]) -> None: ...
def split_words(lowered: str) -> list[str]: ...
def is_cjk_character(text: str) -> bool: ...
def line_table(texts: list[str], keep_words: bool = ...) -> dict[str, np.ndarray | list]: ...
