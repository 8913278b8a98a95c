"""Types of the compiled neighbours and windows (``_page.pyx``, whose docstring gives the rules)."""

from collections.abc import Sequence

import numpy as np

def shifted(values: np.ndarray, offsets: Sequence[int], start: np.ndarray, end: np.ndarray,
            fill: float) -> np.ndarray: ...
def window_means(values: np.ndarray, widths: Sequence[int], start: np.ndarray, end: np.ndarray) -> np.ndarray: ...
