"""What every engine adapter (Spark, datatrove) shares: one model per worker process, pages
classified in batches.

Engines run our code in long-lived worker processes that receive many small tasks; loading
the model (about 1 MB of arrays) for each task would cost more than classifying a batch,
so the model is loaded once per process and path and kept for the process's life.
"""

import functools
from itertools import islice

from training.api import load_model

BATCH_PAGES = 64   # as the CLI: numpy works on the whole batch at once, memory stays small


@functools.lru_cache(maxsize=4)
def process_model(path=None):
    """``(model, line_cache)`` for a model file (the shipped model when None), loaded once
    per process. The line cache lets pages of one site share the work on their menus; it
    belongs to the model so two models never share it, and bounds itself (features.extract)."""
    return load_model(path), {}


def batches(items, size=BATCH_PAGES):
    """Lists of up to ``size`` consecutive items (itertools.batched is Python 3.12+)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
