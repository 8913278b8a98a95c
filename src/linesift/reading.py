"""Read stage: files and folders -> pages to classify.

``find_files`` expands the paths a user gives into files (the folder right under a path
given is a page's site); ``read_input_page`` turns one into a ``Page``: a labeled page, an
HTML page (by its name, or sniffed when it has none) or a dump as it is. Pages over the
limits (``linesift.limits``) are refused before the work that would cost the memory. An
HTML page whose walk yields no text although its markup holds some is refused too (an
empty result would be a silent loss), and so is one whose gzip cannot be read whole.
"""

import html as html_entities
import os
import re
import stat
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import NamedTuple

from linesift.decoding import decode_lines, line_breaks
from linesift.errors import InputError
from linesift.html import DROPPED_TAGS, DamagedGzip, InflatedTooLarge, decode_html, gunzip, is_html, read_html
from linesift.labeled import LABELED_SUFFIX, html_sibling_names, parse_labeled, with_markup
from linesift.limits import HTML_TAGS_PER_LINE, NO_TEXT, OVER_LINES, PageLimits, PageRefused, check_lines, over_size
from linesift.page import Page

HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
DAMAGED_GZIP = "damaged gzip"   # a PageRefused reason, as limits' are


def read_bytes(path, limits=None) -> bytes:
    """The bytes of a file, or of stdin for ``-``; a missing file is an InputError, and so is
    one over ``limits``' size, read no further than one byte past the limit: a stream
    (a pipe, /dev/zero, ``yes |``) may never end, so what is past the limit is not counted."""
    try:
        with (nullcontext(sys.stdin.buffer) if str(path) == "-" else open(path, "rb")) as handle:
            if limits is None:
                return handle.read()
            size = _regular_file_size(handle)
            if size is not None and size > limits.max_bytes:
                raise over_size(size, limits)
            data = handle.read(limits.max_bytes + 1)
            if len(data) > limits.max_bytes:
                raise over_size(None, limits)
            return data
    except OSError as error:
        raise InputError(path, error.strerror or str(error), exit_code=2) from None
    except PageRefused as refused:
        raise InputError(path, str(refused)) from None


def _regular_file_size(handle):
    """The size of the file ``handle`` reads, or None when it is not a regular file (a
    pipe, a terminal, a stream with no file behind it)."""
    try:
        info = os.fstat(handle.fileno())
    except (OSError, ValueError):   # io.UnsupportedOperation: no file descriptor
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def read_path_list(path):
    """A list of paths, one per line (blank lines and ``#`` comments skipped): --exclude files."""
    return [line.strip() for line in decode_lines(read_bytes(path)) if line.strip() and not line.startswith("#")]


class FoundFile(NamedTuple):
    path: str       # as found (``-`` for stdin)
    site: str       # the folder right under the corpus root
    relative: str   # path below the root that was given (the file name for a file given directly)
    root: str       # the path given (for a file given directly: its folder)


def _has_suffix(name, wanted):
    """``name`` ends with one of ``wanted`` (``.tsv``); a file name there (``page.html``) must match whole."""
    return any(name.endswith(w) if w.startswith(".") else name == w
               for w in ((wanted,) if isinstance(wanted, str) else wanted))


def find_files(paths, suffix=None):
    """Expand files and folders (recursively, sorted, hidden entries skipped) into
    FoundFile entries. The site of a file found under a folder is the first folder
    below that root (``root/<site>/<page>``); a file given directly, or lying right in
    the root, takes the name of the folder it is in. Symbolic links to folders are
    followed (a corpus assembled from links to site folders), each real folder read once,
    so a link back up the tree does not loop. A file reached twice (a folder given with a
    file in it, or through a link to it) is taken once, where first found: each input
    gives one page and one output. A folder that cannot be listed is an InputError
    before any work: skipping it would drop its pages unseen. Stdin (``-``) that is
    closed is one too.
    """
    found = []
    for given in paths:
        if str(given) == "-":
            if sys.stdin is None:   # started with stdin closed (`<&-`)
                raise InputError("-", "stdin is closed: give the page as a file, or pipe it in", exit_code=2)
            found.append(FoundFile("-", "stdin", "stdin", "-"))
            continue
        root = Path(given)
        if root.exists() and not root.is_dir():   # a file, or a pipe such as <(cmd) or /dev/stdin
            found.append(FoundFile(str(root), root.resolve().parent.name, root.name, str(root.resolve().parent)))
        elif root.is_dir():
            matches = [FoundFile(str(path), parts[0] if len(parts) > 1 else root.resolve().name, str(Path(*parts)),
                                 str(given))
                       for path, parts in _walk(root, suffix)]
            if not matches:
                what = "no labeled pages (.tsv, or page.html beside gold.txt)" if suffix else "no files"
                raise InputError(given, f"{what} in this folder", exit_code=2)
            found.extend(matches)
        else:
            raise InputError(given, "no such file or folder", exit_code=2)
    if len(paths) < 2:
        return found
    seen = set()
    once = []
    for entry in found:
        key = entry.path if entry.path == "-" else os.path.realpath(entry.path)
        if key not in seen:
            seen.add(key)
            once.append(entry)
    return once


def is_found(parts, suffix=None):
    """Whether ``find_files(..., suffix)`` takes a file whose path below a folder given is
    ``parts``: no hidden entry on the way, and the name ends with ``suffix``."""
    return bool(parts) and not any(part.startswith(".") for part in parts) \
        and not (suffix and not _has_suffix(parts[-1], suffix))


def _walk(root, suffix):
    """(path, parts below ``root``) of the files under the folder ``root``, depth first
    in sorted order, a folder's own files before its subfolders'. A loop with a stack of
    its own, not os.walk's recursion: a tree a thousand folders deep is read like any."""
    stack, seen = [(root, ())], set()
    while stack:
        folder, parts = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:   # a link cycle, or a second link to a folder already read
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted((entry.name, entry.is_dir()) for entry in listing if not entry.name.startswith("."))
        except OSError as error:
            raise InputError(folder, f"cannot read this folder: {error.strerror or error}", exit_code=2) from None
        for name, is_dir in entries:
            if not is_dir and is_found((name,), suffix):
                yield folder / name, parts + (name,)
        stack.extend((folder / name, parts + (name,)) for name, is_dir in reversed(entries) if is_dir)


def read_html_page(source, data, site, limits=PageLimits()):
    """A page of HTML: its block lines as the page's lines, the HtmlLines as its markup."""
    try:
        markup = read_html_within(data, limits)
    except PageRefused as refused:
        raise InputError(source, str(refused)) from None
    return Page(str(source), site, [line.text for line in markup], markup=markup, html_source=str(source))


def read_html_within(data, limits=PageLimits()):
    """The HtmlLines of an HTML document (bytes or str), or PageRefused: over the limits
    (checked before the work that would cost the memory), gzip that cannot be read whole,
    or no text read from markup that holds text."""
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    try:
        data = gunzip(data, limits.max_bytes)
    except InflatedTooLarge:
        raise over_size(None, limits, decompressed=True) from None
    except DamagedGzip as error:
        raise PageRefused(DAMAGED_GZIP, str(error)) from None
    if len(data) > limits.max_bytes:
        raise over_size(len(data), limits)
    tags = data.count(b"<")
    if tags > limits.max_tags:
        raise PageRefused(OVER_LINES, f"page has {tags:,} tags, over the limit of {limits.max_tags:,} "
                                      f"({HTML_TAGS_PER_LINE} per line of --max-page-lines)")
    markup = read_html(data)
    check_lines(len(markup), limits)
    if not markup and _holds_text(data):   # the walk reads hidden text when nothing else: this is lost
        raise PageRefused(NO_TEXT, "no text could be read from this HTML")
    return markup


def _holds_text(data):
    """Whether HTML bytes hold text a reader would see: anything but whitespace outside
    comments, tags and the elements linesift never reads (script, style, ...). One pass
    with ``find``, linear however broken the markup (a regex would backtrack on it)."""
    text = decode_html(data)
    lower = text.lower()
    at = 0
    while at < len(text):
        start = text.find("<", at)
        if html_entities.unescape(text[at:start if start >= 0 else len(text)]).strip():
            return True
        if start < 0:
            return False
        if lower.startswith("<!--", start):
            end = lower.find("-->", start + 4)
            at = len(text) if end < 0 else end + 3
            continue
        end = lower.find(">", start)
        if end < 0:
            return False
        at = end + 1
        name = _TAG_NAME.match(lower, start + 1)
        if name and name.group() in DROPPED_TAGS and name.group() not in _OPTIONAL_END:
            # Its content is never text. A <title> never closed holds the rest of the page
            # (in a browser too): that counts as text lost, so the page is refused, not
            # read as empty.
            close = lower.find("</" + name.group(), at)
            if close >= 0 or name.group() != "title":
                at = len(text) if close < 0 else close
    return False


_TAG_NAME = re.compile(r"[a-z][a-z0-9-]*")
_OPTIONAL_END = ("head", "embed")   # often left open: skipping to their end tag would skip the page


def read_input_page(path, site, data=None, limits=PageLimits()) -> Page:
    """A page to predict: a labeled page (``.tsv``, labels kept), an HTML page (by its
    name, or by its content: stdin and unnamed files are sniffed), or a dump as it is.
    ``data``, when given, is the file's bytes, already read (within ``limits``' size)."""
    data = read_bytes(path, limits) if data is None else data
    name = str(path).lower()
    if name.endswith(HTML_SUFFIXES) or (not name.endswith(LABELED_SUFFIX) and (name == "-" or not Path(name).suffix)
                                        and is_html(data)):
        return read_html_page(path, data, site, limits)
    try:
        check_lines(line_breaks(data), limits)
    except PageRefused as refused:
        raise InputError(path, str(refused)) from None
    if name.endswith(LABELED_SUFFIX):
        return read_labeled_page(path, site, data, limits)
    return Page(str(path), site, decode_lines(data))


def html_sibling(path):
    """The HTML beside the labeled page ``path`` (``labeled.html_sibling_names``), or None."""
    if str(path) == "-":
        return None
    path = Path(path)
    return next((path.with_name(name) for name in html_sibling_names(path.name) if path.with_name(name).is_file()),
                None)


def read_labeled_page(path, site, data=None, limits=PageLimits()) -> Page:
    """A labeled page (``.tsv``); with its HTML beside it (``html_sibling``), the HTML's block
    lines as its markup, so the model reads it as the HTML page it labels."""
    page = parse_labeled(path, read_bytes(path, limits) if data is None else data, site)
    sibling = html_sibling(path)
    if sibling is None:
        return page
    try:
        markup = read_html_within(read_bytes(sibling, limits), limits)
    except PageRefused as refused:
        raise InputError(sibling, str(refused)) from None
    page = with_markup(page, markup, sibling)
    page.html_source = str(sibling)
    return page


def page_html(page, data=None, limits=PageLimits()):
    """The HTML of an HTML page (``page.markup`` set), decompressed: ``data`` when it is the
    page's own file's bytes, else its ``html_source`` read again (the HTML beside a labeled
    page); None for a dump."""
    if page.markup is None or page.html_source is None:
        return None
    raw = data if data is not None and page.html_source == page.source else read_bytes(page.html_source, limits)
    return gunzip(raw, limits.max_bytes)


def labeled_page_of(path):
    """The labeled page (``.tsv``) whose HTML ``path`` is, when one lies beside it, else None."""
    path = Path(path)
    stem = path.name.split(".")[0]
    for name in (stem + LABELED_SUFFIX, path.name + LABELED_SUFFIX):
        if path.name in html_sibling_names(name) and (path.parent / name).is_file():
            return path.parent / name
    return None


def without_labeled_html(found_files):
    """``found_files`` less the HTML files of labeled pages also among them: such a page is
    read once, through its ``.tsv`` (``read_labeled_page``)."""
    given = {os.path.normpath(found.path) for found in found_files}
    return [found for found in found_files
            if not found.path.lower().endswith(HTML_SUFFIXES)
            or (labeled := labeled_page_of(found.path)) is None or os.path.normpath(str(labeled)) not in given]
