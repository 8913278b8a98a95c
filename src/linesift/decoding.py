"""Bytes and text -> page lines: the one line policy of every input.

- UTF-8; bytes that are not valid UTF-8 are kept as lone surrogates (``surrogateescape``),
  so they are written back out byte for byte and no input is ever altered.
- A byte-order mark at the start of the file is dropped.
- ``\\r\\n``, ``\\r`` and ``\\n`` all end a line (universal newlines); a final line break
  does not start another, empty line. Nothing else splits a line (no form feeds, no U+2028).
"""

import re
from itertools import accumulate, islice, repeat
from operator import add

BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _text_lines(text: str) -> list:
    """``text`` split by this module's line policy (str.split in C when there is no "\\r")."""
    lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
    if not lines[-1]:     # a final line break does not start another, empty line
        lines.pop()
    return lines


def split_lines(text: str):
    """(lines, starts): ``text`` split by this module's line policy, and the character
    offset in ``text`` where each line starts (spans of records point into their text)."""
    lines = _text_lines(text)
    breaks = map(len, _LINE_BREAK.findall(text)) if "\r" in text else repeat(1)
    ends = map(add, map(len, lines), breaks)   # each line with its break
    return lines, list(islice(accumulate(ends, initial=0), len(lines)))


def decode_lines(data: bytes) -> list:
    """Split file bytes into page lines by the policy in this module's docstring."""
    text = data.decode("utf-8", errors="surrogateescape")
    if text.startswith(BOM):
        text = text[1:]
    return _text_lines(text)


def line_breaks(data):
    """How many lines ``data`` (bytes or str) splits into by the line policy, counted without splitting it."""
    cr, lf = ("\r", "\n") if isinstance(data, str) else (b"\r", b"\n")
    return data.count(lf) + data.count(cr) - data.count(cr + lf) + (not data.endswith((cr, lf)) if data else 0)
