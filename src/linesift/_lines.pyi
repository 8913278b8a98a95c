"""Types of the compiled lines stage (``_lines.pyx``); ``linesift.lines`` documents the rules."""

from typing import Final

import numpy as np

FIELDS: Final[int]

def parse(raw: str) -> tuple[str, int, int, int, int, bool, int, bool, bool]: ...
def parse_many(raws: list[str]) -> tuple[list[str], np.ndarray]: ...
def visible_lengths(raws: list[str]) -> np.ndarray: ...
