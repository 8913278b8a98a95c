"""Lines stage: one raw dump line -> what a reader of the page sees of it.

Dumps come plain (browser copy, ``lynx -dump``, WET: no link markup) or as markdown
(``[text](url)`` links, ``#`` headings, ``*``/``-``/``1.`` list items). Both are read by
the same rules, so one model serves both; a plain line simply has no markup to find.
"""

import re
from typing import NamedTuple

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+")
_LYNX_REF = re.compile(r"\[\d+\]")
_LIST = re.compile(r"([*+\-•·]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"(#{1,6})\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_ANY_MARKUP = re.compile(r"[\[`*_|]|://|www\.")


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
    if raw[:1].isalpha() and not _ANY_MARKUP.search(raw):
        # Most lines of a dump are plain text: nothing to strip but trailing space.
        return ParsedLine(raw.rstrip(), 0, 0, 0, 0, False, 0, False, False)
    expanded = raw.replace("\t", "    ")
    body = expanded.lstrip()
    indent = len(expanded) - len(body)
    body = body.rstrip()
    is_quote = body.startswith(">")
    if is_quote:
        body = body.lstrip("> ")
    is_table = body.startswith("|") or body.endswith("|")
    heading = 0
    is_list = False
    marker = _HEADING.match(body)
    if marker:
        heading = len(marker.group(1))
        body = body[marker.end():]
    else:
        marker = _LIST.match(body)
        if marker:
            is_list = True
            body = body[marker.end():]
            nested = _LIST.match(body)  # "*     * Log In": a list inside a list item
            if nested:
                body = body[nested.end():]
    images = links = link_chars = 0
    if "](" in body:
        if "![" in body:
            body, images = _IMAGE.subn(r"\1", body)
        pieces, last = [], 0
        for match in _LINK.finditer(body):
            pieces.append(body[last:match.start()])
            anchor = match.group(1)
            pieces.append(anchor)
            link_chars += len(anchor)
            links += 1
            last = match.end()
        if links:
            pieces.append(body[last:])
            body = "".join(pieces)
    if "://" in body or "www." in body:
        for match in _BARE_URL.finditer(body):
            link_chars += match.end() - match.start()
            links += 1
    if "[" in body:
        body, refs = _LYNX_REF.subn("", body)
        links += refs
    if "**" in body or "__" in body or "`" in body:
        body = _EMPHASIS.sub("", body)
    text = body.strip()
    return ParsedLine(text, min(link_chars, len(text)), links, images, indent, is_list, heading, is_quote, is_table)
