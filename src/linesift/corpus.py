"""Labeled corpora: folders of labeled pages (``<site>/<page>.tsv``) and HTML corpora
(``<page>/page.html[.gz]`` beside ``gold.txt`` and ``meta.json``), read for training and
evaluation."""

import json
import os
from pathlib import Path

from linesift.align import align_labels, words_of
from linesift.errors import InputError
from linesift.labeled import LABELED_SUFFIX
from linesift.reading import find_files, labeled_page_of, read_bytes, read_html_page, read_labeled_page

HTML_CORPUS_PAGES = ("page.html", "page.html.gz")   # beside gold.txt (and meta.json) in an HTML corpus
CORPUS_SUFFIXES = (LABELED_SUFFIX,) + HTML_CORPUS_PAGES   # the files of a corpus folder read as pages
GOLD_FILE = "gold.txt"


def read_gold_page(path, site):
    """A page of an HTML corpus (``<page>/page.html[.gz]`` + ``gold.txt`` [+ ``meta.json``]),
    labeled by aligning its lines to the gold text (``linesift.align``). The site is the
    one meta.json names, since such corpora keep one folder per page, not per site; its
    ``page_type``, when it has one, is kept for measures by page type.

    linesift's notion of content keeps the page's headline. A corpus that keeps the title
    apart from the main text (WCXB: meta.json ``title``, not in gold.txt) has it aligned
    as the gold's first line, so its headline is labeled content too; ``page.gold`` stays
    gold.txt, so the dataset's own measure is unchanged."""
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
        except RecursionError:
            raise InputError(meta_path, "JSON nested too deep to read") from None
        except OSError as error:
            raise InputError(meta_path, error.strerror or str(error)) from None
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
    # Compared as real paths: a list of relative paths excludes pages of a corpus given by an
    # absolute path (or through a link), as it does the same corpus given relatively.
    excluded = {os.path.realpath(p) for p in exclude}
    pages = []
    for path, site, _, root in find_files(paths, suffix=CORPUS_SUFFIXES):
        if excluded and (os.path.realpath(path) in excluded or os.path.realpath(Path(path).parent) in excluded):
            continue
        if Path(path).name not in HTML_CORPUS_PAGES:
            pages.append(read_labeled_page(path, site))
        elif labeled_page_of(path) is not None:
            continue   # the HTML of a labeled page beside it, read with it
        else:
            pages.append(read_gold_page(path, site))
        pages[-1].root = root
    if not pages:
        raise InputError(" ".join(map(str, paths)), "no labeled pages found", exit_code=2)
    return pages
