"""Where a line sits in the page's structure: the containers around it.

A line, its neighbours and page-wide averages miss what readability's container scoring
and trafilatura's XPath rules are built on: an article's paragraphs share one container
even where share buttons and captions sit between them, and a long teaser inside a
"related" list shares its container with other teasers. So every line gets the context
of the containers that hold it.

A container is a range of consecutive lines (a page's lines are in document order):
- HTML: every block element that holds a line (``HtmlPage.blocks``);
- dumps: what a dump keeps of the structure: blocks of lines between blank lines (cut at
  headings), and for markdown the section under each heading (``#``), nested by level.

Containers nest. Identical ranges count once, and a container of one line says nothing
the line does not, so each line's *levels* are the multi-line containers around it,
innermost first (level 1 holds the line and its siblings; past the outermost, the page).
For each of CONTAINER_LEVELS levels: its size, its share of the page's text mass, its link
density and how much of it is text mass. Text mass is the link-free characters of lines
of at least MASS_MIN_CHARS (long link-free text, in any script: no word list needed).

The *main* container of a page is the innermost container holding at least a share s of
the page's text mass (for each s in MAIN_SHARES): a line inside it is in the main text's
region, a line outside it is told how far away it is.

A *repeated unit* is an HTML block element with at least REPEAT_MIN siblings of its tag
and class: the cards of a product grid, the posts of a thread, the items of a list of
stories, the entries of a menu. A line learns about the innermost repeated unit it is
in: how many units there are, how many lines one holds (a card several, a menu entry
one) and how much of the page all of them hold. Listings and product grids are content
made of short linked lines, which nothing else here tells from a menu.

``ContainerRanges`` carries each row's container ranges on, so that the model's context
pass can average first-pass scores over the same containers.
"""

from typing import NamedTuple

import numpy as np

CONTAINER_LEVELS = 3
MAIN_SHARES = (0.5, 0.8)
MASS_MIN_CHARS = 40     # shorter lines (menu items, labels, bylines) add no text mass
REPEAT_MIN = 3          # siblings of one tag and class that make a repeated structure
NO_SIGNATURE = -1       # a container with no tag and class (a dump's): never a repeated unit

STRUCTURE_FEATURES = [
    *[(f"container{level}_{name}", f"{what} of the {ordinal} container around the line")
      for level, ordinal in zip(range(1, CONTAINER_LEVELS + 1), ("innermost", "second", "third"))
      for name, what in (("log_lines", "log(1 + lines)"),
                         ("mass_share", "share of the page's text mass"),
                         ("link_density", "link characters / characters"),
                         ("mass_density", "text mass / characters"))],
    *[(f"in_main{round(share * 100)}", f"inside the innermost container holding {share:.0%} of the page's text mass")
      for share in MAIN_SHARES],
    *[(f"main{round(share * 100)}_line_share", f"lines of that container ({share:.0%}) / lines of the page")
      for share in MAIN_SHARES],
    *[(f"from_main{round(share * 100)}", f"lines from that container ({share:.0%}) / lines of the page; 0 inside")
      for share in MAIN_SHARES],
    ("repeat_units", "log(1 + units of the innermost repeated structure around the line); 0 if none"),
    ("repeat_unit_lines", "log(1 + lines of its unit): a card holds several, a menu entry one"),
    ("repeat_line_share", "lines of all its units / lines of the page"),
    ("repeat_mass_share", "text mass of all its units / the page's"),
]


class ContainerRanges(NamedTuple):
    """For each row: the first row and one past the last row of each of its levels
    (``levels[k]``: level k + 1) and of each main container (``main[i]``: MAIN_SHARES[i]);
    and the repeated-unit columns of STRUCTURE_FEATURES."""

    levels: tuple   # CONTAINER_LEVELS pairs (start, end) of row arrays
    main: tuple     # len(MAIN_SHARES) pairs (start, end) of row arrays
    repeat: np.ndarray   # (4, rows): repeat_units, repeat_unit_lines, repeat_line_share, repeat_mass_share


def dump_containers(blank, heading):
    """(first, end, NO_SIGNATURE) line ranges of a dump's containers, from each line's
    ``blank`` (bool array) and markdown ``heading`` level (int array, 0: none): blocks
    between blank lines, cut at headings, and the section under each heading (to the next
    heading of its level or higher). They nest: a heading ends a block (its own line is
    in none), and sections nest by level."""
    lines = len(blank)
    in_block = np.concatenate([[False], ~blank & (heading == 0), [False]])
    edges = np.flatnonzero(in_block[1:] != in_block[:-1])
    ranges = [(first, end, NO_SIGNATURE) for first, end in zip(edges[::2].tolist(), edges[1::2].tolist())]
    open_sections = []   # (level, first line) of the sections not yet ended
    for index in np.flatnonzero(heading).tolist():
        level = int(heading[index])
        while open_sections and open_sections[-1][0] >= level:
            ranges.append((open_sections.pop()[1], index, NO_SIGNATURE))
        open_sections.append((level, index))
    ranges += [(first, lines, NO_SIGNATURE) for _, first in open_sections]
    return ranges


def _painted(starts, ends, rows):
    """What painting row ranges in the given order (outer before inner: start up, end
    down), each over its rows, leaves: (for each range, the one painted last over its
    start before it; for each row of ``rows``, the one painted last over it), as positions
    in that order, -1 for none. The ranges nest (an HTML page's elements; a dump's blocks
    and sections), so this is read off their depths with numpy, not painted row by row:
    the range over a point is the last one before it, in this order, at the depth of the
    ranges around the point less one."""
    spans = np.flatnonzero(ends > starts)      # an empty range paints nothing
    span_starts, span_ends = starts[spans], np.sort(ends[spans])
    count = len(spans)
    # Ranges before a range that end at or before its start are not around it: depth =
    # ranges before it that are around it.
    depth = np.arange(count) - np.searchsorted(span_ends, span_starts, side="right")
    by_depth = np.sort(depth * (count + 1) + np.arange(count))

    def last_at(level, before):
        found = by_depth[np.maximum(np.searchsorted(by_depth, level * (count + 1) + before) - 1, 0)]
        return np.where(level >= 0, spans[found % (count + 1)], -1)

    def over(points):
        started = np.searchsorted(span_starts, points, side="right")
        return last_at(started - np.searchsorted(span_ends, points, side="right") - 1, started)

    if not count:
        return np.full(len(starts), -1), np.full(rows, -1)
    parent = np.empty(len(starts), np.int64)
    parent[spans] = last_at(depth - 1, np.arange(count))
    empty = np.flatnonzero(ends <= starts)
    parent[empty] = over(starts[empty])
    return parent, over(np.arange(rows))


def _repeated_units(blocks, rows, mass):
    """The repeated-unit columns (ContainerRanges.repeat) of one page of ``rows`` rows,
    from its (start, end, signature) row ranges: see the module docstring."""
    out = np.zeros((4, rows))
    blocks = blocks[blocks[:, 2] != NO_SIGNATURE]
    if len(blocks) < REPEAT_MIN:
        return out
    blocks = blocks[np.lexsort((-blocks[:, 1], blocks[:, 0]))]   # outer before inner, as _page_levels paints
    parent, _ = _painted(blocks[:, 0], blocks[:, 1], rows)
    # The groups of siblings of one tag and class: (parent, signature) pairs, numbered
    # through one integer key (np.unique of rows is several times slower).
    signatures, signature = np.unique(blocks[:, 2], return_inverse=True)
    _, group, units = np.unique((parent + 1) * len(signatures) + signature.ravel(), return_inverse=True,
                                return_counts=True)
    size = blocks[:, 1] - blocks[:, 0]
    block_mass = range_sum(mass, blocks[:, 0], blocks[:, 1])
    group_lines, group_mass = np.bincount(group, size), np.bincount(group, block_mass)
    repeated = np.flatnonzero(units[group] >= REPEAT_MIN)
    unit = np.append(repeated, -1)[_painted(blocks[repeated, 0], blocks[repeated, 1], rows)[1]]
    inside = unit >= 0
    of_row = group[unit[inside]]
    out[0, inside] = np.log1p(units[of_row])
    out[1, inside] = np.log1p(size[unit[inside]])
    out[2, inside] = group_lines[of_row] / rows
    out[3, inside] = group_mass[of_row] / max(range_sum(mass, 0, rows), 1e-9)
    return out


def _page_levels(ranges, rows, mass):
    """For one page of ``rows`` rows with the given row ranges: each row's level ranges
    (CONTAINER_LEVELS arrays of container indices) and each main container's index, in a
    table of (start, end) ranges whose last entry is the page itself."""
    if len(ranges):
        # Distinct (start, end) pairs in their order, through one integer key per pair.
        keys = np.unique(ranges[:, 0] * (rows + 1) + ranges[:, 1])
        ranges = np.column_stack([keys // (rows + 1), keys % (rows + 1)])
        ranges = ranges[(ranges[:, 1] - ranges[:, 0] >= 2) & (ranges[:, 1] - ranges[:, 0] < rows)]
    table = np.vstack([np.asarray(ranges, dtype=np.int64).reshape(-1, 2), [[0, rows]]])
    root = len(table) - 1
    # Outer before inner (start up, end down): painting in this order leaves each row with
    # its innermost container, and what a row held just before a container was painted
    # over it is that container's parent.
    order = np.lexsort((-table[:-1, 1], table[:-1, 0]))
    parent_at, innermost_at = _painted(table[order, 0], table[order, 1], rows)
    index_of = np.append(order, root)   # position -1 (none) is the page
    parent = np.full(len(table), root)
    parent[order] = index_of[parent_at]
    levels = [index_of[innermost_at]]
    for _ in range(CONTAINER_LEVELS - 1):
        levels.append(parent[levels[-1]])
    container_mass = range_sum(mass, table[:, 0], table[:, 1])
    share = container_mass / max(container_mass[root], 1e-9)   # the last entry, root, is the page
    size = table[:, 1] - table[:, 0]
    main = []
    for wanted in MAIN_SHARES:
        candidates = np.flatnonzero(share >= wanted - 1e-9)
        main.append(candidates[np.argmin(size[candidates])] if len(candidates) else root)
    return table, levels, main


def container_ranges(pages, line_index, offsets, mass, heading):
    """ContainerRanges of every row of a batch (rows: the classified lines of ``pages``,
    ``line_index`` their line in their page, ``offsets`` the pages' first rows, ``heading``
    the heading level of those that start a section). A page's containers are its
    ``blocks`` where it has them (an HtmlPage), else its dump containers (a list of
    HtmlLines built by hand gets these too, its h1-h6 lines as its headings)."""
    n = len(line_index)
    level_ranges = [(np.zeros(n, np.int64), np.zeros(n, np.int64)) for _ in range(CONTAINER_LEVELS)]
    main_ranges = [(np.zeros(n, np.int64), np.zeros(n, np.int64)) for _ in MAIN_SHARES]
    repeat = np.zeros((4, n))
    for page, lines in enumerate(pages):
        first, last = int(offsets[page]), int(offsets[page + 1])
        if first == last:
            continue
        page_rows = line_index[first:last]
        ranges = getattr(lines, "blocks", None)
        if ranges is None:
            blank = np.ones(len(lines), dtype=bool)
            blank[page_rows] = False
            page_heading = np.zeros(len(lines), dtype=np.int64)
            page_heading[page_rows] = heading[first:last]
            ranges = dump_containers(blank, page_heading)
        ranges = np.asarray(ranges, dtype=np.int64).reshape(-1, 3)
        # Line ranges to row ranges: blank lines are not rows.
        row_ranges = np.column_stack([np.searchsorted(page_rows, ranges[:, :2]), ranges[:, 2]])
        table, levels, main = _page_levels(row_ranges, last - first, mass[first:last])
        repeat[:, first:last] = _repeated_units(row_ranges, last - first, mass[first:last])
        table = table + first
        for (starts, ends), containers in zip(level_ranges, levels):
            starts[first:last], ends[first:last] = table[containers, 0], table[containers, 1]
        for (starts, ends), container in zip(main_ranges, main):
            starts[first:last], ends[first:last] = table[container]
    return ContainerRanges(tuple(level_ranges), tuple(main_ranges), repeat)


def range_sum(values, start, end):
    """Sum of ``values`` over rows start:end, for each row's range."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    return cumulative[end] - cumulative[start]


def text_mass(chars, link_chars):
    """Link-free characters of lines with at least MASS_MIN_CHARS of them; 0 for shorter lines."""
    free = chars - link_chars
    return np.where(free >= MASS_MIN_CHARS, free, 0.0)


def structure_columns(ranges, mass, chars, link_chars, start, end):
    """STRUCTURE_FEATURES, in order, for every row; ``start``/``end`` are its page's rows."""
    page_mass = np.maximum(range_sum(mass, start, end), 1e-9)
    page_lines = np.maximum(end - start, 1)
    columns = []
    for level_start, level_end in ranges.levels:
        level_chars = np.maximum(range_sum(chars, level_start, level_end), 1)
        level_mass = range_sum(mass, level_start, level_end)
        columns += [np.log1p(level_end - level_start), level_mass / page_mass,
                    range_sum(link_chars, level_start, level_end) / level_chars, level_mass / level_chars]
    row = np.arange(len(mass))
    inside, share, distance = [], [], []
    for main_start, main_end in ranges.main:
        inside.append(((row >= main_start) & (row < main_end)).astype(np.float64))
        share.append((main_end - main_start) / page_lines)
        distance.append(np.maximum(np.maximum(main_start - row, row - (main_end - 1)), 0) / page_lines)
    return columns + inside + share + distance + list(ranges.repeat)
