"""The page as a person sees it, for the label page: an HTML page made safe to show and
marked with the block lines its parts became.

``page_view`` returns the page's HTML with nothing that runs or reaches the network
(scripts, frames, objects, links, refreshes, event handlers and every URL attribute
removed; the label server adds a content security policy and the frame a sandbox on top)
and with each part of the page that became a block line marked ``data-ls-line="N"``, so the
label page can outline it in its label's colour and flip it on a click.

Marking: a line is marked on its block (``linemap.block_of``), or, where it has none, on
spans wrapped around the text nodes it was made of (``linemap.match_lines``).
"""

from collections import Counter

from lxml import etree

from linesift.linemap import block_of, match_lines, parse, text_slots

# Elements whose content is never shown, or which would run, load or navigate.
REMOVED = ("script", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
           "link", "meta", "portal", "fencedframe")
# Attributes that name a URL (a request, a navigation) or style the page from outside.
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "poster", "background", "ping", "data",
                  "codebase", "cite", "longdesc", "manifest", "xlink:href", "imagesrcset")
VIEW_STYLE = (
    "[data-ls-line]{cursor:pointer}"
    "[data-ls-line].ls-content{outline:2px solid #2e7d32;outline-offset:1px;background:rgba(46,125,50,.10)}"
    "[data-ls-line].ls-chrome{outline:1px dashed #9e9e9e;outline-offset:1px}"
    "[data-ls-line].ls-cursor{box-shadow:0 0 0 3px #1565c0}"
    "img{outline:1px dotted #bbb;min-width:1em;min-height:1em}"
)
def _sanitize(root):
    for element in list(root.iter(*REMOVED)):
        if element.getparent() is not None:
            _drop(element)
    for element in root.iter(etree.Element):
        for name in list(element.attrib):
            lower = name.lower()
            if lower.startswith("on") or lower in URL_ATTRIBUTES or lower == "http-equiv":
                del element.attrib[name]


def _drop(element):
    """Remove ``element`` and its subtree, keeping its tail text in place."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _wrap(element, where, text, line):
    span = etree.Element("span")
    span.set("data-ls-line", str(line))
    span.text = text
    if where == "text":
        element.text = None
        element.insert(0, span)
    else:
        element.tail = None
        parent = element.getparent()
        parent.insert(parent.index(element) + 1, span)
    return span


def page_view(data: bytes, lines: list) -> bytes:
    """The HTML page ``data`` made safe to show, its parts marked with the index of the block
    line (of ``lines``, the page's lines as linesift reads them) each became."""
    root = parse(data)
    _sanitize(root)
    placed = match_lines(text_slots(root), lines)
    blocks = {line: block_of(slots) for line, slots in placed.items()}   # before any span changes the tree
    shared = Counter(id(block) for block in blocks.values() if block is not None)
    blocks = {line: block if block is None or shared[id(block)] == 1 else None   # a block of several lines
              for line, block in blocks.items()}                                 # (a <pre>): marked by its text
    wrapped = set()   # a text node of several lines (a <pre>'s) is wrapped once, for its first line
    for line, slots in placed.items():
        if blocks[line] is not None:
            blocks[line].set("data-ls-line", str(line))
            continue
        for slot in slots:
            if (id(slot.element), slot.where) not in wrapped:
                wrapped.add((id(slot.element), slot.where))
                _wrap(slot.element, slot.where, slot.text, line)
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    style = etree.SubElement(head, "style")
    style.text = VIEW_STYLE
    charset = etree.Element("meta")
    charset.set("charset", "utf-8")
    head.insert(0, charset)
    return b"<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="utf-8")
