"""Types of the compiled page structure (``_structure.pyx``, whose docstring gives the rules)."""

from typing import Final

import numpy as np

NO_SIGNATURE: Final[int]


def dump_containers(page_rows: np.ndarray, heading: np.ndarray, lines: int) -> np.ndarray: ...
def paint(starts: np.ndarray, ends: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]: ...
def page_structure(ranges: np.ndarray, page_rows: np.ndarray, mass: np.ndarray, first: int,
                   main_shares: tuple[float, ...], repeat_min: int, levels: np.ndarray, main: np.ndarray,
                   repeat: np.ndarray) -> None: ...
