"""Prediction jobs: pages read in batches, classified and rendered (on several cores with
``jobs`` > 1), handed back in input order for the caller to write.

A batch is classified and rendered where it runs, so only bytes in and text out cross
between processes. Each process loads the model once (``_model``) and keeps one cache of
line statistics (menus repeat from page to page).
"""

from collections import Counter
from itertools import islice
from typing import NamedTuple

from training.api import classify_html, classify_texts
from training.errors import InputError
from training.model_file import load_model
from training.output import render, render_record
from training.parallel import ordered_map
from training.reading import read_input_page
from training.records import Skipped, read_records

BATCH_PAGES = 64   # pages classified together: numpy works on the whole batch at once

_MODELS = {}       # model path -> model, in this process
_LINE_CACHE = {}   # line statistics shared by every batch of this process (bounded in features.extract)


def _model(model_path):
    key = str(model_path)
    if key not in _MODELS:
        _MODELS[key] = load_model(model_path)
    return _MODELS[key]


def use_model(model_path, model):
    """Let this process use ``model``, already loaded, for ``model_path``."""
    _MODELS[str(model_path)] = model


class RenderedPage(NamedTuple):
    found: object    # the reading.FoundFile it came from
    text: str        # the page's output, rendered


def predict_files(found_files, model_path, fmt, threshold, jobs=1, skip=None, batch_pages=BATCH_PAGES):
    """RenderedPage for every file of ``found_files`` (from ``reading.find_files``), in
    order; a file for which ``skip(found)`` is true is passed over without being read."""
    wanted = (found for found in found_files if skip is None or not skip(found))
    batches = _batches(((found, _stdin_bytes(found)) for found in wanted), batch_pages)
    for rendered in ordered_map(_render_files, batches, jobs, model_path, fmt, threshold):
        yield from rendered


def _stdin_bytes(found):
    """stdin is read here, in the main process: a worker has none."""
    if found.path != "-":
        return None
    from training.reading import read_bytes

    return read_bytes("-")


def _render_files(model_path, fmt, threshold, batch):
    model = _model(model_path)
    pages = [read_input_page(found.path, found.site, data) for found, data in batch]
    probabilities = model.predict_proba([page.model_lines for page in pages], _LINE_CACHE)
    cut = model.threshold_ if threshold is None else threshold
    return [RenderedPage(found, render(fmt, found.path, page.lines, page_probabilities, cut))
            for (found, _), page, page_probabilities in zip(batch, pages, probabilities)]


class RecordTally:
    """What happened to the records of a run: pages read and written, skipped by reason."""

    def __init__(self):
        self.read = 0
        self.written = 0
        self.skipped = Counter()

    def summary(self):
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{count} {reason}" for reason, count in self.skipped.most_common())
        return f"{self.read} pages read, {self.written} written, {skipped} skipped" + (f" ({reasons})" if reasons else "")


def predict_records(paths, model_path, emit, threshold, text_field, html_field, jobs=1, strict=False,
                    tally=None, position=None, batch_pages=BATCH_PAGES):
    """One JSON line (str) per usable record of the record files ``paths``, in order.
    An unusable record is counted in ``tally.skipped`` by reason, or, with ``strict``,
    stops the run with an InputError naming its file and line (record)."""
    tally = tally if tally is not None else RecordTally()

    def usable():
        for path in paths:
            for record in read_records(path, text_field, html_field, position):
                if isinstance(record, Skipped):
                    if strict:
                        detail = f": {record.detail}" if record.detail else ""
                        raise InputError(record.source, f"{record.reason}{detail}", record.number)
                    tally.skipped[record.reason] += 1
                    continue
                tally.read += 1
                yield record

    for lines in ordered_map(_render_records, _batches(usable(), batch_pages), jobs, model_path, emit, threshold):
        tally.written += len(lines)
        yield from lines


def _render_records(model_path, emit, threshold, batch):
    model = _model(model_path)
    cut = model.threshold_ if threshold is None else threshold
    results = [None] * len(batch)
    for is_html in (False, True):
        chosen = [i for i, record in enumerate(batch) if (record.text is None) == is_html]
        if not chosen:
            continue
        classify = classify_html if is_html else classify_texts
        pages = [batch[i].html if is_html else batch[i].text for i in chosen]
        for i, result in zip(chosen, classify(model, pages, _LINE_CACHE)):
            results[i] = result
    return [render_record(record, result, emit, cut) for record, result in zip(batch, results)]


def _batches(items, size):
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch
