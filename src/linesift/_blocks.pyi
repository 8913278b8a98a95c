"""Types of the compiled HTML core (``_blocks.pyx``); ``linesift.html`` documents the rules."""

from typing import Final

MAX_CLASS_WORDS: Final[int]
MAX_PATH_WORDS: Final[int]
TAKE_OUT: Final[int]
LINE_BREAK: Final[int]
CAP_ATTRIBUTES: Final[int]
DROPPED_TAGS: Final[frozenset[str]]
BLOCK_TAGS: Final[frozenset[str]]
INFORMATIVE_TAGS: Final[frozenset[str]]
PRE_TAGS: Final[frozenset[str]]
HIDDEN: Final[str]
INVISIBLE_CHARACTERS: Final[str]

# A line: (text, link characters, informative tags on its path (HIDDEN inside a hidden block),
# class/id words of its containers).
Line = tuple[str, int, tuple[str, ...], tuple[str, ...]]
# A block element's lines: (first line, end line, a hash of its tag and class).
Block = tuple[int, int, int]

def class_words(value: str) -> tuple[str, ...]: ...
def head_links(data: bytes) -> tuple[list[str], list[str]]: ...
def walk_html(data: bytes) -> tuple[list[Line], list[Block]]: ...
def markup_shape(data: bytes, max_depth: int = ..., max_attributes: int = ...) -> tuple[int, int, list[tuple[int, int, int]]]: ...
