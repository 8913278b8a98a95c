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
  size limit: a decompression bomb costs no more; ``InflatedTooLarge`` says so); a stream
  cut short, failing its checksum or followed by bytes that are not gzip is
  ``DamagedGzip``: keeping what inflated would classify part of a page as the whole;
- a byte-order mark wins; then bytes that are valid UTF-8 are UTF-8, whatever the page
  declares (legacy text is almost never valid UTF-8, and a page declaring latin-1 while
  serving UTF-8 is common); then the ``<meta>``/XML declared charset, when it is one of
  the labels a browser accepts (``WEB_CHARSETS``, the WHATWG Encoding Standard's, read as
  the standard says: latin-1 and ascii as windows-1252, and so on; any other name, such
  as utf-7, punycode or an EBCDIC code page, would rewrite or drop the text and is
  ignored); then, undeclared, UTF-8 with replacement when most non-ASCII bytes form
  UTF-8, else windows-1252, the web's legacy default.

Bounds of the parser, met before it is run (libxml2 is quadratic in the attributes of a
tag, and drops all of the document below 2,048 nested elements): a tag's attributes past
MAX_ATTRIBUTES are dropped (class, id and the ones that hide an element are kept:
attributes hold no text), and a document the parser stopped in for its depth is parsed
again with the elements below MAX_DEPTH flattened (a block element below it becomes a
line break, an inline one goes); ``NestingTooDeep`` when that does not do.

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
MAX_ATTRIBUTES = 256   # attributes of a tag given to the parser: libxml2's time grows with their square
MAX_DEPTH = 1_000      # nesting kept when libxml2 stopped for depth (at 2,048 elements, html and body among them)

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

# The charset labels a browser accepts (the WHATWG Encoding Standard's), by the Python
# codec that reads them as the standard does: latin-1 and ascii as windows-1252, GBK as
# gb18030, Big5 with its HKSCS extension, a UTF-16 declaration in a page that is read
# as bytes as UTF-8. The standard's x-user-defined and "replacement" labels are left out.
_WEB_LABELS = {
    "utf_8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8 csunicode "
             "iso-10646-ucs-2 ucs-2 unicode unicodefeff unicodefffe utf-16 utf-16be utf-16le",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859_2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
    "iso8859_3": "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
    "iso8859_4": "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
    "iso8859_5": "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
                 "iso_8859-5:1988",
    "iso8859_6": "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
                 "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
    "iso8859_7": "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
                 "iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    "iso8859_8": "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
                 "iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical",
    "iso8859_10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859_13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859_14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859_15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859_16": "iso-8859-16",
    "koi8_r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8_u": "koi8-ru koi8-u",
    "mac_roman": "csmacintosh mac macintosh x-mac-roman",
    "mac_cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 "
              "iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 "
              "latin5 windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "gb18030": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 "
             "windows-949",
}
WEB_CHARSETS = {label: codec for codec, labels in _WEB_LABELS.items() for label in labels.split()}
FALLBACK_CHARSET = "cp1252"
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

# A comment ends at its first "-->" (``.*?`` could end at any later one: exponential in
# the comments the head holds, when no tag follows them).
_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:[^-]|-(?!->))*-->\s*)*"
                         rb"<(?:!doctype\s+html|(?:html|head|body|meta|title|base|link)[\s>/])", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"(?:display|visibility)\s*:\s*(?:none|hidden)", re.IGNORECASE)
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_ASCII = bytes(range(128))

# Tags as the HTML tokenizer reads them: a start tag's name, then attributes (a name, and
# a value after "=": quoted, or unquoted up to a space or ">"). Each piece can be read one
# way only (a name or an unquoted value is taken whole, a value is taken when there is
# one), so a match never backtracks, and a search resumes after the tags it matched:
# linear however the markup is broken.
_S = rb"\t\n\f\r "
_ATTRIBUTE = re.compile(
    rb"[%s/]*([^%s/>][^%s/>=]*)(?![^%s/>=])" % (_S, _S, _S, _S)
    + rb"(?:[%s]*=[%s]*(?:\"[^\"]*\"|'[^']*'|[^%s\"'>][^%s>]*(?![^%s>])|(?=>|\Z))|(?![%s]*=))" % (_S, _S, _S, _S, _S, _S))
_START_TAG_ATTRIBUTES = re.compile(rb"<[A-Za-z][^%s/>]*((?:%s)*)" % (_S, _ATTRIBUTE.pattern.replace(b"(", b"(?:", 1)))
_TAG = re.compile(rb"<!--|<(/?)([A-Za-z][^%s/>]*)" % _S)
_LONG_ATTRIBUTES = 2 * MAX_ATTRIBUTES   # bytes: fewer cannot hold more attributes than MAX_ATTRIBUTES
_KEPT_ATTRIBUTES = frozenset({b"class", b"id", b"style", b"hidden", b"aria-hidden"})   # read by the walk
_VOID_TAGS = frozenset(b"area base basefont bgsound br col embed frame hr img input keygen link meta param source "
                       b"track wbr".split())
_TEXT_TAGS = frozenset(b"script style textarea title xmp iframe noembed noframes noscript".split())   # no tags inside
_SIBLING_TAGS = frozenset(b"p li dt dd option tr td th".split())   # one starts where an open one of its tag ends
_BLOCK_TAG_NAMES = frozenset(tag.encode() for tag in BLOCK_TAGS)
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


class DamagedGzip(ValueError):
    """gzip data that cannot be read whole: cut short, failing its checks, or followed by
    bytes that are not gzip. ``str()`` starts with "damaged gzip:"."""

    def __init__(self, detail):
        super().__init__(f"damaged gzip: {detail}")


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """The content of the gzip member(s) of ``data``, inflated to at most ``max_bytes`` + 1
    bytes, never more; DamagedGzip when they cannot be read whole (zero bytes after the
    last member are padding, as gzip(1) takes them)."""
    out, size = [], 0
    while size <= max_bytes:
        inflater = zlib.decompressobj(wbits=31)
        try:
            out.append(inflater.decompress(data, max_bytes + 1 - size))
        except zlib.error as error:   # "Error -3 while decompressing data: incorrect data check"
            raise DamagedGzip(str(error).rpartition(": ")[2]) from None
        size += len(out[-1])
        if not inflater.eof:
            if size > max_bytes:   # stopped at the bound, not at the end of the data
                break
            raise DamagedGzip(f"cut short after {size:,} bytes of content")
        data = inflater.unused_data
        if not data.strip(b"\0"):
            break
        if data[:2] != GZIP_MAGIC:
            raise DamagedGzip(f"{len(data):,} bytes after the end of the compressed data are not gzip")
    return b"".join(out)


def gunzip(data: bytes, max_bytes: int = MAX_PAGE_BYTES) -> bytes:
    """``data`` decompressed when it is gzip (as it is otherwise); InflatedTooLarge when its
    content is over ``max_bytes``, DamagedGzip when it cannot be read whole."""
    if data[:2] != GZIP_MAGIC:
        return data
    data = _gunzip(data, max_bytes)
    if len(data) > max_bytes:
        raise InflatedTooLarge(max_bytes)
    return data


def is_html(data: bytes) -> bool:
    """Whether the bytes (gzip or not) of a file without a name that tells are an HTML
    document rather than a text dump.

    The rule: after a byte-order mark, whitespace, an ``<?xml ...?>`` declaration and
    comments, the document starts with a doctype or with a tag of the document's frame,
    ``<html``, ``<head``, ``<body``, ``<meta``, ``<title``, ``<base`` or ``<link``: markup
    a dump never holds, as it is text copied from a page's body. A start such as ``<div>``
    or ``<p>`` does not make HTML: markdown dumps hold such inline HTML, and reading a dump
    as HTML would merge its lines. Only the start counts, so a dump that mentions
    ``<html>`` in its text is still a dump. gzip that cannot be read counts as HTML, so
    that reading it says what is wrong with it."""
    if data[:2] == GZIP_MAGIC:
        try:
            data = _gunzip(data, SNIFF_BYTES)
        except DamagedGzip:
            return True
    head = data[:SNIFF_BYTES]
    for bom, charset in BOMS:
        if head.startswith(bom):
            head = head[len(bom):].decode(charset, "replace").encode("ascii", "replace")
            break
    return bool(_HTML_START.match(head))


def _declared_charset(data: bytes):
    """The Python codec of the charset the page declares, when a browser accepts its label."""
    match = _CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    if not match:
        return None
    return WEB_CHARSETS.get((match.group(1) or match.group(2)).decode("ascii", "replace").lower())


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
        return data.decode(declared, "replace")
    text = data.decode("utf-8", "replace")
    if declared == "utf_8":
        return text
    non_ascii = len(data.translate(None, _ASCII))
    if text.count("\ufffd") * 4 < non_ascii:  # mostly UTF-8 with a few stray bytes
        return text
    return data.decode(FALLBACK_CHARSET, "replace")


class ParserStopped(ValueError):
    """HTML the parser stops in before its end, though tidied for it (see the module's
    docstring): what follows would be lost."""


def _many_attributes(data: bytes) -> bool:
    """Whether a start tag of ``data`` may hold more than MAX_ATTRIBUTES attributes: one
    regex pass (markup in comments and scripts counted too, which only costs ``_tidied``)."""
    long = [span for span in _START_TAG_ATTRIBUTES.findall(data) if len(span) > _LONG_ATTRIBUTES]
    return any(len(_ATTRIBUTE.findall(span)) > MAX_ATTRIBUTES for span in long)


def _capped(attributes: bytes) -> bytes:
    """The first MAX_ATTRIBUTES of a tag's attributes, and the ones the walk reads."""
    kept, names = [], set()
    for match in _ATTRIBUTE.finditer(attributes):
        name = match.group(1).lower()
        if len(kept) < MAX_ATTRIBUTES or (name in _KEPT_ATTRIBUTES and name not in names):
            kept.append(match.group().lstrip(b"\t\n\f\r /"))
            names.add(name)
    return b" " + b" ".join(kept) if kept else b""


def _tidied(data: bytes, max_depth=None) -> bytes:
    """``data`` with every tag's attributes capped (``_capped``) and, given ``max_depth``,
    the elements nested deeper than it flattened: a block element's tags become ``<br>``
    (its lines stay lines), an inline element's go. Nesting is followed as the parser
    does for what matters here (an end tag closes the elements opened since its own;
    void, self-closed and text-only elements hold none; a p, li, td ... closes an open one
    of its tag). One pass, no text changed."""
    out, at, search = [], 0, 0
    lower = data.lower()
    stack, open_names = [], {}   # open elements as (name, kept), and how many of each name are open
    while True:
        match = _TAG.search(data, search)
        if match is None:
            break
        if match.group() == b"<!--":
            end = data.find(b"-->", match.end())
            search = len(data) if end < 0 else end + 3
            continue
        closing, name = match.group(1), match.group(2).lower()
        attributes = _START_TAG_ATTRIBUTES.match(data, match.start()) if not closing else None
        end = attributes.end() if attributes else match.end()
        search = end
        replacement = None
        if attributes and len(attributes.group(1)) > _LONG_ATTRIBUTES:
            replacement = data[match.start():attributes.start(1)] + _capped(attributes.group(1))
        if max_depth is not None:
            kept = True
            if closing:
                if open_names.get(name):
                    while True:
                        top, kept = stack.pop()
                        open_names[top] -= 1
                        if top == name:
                            break
            elif name not in _VOID_TAGS and name not in _TEXT_TAGS and not _self_closed(data, end):
                if name in _SIBLING_TAGS and stack and stack[-1][0] == name:
                    stack.pop()
                    open_names[name] -= 1
                kept = len(stack) < max_depth
                stack.append((name, kept))
                open_names[name] = open_names.get(name, 0) + 1
            if not kept:
                replacement = b"<br>" if name in _BLOCK_TAG_NAMES else b""
                end = data.find(b">", end) + 1 or len(data)
        if name in _TEXT_TAGS and not closing:
            close = lower.find(b"</" + name, end)
            search = len(data) if close < 0 else close
        if replacement is not None:
            out += (data[at:match.start()], replacement)
            at = end
    if at == 0:
        return data
    out.append(data[at:])
    return b"".join(out)


def _self_closed(data, at):
    """Whether the start tag whose attributes end at ``at`` ends with "/>"."""
    end = data.find(b">", at)
    return end > 0 and data[end - 1:end] == b"/"


def _stopped():
    """The message of the error the parser stopped at in its last document, or None."""
    errors = _PARSER.error_log
    if errors and errors[-1].type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
        return errors[-1].message
    return None


def _fromstring(data: bytes):
    try:
        return etree.fromstring(data, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


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
    if _many_attributes(data):
        data = _tidied(data)
    root = _fromstring(data)
    if _stopped():
        root = _fromstring(_tidied(data, MAX_DEPTH))
        if _stopped():
            raise ParserStopped("nesting deeper than 2,048 elements, where the HTML parser stops "
                                f"(and deeper still with what is below {MAX_DEPTH:,} flattened)")
    return root


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
