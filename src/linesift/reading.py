"""Read stage: bytes on disk -> page lines, and labeled pages -> lines + labels.

Decoding policy (one for every input):
- UTF-8; bytes that are not valid UTF-8 are kept as lone surrogates (``surrogateescape``),
  so they are written back out byte for byte and no input is ever altered.
- A byte-order mark at the start of the file is dropped.
- ``\\r\\n``, ``\\r`` and ``\\n`` all end a line (universal newlines); a final line break
  does not start another, empty line. Nothing else splits a line (no form feeds, no U+2028).

Limits (``PageLimits``; ``predict --max-page-mb`` / ``--max-page-lines``): a page over them
is refused with a message saying which and by how much (``PageRefused``), before the work
that would cost the memory: a file's size is looked at before it is read, gzip is never
inflated past the size limit, line breaks are counted before a dump is split and tags
before HTML is parsed (the parsed tree costs about 300 bytes a tag). An HTML page whose
parse yields no text although its markup holds some and the parser kept none (libxml2
stops at 2,048 nested elements and drops the rest) is refused too: an empty result would be
a silent loss. (Text the page hides, ``hidden`` or ``display:none``, is not read, by design.)
"""

import html as html_entities
import json
import os
import re
import stat
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import accumulate, islice, repeat
from operator import add
from pathlib import Path
from typing import NamedTuple

from linesift.errors import InputError

CONTENT, CHROME, UNLABELED = 1, 0, -1
LABEL_NAMES = {CONTENT: "content", CHROME: "chrome"}
LABEL_IDS = {name: label for label, name in LABEL_NAMES.items()}
LABELED_SUFFIX = ".tsv"
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
HTML_CORPUS_PAGES = ("page.html", "page.html.gz")   # beside gold.txt (and meta.json) in an HTML corpus
GOLD_FILE = "gold.txt"
BOM = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

MB = 1 << 20
MAX_PAGE_MB = 16           # --max-page-mb: a page's bytes (decompressed); see README "Limits"
MAX_PAGE_LINES = 100_000   # --max-page-lines: a classified line costs about 2 KB (README "Memory")
HTML_TAGS_PER_LINE = 5     # an HTML page may hold this many tags for each line of the line limit
MAX_PAGE_BYTES = MAX_PAGE_MB * MB


class PageLimits(NamedTuple):
    """How large a page may be; past these it is refused (or, in a record file, skipped)."""
    max_mb: float = MAX_PAGE_MB
    max_lines: int = MAX_PAGE_LINES

    @property
    def max_bytes(self):
        return int(self.max_mb * MB)

    @property
    def max_tags(self):
        return self.max_lines * HTML_TAGS_PER_LINE


class PageRefused(ValueError):
    """A page this run will not read: ``reason`` is short and fixed per kind (a record
    file's summary counts by it), ``str()`` says exactly what is wrong."""

    def __init__(self, reason, message):
        self.reason = reason
        super().__init__(message)

    def __reduce__(self):   # rebuilt from its fields when it crosses between processes
        return (PageRefused, (self.reason, str(self)))


OVER_SIZE, OVER_LINES, NO_TEXT = "over the size limit", "over the line limit", "no text read from HTML"


def over_size(size, limits, decompressed=False):
    """PageRefused for a page of ``size`` bytes (more than that, when ``decompressed`` stopped at the limit)."""
    told = f"more than {limits.max_mb:g} MB decompressed" if decompressed else f"{size / MB:.1f} MB"
    return PageRefused(OVER_SIZE, f"page is {told}, over the limit of {limits.max_mb:g} MB (--max-page-mb)")


def line_breaks(data):
    """How many lines ``data`` (bytes or str) splits into by the line policy, counted without splitting it."""
    cr, lf = ("\r", "\n") if isinstance(data, str) else (b"\r", b"\n")
    return data.count(lf) + data.count(cr) - data.count(cr + lf) + (not data.endswith((cr, lf)) if data else 0)


def check_lines(count, limits):
    if count > limits.max_lines:
        raise PageRefused(OVER_LINES, f"page has {count:,} lines, over the limit of {limits.max_lines:,} lines "
                                      "(--max-page-lines)")


@dataclass
class Page:
    """One page: its lines in order and, for labeled pages, a label per line.

    ``labels[i]`` is CONTENT, CHROME, or UNLABELED (blank lines; every line of a raw dump).
    An HTML page also keeps ``markup`` (its ``HtmlLine``s, whose texts are ``lines``) and,
    from an HTML corpus, ``gold``: the gold main text its labels were aligned to, and
    ``page_type`` when its meta.json names one (WCXB's: article, forum, product...).
    """

    source: str
    site: str
    lines: list
    labels: list = field(default=None)
    markup: list = field(default=None)
    gold: str = field(default=None)
    page_type: str = field(default=None)
    weight: float = 1.0      # how much the page's lines count in training
    root: str = None         # the path given under which the page was found (a corpus, a folder)

    @property
    def site_key(self):
        """The page's site for the site pass (``features.site``): its site within the path it
        was found under, so an HTML corpus and a dump of it, which hold the same sites, never
        count one page's two forms as two pages of its site."""
        return (self.root, self.site)

    def __post_init__(self):
        if self.labels is None:
            self.labels = [UNLABELED] * len(self.lines)

    @property
    def model_lines(self):
        """What the model reads: the HtmlLines of an HTML page, else the text lines."""
        return self.markup if self.markup is not None else self.lines


def _text_lines(text: str) -> list:
    """``text`` split by this module's line policy (str.split in C when there is no "\\r")."""
    lines = text.split("\n") if "\r" not in text else _LINE_BREAK.split(text)
    if not lines[-1]:     # a final line break does not start another, empty line
        lines.pop()
    return lines


def split_lines(text: str):
    """(lines, starts): ``text`` split by this module's line policy, and the character
    offset in ``text`` where each line starts (spans of records point into their text)."""
    lines = _text_lines(text)
    breaks = map(len, _LINE_BREAK.findall(text)) if "\r" in text else repeat(1)
    ends = map(add, map(len, lines), breaks)   # each line with its break
    return lines, list(islice(accumulate(ends, initial=0), len(lines)))


def decode_lines(data: bytes) -> list:
    """Split file bytes into page lines by the policy in this module's docstring."""
    text = data.decode("utf-8", errors="surrogateescape")
    if text.startswith(BOM):
        text = text[1:]
    return _text_lines(text)


def read_bytes(path, limits=None) -> bytes:
    """The bytes of a file, or of stdin for ``-``; a missing file is an InputError, and so is
    one over ``limits``' size, read no further than the limit (the rest only counted)."""
    try:
        with (nullcontext(sys.stdin.buffer) if str(path) == "-" else open(path, "rb")) as handle:
            if limits is None:
                return handle.read()
            size = _regular_file_size(handle)
            if size is not None and size > limits.max_bytes:
                raise over_size(size, limits)
            data = handle.read(limits.max_bytes + 1)
            if len(data) > limits.max_bytes:   # a pipe: how much more there is is counted, not kept
                raise over_size(len(data) + sum(map(len, iter(lambda: handle.read(MB), b""))), limits)
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


def parse_labeled(source, data: bytes, site: str) -> Page:
    """Parse one labeled page (``content<TAB>text`` / ``chrome<TAB>text`` / empty line)."""
    if b"\x00" in data:
        raise InputError(source, "binary file (NUL byte), not a labeled page")
    lines, labels = [], []
    for number, raw in enumerate(decode_lines(data), start=1):
        if raw == "":
            lines.append("")
            labels.append(UNLABELED)
            continue
        name, tab, text = raw.partition("\t")
        if not tab:
            raise InputError(source, f"missing tab: expected 'content<TAB>text' or 'chrome<TAB>text', got {raw[:40]!r}", number)
        if name not in LABEL_IDS:
            raise InputError(source, f"unknown label {name[:40]!r}: expected 'content' or 'chrome'", number)
        lines.append(text)
        labels.append(LABEL_IDS[name])
    return Page(str(source), site, lines, labels)


def format_labeled(lines, labels) -> str:
    """The labeled page format of ``lines``; the inverse of ``parse_labeled``.

    An empty line is written as an empty file line; any other line carries its label
    (a whitespace-only line, which the model does not classify, is written as chrome).
    """
    out = []
    for text, label in zip(lines, labels):
        if text == "":
            out.append("\n")
        else:
            out.append(f"{LABEL_NAMES.get(label, 'chrome')}\t{text}\n")
    return "".join(out)


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
    so a link back up the tree does not loop.
    """
    found = []
    for given in paths:
        if str(given) == "-":
            found.append(FoundFile("-", "stdin", "stdin", "-"))
            continue
        root = Path(given)
        if root.exists() and not root.is_dir():   # a file, or a pipe such as <(cmd) or /dev/stdin
            found.append(FoundFile(str(root), root.resolve().parent.name, root.name, str(root.resolve().parent)))
        elif root.is_dir():
            matches, seen = [], set()
            for folder, dirnames, filenames in os.walk(root, followlinks=True):
                real = os.path.realpath(folder)
                if real in seen:   # a link cycle, or a second link to a folder already read
                    dirnames[:] = []
                    continue
                seen.add(real)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith(".") or (suffix and not _has_suffix(name, suffix)):
                        continue
                    path = Path(folder) / name
                    parts = path.relative_to(root).parts
                    site = parts[0] if len(parts) > 1 else root.resolve().name
                    matches.append(FoundFile(str(path), site, str(Path(*parts)), str(given)))
            if not matches:
                what = "no labeled pages (.tsv, or page.html beside gold.txt)" if suffix else "no files"
                raise InputError(given, f"{what} in this folder", exit_code=2)
            found.extend(matches)
        else:
            raise InputError(given, "no such file or folder", exit_code=2)
    return found


def read_html_page(source, data, site, limits=PageLimits()):
    """A page of HTML: its block lines as the page's lines, the HtmlLines as its markup."""
    try:
        markup = read_html_within(data, limits)
    except PageRefused as refused:
        raise InputError(source, str(refused)) from None
    return Page(str(source), site, [line.text for line in markup], markup=markup)


def read_html_within(data, limits=PageLimits()):
    """The HtmlLines of an HTML document (bytes or str), or PageRefused: over the limits
    (checked before the work that would cost the memory), or no text read from markup that holds text."""
    from linesift.html import InflatedTooLarge, gunzip, parser_keeps_text, read_html

    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    try:
        data = gunzip(data, limits.max_bytes)
    except InflatedTooLarge:
        raise over_size(None, limits, decompressed=True) from None
    if len(data) > limits.max_bytes:
        raise over_size(len(data), limits)
    tags = data.count(b"<")
    if tags > limits.max_tags:
        raise PageRefused(OVER_LINES, f"page has {tags:,} tags, over the limit of {limits.max_tags:,} "
                                      f"({HTML_TAGS_PER_LINE} per line of --max-page-lines)")
    markup = read_html(data)
    check_lines(len(markup), limits)
    if not markup and _holds_text(data) and not parser_keeps_text(data):   # not text hidden on purpose: lost
        raise PageRefused(NO_TEXT, "no text could be read from this HTML (nesting too deep?)")
    return markup


def _holds_text(data):
    """Whether HTML bytes hold text a reader would see: anything but whitespace outside
    comments, tags and the elements linesift never reads (script, style, ...). One pass
    with ``find``, linear however broken the markup (a regex would backtrack on it)."""
    from linesift.html import DROPPED_TAGS, decode_html

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
            close = lower.find("</" + name.group(), at)   # its content is never text
            at = len(text) if close < 0 else close
    return False


_TAG_NAME = re.compile(r"[a-z][a-z0-9-]*")
_OPTIONAL_END = ("head", "embed")   # often left open: skipping to their end tag would skip the page


def read_gold_page(path, site):
    """A page of an HTML corpus (``<page>/page.html[.gz]`` + ``gold.txt`` [+ ``meta.json``]),
    labeled by aligning its lines to the gold text (``linesift.align``). The site is the
    one meta.json names, since such corpora keep one folder per page, not per site; its
    ``page_type``, when it has one, is kept for measures by page type.

    linesift's notion of content keeps the page's headline. A corpus that keeps the title
    apart from the main text (WCXB: meta.json ``title``, not in gold.txt) has it aligned
    as the gold's first line, so its headline is labeled content too; ``page.gold`` stays
    gold.txt, so the dataset's own measure is unchanged."""
    from linesift.align import align_labels, words_of

    folder = Path(path).parent
    gold_path = folder / GOLD_FILE
    if not gold_path.is_file():
        raise InputError(path, f"no {GOLD_FILE} beside this page: an HTML corpus page needs its gold text")
    meta_path = folder / "meta.json"
    meta = {}
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            site = meta.get("site") or site
        except (ValueError, AttributeError):
            raise InputError(meta_path, "not a JSON object") from None
    page = read_html_page(path, read_bytes(path), site)
    page.gold = read_bytes(gold_path).decode("utf-8", errors="replace")
    page.page_type = meta.get("page_type")
    title = meta.get("title") if isinstance(meta.get("title"), str) else ""
    first_gold_line = next((line for line in page.gold.splitlines() if line.strip()), "")
    with_title = f"{title}\n{page.gold}" if words_of(title) and words_of(title) != words_of(first_gold_line) else page.gold
    page.labels = align_labels(page.lines, with_title)
    return page


def read_labeled_corpus(paths, exclude=()):
    """All labeled pages under ``paths``: folders of ``<site>/<page>.tsv``, single ``.tsv``
    files, or HTML corpora (``<page>/page.html[.gz]`` beside ``gold.txt``)."""
    excluded = {os.path.normpath(p) for p in exclude}
    pages = []
    for path, site, _, root in find_files(paths, suffix=(LABELED_SUFFIX,) + HTML_CORPUS_PAGES):
        if os.path.normpath(path) in excluded or os.path.normpath(str(Path(path).parent)) in excluded:
            continue
        if Path(path).name not in HTML_CORPUS_PAGES:
            pages.append(parse_labeled(path, read_bytes(path), site))
        else:
            pages.append(read_gold_page(path, site))
        pages[-1].root = root
    if not pages:
        raise InputError(" ".join(map(str, paths)), "no labeled pages found", exit_code=2)
    return pages


def read_input_page(path, site, data=None, limits=PageLimits()) -> Page:
    """A page to predict: a labeled page (``.tsv``, labels kept), an HTML page (by its
    name, or by its content: stdin and unnamed files are sniffed), or a dump as it is.
    ``data``, when given, is the file's bytes, already read (within ``limits``' size)."""
    from linesift.html import is_html

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
        return parse_labeled(path, data, site)
    return Page(str(path), site, decode_lines(data))
