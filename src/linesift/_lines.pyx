# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled core of the lines stage: a dump line's markup read and stripped
(``linesift.lines`` describes the rules and is the Python face of this).

No regular expression: each rule is a scan that never goes back further than the "]" or
"(" it started from, so a line is read in time linear in its length whatever it holds.
"Space" is a Unicode space character (Python's ``str.isspace``), "digit" a Unicode
decimal digit (Python's ``\\d``).
"""

from cpython.unicode cimport Py_UNICODE_ISALPHA, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISSPACE

import numpy as np

# The fields after the text, in order: link characters, links, images, indent, list item,
# heading level, quote, table row.
cdef enum:
    _FIELDS = 8
FIELDS = _FIELDS


cdef inline bint _space(Py_UCS4 c) noexcept:
    return Py_UNICODE_ISSPACE(c)


cdef inline bint _digit(Py_UCS4 c) noexcept:
    if c < 0x80:
        return 0x30 <= c <= 0x39
    return Py_UNICODE_ISDECIMAL(c)


cdef Py_ssize_t _spaces_after(str text, Py_ssize_t at) noexcept:
    """The end of the run of spaces at ``at`` (``at`` itself when there is none)."""
    cdef Py_ssize_t size = len(text)
    while at < size and _space(text[at]):
        at += 1
    return at


cdef Py_ssize_t _heading(str body, Py_ssize_t *level) noexcept:
    """A heading marker at the start (one to six "#", then spaces): where its text starts, or 0."""
    cdef Py_ssize_t size = len(body), hashes = 0, end
    while hashes < size and body[hashes] == u'#':
        hashes += 1
    if hashes < 1 or hashes > 6:
        return 0
    end = _spaces_after(body, hashes)
    if end == hashes:
        return 0
    level[0] = hashes
    return end


cdef Py_ssize_t _list_marker(str body, Py_ssize_t start) noexcept:
    """A list marker at ``start`` ("*", "+", "-", "•", "·", or one to three digits and "." or
    ")", then spaces): where the item's text starts, or ``start``."""
    cdef Py_ssize_t size = len(body), at = start, end
    if at >= size:
        return start
    if body[at] in u"*+-•·":
        at += 1
    else:
        while at < size and _digit(body[at]):
            at += 1
        if at == start or at - start > 3 or at >= size or body[at] not in u".)":
            return start
        at += 1
    end = _spaces_after(body, at)
    return start if end == at else end


cdef Py_ssize_t _image_tail(str text, Py_ssize_t at) noexcept:
    """An image's "(url)" at ``at``: its end, or -1."""
    if at >= len(text) or text[at] != u'(':
        return -1
    at = text.find(u')', at + 1)
    return at + 1 if at >= 0 else -1


cdef Py_ssize_t _link_tail(str text, Py_ssize_t at) noexcept:
    """A link's "(url)" or "(url "title")" at ``at``: its end, or -1. The URL is runs of
    characters other than parentheses and spaces, and "(...)" groups without parentheses."""
    cdef Py_ssize_t size = len(text), end, quote
    cdef Py_UCS4 c
    if at >= size or text[at] != u'(':
        return -1
    at += 1
    while at < size:
        c = text[at]
        if c == u'(':
            end = at + 1
            while end < size and text[end] != u'(' and text[end] != u')':
                end += 1
            if end >= size or text[end] != u')':
                break
            at = end + 1
        elif c == u')' or _space(c):
            break
        else:
            at += 1
    if at < size and _space(text[at]):
        end = _spaces_after(text, at)
        if end < size and text[end] == u'"':
            quote = text.find(u'"', end + 1)
            if 0 <= quote < size - 1 and text[quote + 1] == u')':
                return quote + 2
    if at < size and text[at] == u')':
        return at + 1
    return -1


cdef list _bracketed(str text, str opener, bint image):
    """(start, end of the text, end) of each "``opener`` text ] tail" in ``text``, left to
    right without overlap (``_next_bracketed``)."""
    cdef list found = []
    cdef Py_ssize_t at = 0, start, close
    while True:
        at = _next_bracketed(text, opener, image, at, &start, &close)
        if at < 0:
            return found
        found.append((start, close, at))


cdef Py_ssize_t _next_bracketed(str text, str opener, bint image, Py_ssize_t at, Py_ssize_t *start,
                                Py_ssize_t *close) except -2:
    """The next "``opener`` text ] tail" from ``at``: its end, its start and the end of its
    text in ``start`` and ``close``; -1 when there is none. The text runs to the first "]". A
    failed tail sends the search past its "]" (every opener before that "]" would lead to the
    same "]" and tail); an image whose "(" never closes ends the search (no later image can
    close either)."""
    cdef Py_ssize_t end, size = len(text)
    while True:
        start[0] = text.find(opener, at)
        if start[0] < 0:
            return -1
        close[0] = text.find(u']', start[0] + len(opener))
        if close[0] < 0:
            return -1
        end = _image_tail(text, close[0] + 1) if image else _link_tail(text, close[0] + 1)
        if end >= 0:
            return end
        elif image and close[0] + 1 < size and text[close[0] + 1] == u'(':
            return -1
        else:
            at = close[0] + 1


cdef str _replaced(str text, list found, Py_ssize_t opener):
    """``text`` with each of ``found`` (``_bracketed``) replaced by its text."""
    cdef list pieces = []
    cdef Py_ssize_t last = 0
    for start, close, end in found:
        pieces.append(text[last:start])
        pieces.append(text[start + opener:close])
        last = end
    pieces.append(text[last:])
    return u"".join(pieces)


cdef Py_ssize_t _bare_urls(str text, Py_ssize_t *chars) noexcept:
    """Bare URLs ("http://", "https://" or "www.", then non-spaces): how many, their characters added to ``chars``."""
    cdef Py_ssize_t size = len(text), at = 0, start, end, count = 0
    cdef Py_UCS4 c
    while at < size:
        start = at
        c = text[at]
        if c != u'h' and c != u'w':
            at += 1
            continue
        if text.startswith(u"https://", at):
            end = at + 8
        elif text.startswith(u"http://", at):
            end = at + 7
        elif text.startswith(u"www.", at):
            end = at + 4
        else:
            at += 1
            continue
        at = end
        while at < size and not _space(text[at]):
            at += 1
        if at == end:
            at = start + 1
            continue
        chars[0] += at - start
        count += 1
    return count


cdef str _without_references(str text, Py_ssize_t *count):
    """``text`` without its lynx references ("[12]"), counted into ``count``."""
    cdef Py_ssize_t size = len(text), at = 0, last = 0, end
    cdef list pieces = []
    while True:
        at = text.find(u'[', at)
        if at < 0:
            break
        end = at + 1
        while end < size and _digit(text[end]):
            end += 1
        if end > at + 1 and end < size and text[end] == u']':
            pieces.append(text[last:at])
            last = at = end + 1
            count[0] += 1
        else:
            at += 1
    if not pieces:
        return text
    pieces.append(text[last:])
    return u"".join(pieces)


cdef str _without_emphasis(str text):
    """``text`` without "**", "__" and "`" (pairs taken left to right)."""
    cdef Py_ssize_t size = len(text), at = 0, last = 0
    cdef list kept = []
    cdef Py_UCS4 c
    while at < size:
        c = text[at]
        if (c == u'*' or c == u'_') and at + 1 < size and text[at + 1] == c:
            kept.append(text[last:at])
            at += 2
            last = at
        elif c == u'`':
            kept.append(text[last:at])
            at += 1
            last = at
        else:
            at += 1
    kept.append(text[last:])
    return u"".join(kept)


cdef bint _plain(str raw):
    """Starts with a letter and holds none of the characters markup is made of."""
    if not raw or not Py_UNICODE_ISALPHA(raw[0]):
        return False
    cdef Py_UCS4 c
    for c in raw:
        if c in u"[`*_|":
            return False
    return u"://" not in raw and u"www." not in raw


cdef str _parse(str raw, double *fields):
    """A line's visible text; its markup measured into ``fields`` (FIELDS of them)."""
    cdef Py_ssize_t at, level = 0, images = 0, links = 0, link_chars = 0
    cdef list found
    for at in range(_FIELDS):
        fields[at] = 0
    if _plain(raw):   # most lines of a dump: nothing to strip but trailing space
        return raw.rstrip()
    cdef str expanded = raw.replace(u"\t", u"    ")
    cdef str body = expanded.lstrip()
    fields[3] = len(expanded) - len(body)   # indent
    body = body.rstrip()
    if body.startswith(u">"):
        fields[6] = 1
        body = body.lstrip(u"> ")
    fields[7] = body.startswith(u"|") or body.endswith(u"|")
    at = _heading(body, &level)
    if at:
        fields[5] = level
        body = body[at:]
    else:
        at = _list_marker(body, 0)
        if at:
            fields[4] = 1
            at = _list_marker(body, at)   # "*     * Log In": a list inside a list item
            body = body[at:]
    if _has_link_tail(body):
        if u"![" in body:
            found = _bracketed(body, u"![", True)
            images = len(found)
            if found:
                body = _replaced(body, found, 2)
        found = _bracketed(body, u"[", False)
        links = len(found)
        for start, close, end in found:
            link_chars += close - start - 1
        if found:
            body = _replaced(body, found, 1)
    if u"://" in body or u"www." in body:
        links += _bare_urls(body, &link_chars)
    if u"[" in body:
        body = _without_references(body, &links)
    if u"**" in body or u"__" in body or u"`" in body:
        body = _without_emphasis(body)
    text = body.strip()
    fields[0] = min(link_chars, len(text))
    fields[1] = links
    fields[2] = images
    return text


def parse(str raw):
    """(visible text, link characters, links, images, indent, list item, heading level,
    quote, table row) of a line: see ``linesift.lines.ParsedLine``."""
    cdef double fields[_FIELDS]
    text = _parse(raw, fields)
    return (text, int(fields[0]), int(fields[1]), int(fields[2]), int(fields[3]), fields[4] > 0, int(fields[5]),
            fields[6] > 0, fields[7] > 0)


def parse_many(list raws):
    """(texts, fields): ``parse`` of each of ``raws``, its text and its other fields as a row
    of a (lines, FIELDS) float64 array."""
    cdef Py_ssize_t n = len(raws), line
    fields_array = np.zeros((n, _FIELDS), dtype=np.float64)
    cdef double[:, ::1] fields = fields_array
    texts = [None] * n
    for line in range(n):
        texts[line] = _parse(raws[line], &fields[line, 0])
    return texts, fields_array


def visible_lengths(list raws):
    """About the length of ``parse``'s visible text of each of ``raws``, as a float64 array,
    without making it: the line stripped, less each markdown link's markup and URL (found by
    the link rule ``parse`` uses, its text kept); the rest of the markup a parse takes off
    is a few characters (``linesift.labels.line_lengths``)."""
    cdef Py_ssize_t n = len(raws), line
    lengths_array = np.empty(n, dtype=np.float64)
    cdef double[::1] lengths = lengths_array
    for line in range(n):
        lengths[line] = _visible_length(raws[line])
    return lengths_array


cdef Py_ssize_t _visible_length(str text):
    cdef Py_ssize_t start = _spaces_after(text, 0), end = len(text), opened, close
    while end > start and _space(text[end - 1]):
        end -= 1
    cdef Py_ssize_t length = end - start, at = 0
    if _has_link_tail(text):
        while True:
            at = _next_bracketed(text, u"[", False, at, &opened, &close)
            if at < 0:
                return length
            length -= (at - opened) - (close - opened - 1)
    return length


cdef bint _has_link_tail(str text):
    """Whether "](" is in ``text``: a search for "]" (memchr for most text) and a look at the
    character after it, quicker than a search for the pair."""
    cdef Py_ssize_t size = len(text), at = text.find(u']')
    while 0 <= at < size - 1:
        if text[at + 1] == u'(':
            return True
        at = text.find(u']', at + 1)
    return False
