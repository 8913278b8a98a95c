"""Prediction jobs: pages read in batches, classified and rendered (on several cores with
``options.jobs`` > 1), handed back in input order and written.

A batch is classified and rendered where it runs, so only bytes in and text out cross
between processes. Each process loads the model once (``workers.process_model``), with
one cache of line statistics (menus repeat from page to page). What a run was asked for
travels as one ``PredictOptions``, from the command line to the worker.
"""

import os
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple, Optional

from linesift.api import classify_markups, classify_pages, classify_texts
from linesift.atomic import atomic_writer
from linesift.decoding import line_breaks
from linesift.errors import InputError
from linesift.labels import resolve_threshold
from linesift.limits import PageLimits, PageRefused, check_lines
from linesift.output import SUFFIXES, render, render_record
from linesift.parallel import ordered_map
from linesift.reading import read_bytes, read_html_within, read_input_page
from linesift.records import (TEXT_FIELD, RawLine, Record, RecordTally, Skipped, compressed_stream, gzip_member,
                              item_site, parse_record, read_records, record_site)
from linesift.workers import BATCH_PAGES, batches, classify_grouped, process_model

# A batch of records also closes at this many bytes, so large pages go to the workers a
# few at a time: the batches in flight (parallel.IN_FLIGHT_PER_JOB per worker) stay small.
# Where a batch is classified, its pages go to the model in groups of at most
# --max-page-lines lines in all: the features of a group are in memory at once (about
# 2 KB a line), so 16 pages at the line limit never cost 16 times one.
BATCH_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class PredictOptions:
    """What a predict run was asked for (``linesift predict``'s options)."""
    model_path: Optional[str] = None   # None: the shipped model
    threshold: Optional[float] = None  # None: the model's own
    fmt: str = "text"                  # pages: text, labeled or jsonl (output.FORMATS)
    emit: str = "text"                 # record files: text, labels or spans (output.EMITS)
    text_field: str = TEXT_FIELD       # JSON lines: the field of the page's text
    html_field: Optional[str] = None   # JSON lines: a field of HTML, used when the text field is absent
    strict: bool = False               # record files: stop at the first unusable record
    jobs: int = 1
    limits: PageLimits = PageLimits()
    batch_pages: int = BATCH_PAGES


class RenderedPage(NamedTuple):
    found: object    # the reading.FoundFile it came from
    text: str        # the page's output, rendered


# -- pages: one output per input ----------------------------------------------------------
def predict_files(found_files, options, skip=None):
    """RenderedPage for every file of ``found_files`` (from ``reading.find_files``), in
    order; a file for which ``skip(found)`` is true is passed over without being read. A
    page over ``options.limits`` stops the run with an InputError saying so."""
    wanted = (found for found in found_files if skip is None or not skip(found))
    # A site's pages go to the model together where they can (workers.batches' ``group``):
    # the site pass counts a line on the other pages of its site in the same batch.
    work = batches(((found, _stdin_bytes(found, options.limits)) for found in wanted), options.batch_pages,
                   group=lambda item: (item[0].root, item[0].site))
    for rendered in ordered_map(_render_files, work, options.jobs, options):
        yield from rendered


def _stdin_bytes(found, limits):
    """stdin is read here, in the main process: a worker has none."""
    return read_bytes("-", limits) if found.path == "-" else None


def _render_files(options, batch):
    model, line_cache = process_model(options.model_path)
    pages = [read_input_page(found.path, found.site, data, options.limits) for found, data in batch]
    for page, (found, _) in zip(pages, batch):
        page.root = found.root
    probabilities = [p for _, p in classify_grouped(model, pages, classify_pages, attrgetter("model_lines"),
                                                    attrgetter("site_key"), line_cache, size=None,
                                                    max_lines=options.limits.max_lines,
                                                    lines=lambda page: len(page.lines))]
    cut = resolve_threshold(model, options.threshold)
    return [RenderedPage(found, render(options.fmt, found.path, page.lines, page_probabilities, cut))
            for (found, _), page, page_probabilities in zip(batch, pages, probabilities)]


def output_path(folder, relative, fmt):
    """Output path of an input: its path below the root given, with the format's suffix
    added (kept as it is when it already ends so): `a.md` and `a.txt` stay apart."""
    name = relative if relative.endswith(SUFFIXES[fmt]) else relative + SUFFIXES[fmt]
    return Path(folder) / name


def refuse_overwrites(found, targets):
    """Before any work: no output may be an input, and no two inputs may share an output."""
    inputs = None
    seen = {}
    for entry, target in zip(found, targets):
        # Inputs exist, so only an output that exists can be one: a fresh folder costs one
        # stat per output, not the resolving of every path.
        if target.exists():
            if inputs is None:
                inputs = {Path(f.path).resolve() for f in found if f.path != "-"}
            if target.resolve() in inputs:
                raise InputError(target, "output would overwrite an input; choose another -o folder", exit_code=2)
        if target in seen:
            raise InputError(target, f"two inputs ({seen[target]}, {entry.path}) would write this output", exit_code=2)
        seen[target] = entry.path


def _names_folder(output):
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def write_pages(inputs, found, output, options, resume=False, progress=None, say=print):
    """Predict the pages ``found`` (from the paths ``inputs``) and write them: to ``output``
    (a file, or ``-``) or, for several inputs in text or labeled format, one file per input
    under the folder ``output``; ``resume`` skips inputs whose output is complete. Returns
    how many pages were written."""
    several = len(found) > 1 or any(Path(i).is_dir() for i in inputs if i != "-")
    names_folder = _names_folder(output)
    to_folder = output != "-" and options.fmt != "jsonl" and (several or names_folder)
    pages = 0
    if resume and not to_folder:
        raise InputError(output, "--resume needs -o FOLDER (one output file per input)", exit_code=2)
    if to_folder:
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise InputError(output, "several inputs need -o to be a folder (or use --format jsonl)", exit_code=2)
        targets = [output_path(folder, f.relative, options.fmt) for f in found]
        refuse_overwrites(found, targets)
        target_of = dict(zip((f.path for f in found), targets))
        skipped = []

        def done(entry):
            target = target_of[entry.path]
            if entry.path != "-" and target.exists() and target.stat().st_mtime >= Path(entry.path).stat().st_mtime:
                skipped.append(entry.path)
                return True
            return False

        for page in predict_files(found, options, skip=done if resume else None):
            with atomic_writer(target_of[page.found.path]) as handle:
                handle.write(page.text)
            pages += 1
            if progress:
                progress.update(pages, (pages + len(skipped)) / len(found))
        if resume:
            say(f"{len(skipped)} input{'s' if len(skipped) != 1 else ''} already done, skipped")
    else:
        if several and options.fmt == "labeled":
            raise InputError(output, "several inputs in labeled format need -o FOLDER (one file per input)", exit_code=2)
        if names_folder:
            raise InputError(output, "is a folder: --format jsonl writes one file; name a file", exit_code=2)
        with atomic_writer(output) as handle:
            for page in predict_files(found, options):
                if several and options.fmt == "text":
                    handle.write(f"==> {page.found.path} <==\n")
                handle.write(page.text)
                pages += 1
                if progress:
                    progress.update(pages, pages / len(found))
    return pages


# -- record files: JSON lines and WARC/WET in, JSON lines out ------------------------------
def predict_records(paths, options, tally=None, compress=None):
    """The output of the record files ``paths``, in order, as chunks of bytes: one JSON
    line per usable record, UTF-8, gzip-compressed when ``compress`` is "gzip". A record
    that cannot be used (over ``options.limits`` too) is counted in ``tally.skipped`` by
    reason, or, with ``options.strict``, stops the run with an InputError naming its file
    and line (record)."""
    tally = tally if tally is not None else RecordTally()
    items = (item for path in paths for item in read_records(path, tally, options.limits))
    work = batches(items, options.batch_pages, BATCH_BYTES, _record_bytes, group=item_site)   # a site's records together
    for chunk, read, skipped in ordered_map(_render_records, work, options.jobs, options, compress):
        tally.read += read
        tally.written += read
        tally.skipped.update(skipped)
        yield chunk


def write_records(paths, output, options, progress=None):
    """Predict the record files ``paths`` into the one JSON lines file ``output`` (``-``:
    stdout), compressed by its extension; returns the run's RecordTally."""
    if _names_folder(output):
        raise InputError(output, "is a folder: record files write one JSON lines file; name a file", exit_code=2)
    if output != "-" and Path(output).resolve() in {Path(p).resolve() for p in paths}:
        raise InputError(output, "output would overwrite an input; name another file", exit_code=2)
    sizes = [Path(p).stat().st_size for p in paths]
    total = sum(sizes) or 1
    done_bytes = 0
    tally = RecordTally()
    gzipped = output != "-" and output.lower().endswith(".gz")   # compressed by the workers, batch by batch
    with atomic_writer(output, binary=True) as raw, \
            compressed_stream(raw, "-" if gzipped else output, "wb") as handle:
        for path, size in zip(paths, sizes):
            tally.offset = 0
            for chunk in predict_records([path], options, tally, compress="gzip" if gzipped else None):
                handle.write(chunk)
                if progress:
                    progress.update(tally.written, (done_bytes + tally.offset) / total)
            done_bytes += size
        if gzipped and not tally.written:
            handle.write(gzip_member(b""))   # an empty file is not valid gzip; an empty member is
    return tally


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


def _render_records(options, compress, batch):
    """(output bytes, pages read, skipped reasons) of a batch of record items."""
    model, line_cache = process_model(options.model_path)
    cut = resolve_threshold(model, options.threshold)
    records, skipped = [], Counter()
    for item in batch:
        record = parse_record(item, options.text_field, options.html_field)
        if isinstance(record, Record):
            try:
                record = _read_record(record, options.limits)
            except PageRefused as refused:
                record = Skipped(record.source, record.number, refused.reason, str(refused))
        if isinstance(record, Skipped):
            if options.strict:
                detail = f": {record.detail}" if record.detail else ""
                raise InputError(record.source, f"{record.reason}{detail}", record.number)
            skipped[record.reason] += 1
        else:
            records.append(record)
    results = [None] * len(records)
    for is_html in (False, True):
        chosen = [i for i, record in enumerate(records) if (record.text is None) == is_html]
        pages = [records[i].html if is_html else records[i].text for i in chosen]
        sites = [record_site(records[i].fields) for i in chosen]
        lines = len if is_html else line_breaks
        for at, result in classify_grouped(model, range(len(chosen)), classify_markups if is_html else classify_texts,
                                           pages.__getitem__, sites.__getitem__, line_cache, size=None,
                                           max_lines=options.limits.max_lines, lines=lambda at: lines(pages[at])):
            results[chosen[at]] = result
    data = "".join(render_record(record, result, options.emit, cut) for record, result in zip(records, results))
    data = data.encode()
    # gzip members may follow one another in one file (Common Crawl's files are made so):
    # each batch is compressed here, on the worker's core, not in the process that writes.
    return (gzip_member(data) if compress == "gzip" and data else data), len(records), skipped
