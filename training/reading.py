"""Read stage: bytes on disk -> page lines, and labeled pages -> lines + labels.

Decoding policy (one for every input):
- UTF-8; bytes that are not valid UTF-8 are kept as lone surrogates (``surrogateescape``),
  so they are written back out byte for byte and no input is ever altered.
- A byte-order mark at the start of the file is dropped.
- ``\\r\\n``, ``\\r`` and ``\\n`` all end a line (universal newlines); a final line break
  does not start another, empty line. Nothing else splits a line (no form feeds, no U+2028).
"""

import json
import os
import re
import sys
from dataclasses import dataclass, field
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

    def __post_init__(self):
        if self.labels is None:
            self.labels = [UNLABELED] * len(self.lines)

    @property
    def model_lines(self):
        """What the model reads: the HtmlLines of an HTML page, else the text lines."""
        return self.markup if self.markup is not None else self.lines


def split_lines(text: str):
    """(lines, starts): ``text`` split by this module's line policy, and the character
    offset in ``text`` where each line starts (spans of records point into their text)."""
    lines, starts, start = [], [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start:match.start()])
        starts.append(start)
        start = match.end()
    if start < len(text):     # a final line break does not start another, empty line
        lines.append(text[start:])
        starts.append(start)
    return lines, starts


def decode_lines(data: bytes) -> list:
    """Split file bytes into page lines by the policy in this module's docstring."""
    text = data.decode("utf-8", errors="surrogateescape")
    if text.startswith(BOM):
        text = text[1:]
    return split_lines(text)[0]


def read_bytes(path) -> bytes:
    """The bytes of a file, or of stdin for ``-``; a missing file is an InputError."""
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise InputError(path, error.strerror or str(error), exit_code=2) from None


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


def _has_suffix(name, wanted):
    """``name`` ends with one of ``wanted`` (``.tsv``); a file name there (``page.html``) must match whole."""
    return any(name.endswith(w) if w.startswith(".") else name == w
               for w in ((wanted,) if isinstance(wanted, str) else wanted))


def find_files(paths, suffix=None):
    """Expand files and folders (recursively, sorted, hidden entries skipped) into
    FoundFile entries. The site of a file found under a folder is the first folder
    below that root (``root/<site>/<page>``); a file given directly, or lying right in
    the root, takes the name of the folder it is in.
    """
    found = []
    for given in paths:
        if str(given) == "-":
            found.append(FoundFile("-", "stdin", "stdin"))
            continue
        root = Path(given)
        if root.exists() and not root.is_dir():   # a file, or a pipe such as <(cmd) or /dev/stdin
            found.append(FoundFile(str(root), root.resolve().parent.name, root.name))
        elif root.is_dir():
            matches = []
            for folder, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith(".") or (suffix and not _has_suffix(name, suffix)):
                        continue
                    path = Path(folder) / name
                    parts = path.relative_to(root).parts
                    site = parts[0] if len(parts) > 1 else root.resolve().name
                    matches.append(FoundFile(str(path), site, str(Path(*parts))))
            if not matches:
                what = "no labeled pages (.tsv, or page.html beside gold.txt)" if suffix else "no files"
                raise InputError(given, f"{what} in this folder", exit_code=2)
            found.extend(matches)
        else:
            raise InputError(given, "no such file or folder", exit_code=2)
    return found


def read_html_page(source, data, site):
    """A page of HTML: its block lines as the page's lines, the HtmlLines as its markup."""
    from linesift.html import read_html

    markup = read_html(data)
    return Page(str(source), site, [line.text for line in markup], markup=markup)


def read_gold_page(path, site):
    """A page of an HTML corpus (``<page>/page.html[.gz]`` + ``gold.txt`` [+ ``meta.json``]),
    labeled by aligning its lines to the gold text (``linesift.align``). The site is the
    one meta.json names, since such corpora keep one folder per page, not per site; its
    ``page_type``, when it has one, is kept for measures by page type."""
    from linesift.align import align_labels

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
    page.labels = align_labels(page.lines, page.gold)
    return page


def read_labeled_corpus(paths, exclude=()):
    """All labeled pages under ``paths``: folders of ``<site>/<page>.tsv``, single ``.tsv``
    files, or HTML corpora (``<page>/page.html[.gz]`` beside ``gold.txt``)."""
    excluded = {os.path.normpath(p) for p in exclude}
    pages = []
    for path, site, _ in find_files(paths, suffix=(LABELED_SUFFIX,) + HTML_CORPUS_PAGES):
        if os.path.normpath(path) in excluded or os.path.normpath(str(Path(path).parent)) in excluded:
            continue
        if Path(path).name not in HTML_CORPUS_PAGES:
            pages.append(parse_labeled(path, read_bytes(path), site))
        else:
            pages.append(read_gold_page(path, site))
    if not pages:
        raise InputError(" ".join(map(str, paths)), "no labeled pages found", exit_code=2)
    return pages


def read_input_page(path, site, data=None) -> Page:
    """A page to predict: a labeled page (``.tsv``, labels kept), an HTML page (by its
    name, or by its content: stdin and unnamed files are sniffed), or a dump as it is.
    ``data``, when given, is the file's bytes, already read."""
    from linesift.html import is_html

    data = read_bytes(path) if data is None else data
    name = str(path).lower()
    if name.endswith(LABELED_SUFFIX):
        return parse_labeled(path, data, site)
    if name.endswith(HTML_SUFFIXES) or ((name == "-" or not Path(name).suffix) and is_html(data)):
        return read_html_page(path, data, site)
    return Page(str(path), site, decode_lines(data))
