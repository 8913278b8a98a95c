"""Lines stage: one raw dump line -> what a reader of the page sees of it.

Dumps come plain (browser copy, ``lynx -dump``, WET: no link markup) or as markdown
(``[text](url)`` links, ``#`` headings, ``*``/``-``/``1.`` list items). Both are read by
the same rules, so one model serves both; a plain line simply has no markup to find.
"""

import re
from itertools import repeat
from operator import itemgetter
from typing import NamedTuple

import numpy as np

# Images ``![text](url)`` and links ``[text](url "title")``: a text in brackets, then a
# tail. They are found by ``_bracketed``, not by one regex: a text runs to the first "]"
# after its "[", and a regex would read it again from every "[" before that "]" (a line
# of "[" took minutes).
_IMAGE_TAIL = re.compile(r"\([^)]*\)")
# A link's URL: runs of characters other than parentheses and spaces, or one level of
# (...). A run is matched whole, never given back (a lookahead and a backreference: an
# atomic group that Python 3.10 reads), which matches what matching it a character at a
# time would, in half the time: nothing after a run can start with its characters.
_LINK_TAIL = re.compile(r"\((?:(?=(?P<run>[^()\s]+))(?P=run)|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+")
_LYNX_REF = re.compile(r"\[\d+\]")
_LIST = re.compile(r"([*+\-•·]|\d{1,3}[.)])\s+")
_HEADING = re.compile(r"(#{1,6})\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_ANY_MARKUP = re.compile(r"[\[`*_|]|://|www\.")


def _bracketed(text, opener, tail, stop=None):
    """(start, end of the text, end) of each match of ``opener`` + ``[^\\]]*\\]`` + ``tail``
    in ``text``, the ones a regex's finditer would find, in one pass: every opener before
    a "]" leads to that same "]" and tail, so when one fails the next to try is past the
    "]". ``stop`` (a character) ends a text, and a tail that opens "(" never closes past
    it: the tails here cannot (``_separated``), so when ``_IMAGE_TAIL`` finds no ")" no
    image after it can. A link's tail fails within its URL, its title or the next "(",
    so no part of the line is read more than a few times."""
    found, at, size = [], 0, len(text)
    end_of_line = -1   # where the line of ``start`` ends (found once per line)
    while True:
        start = text.find(opener, at)
        if start < 0:
            return found
        if start > end_of_line:
            end_of_line = text.find(stop, start) if stop is not None else -1
            end_of_line = size if end_of_line < 0 else end_of_line
        close = text.find("]", start + len(opener), end_of_line)
        if close < 0:
            if end_of_line == size:
                return found
            at = end_of_line
            continue
        match = tail.match(text, close + 1)
        if match:
            found.append((start, close, match.end()))
            at = match.end()
        elif tail is _IMAGE_TAIL_IN_LINES or tail is _IMAGE_TAIL:
            at = close + 1 if not text.startswith("(", close + 1) else end_of_line
            if at == size:
                return found
        else:
            at = close + 1


def _replaced(text, opener, tail, before, after="", stop=None):
    """(``text`` with each ``_bracketed`` match replaced by its text between ``before`` and
    ``after``, the matches)."""
    found = _bracketed(text, opener, tail, stop)
    if not found:
        return text, found
    pieces, last = [], 0
    for start, close, end in found:
        pieces += (text[last:start], before, text[start + len(opener):close], after)
        last = end
    pieces.append(text[last:])
    return "".join(pieces), found


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
            body, found = _replaced(body, "![", _IMAGE_TAIL, "")
            images = len(found)
        body, found = _replaced(body, "[", _LINK_TAIL, "")
        links = len(found)
        link_chars = sum(close - start - 1 for start, close, _ in found)
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


# Joins many lines into one string for the batch readers (here and in features.text): no
# pattern they run matches it (``within_lines`` makes sure), so no match crosses from one
# line into the next, and the separators before a match say which line it is in
# (``per_line``). The batch readers also mark images and link text with three more
# control characters; a line holding any of these RESERVED characters is read one line at a time.
SEPARATOR = "\x00"
_IMAGE_MARK, _LINK_START, _LINK_END = "\x01", "\x02", "\x03"
RESERVED = re.compile("[\x00-\x03]")


def _separated(pattern):
    """The text of ``pattern`` with the separator left out of what its negated classes match."""
    text = pattern.pattern
    assert "\\[^" not in text and "." not in text.replace("\\.", ""), text   # constructs not rewritten here
    return text.replace("[^", "[^" + SEPARATOR).replace("\\S", f"[^\\s{SEPARATOR}]")


def within_lines(pattern):
    """``pattern``, made never to match the separator: run over joined lines, it finds
    what it finds in each line (the separator is neither a word nor a space character)."""
    return re.compile(_separated(pattern), pattern.flags)


def per_line(pattern, joined):
    """(the matches of a ``within_lines`` pattern in lines joined by SEPARATOR, the line of each)."""
    found = list(pattern.finditer(joined))
    separators = np.flatnonzero(code_points(joined) == ord(SEPARATOR))
    return (list(map(re.Match.group, found)),
            np.searchsorted(separators, np.fromiter(map(re.Match.start, found), np.int64, len(found))))


def count_per_line(pattern, joined, lines):
    """Matches of a ``within_lines`` pattern in each of ``lines`` lines joined by SEPARATOR."""
    return np.bincount(per_line(pattern, joined)[1], minlength=lines)


def byte_counts(encoded, wanted):
    """How many of the bytes ``wanted`` each line of ``encoded`` (lines joined by SEPARATOR, UTF-8) holds."""
    kept = encoded.translate(None, _ALL_BYTES.translate(None, wanted + SEPARATOR.encode()))
    parts = kept.split(SEPARATOR.encode())
    return np.fromiter(map(len, parts), np.int64, len(parts))


_ALL_BYTES = bytes(range(256))


def code_points(text):
    """The code points of ``text`` as a uint32 array (a surrogate escape is its own code point)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class CharClass:
    """Which code points a regular expression's character class matches, looked up for a
    whole array of them. The lookup table is made by the regex engine itself (all of the
    Basic Multilingual Plane, when first needed; other code points one by one), so it
    agrees with the pattern exactly."""

    def __init__(self, pattern):
        self.pattern = re.compile(pattern)
        self.table = None

    def __call__(self, codes):
        if self.table is None:
            self.table = np.zeros(0x10000, dtype=bool)
            self.table[code_points("".join(self.pattern.findall("".join(map(chr, range(0x10000))))))] = True
        found = self.table[np.minimum(codes, 0xFFFF)]
        if len(codes) and codes.max() > 0xFFFF:
            for code in np.unique(codes[codes > 0xFFFF]).tolist():
                found[codes == code] = self.pattern.fullmatch(chr(code)) is not None
        return found


def _at_line_start(pattern):
    """Matches SEPARATOR, then ``pattern`` if it is there: a findall over the lines, each
    after a SEPARATOR, gives one token per line (its groups: the first is the whole match)."""
    return re.compile(f"{SEPARATOR}((?:{_separated(pattern)}))?", pattern.flags)


# _ANY_MARKUP is one of these ASCII characters (a UTF-8 byte that is never part of another
# character), or "://", or "www.": found by bytes.translate and str.__contains__, no regex.
assert _ANY_MARKUP.pattern == r"[\[`*_|]|://|www\."
_MARKUP_CHARACTERS = b"[`*_|"
_HEADING_AT_START = _at_line_start(_HEADING)
_LISTS_AT_START = re.compile(f"{SEPARATOR}((?:{_LIST.pattern})(?:{_LIST.pattern})?)?")   # a list in a list too
_IMAGE_TAIL_IN_LINES = re.compile(_separated(_IMAGE_TAIL))
_LINK_TAIL_IN_LINES = re.compile(_separated(_LINK_TAIL))
_BARE_URL_IN_LINES = within_lines(_BARE_URL)
_LYNX_REF_IN_LINES = within_lines(_LYNX_REF)


def _flags(values, lines):
    return np.fromiter(values, bool, lines)


def _lengths(texts):
    return np.fromiter(map(len, texts), np.int64, len(texts))


def _parse_marked_up(raws):
    """parse_line of lines that may hold markup, all at once (see parse_line: the same
    steps, each over all the lines). No line holds a RESERVED character."""
    n = len(raws)
    expanded = SEPARATOR.join(raws).replace("\t", "    ").split(SEPARATOR)
    bodies = list(map(str.lstrip, expanded))
    indent = _lengths(expanded) - _lengths(bodies)
    bodies = list(map(str.rstrip, bodies))
    is_quote = np.fromiter(map(str.startswith, bodies, repeat(">")), bool, n)
    bodies = list(map(str.lstrip, bodies, repeat("> ")))   # a body starts with no space: only quotes change
    is_table = (np.fromiter(map(str.startswith, bodies, repeat("|")), bool, n)
                | np.fromiter(map(str.endswith, bodies, repeat("|")), bool, n))
    headings = _HEADING_AT_START.findall(SEPARATOR + SEPARATOR.join(bodies))
    heading = _lengths(list(map(itemgetter(1), headings)))
    cut = _lengths(list(map(itemgetter(0), headings)))
    bodies = list(map(str.__getitem__, bodies, map(slice, cut.tolist(), repeat(None))))
    lists = _LISTS_AT_START.findall(SEPARATOR + SEPARATOR.join(bodies))
    cut = np.where(heading > 0, 0, _lengths(list(map(itemgetter(0), lists))))
    is_list = cut > 0
    joined = SEPARATOR + SEPARATOR.join(map(str.__getitem__, bodies, map(slice, cut.tolist(), repeat(None))))

    # Images are replaced by their text, then links by theirs, each marked where it was:
    # the marks count them and their characters, and go before the next step.
    marked = _replaced(joined, "![", _IMAGE_TAIL_IN_LINES, _IMAGE_MARK, stop=SEPARATOR)[0]
    marked = _replaced(marked, "[", _LINK_TAIL_IN_LINES, _LINK_START, _LINK_END, stop=SEPARATOR)[0]
    codes = np.frombuffer(marked.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    line = np.cumsum(codes == ord(SEPARATOR)) - 1    # the line of each code point
    starts, ends, image = codes == ord(_LINK_START), codes == ord(_LINK_END), codes == ord(_IMAGE_MARK)
    in_link = (np.cumsum(starts) - np.cumsum(ends) > 0) & ~starts & ~image
    link_chars = np.bincount(line[in_link], minlength=n)
    links = np.bincount(line[starts], minlength=n)
    images = np.bincount(line[image], minlength=n)
    if links.any() or images.any():
        joined = marked.replace(_IMAGE_MARK, "").replace(_LINK_START, "").replace(_LINK_END, "")
    urls, url_line = per_line(_BARE_URL_IN_LINES, joined)
    link_chars += np.bincount(url_line - 1, weights=_lengths(urls), minlength=n).astype(np.int64)
    links += np.bincount(url_line - 1, minlength=n)
    refs, ref_line = per_line(_LYNX_REF_IN_LINES, joined)
    if refs:
        links += np.bincount(ref_line - 1, minlength=n)
        joined = _LYNX_REF.sub("", joined)
    texts = list(map(str.strip, _EMPHASIS.sub("", joined).split(SEPARATOR)[1:]))
    link_chars = np.minimum(link_chars, _lengths(texts))
    return texts, np.column_stack([link_chars, links, images, indent, is_list, heading, is_quote, is_table]).astype(np.float64)


def parse_lines(raws):
    """(texts, fields): parse_line of each of ``raws`` (non-empty lines, none holding a
    RESERVED character), its text and the rest of its ParsedLine as a row of ``fields``."""
    n = len(raws)
    first_alpha = np.fromiter(map(str.isalpha, "".join(map(itemgetter(0), raws))), bool, n)
    has_markup = ((byte_counts(SEPARATOR.join(raws).encode("utf-8", "surrogatepass"), _MARKUP_CHARACTERS) > 0)
                  | _flags(map(str.__contains__, raws, repeat("://")), n)
                  | _flags(map(str.__contains__, raws, repeat("www.")), n))
    plain = first_alpha & ~has_markup      # most lines of a dump: nothing to strip but trailing space
    texts = list(map(str.rstrip, raws))
    fields = np.zeros((n, len(ParsedLine._fields) - 1))
    marked_up = np.flatnonzero(~plain)
    if len(marked_up):
        marked_texts, fields[marked_up] = _parse_marked_up(list(map(raws.__getitem__, marked_up.tolist())))
        for at, text in zip(marked_up.tolist(), marked_texts):
            texts[at] = text
    return texts, fields
