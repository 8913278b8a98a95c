"""Which part of an HTML page each of its block lines came from.

linesift reads an HTML page as block lines (``linesift.html``); showing the page (the label
page) and writing the kept lines back with their structure (Markdown) need the way back:
from a line to the text nodes it was made of and to its block, the element that holds that
line's text and nothing else.

The text nodes of the page are walked in document order and matched, ignoring white space,
against the lines in order. A text node that neither continues the current line nor starts
one of the next few is text linesift does not read (hidden, dropped) and belongs to no line.
Matching by text rather than by rerunning linesift's walk keeps this independent of how the
walk decides what a line is: a page whose lines it cannot place stays usable, just with
fewer lines placed.
"""

import re
from bisect import bisect_right
from itertools import accumulate
from typing import NamedTuple

from lxml import etree

from linesift.html import decode_html

LOOKAHEAD = 3          # lines a text node may skip ahead to (lines made of hidden or dropped text)
NOT_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title"})
_SPACE = re.compile(r"\s+")
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True)


class Slot(NamedTuple):
    element: object   # the element whose .text or .tail holds the text
    where: str        # "text" or "tail"
    text: str


def squeezed(text):
    """``text`` without white space: what line and text node are compared by."""
    return _SPACE.sub("", text)


def parse(data: bytes):
    """The element tree of an HTML page (decoded as linesift decodes HTML)."""
    root = etree.fromstring(decode_html(data) or "<html></html>", _PARSER)
    return root if root is not None else etree.fromstring("<html><body></body></html>", _PARSER)


def text_slots(root):
    """Every text node of ``root`` a reader could see, in document order."""
    slots, skipping = [], 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in NOT_TEXT:
                skipping += 1
            elif not skipping and element.text:
                slots.append(Slot(element, "text", element.text))
        else:
            if tag in NOT_TEXT:
                skipping -= 1
            if not skipping and element.tail and element is not root:
                slots.append(Slot(element, "tail", element.tail))
    return slots


def match_lines(slots, lines):
    """{line index: its slots}, walking ``slots`` and ``lines`` in order together. A text
    node may span several lines (a ``<pre>``'s lines are one text node): it belongs to each."""
    targets = [squeezed(line) for line in lines]
    text = "".join(targets)
    starts = list(accumulate((len(target) for target in targets), initial=0))
    at, found = 0, {}   # at: the position in ``text`` reached so far
    for slot in slots:
        piece = squeezed(slot.text)
        if not piece or at >= len(text):
            continue
        if not text.startswith(piece, at):
            line = bisect_right(starts, at) - 1
            first = line + 1 if at > starts[line] else line
            at = next((starts[k] for k in range(first, min(len(targets), line + 1 + LOOKAHEAD))
                       if text.startswith(piece, starts[k])), None) or at
            if not text.startswith(piece, at):
                continue
        first, last = bisect_right(starts, at) - 1, bisect_right(starts, at + len(piece) - 1) - 1
        for line in range(first, last + 1):
            found.setdefault(line, []).append(slot)
        at += len(piece)
    return found


def holder(slot):
    """The element a slot's text sits in (a tail's is its element's parent)."""
    return slot.element if slot.where == "text" else slot.element.getparent()


def is_within(element, ancestor):
    while element is not None:
        if element is ancestor:
            return True
        element = element.getparent()
    return False


def block_of(slots):
    """The largest element (below body) that holds a line's ``slots`` and no other text, or
    None when the line shares every element with other text."""
    text = sum(len(squeezed(slot.text)) for slot in slots)
    block = holder(slots[0])
    while block is not None and not all(is_within(holder(slot), block) for slot in slots):
        block = block.getparent()
    if block is None or not _holds_only(block, text):
        return None
    while block.getparent() is not None and block.getparent().tag not in ("body", "html") \
            and _holds_only(block.getparent(), text):
        block = block.getparent()
    return block if block.tag not in ("body", "html") else None


def _holds_only(element, text):
    return len(squeezed("".join(_visible_text(element)))) == text


def _visible_text(element):
    """The text of ``element``'s subtree outside NOT_TEXT elements."""
    for slot in text_slots(element):
        if slot.element is not element or slot.where == "text":
            yield slot.text
