"""The labeled page format: ``content<TAB>text`` / ``chrome<TAB>text`` per page line, a
blank page line as an empty file line, one UTF-8 file per page (docs/formats.md). A
contract: tools outside linesift read and write it, and ``cut -f2-`` gives the dump back.

A labeled HTML page is its ``.tsv`` with the page's HTML beside it (``html_sibling_names``):
the ``.tsv``'s lines are the HTML's block lines, one for one, so the labels stay editable as
text while training and evaluation read the page as HTML, markup and all (``with_markup``)."""

from linesift._blocks import HIDDEN, INVISIBLE_CHARACTERS
from linesift.decoding import decode_lines
from linesift.errors import InputError
from linesift.labels import LABEL_IDS, LABEL_NAMES, UNLABELED
from linesift.page import Page

LABELED_SUFFIX = ".tsv"
HTML_NAMES = (".html", ".htm", ".html.gz", ".htm.gz")   # names an HTML page goes by


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


def html_sibling_names(labeled_name: str) -> list:
    """The names the HTML of the labeled page ``labeled_name`` may have beside it, in the
    order they are looked for: ``a.html.tsv`` -> ``a.html`` (what ``predict --format labeled
    -o FOLDER`` writes for ``a.html``); ``a.tsv`` -> ``a.html``, ``a.htm``, ``a.html.gz``,
    ``a.htm.gz`` (what ``label`` writes)."""
    stem = labeled_name[:-len(LABELED_SUFFIX)] if labeled_name.endswith(LABELED_SUFFIX) else labeled_name
    if stem.lower().endswith(HTML_NAMES):
        return [stem]
    return [stem + suffix for suffix in HTML_NAMES]


def labels_over_hidden_lines(lines, labels, markup):
    """When ``lines`` are the visible lines of ``markup`` (HtmlLines) alone — a page labeled
    by a linesift that did not read hidden blocks — its ``labels`` laid over all of
    ``markup``'s lines, the hidden blocks' lines UNLABELED; else None."""
    visible = [at for at, line in enumerate(markup) if HIDDEN not in line.tags]
    if len(visible) == len(markup) or [markup[at].text for at in visible] != lines:
        return None
    over = [UNLABELED] * len(markup)
    for at, label in zip(visible, labels):
        over[at] = label
    return over


_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))


def labels_without_invisible_characters(lines, labels, texts):
    """When ``lines`` are ``texts`` as a linesift read them that kept the characters a
    browser does not draw (INVISIBLE_CHARACTERS: a soft hyphen inside a word, a line of
    nothing else), ``labels`` laid over ``texts``; else None."""
    shown = [" ".join(line.translate(_INVISIBLE).split()) for line in lines]
    kept = [at for at, line in enumerate(shown) if line or not lines[at]]
    if [shown[at] for at in kept] != texts:
        return None
    return [labels[at] for at in kept]


def with_markup(page: Page, markup: list, html_source) -> Page:
    """``page`` (a labeled page) read as the HTML page it labels: ``markup`` (the HtmlLines of
    its HTML, ``html_source``) must give exactly its lines; a label file that no longer
    matches its HTML is an error naming the first line that differs. A label file of the
    page's visible lines alone (labeled by a linesift that did not read hidden blocks) is
    read with the hidden blocks' lines put back unlabeled, its labels kept; one whose lines
    still hold soft hyphens and other undrawn characters is read with its labels kept."""
    texts = [line.text for line in markup]
    if texts != page.lines and page.labels is not None:
        labels = labels_over_hidden_lines(page.lines, page.labels, markup)
        if labels is None:
            labels = labels_without_invisible_characters(page.lines, page.labels, texts)
        if labels is not None:
            page.lines, page.labels = texts, labels
    if texts != page.lines:
        where = next((n for n, (a, b) in enumerate(zip(page.lines, texts), start=1) if a != b),
                     min(len(page.lines), len(texts)) + 1)
        raise InputError(page.source, f"its lines are not the block lines of its HTML {html_source} (first "
                                      f"difference at line {where}; {len(page.lines)} lines vs {len(texts)}): "
                                      "relabel the page, or remove the HTML to train on the text alone", where)
    page.markup = markup
    return page
