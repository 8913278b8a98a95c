"""Prediction over files: read inputs in batches, classify, hand each page on in order."""

from typing import Iterator, NamedTuple

import numpy as np

from training.reading import read_input_page

BATCH_PAGES = 64   # pages classified together: numpy works on the whole batch at once


class PagePrediction(NamedTuple):
    source: str
    relative: str
    lines: list
    probabilities: np.ndarray


def predict_files(found_files, model, batch_pages=BATCH_PAGES, skip=None) -> Iterator[PagePrediction]:
    """Classify every page of ``found_files`` (from ``reading.find_files``), in order; a
    file for which ``skip(found)`` is true is passed over without being read."""
    cache = {}
    batch = []
    for found in found_files:
        if skip is not None and skip(found):
            continue
        batch.append((found, read_input_page(found.path, found.site)))
        if len(batch) >= batch_pages:
            yield from _classify(batch, model, cache)
            batch = []
    yield from _classify(batch, model, cache)


def _classify(batch, model, cache):
    if not batch:
        return
    probabilities = model.predict_proba([page.model_lines for _, page in batch], cache)
    for (found, page), page_probabilities in zip(batch, probabilities):
        yield PagePrediction(found.path, found.relative, page.lines, page_probabilities)
