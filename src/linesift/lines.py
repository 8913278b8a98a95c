"""Lines stage: one raw dump line -> what a reader of the page sees of it.

Dumps come plain (browser copy, ``lynx -dump``, WET: no link markup) or as markdown
(``[text](url)`` links, ``#`` headings, ``*``/``-``/``1.`` list items). Both are read by
the same rules, so one model serves both; a plain line simply has no markup to find.

The rules, in the order they apply (compiled: ``linesift._lines``):

1. A line that starts with a letter and holds none of ``[`*_|``, "://" and "www." is plain:
   its text is the line without trailing spaces (most lines of a dump).
2. Otherwise tabs count four spaces; the leading spaces are its indent (the nesting of list
   dumps) and the line is stripped.
3. ``>`` starts a quote (its ">" and spaces are taken off); a line that starts or ends with
   ``|`` is a table row.
4. One to six ``#`` and a space start a heading of that level; otherwise a list marker
   (``*``, ``+``, ``-``, ``•``, ``·``, or one to three digits and ``.`` or ``)``, then a
   space) starts a list item, and a second marker right after it is taken off too
   ("*     * Log In": a list inside a list item).
5. Images ``![text](url)`` become their text, then links ``[text](url "title")``: a text
   runs to the first "]"; a link's URL is runs of characters other than parentheses and
   spaces, or groups "(...)" without parentheses. The link texts' characters are link
   characters.
6. Bare URLs ("http://", "https://", "www." and the non-spaces after) are links, all of
   them link characters; lynx references ``[12]`` are links and are taken out.
7. ``**``, ``__`` and backquotes are taken out, and the text is stripped.
"""

from typing import NamedTuple

from linesift._lines import parse, parse_many


class ParsedLine(NamedTuple):
    text: str          # visible text: markup removed, link text kept, stripped
    link_chars: int    # characters of ``text`` that are link text (markdown links, bare URLs)
    links: int         # number of links (markdown links, bare URLs, lynx ``[12]`` references)
    images: int        # number of markdown images
    indent: int        # leading spaces (tabs count 4): nesting depth of list dumps
    is_list: bool      # starts with a list marker (``*``, ``-``, ``+``, ``•``, ``1.``)
    heading: int       # markdown heading level 1-6, 0 if not a heading
    is_quote: bool     # starts with ``>``
    is_table: bool     # a markdown table row (starts or ends with ``|``)


def parse_line(raw: str) -> ParsedLine:
    """Strip a line's markup, measuring what it was: see ParsedLine."""
    return ParsedLine(*parse(raw))


def parse_lines(raws):
    """(texts, fields): parse_line of each of ``raws``, its text and the rest of its
    ParsedLine as a row of ``fields`` (a float64 array)."""
    return parse_many(list(raws))
