"""HTML stage: page bytes -> the lines a reader sees, with the markup around each.

A dump loses what the HTML said about a line: that it sat in a ``<nav>``, that all of it
was a link, that its container was ``class="sidebar-widget"``. Reading the HTML directly
keeps that, so each line comes with its exact link characters, the informative tags on
its path and the class/id words of its containers.

Parser: lxml (libxml2's HTML parser through ``etree.HTMLParser``, plain elements, one
``iterwalk`` pass with ``skip_subtree`` for dropped elements, no XPath). lxml rather
than a faster parser such as selectolax (lexbor): the Python walk over the tree costs more
than the parse, so a faster parser gains little in all; iterwalk needs no recursion however
deep a broken page nests; and it is the parser the peers (readability, trafilatura,
jusText) use (docs/decisions.md).

Decoding (done here, not left to libxml2, so it is the same on every libxml2 version):
- gzip input (bytes starting ``1f 8b``) is decompressed first, never past a bound (the page
  size limit: a decompression bomb costs no more; ``InflatedTooLarge`` says so); a
  truncated stream keeps what could be read;
- a byte-order mark wins; then bytes that are valid UTF-8 are UTF-8, whatever the page
  declares (legacy text is almost never valid UTF-8, and a page declaring latin-1 while
  serving UTF-8 is common); then the ``<meta>``/XML declared charset (with the HTML
  standard's substitutions: latin-1 and ascii read as windows-1252, and so on); then,
  undeclared, UTF-8 with replacement when most non-ASCII bytes form UTF-8, else
  windows-1252, the web's legacy default.

Lines: a block element (DIV, P, LI, H1-6, TR, TD, ...) starts and ends a line, ``<br>``
ends one, each line of a ``<pre>`` is a line; inline text is joined as a browser shows it
(whitespace runs become one space). Lines without text are not emitted. Table cells are
lines of their own: old pages lay out whole columns in cells, and joining a row would
merge a menu cell with the article cell.

Not shown, so not read: script, style, template, noscript (the pages were copied with
scripts on), svg, iframe, media fallbacks, the head, and elements hidden by the
``hidden`` attribute, ``aria-hidden="true"`` or an inline ``display:none`` /
``visibility:hidden``. Comments and processing instructions are dropped by the parser.

``link_chars`` counts the characters of the line's text that are inside an ``<a>``
element; a space counts as link text when the words on both sides of it do, so a
menu of links has density 1 and "read <a>more here</a> now" has 9.

``tags`` are the informative tags (INFORMATIVE_TAGS) on the path from the root to the
text of the line, in order, once each; inline ones (a, button, label, ...) count when
they hold some of the line's text. ``classes`` are the words of the ``class`` and ``id``
attributes on that path (lower case, split at non-letters and at camelCase humps, words
of one letter dropped), once each, the innermost MAX_CLASS_WORDS kept.
"""

import codecs
import re
import zlib
from typing import NamedTuple

from lxml import etree

from linesift.limits import MAX_PAGE_BYTES

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 1024          # is_html looks for an HTML tag this far into the bytes
CHARSET_SNIFF_BYTES = 4096  # a charset declaration is looked for this far
MAX_CLASS_WORDS = 20

DROPPED_TAGS = frozenset({
    "script", "style", "template", "noscript", "svg", "iframe", "head", "title", "object",
    "embed", "video", "audio", "canvas", "math", "frameset", "noframes",
})
BLOCK_TAGS = frozenset({
    "html", "body", "address", "article", "aside", "blockquote", "caption", "center",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "legend", "li", "main", "menu", "nav", "ol", "optgroup", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    "textarea", "select", "listing", "plaintext", "xmp",
})
INFORMATIVE_TAGS = frozenset({
    "nav", "header", "footer", "aside", "form", "li", "ul", "ol", "h1", "h2", "h3", "h4",
    "h5", "h6", "p", "article", "main", "table", "td", "th", "blockquote", "pre", "figure",
    "figcaption", "a", "button", "label", "select", "option", "dl", "dt", "dd", "section",
})
PRE_TAGS = frozenset({"pre", "listing", "plaintext", "xmp", "textarea"})

# Charsets a page declares and what a browser reads them as (WHATWG Encoding standard).
CHARSET_SUBSTITUTES = {
    "ascii": "cp1252", "iso8859_1": "cp1252", "iso8859_9": "cp1254", "iso8859_11": "cp874",
    "tis_620": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932",
    "euc_kr": "cp949", "utf_16": "utf_8", "utf_16_le": "utf_8", "utf_16_be": "utf_8",
    "utf_32": "utf_8", "big5": "big5hkscs",
}
FALLBACK_CHARSET = "cp1252"
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:head|body|div|p|meta|title|link)[\s>/]", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"(?:display|visibility)\s*:\s*(?:none|hidden)", re.IGNORECASE)
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_ASCII = bytes(range(128))
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                           default_doctype=False, huge_tree=True, collect_ids=False)


class HtmlPage(list):
    """The HtmlLines of a page, and ``blocks``: for every block element that holds a line,
    (first, end, signature): its line range, innermost first where two end together, and
    a number that is the same for elements of the same tag and class (within this page).
    Ranges nest as the elements do (a page's lines are in document order, so an element's
    lines are consecutive): features.structure reads the page's containers from them."""

    def __init__(self, lines=(), blocks=()):
        super().__init__(lines)
        self.blocks = list(blocks)


class HtmlLine(NamedTuple):
    text: str                 # visible text, whitespace runs made one space, stripped
    link_chars: int           # characters of ``text`` inside links
    tags: tuple               # informative tags on the path to the text (INFORMATIVE_TAGS)
    classes: tuple            # class/id words on that path, innermost MAX_CLASS_WORDS


class InflatedTooLarge(ValueError):
    """gzip content past the bound it may be inflated to (it was not inflated further)."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        super().__init__(f"gzip content of more than {max_bytes:,} bytes, not inflated further")


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """The content of the gzip member(s) of ``data``, inflated to at most ``max_bytes`` + 1
    bytes, never more. A truncated member, or junk after one, keeps what inflated."""
    out, size = [], 0
    while data[:2] == GZIP_MAGIC and size <= max_bytes:
        inflater = zlib.decompressobj(wbits=31)
        try:
            out.append(inflater.decompress(data, max_bytes + 1 - size))
        except zlib.error:
            break
        size += len(out[-1])
        if not inflater.eof:   # cut short, or stopped at the bound
            break
        data = inflater.unused_data
    return b"".join(out)


def gunzip(data: bytes, max_bytes: int = MAX_PAGE_BYTES) -> bytes:
    """``data`` decompressed when it is gzip (as it is otherwise); InflatedTooLarge when its
    content is over ``max_bytes``."""
    if data[:2] != GZIP_MAGIC:
        return data
    data = _gunzip(data, max_bytes)
    if len(data) > max_bytes:
        raise InflatedTooLarge(max_bytes)
    return data


def is_html(data: bytes) -> bool:
    """Whether the bytes (gzip or not) are an HTML document rather than a text dump."""
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(data, SNIFF_BYTES)
    head = data[:SNIFF_BYTES]
    for bom, charset in BOMS:
        if head.startswith(bom):
            head = head[len(bom):].decode(charset, "replace").encode("ascii", "replace")
            break
    # Only the start counts: a dump that mentions "<p>" in its text is still a dump.
    return bool(_HTML_START.match(head) or _HTML_TAG.match(head))


def _declared_charset(data: bytes):
    match = _CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "replace").lower()
    name = {"x-sjis": "shift_jis", "x-gbk": "gbk", "windows-31j": "cp932"}.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):   # "hex", "base64", "zlib": not a charset
        return None
    codec = info.name.replace("-", "_")
    return CHARSET_SUBSTITUTES.get(codec, codec)


def decode_html(data: bytes) -> str:
    """The page's text by the decoding policy in this module's docstring."""
    data = gunzip(data)
    for bom, charset in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(charset, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared and declared != "utf_8":
        try:
            return data.decode(declared, "replace")
        except (LookupError, UnicodeError):   # a codec that takes no error handler (idna)
            declared = None
    text = data.decode("utf-8", "replace")
    if declared == "utf_8":
        return text
    non_ascii = len(data.translate(None, _ASCII))
    if text.count("\ufffd") * 4 < non_ascii:  # mostly UTF-8 with a few stray bytes
        return text
    return data.decode(FALLBACK_CHARSET, "replace")


def _parse(data: bytes):
    data = gunzip(data)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        data.decode("utf-8")   # valid UTF-8 goes to the parser as it is
    except UnicodeDecodeError:
        data = decode_html(data).encode("utf-8")
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    if not data.strip():
        return None
    try:
        return etree.fromstring(data, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def parser_keeps_text(data: bytes) -> bool:
    """Whether lxml's tree of the document holds any text outside the elements never read
    (script, style, ...), shown or hidden: False when libxml2 stopped before the text (it
    stops at 2,048 nested elements and drops the rest of the document)."""
    root = _parse(data)
    if root is None:
        return False
    etree.strip_elements(root, *DROPPED_TAGS, with_tail=False)
    return any(text.strip() for text in root.itertext())


_class_word_cache = {}


def _class_words(value: str) -> tuple:
    words = _class_word_cache.get(value)
    if words is None:
        if len(_class_word_cache) > 100_000:
            _class_word_cache.clear()
        found = [w.lower() for w in _CLASS_WORD.findall(value) if len(w) > 1]
        words = _class_word_cache[value] = tuple(dict.fromkeys(found))
    return words


def _is_hidden(attributes) -> bool:
    for name, value in attributes:
        if name == "hidden":
            return True
        if name == "aria-hidden":
            if value.strip().lower() == "true":
                return True
        elif name == "style" and ("none" in value or "hidden" in value) and _HIDDEN_STYLE.search(value):
            return True
    return False


class _Frame(NamedTuple):
    tags: tuple       # informative tags from the root to here
    classes: tuple    # class/id words from the root to here
    in_link: bool
    in_pre: bool


_ROOT_FRAME = _Frame((), (), False, False)


def _joined(texts, links):
    """Text and link characters of a line's pieces (raw texts, and whether each is in a
    link): see the docstring."""
    if True not in links:
        return " ".join("".join(texts).split()), 0
    if False not in links:
        text = " ".join("".join(texts).split())
        return text, len(text)
    out, link_chars = [], 0
    space_pending = False
    last_link = False   # whether the last word written was link text
    for text, in_link in zip(texts, links):
        words = text.split()
        if not words:
            space_pending = True
            continue
        if text[0].isspace():
            space_pending = True
        for index, word in enumerate(words):
            if out and (space_pending or index > 0):
                out.append(" ")
                if in_link and last_link:
                    link_chars += 1
            out.append(word)
            if in_link:
                link_chars += len(word)
            last_link = in_link
            space_pending = False
        if text[-1].isspace():
            space_pending = True
    return "".join(out), link_chars


class _LineBuilder:
    """Collects the text pieces of the line being read and turns them into HtmlLines."""

    def __init__(self):
        self.lines = []
        self.texts = []    # the raw text pieces of the line
        self.links = []    # whether each piece is in a link
        self.frames = []   # frames that gave the line some visible text, in order

    def add(self, text: str, frame: _Frame):
        """Adds a text or tail (not empty); the walk calls this for every one, so the common
        case is kept short."""
        if frame.in_pre and "\n" in text:
            as_line = frame._replace(in_pre=False)   # each of its lines, added as a text of its own
            first, *rest = text.split("\n")
            if first:
                self.add(first, as_line)
            for part in rest:
                self.flush()
                if part:
                    self.add(part, as_line)
            return
        frames = self.frames
        if text.isspace():
            # Whitespace before a line's first text changes nothing in it (_joined drops
            # it, whatever its link), and most whitespace is the markup's indentation.
            if frames:
                self.texts.append(text)
                self.links.append(frame.in_link)
            return
        self.texts.append(text)
        self.links.append(frame.in_link)
        if not frames or frames[-1] is not frame:
            frames.append(frame)

    def flush(self):
        frames = self.frames
        if not frames:   # no piece without a frame: add keeps no whitespace before the first text
            return
        text, link_chars = _joined(self.texts, self.links)
        tags, classes = frames[0].tags, frames[0].classes
        for frame in frames[1:]:
            if frame.tags != tags:
                tags = tuple(dict.fromkeys(tags + frame.tags))
            if frame.classes != classes:
                classes = tuple(dict.fromkeys(classes + frame.classes))
        self.lines.append(HtmlLine(text, link_chars, tags, classes[-MAX_CLASS_WORDS:]))
        self.texts.clear()
        self.links.clear()
        frames.clear()


def read_html(data: bytes) -> HtmlPage:
    """The lines of an HTML page (bytes, gzip or not, any encoding) as HtmlLines, with the
    line range of each block element (HtmlPage.blocks). Hidden elements are not read,
    unless that leaves the page without a line: some pages keep all of their text hidden
    until their scripts run (a script-built page's server copy), and a reader with
    scripts on sees it."""
    root = _parse(data)
    if root is None:
        return HtmlPage()
    return _walk(root) or _walk(root, keep_hidden=True)


def _walk(root, keep_hidden=False) -> HtmlPage:
    builder = _LineBuilder()
    add, flush = builder.add, builder.flush
    lines, pending = builder.lines, builder.texts   # flush() only when a piece is pending: most blocks end none
    stack = [_ROOT_FRAME]   # one frame per open element; None for a dropped one
    block_starts = []       # (first line, signature) of each open block element
    blocks = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "start":
            if tag.__class__ is not str or tag in DROPPED_TAGS:
                walker.skip_subtree()   # comment, entity or PI left by the parser; not shown
                stack.append(None)
                continue
            frame = parent = stack[-1]
            tags, classes = parent.tags, parent.classes
            attributes = element.items()
            if attributes:
                if not keep_hidden and _is_hidden(attributes):
                    walker.skip_subtree()
                    stack.append(None)
                    continue
                for name, value in attributes:
                    if (name == "class" or name == "id") and value:
                        new = [word for word in _class_words(value) if word not in classes]
                        if new:
                            classes = classes + tuple(new)
            if tag in BLOCK_TAGS:
                if pending:
                    flush()
                # Siblings of one tag and class are the units of a repeated structure:
                # the cards of a grid, the posts of a thread, the items of a menu.
                block_starts.append((len(lines), hash((tag, element.get("class")))))
            elif tag == "br":
                if pending:
                    flush()
            if tag in INFORMATIVE_TAGS and tag not in tags:
                tags = tags + (tag,)
            in_link = parent.in_link or tag == "a"
            in_pre = parent.in_pre or tag in PRE_TAGS
            if tags is not parent.tags or classes is not parent.classes or in_link != parent.in_link or in_pre != parent.in_pre:
                frame = _Frame(tags, classes, in_link, in_pre)
            stack.append(frame)
            if element.text:
                add(element.text, frame)
        else:
            if stack.pop() is not None and tag in BLOCK_TAGS:
                if pending:
                    flush()
                first, signature = block_starts.pop()
                if len(lines) > first:
                    blocks.append((first, len(lines), signature))
            if element.tail:
                add(element.tail, stack[-1])
    flush()
    return HtmlPage(lines, blocks)
