"""Markdown out: the kept block lines of an HTML page with the structure the page gave them.

Each kept line is placed in the page (``linemap``) and written by what holds it:

- a heading ``<h1>``-``<h6>``: ``#`` to ``######``;
- a list item: ``-`` (``<ul>``) or ``1.`` (``<ol>``, numbered from its ``start``), indented
  four spaces per enclosing list;
- a table cell: a pipe table, one row per ``<tr>``, the first row followed by the
  separator row (pipes in a cell escaped); a table whose cells hold headings, lists or
  tables lays out a page, and the lines of its cells are written as what they are inside them;
- a ``<pre>``: a fenced code block, its text as the page has it (indentation kept) when all
  its lines are kept, with the language the page names (``class="language-x"``, ``lang-x`` or
  ``highlight-x`` on the ``<pre>`` or its ``<code>``);
- a block quote: ``>`` before each of its lines;
- anything else: a paragraph.

Blocks are separated by a blank line; a list's items and a table's rows follow each other.
Text that Markdown would read as markup where it starts a paragraph (``#``, ``>``, ``-``,
``1.``) is escaped. With ``links``, text inside ``<a href>`` becomes ``[text](url)``. Images
are dropped. A kept line that cannot be placed in the page is written as a paragraph: no
kept line is ever lost.
"""

import re

from linesift.labels import CONTENT
from linesift.linemap import holder, match_lines, parse, text_slots

HEADINGS = {f"h{n}": n for n in range(1, 7)}
STRUCTURE = frozenset({*HEADINGS, "li", "pre", "td", "th"})
# A table with a cell holding any of these lays out a page rather than holding values: the
# lines of its cells are written as what they are inside them, not as table cells.
LAYOUT_CONTENT = frozenset({"table", "ul", "ol", "pre", "blockquote", "section", "article", "form", *HEADINGS})
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang|highlight|brush:?)-?([A-Za-z0-9_+#.-]+)")
_STARTS_AS_MARKUP = re.compile(r"^(\s*)(?:([#>+*-]|`{3}|~{3}|=+$)|(\d{1,9})([.)]))(?=\s|$)")
_START = re.compile(r"[0-9]{1,9}")
_SPACES = re.compile(r"\s+")


def _ancestors(element):
    while element is not None:
        yield element
        element = element.getparent()


def _tag(element):
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _nearest(element, tags):
    return next((item for item in _ancestors(element) if _tag(item) in tags), None)


def _language(pre):
    for element in (pre, *pre.iter("code")):
        found = _LANGUAGE.search(element.get("class") or "")
        if found:
            return found.group(1).lower()
    return ""


def _no_html(text):
    """``<`` escaped: text is never read as raw HTML where the Markdown is rendered."""
    return text.replace("<", "\\<")


def _escaped(text):
    """``text`` as Markdown shows it as it is: what would start a heading, quote, list,
    fence or setext underline escaped, and ``<`` escaped so no text becomes raw HTML."""
    def escape(match):
        if match.group(2):
            return f"{match.group(1)}\\{match.group(2)}"
        return f"{match.group(1)}{match.group(3)}\\{match.group(4)}"   # "1." -> "1\.": the marker's punctuation

    return _STARTS_AS_MARKUP.sub(escape, _no_html(text), count=1)


def _linked_text(line, slots, links):
    """The line's text; with ``links``, its pieces inside ``<a href>`` as Markdown links. The
    pieces are found in the line in order, so the spaces between them are the line's own;
    a line whose pieces cannot all be found there is written as it is."""
    if not links or not slots:
        return line
    out, at, linked = [], 0, False
    for slot in slots:
        piece = _SPACES.sub(" ", slot.text).strip()
        if not piece:
            continue
        found = line.find(piece, at)
        if found < 0 or line[at:found].strip():
            return line
        out.append(line[at:found])
        anchor = _nearest(holder(slot), ("a",))
        href = (anchor.get("href") or "").strip() if anchor is not None else ""
        out.append(f"[{piece}]({href})" if href else piece)
        linked = linked or bool(href)
        at = found + len(piece)
    if line[at:].strip():
        return line
    return "".join(out) if linked else line


class _Writer:
    """Blocks in order, with the blank lines between them Markdown needs."""

    def __init__(self):
        self.out = []
        self.group = None        # what the last block belongs to (a list, a table, a pre, a quote)

    def block(self, text, group=None):
        if self.out and (group is None or group != self.group):
            self.out.append("")
        self.out.append(text)
        self.group = group

    def text(self):
        return "\n".join(self.out) + ("\n" if self.out else "")


def _table_rows(kept, placed, data_tables):
    """{tr element: [cell texts]} of the kept lines that sit in table cells, in order."""
    rows = {}
    for index, line in kept:
        slots = placed.get(index)
        cell = _nearest(holder(slots[0]), STRUCTURE) if slots else None
        if cell is not None and _tag(cell) in ("td", "th") and is_data_cell(cell, data_tables) \
                and cell.getparent() is not None:
            rows.setdefault(cell.getparent(), []).append((cell, line))
    return rows


def markdown_text(data: bytes, lines: list, labels, links=False) -> str:
    """The Markdown of the lines of the HTML page ``data`` labeled CONTENT (``lines`` and
    ``labels`` as linesift read and labeled them)."""
    kept = [(i, line) for i, (line, label) in enumerate(zip(lines, labels)) if label == CONTENT]
    if not kept:
        return ""
    placed = match_lines(text_slots(parse(data)), lines)
    kept_indices = {i for i, _ in kept}
    lines_in = {}   # a <pre> -> the lines it holds: a code block is written whole when all are kept
    for i, slots in placed.items():
        pre = _nearest(holder(slots[0]), ("pre",))
        if pre is not None:
            lines_in.setdefault(pre, set()).add(i)
    writer = _Writer()
    data_tables, columns = {}, {}
    tables = _table_rows(kept, placed, data_tables)
    written_rows = set()
    for index, line in kept:
        slots = placed.get(index)
        text = _linked_text(line, slots, links)
        where = holder(slots[0]) if slots else None
        if where is None:
            writer.block(_escaped(text))
            continue
        kind = _nearest(where, STRUCTURE)   # the innermost structure decides: a list in a layout cell is a list
        kind_tag = _tag(kind) if kind is not None else ""
        heading = kind if kind_tag in HEADINGS else None
        cell = kind if kind_tag in ("td", "th") and is_data_cell(kind, data_tables) else None
        pre = kind if kind_tag == "pre" else None
        item = kind if kind_tag == "li" else None
        quote = _nearest(where, ("blockquote",))
        prefix = "> " if quote is not None else ""
        if pre is not None:
            if writer.group == ("pre", pre):
                continue   # written whole with its first line
            whole = all(i in kept_indices for i in lines_in.get(pre, ()))
            code = _pre_text(pre) if whole else "\n".join(lines[i] for i in sorted(lines_in[pre]) if i in kept_indices)
            fence = "~~~" if "```" in code else "```"
            body = "\n".join(prefix + row for row in code.split("\n"))
            writer.block(f"{prefix}{fence}{_language(pre)}\n{body}\n{prefix}{fence}", ("pre", pre))
        elif cell is not None and cell.getparent() in tables:
            row = cell.getparent()
            if row in written_rows:
                continue
            written_rows.add(row)
            table = _nearest(row, ("table",))
            width = columns.setdefault(table, max(len(_row_cell_elements(other)) for other in tables
                                                  if _nearest(other, ("table",)) is table))
            cells = _row_cells(row, tables[row], width)
            first = not writer.out or writer.group != ("table", table)
            rendered = "| " + " | ".join(cells) + " |"
            if first:
                rendered += "\n|" + "---|" * width
            writer.block(rendered, ("table", table))
        elif heading is not None:
            writer.block(f"{'#' * HEADINGS[_tag(heading)]} {_no_html(text)}")
        elif item is not None:
            lists = [element for element in _ancestors(item) if _tag(element) in ("ul", "ol")]
            depth = max(len(lists) - 1, 0)
            parent = lists[0] if lists else None
            if parent is not None and _tag(parent) == "ol":
                siblings = [child for child in parent if _tag(child) == "li"]
                start = int(parent.get("start")) if _START.fullmatch(parent.get("start") or "") else 1
                marker = f"{start + siblings.index(item) if item in siblings else start}."
            else:
                marker = "-"
            writer.block(f"{prefix}{'    ' * depth}{marker} {_no_html(text)}", ("list", lists[-1] if lists else item))
        else:
            writer.block(prefix + _escaped(text))   # each paragraph of a quote its own: no lazy joining
    return writer.text()


def _row_cell_elements(row):
    return [cell for cell in row if _tag(cell) in ("td", "th")]


def _row_cells(row, kept_cells, width):
    """The row's cells in its columns (``width`` of them, as wide as the table's widest row):
    a kept cell's text (its kept lines joined), pipes escaped; a cell not kept, empty, so
    that every value stays in its column."""
    joined = {}
    for cell, line in kept_cells:
        joined.setdefault(cell, []).append(line)
    cells = [_no_html(" ".join(joined.get(cell, ()))).replace("|", "\\|") for cell in _row_cell_elements(row)]
    return cells + [""] * (width - len(cells))


def _pre_text(pre):
    """A ``<pre>``'s text as the page shows it, white space kept, without the line breaks
    around it."""
    return "".join(slot.text for slot in text_slots(pre) if slot.element is not pre or slot.where == "text").strip("\n")


def is_data_cell(cell, known=None):
    """Whether a ``<td>``/``<th>`` holds a value of a data table (not a column of a layout
    table); ``known`` (a dict) keeps the answer per table across calls on one page."""
    table = _nearest(cell, ("table",))
    if table is None:
        return True
    known = {} if known is None else known
    if table not in known:
        known[table] = not any(_tag(element) in LAYOUT_CONTENT and _nearest(element.getparent(), ("table",)) is table
                               for element in table.iterdescendants())
    return known[table]
