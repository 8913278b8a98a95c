"""Prediction jobs: pages read in batches, classified and rendered (on several cores with
``options.jobs`` > 1), handed back in input order and written.

A batch is classified and rendered where it runs, so only bytes in and text out cross
between processes. Each process loads the model once (``workers.process_model``), with
one cache of line statistics (menus repeat from page to page). What a run was asked for
travels as one ``PredictOptions``, from the command line to the worker.
"""

import os
from collections import Counter
from dataclasses import dataclass, replace
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple, Optional

from linesift.api import classify_markups, classify_pages, classify_texts
from linesift.atomic import atomic_writer, refuse_inputs_as_outputs, remove_stale_temporaries, write_files
from linesift.canonical import stated_url
from linesift.decoding import decode_lines, line_breaks
from linesift.errors import InputError
from linesift.labeled import html_sibling_names
from linesift.labels import labels_from_probabilities, resolve_threshold
from linesift.limits import MB, PageLimits, PageRefused, check_lines
from linesift.markdown import markdown_text
from linesift.output import SUFFIXES, render, render_record
from linesift.parallel import FORKED_WORKERS, WorkerDied, available_cores, ordered_map
from linesift.reading import HTML_SUFFIXES, is_found, page_html, read_bytes, read_html_within, read_input_page
from linesift.records import (
    TEXT_FIELD,
    RawLine,
    Record,
    RecordTally,
    Skipped,
    compressed_stream,
    gzip_member,
    item_site,
    parse_record,
    read_records,
    record_format,
    record_site,
)
from linesift.sites import site_of_url
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
    strict: bool = False               # stop at the first unusable record or unreadable page
    jobs: int = 1
    limits: PageLimits = PageLimits()
    batch_pages: int = BATCH_PAGES
    links: bool = False                # markdown: links as [text](url)
    metadata: bool = False             # JSON lines: what an HTML page states about itself (linesift.metadata)
    site_from: str = "url"             # the site pass's site: "url" (given or stated) or "folder"
    urls: tuple = ()                   # (path, URL) of pages whose URL was given (--url, --sites)
    keep_fields: tuple = ()            # record files: fields kept though linesift read them (the HTML field)


SITE_FROM = ("url", "folder")   # where the site pass takes a page's site from (PredictOptions.site_from)


def page_urls(found_files, url=None, sites_file=None):
    """The (path, URL) pairs of the pages whose URL was given: ``url`` for a single page,
    ``sites_file`` (PATH<TAB>URL lines, blank lines and ``#`` comments skipped) for many.
    A path of the file that is no input is an error naming its line."""
    if url is not None:
        if len(found_files) != 1:
            raise InputError("--url", "names the URL of a single page; give --sites FILE for several", exit_code=2)
        return ((found_files[0].path, url),)
    if sites_file is None:
        return ()
    paths = {os.path.normpath(found.path): found.path for found in found_files}
    pairs = []
    for number, line in enumerate(decode_lines(read_bytes(sites_file)), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        path, tab, given = line.partition("\t")
        if not tab or not given.strip():
            raise InputError(sites_file, "expected PATH<TAB>URL", number, exit_code=2)
        if os.path.normpath(path) not in paths:
            raise InputError(sites_file, f"{path}: not among the pages given", number, exit_code=2)
        pairs.append((paths[os.path.normpath(path)], given.strip()))
    return tuple(pairs)


# One process classifies a small input sooner than two where a worker is slow to start:
# forked workers (parallel.FORKED_WORKERS) pay off from about 100 dumps or 20 HTML pages
# (0.15 s of one process's work), fresh interpreters from about 650 dumps or 130 HTML pages
# (docs/decisions.md). A page's estimated work is the slope of -j 1 over folder sizes.
PARALLEL_FROM_SECONDS = 0.15 if FORKED_WORKERS else 1.0
PAGE_SECONDS = {"html": 0.007, "dump": 0.0016}
RECORD_SECONDS_PER_MB = 0.15    # a record file: about 20 HTML pages of 50 KB, or 100 dumps of 10 KB, a MB


def default_jobs(found_files):
    """--jobs when not given: one process where the work would not pay for starting a second
    (its estimated CPU under PARALLEL_FROM_SECONDS), else every core."""
    seconds = 0.0
    for found in found_files:
        if found.path == "-":
            continue
        if record_format(found.path):
            try:
                seconds += os.stat(found.path).st_size / MB * RECORD_SECONDS_PER_MB
            except OSError:
                continue   # named when it is read
        else:
            seconds += PAGE_SECONDS["html" if found.path.lower().endswith(HTML_SUFFIXES) else "dump"]
        if seconds >= PARALLEL_FROM_SECONDS:
            return available_cores()
    return 1


class RenderedPage(NamedTuple):
    """A page's output; ``text`` is None when the page could not be read (``error`` says
    why) or its output was already there (``done``, --resume)."""
    found: object                          # the reading.FoundFile it came from
    text: Optional[str]                    # the page's output, rendered
    error: Optional[InputError] = None
    done: bool = False
    html_source: Optional[str] = None      # an HTML page's file of HTML (reading.Page.html_source)


class PagesTally(NamedTuple):
    """What a run over pages did: outputs written, inputs whose output was already there
    (--resume), and the pages that could not be read (their InputError), skipped."""
    written: int
    done: int
    skipped: list


# -- pages: one output per input ----------------------------------------------------------
def predict_files(found_files, options, done=None):
    """RenderedPage for every file of ``found_files`` (from ``reading.find_files``), in
    order. A page that cannot be read (missing, unreadable, over ``options.limits``, not a
    page) comes back with its ``error`` and no text, the others classified as they would
    be without it. A file for which ``done(found)`` is true comes back ``done`` and not
    rendered; it is still read and classified with the pages of its site, so that the
    site pass counts its lines as in a run that was never interrupted."""
    # A site's pages go to the model together where they can (workers.batches' ``group``):
    # the site pass counts a line on the other pages of its site in the same batch. The
    # batches depend on the inputs alone, never on what is done, so a resumed run's are
    # the uninterrupted run's.
    url_of = dict(options.urls)   # each page's given URL travels with it, not the whole list with every batch
    items = ((found, _stdin_bytes(found, options.limits), done is not None and done(found), url_of.get(found.path))
             for found in found_files)
    work = batches(items, options.batch_pages, group=lambda item: (item[0].root, item[0].site))
    for rendered in ordered_map(_render_files, work, options.jobs, replace(options, urls=())):
        yield from rendered


def _stdin_bytes(found, limits):
    """stdin is read here, in the main process: a worker has none. Its error is handed on
    as data, to be skipped like any page's."""
    try:
        return read_bytes("-", limits) if found.path == "-" else None
    except InputError as error:
        return error


def _render_files(options, batch):
    if all(done for _, _, done, _ in batch):   # nothing to write, nothing whose site pass it could change
        return [RenderedPage(found, None, done=True) for found, _, _, _ in batch]
    model, line_cache = process_model(options.model_path)
    read = []   # (found, its given URL, its HTML (an HTML page's), its Page or None, its error, done)
    for found, data, done, url in batch:
        try:
            if isinstance(data, InputError):
                raise data
            data = read_bytes(found.path, options.limits) if data is None else data
            page = read_input_page(found.path, found.site, data, options.limits)
            page.root = found.root
            read.append((found, url, page_html(page, data, options.limits), page, None, done))
        except InputError as error:
            read.append((found, url, None, None, None if done else error, done))
    # (page, its site): a site is read once per page (from its HTML's head, for most)
    pages = [(page, page_site(url, html, page, options)) for _, url, html, page, _, _ in read if page is not None]
    probabilities = iter([p for _, p in classify_grouped(model, pages, _classify_read, itemgetter(0), itemgetter(1),
                                                         line_cache, size=None, max_lines=options.limits.max_lines,
                                                         lines=lambda item: len(item[0].lines))])
    cut = resolve_threshold(model, options.threshold)
    rendered = []
    for found, url, html, page, error, done in read:
        page_probabilities = next(probabilities) if page is not None else None
        text = None
        if page is not None and not done:
            text = _render_page(options, found, url, html, page, page_probabilities, cut)
        rendered.append(RenderedPage(found, text, error, done, page.html_source if page is not None else None))
    return rendered


def _classify_read(model, pages, cache, sites):
    return classify_pages(model, [page.model_lines for page in pages], cache, sites)


def page_site(url, html, page, options):
    """The site a page is counted with in the site pass: with ``site_from`` "url", the host
    of the URL given for it (--url, --sites) or stated in its HTML (``canonical``), None
    (classified alone) when it has none; with "folder", its folder under the path given."""
    if options.site_from == "folder":
        return page.site_key
    if url is None and html is not None:
        url = stated_url(html)
    return site_of_url(url)


def _render_page(options, found, url, html, page, probabilities, cut):
    if options.fmt == "markdown" and html is not None:
        return markdown_text(html, page.lines, labels_from_probabilities(probabilities, cut, page.lines), options.links)
    extra = None
    if options.metadata and options.fmt == "jsonl" and html is not None:
        from linesift.metadata import page_metadata  # only when asked: it costs as much as classifying

        extra = {"metadata": page_metadata(html, url)}
    return render(options.fmt, found.path, page.lines, probabilities, cut, extra)


def output_path(folder, relative, fmt):
    """Output path of an input: its path below the root given, with the format's suffix
    added (kept as it is when it already ends so): `a.md` and `a.txt` stay apart."""
    name = relative if relative.endswith(SUFFIXES[fmt]) else relative + SUFFIXES[fmt]
    return Path(folder) / name


def refuse_overwrites(found, targets):
    """Before any work: no output may be an input (a file found in a folder may be a link
    to one elsewhere), and no two inputs may share an output."""
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


def write_pages(inputs, found, output, options, resume=False, progress=None, say=print, on_skip=None):
    """Predict the pages ``found`` (from the paths ``inputs``) and write them: to ``output``
    (a file, or ``-``) or, for several inputs in text or labeled format, one file per input
    under the folder ``output``; ``resume`` skips inputs whose output is complete (and
    removes the temporaries a killed run left for the others). Returns a PagesTally.

    Of several inputs, a page that cannot be read is skipped, ``on_skip(error)`` told, and
    counted in the tally; the others are written as they would be without it. A single
    page's error, or with ``options.strict`` the first one, stops the run instead."""
    several = len(found) > 1 or any(Path(i).is_dir() for i in inputs if i != "-")
    names_folder = _names_folder(output)
    to_folder = output != "-" and options.fmt != "jsonl" and (several or names_folder)
    if resume and not to_folder:
        raise InputError(output, "--resume needs -o FOLDER (one output file per input)", exit_code=2)
    if not to_folder:
        if several and options.fmt == "labeled":
            raise InputError(output, "several inputs in labeled format need -o FOLDER (one file per input)", exit_code=2)
        if names_folder:
            raise InputError(output, "is a folder: --format jsonl writes one file; name a file", exit_code=2)
        refuse_inputs_as_outputs([output], inputs, "name another output file", reads=is_found)
        return _write_one_output(found, output, options, several, progress, on_skip)
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise InputError(output, "several inputs need -o to be a folder (or use --format jsonl)", exit_code=2)
    if not folder.exists() and not names_folder and folder.suffix:
        raise InputError(output, f"looks like a file, but several inputs write one file each: give a folder "
                                 f"(-o {output}/ makes one of this name), or --format jsonl for one file", exit_code=2)
    targets = [output_path(folder, f.relative, options.fmt) for f in found]
    refuse_inputs_as_outputs(targets, inputs, "choose another -o folder", reads=is_found)
    refuse_overwrites(found, targets)
    target_of = dict(zip((f.path for f in found), targets))
    if resume:
        removed = remove_stale_temporaries(targets)
        if removed:
            say(f"removed {removed} unfinished output{'s' if removed != 1 else ''} of an earlier run")

    def done(entry):
        target = target_of[entry.path]
        return entry.path != "-" and target.exists() and target.stat().st_mtime >= Path(entry.path).stat().st_mtime

    written, already, skipped = 0, 0, []
    waiting = []   # the files of pages rendered and not yet written: written a batch at a time

    def write_waiting():
        nonlocal written
        write_files(chain.from_iterable(waiting))
        written += len(waiting)
        waiting.clear()
        if progress:
            progress.update(written, (written + already + len(skipped)) / len(found))

    try:
        for page in predict_files(found, options, done=done if resume else None):
            if page.done:
                already += 1
                continue
            if page.error is not None:
                write_waiting()   # the pages before it are written before the run may stop here
                _skip(page.error, skipped, options, several, on_skip)
                continue
            waiting.append(_page_files(page, target_of[page.found.path], options))
            if len(waiting) >= options.batch_pages:
                write_waiting()
        write_waiting()
    except WorkerDied as died:
        write_waiting()
        raise InputError(output, f"{died}; the {written} outputs written are whole, the rest not begun: "
                                 "rerun with --resume") from None
    if resume:
        say(f"{already} input{'s' if already != 1 else ''} already done, skipped")
    return PagesTally(written, already, skipped)


def _page_files(page, target, options):
    """The (path, data) files of a page's output: a labeled HTML page's HTML first, beside
    its ``.tsv`` (``labeled.html_sibling_names``; training reads the page as HTML)."""
    files = [(target, page.text)]
    if page.html_source and options.fmt == "labeled" and page.html_source != "-":
        files.insert(0, (target.with_name(html_sibling_names(target.name)[0]), read_bytes(page.html_source)))
    return files


def _write_one_output(found, output, options, several, progress, on_skip):
    """All pages into the one file (or stdout) ``output``."""
    written, skipped = 0, []
    try:
        with atomic_writer(output) as handle:
            for page in predict_files(found, options):
                if page.error is not None:
                    _skip(page.error, skipped, options, several, on_skip)
                    continue
                if several and options.fmt in ("text", "markdown"):
                    handle.write(f"==> {page.found.path} <==\n")
                handle.write(page.text)
                written += 1
                if progress:
                    progress.update(written, (written + len(skipped)) / len(found))
    except WorkerDied as died:
        raise _died_writing(died, output) from None
    return PagesTally(written, 0, skipped)


def _died_writing(died, output):
    """The error of a run to one output whose worker died: a file is left as it was."""
    return InputError(output, f"{died}; " + ("the output stops here, incomplete" if output == "-"
                                             else "nothing written to this file"))


def _skip(error, skipped, options, several, on_skip):
    """A page that cannot be read: the end of the run for a single page or with --strict,
    else counted and told."""
    if options.strict or not several:
        raise error
    skipped.append(error)
    if on_skip:
        on_skip(error)


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


def write_records(paths, output, options, progress=None, inputs=None):
    """Predict the record files ``paths`` (found under the paths ``inputs``, when given)
    into the one JSON lines file ``output`` (``-``: stdout), compressed by its extension;
    returns the run's RecordTally."""
    if _names_folder(output):
        raise InputError(output, "is a folder: record files write one JSON lines file; name a file", exit_code=2)
    refuse_inputs_as_outputs([output], inputs if inputs is not None else paths, "name another file", reads=is_found)
    sizes = [Path(p).stat().st_size for p in paths]
    total = sum(sizes) or 1
    done_bytes = 0
    tally = RecordTally()
    gzipped = output != "-" and output.lower().endswith(".gz")   # compressed by the workers, batch by batch
    try:
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
    except WorkerDied as died:
        raise _died_writing(died, output) from None
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


def _record_metadata(record):
    """What a record's HTML states about the page (``metadata.page_metadata``), its URL
    from the record's own ``url`` field when it has one."""
    from linesift.metadata import page_metadata  # only when asked: it costs as much as classifying

    fields = record.fields
    url = fields.get("url") if isinstance(fields.get("url"), str) else None
    return page_metadata(record.html, url)


def _render_records(options, compress, batch):
    """(output bytes, pages read, skipped reasons) of a batch of record items."""
    model, line_cache = process_model(options.model_path)
    cut = resolve_threshold(model, options.threshold)
    records, skipped, stated = [], Counter(), []
    for item in batch:
        record = parse_record(item, options.text_field, options.html_field)
        if isinstance(record, Record):
            try:
                about = _record_metadata(record) if options.metadata and record.html is not None else None
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
            stated.append(about)
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
    # The HTML field is left out of a record whose page was read from it (it is most of the
    # record, and what it said is in the output), unless asked to keep it.
    drop = (options.html_field,) if options.html_field and options.html_field not in options.keep_fields else ()
    data = "".join(render_record(record, result, options.emit, cut, drop if record.text is None else (), about)
                   for record, result, about in zip(records, results, stated))
    data = data.encode()
    # gzip members may follow one another in one file (Common Crawl's files are made so):
    # each batch is compressed here, on the worker's core, not in the process that writes.
    return (gzip_member(data) if compress == "gzip" and data else data), len(records), skipped
