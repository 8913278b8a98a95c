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

A line's *path peers* are the lines of its page with the same path (its informative tags
and innermost PEER_CLASS_WORDS class/id words): the same field of every card of a
listing, the paragraphs of one article body, the entries of one menu. They need not be
consecutive, so they are a group, not a range.

``ContainerRanges`` carries each row's container ranges and path-peer group on, so that
the model's context pass can average first-pass scores over the same containers and
peers (a long article's late paragraphs or a listing's late cards are judged with the
early ones).
"""

from typing import NamedTuple

import numpy as np

from linesift.features._structure import dump_containers, page_structure

CONTAINER_LEVELS = 3
MAIN_SHARES = (0.5, 0.8)
MASS_MIN_CHARS = 40     # shorter lines (menu items, labels, bylines) add no text mass
PEER_CLASS_WORDS = 4    # the innermost class/id words that make two lines' paths the same (path_peers)
REPEAT_MIN = 3          # siblings of one tag and class that make a repeated structure

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
    peers: np.ndarray = None   # (rows,): each row's path-peer group, its first row (path_peers)


def container_ranges(pages, line_index, offsets, mass, heading):
    """ContainerRanges of every row of a batch (rows: the classified lines of ``pages``,
    ``line_index`` their line in their page, ``offsets`` the pages' first rows, ``heading``
    the heading level of those that start a section). A page's containers are its
    ``blocks`` where it has them (an HtmlPage), else its dump containers (a list of
    HtmlLines built by hand gets these too, its h1-h6 lines as its headings); the compiled
    ``_structure.page_structure`` reads them, a page at a time."""
    n = len(line_index)
    levels = np.zeros((2 * CONTAINER_LEVELS, n), np.int64)
    main = np.zeros((2 * len(MAIN_SHARES), n), np.int64)
    repeat = np.zeros((4, n))
    line_index = np.ascontiguousarray(line_index, dtype=np.int64)
    mass = np.ascontiguousarray(mass, dtype=np.float64)
    heading = np.ascontiguousarray(heading, dtype=np.float64)
    for page, lines in enumerate(pages):
        first, last = int(offsets[page]), int(offsets[page + 1])
        if first == last:
            continue
        page_rows = line_index[first:last]
        ranges = getattr(lines, "blocks", None)
        if ranges is None:
            ranges = dump_containers(page_rows, heading[first:last], len(lines))
        page_structure(ranges, page_rows, mass[first:last], first, MAIN_SHARES, REPEAT_MIN, levels, main, repeat)
    repeat[:2] = np.log1p(repeat[:2])
    return ContainerRanges(tuple(zip(levels[0::2], levels[1::2])), tuple(zip(main[0::2], main[1::2])), repeat,
                           path_peers(pages, line_index, offsets))


def path_peers(pages, line_index, offsets):
    """For each row, its group: the first row of its page whose HTML line has the same path
    (informative tags and innermost PEER_CLASS_WORDS class/id words) — the same field of
    every card of a listing, the paragraphs of one article body, the entries of one menu.
    A dump's line has no path: it is its own group."""
    n = len(line_index)
    keys = np.arange(n, dtype=np.int64)
    for page, lines in enumerate(pages):
        first, last = int(offsets[page]), int(offsets[page + 1])
        if first == last or not hasattr(lines[int(line_index[first])], "tags"):
            continue
        seen = {}
        rows = map(lines.__getitem__, line_index[first:last].tolist())
        keys[first:last] = [seen.setdefault((line.tags, line.classes[-PEER_CLASS_WORDS:]), row)
                            for row, line in enumerate(rows, first)]
    return keys


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
