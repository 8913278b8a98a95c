"""Prediction jobs: pages read in batches, classified and rendered (on several cores with
``jobs`` > 1), handed back in input order for the caller to write.

A batch is classified and rendered where it runs, so only bytes in and text out cross
between processes. Each process loads the model once (``workers.process_model``), with
one cache of line statistics (menus repeat from page to page).
"""

from collections import Counter
from typing import NamedTuple

from linesift.api import classify_markups, classify_texts
from linesift.errors import InputError
from linesift.output import render, render_record
from linesift.parallel import ordered_map
from linesift.reading import PageLimits, PageRefused, check_lines, line_breaks, read_bytes, read_html_within, read_input_page
from linesift.records import (Record, RawLine, Skipped, gzip_member, item_site, parse_record, read_records,
                              record_site)
from linesift.workers import BATCH_PAGES, batches, process_model

# A batch of records also closes at this many bytes, so large pages go to the workers a
# few at a time: the batches in flight (parallel.IN_FLIGHT_PER_JOB per worker) stay small.
# Where a batch is classified, its pages go to the model in groups of at most
# --max-page-lines lines in all: the features of a group are in memory at once (about
# 2 KB a line), so 16 pages at the line limit never cost 16 times one.
BATCH_BYTES = 4 * 1024 * 1024

class RenderedPage(NamedTuple):
    found: object    # the reading.FoundFile it came from
    text: str        # the page's output, rendered


def predict_files(found_files, model_path, fmt, threshold, jobs=1, skip=None, batch_pages=BATCH_PAGES,
                  limits=PageLimits()):
    """RenderedPage for every file of ``found_files`` (from ``reading.find_files``), in
    order; a file for which ``skip(found)`` is true is passed over without being read. A
    page over ``limits`` stops the run with an InputError saying so."""
    wanted = (found for found in found_files if skip is None or not skip(found))
    # A site's pages go to the model together where they can (workers.batches' ``group``):
    # the site pass counts a line on the other pages of its site in the same batch.
    work = batches(((found, _stdin_bytes(found, limits)) for found in wanted), batch_pages,
                   group=lambda item: (item[0].root, item[0].site))
    for rendered in ordered_map(_render_files, work, jobs, model_path, fmt, threshold, limits):
        yield from rendered


def _stdin_bytes(found, limits):
    """stdin is read here, in the main process: a worker has none."""
    return read_bytes("-", limits) if found.path == "-" else None


def _render_files(model_path, fmt, threshold, limits, batch):
    model, line_cache = process_model(model_path)
    pages = [read_input_page(found.path, found.site, data, limits) for found, data in batch]
    for page, (found, _) in zip(pages, batch):
        page.root = found.root
    probabilities = []
    for group in batches(pages, None, limits.max_lines, lambda page: len(page.lines)):   # BATCH_BYTES says why
        probabilities += model.predict_proba([page.model_lines for page in group], line_cache,
                                             [page.site_key for page in group])
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
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in self.skipped.most_common())
        return (f"{self.read:,} pages read, {self.written:,} written, {skipped:,} skipped"
                + (f" ({reasons})" if reasons else ""))


def predict_records(paths, model_path, emit, threshold, text_field, html_field, jobs=1, strict=False,
                    tally=None, position=None, compress=None, batch_pages=BATCH_PAGES, limits=PageLimits()):
    """The output of the record files ``paths``, in order, as chunks of bytes: one JSON
    line per usable record, UTF-8, gzip-compressed when ``compress`` is "gzip". A record
    that cannot be used (over ``limits`` too) is counted in ``tally.skipped`` by reason, or,
    with ``strict``, stops the run with an InputError naming its file and line (record)."""
    tally = tally if tally is not None else RecordTally()
    items = (item for path in paths for item in read_records(path, position, limits))
    work = batches(items, batch_pages, BATCH_BYTES, _record_bytes, group=item_site)   # a site's records together
    for chunk, read, skipped in ordered_map(_render_records, work, jobs, model_path, emit, threshold, text_field,
                                            html_field, strict, compress, limits):
        tally.read += read
        tally.written += read
        tally.skipped.update(skipped)
        yield chunk


def _record_bytes(item):
    """About how many bytes a record item holds (what a batch of them weighs in memory)."""
    if isinstance(item, RawLine):
        return len(item.line)
    if isinstance(item, Record):
        return len(item.text if item.text is not None else item.html)
    return 0


def _read_record(record, limits):
    """A record's page made ready to classify: its text, or its HTML read into HtmlLines;
    PageRefused when it is over ``limits`` or its HTML gives no text although it holds some."""
    if record.text is not None:
        check_lines(line_breaks(record.text), limits)
        return record
    return record._replace(html=read_html_within(record.html, limits))


def _render_records(model_path, emit, threshold, text_field, html_field, strict, compress, limits, batch):
    """(output bytes, pages read, skipped reasons) of a batch of record items."""
    model, line_cache = process_model(model_path)
    cut = model.threshold_ if threshold is None else threshold
    records, skipped = [], Counter()
    for item in batch:
        record = parse_record(item, text_field, html_field)
        if isinstance(record, Record):
            try:
                record = _read_record(record, limits)
            except PageRefused as refused:
                record = Skipped(record.source, record.number, refused.reason, str(refused))
        if isinstance(record, Skipped):
            if strict:
                detail = f": {record.detail}" if record.detail else ""
                raise InputError(record.source, f"{record.reason}{detail}", record.number)
            skipped[record.reason] += 1
        else:
            records.append(record)
    results = [None] * len(records)
    for is_html in (False, True):
        chosen = [i for i, record in enumerate(records) if (record.text is None) == is_html]
        if chosen:
            classify = classify_markups if is_html else classify_texts
            pages = [records[i].html if is_html else records[i].text for i in chosen]
            sites = [record_site(records[i].fields) for i in chosen]
            lines = (lambda markup: len(markup)) if is_html else line_breaks
            groups = batches(range(len(chosen)), None, limits.max_lines, lambda at: lines(pages[at]))
            for group in groups:
                for at, result in zip(group, classify(model, [pages[at] for at in group], line_cache,
                                                      [sites[at] for at in group])):
                    results[chosen[at]] = result
    data = "".join(render_record(record, result, emit, cut) for record, result in zip(records, results)).encode()
    # gzip members may follow one another in one file (Common Crawl's files are made so):
    # each batch is compressed here, on the worker's core, not in the process that writes.
    return (gzip_member(data) if compress == "gzip" and data else data), len(records), skipped
