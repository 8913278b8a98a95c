"""HTML stage: page bytes -> the lines a reader sees, with the markup around each.

A dump loses what the HTML said about a line: that it sat in a ``<nav>``, that all of it
was a link, that its container was ``class="sidebar-widget"``. Reading the HTML directly
keeps that, so each line comes with its exact link characters, the informative tags on
its path and the class/id words of its containers.

Parser: lexbor's HTML5 parser, compiled with the walk that makes the lines
(``linesift._blocks``): the page is read into the tree a browser builds, however broken its
markup, and the walk visits it without recursion (docs/decisions.md).

Decoding (done here, before the parser, as a browser sniffs it):
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

Bounds of the parser, met before it is run: an HTML5 parser spends time in the depth of
the open elements for each tag (a browser's too), and lexbor time in the square of a tag's
attributes. So a tag's attributes past MAX_ATTRIBUTES are dropped (class, id and the ones
that hide an element are kept: attributes hold no text), and a document whose tags nest
deeper than MAX_DEPTH is read with the elements below that depth flattened (a block
element below it becomes a line break, an inline one goes): nothing is lost to depth. One
C pass (``markup_shape``) tells both, following the open elements as the parser keeps them
and erring towards more. What hides an element goes with its flattened tags: hidden text
and template content nested deeper than MAX_DEPTH are read. The class words a path keeps
are bounded too (its innermost MAX_PATH_WORDS), so no shape of markup costs more than
linear time.

Lines: a block element (DIV, P, LI, H1-6, TR, TD, ...) starts and ends a line, ``<br>``
ends one, each line of a ``<pre>`` is a line; inline text is joined as a browser shows it
(whitespace runs become one space; the characters a browser does not draw,
INVISIBLE_CHARACTERS — soft hyphens, zero-width spaces — are left out). Lines without text
are not emitted. Table cells are lines of their own: old pages lay out whole columns in
cells, and joining a row would merge a menu cell with the article cell. A formula in
MathML is inline text, as a browser shows it (``<mi>x</mi><mo>+</mo><mn>1</mn>`` is
"x+1"), without its annotations (the formula again, as TeX source).

Not shown, so not read: script, style, template, noscript (the pages were copied with
scripts on), svg, iframe, media fallbacks, the head, MathML annotations. Comments are not
text. Elements
hidden by the ``hidden`` attribute, ``aria-hidden="true"`` or an inline ``display:none`` /
``visibility:hidden`` are read when they are blocks, their lines marked by HIDDEN on
their path (after the informative tags around the hidden block): hidden text is
sometimes the article (a soft paywall, a tab, an accordion) and sometimes chrome (a menu,
a modal), which is for the model to judge. Hidden inline text (an icon's ligature, a
screen reader's twin of a label) is not read: it would garble the visible line around it.
The page is parsed as with scripts on, so ``<noscript>`` holds raw text. A page left
without a visible line is parsed again as a browser without scripts would (``<noscript>``
then holds markup) and read with its noscript and hidden inline text too: some pages keep
all of their text hidden until their scripts run, and forum software serves the whole
thread inside ``<noscript>`` to readers without scripts.

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

from linesift._blocks import (  # noqa: F401  (the rules' names, for the features and tests)
    BLOCK_TAGS,
    CAP_ATTRIBUTES,
    DROPPED_TAGS,
    HIDDEN,
    INFORMATIVE_TAGS,
    INVISIBLE_CHARACTERS,
    LINE_BREAK,
    MAX_CLASS_WORDS,
    MAX_PATH_WORDS,
    PRE_TAGS,
    TAKE_OUT,
    class_words,
    markup_shape,
    walk_html,
)
from linesift.limits import MAX_PAGE_BYTES

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 1024          # is_html looks for an HTML tag this far into the bytes
CHARSET_SNIFF_BYTES = 4096  # a charset declaration is looked for this far
MAX_ATTRIBUTES = 256   # attributes of a tag given to the parser: its time grows with their square
MAX_DEPTH = 1_000      # nesting read as it is: deeper elements are flattened

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
_ASCII = bytes(range(128))

# A start tag as the HTML tokenizer reads it: its name, then attributes (a name, and a
# value after "=": quoted, or unquoted up to a space or ">"). Each piece can be read one way
# only (a name or an unquoted value is taken whole, a value is taken when there is one),
# so a match never backtracks: linear however the markup is broken.
_S = rb"\t\n\f\r "
_ATTRIBUTE = re.compile(
    rb"[%s/]*([^%s/>][^%s/>=]*)(?![^%s/>=])" % (_S, _S, _S, _S)
    + rb"(?:[%s]*=[%s]*(?:\"[^\"]*\"|'[^']*'|[^%s\"'>][^%s>]*(?![^%s>])|(?=>|\Z))|(?![%s]*=))" % (_S, _S, _S, _S, _S, _S))
_START_TAG_ATTRIBUTES = re.compile(rb"<[A-Za-z][^%s/>]*((?:%s)*)" % (_S, _ATTRIBUTE.pattern.replace(b"(", b"(?:", 1)))
_KEPT_ATTRIBUTES = frozenset({b"class", b"id", b"style", b"hidden", b"aria-hidden"})   # read by the walk


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


def _capped(attributes: bytes) -> bytes:
    """The first MAX_ATTRIBUTES of a tag's attributes, and the ones the walk reads."""
    kept, names = [], set()
    for match in _ATTRIBUTE.finditer(attributes):
        name = match.group(1).lower()
        if len(kept) < MAX_ATTRIBUTES or (name in _KEPT_ATTRIBUTES and name not in names):
            kept.append(match.group().lstrip(b"\t\n\f\r /"))
            names.add(name)
    return b" " + b" ".join(kept) if kept else b""


def _edited(data: bytes, edits) -> bytes:
    """``data`` with ``markup_shape``'s edits made: the tags of elements nested too deep
    taken out (a block element's made ``<br>``, so its lines stay lines) and the tags of
    too many attributes capped (``_capped``). No text changed."""
    out, at = [], 0
    for start, end, what in edits:
        out.append(data[at:start])
        if what == CAP_ATTRIBUTES:
            tag = _START_TAG_ATTRIBUTES.match(data, start, end)
            out += (data[start:tag.start(1)], _capped(tag.group(1)), data[tag.end(1):end])
        elif what == LINE_BREAK:
            out.append(b"<br>")
        at = end
    out.append(data[at:])
    return b"".join(out)


def _prepared(data: bytes):
    """The page as UTF-8 for the parser, within its bounds (see the docstring), or None
    when it holds nothing but whitespace."""
    data = gunzip(data)
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        data.decode("utf-8")   # valid UTF-8 goes to the parser as it is
    except UnicodeDecodeError:
        data = decode_html(data).removeprefix("\ufeff").encode("utf-8")   # a second BOM is not text either
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    if not data.strip():
        return None
    edits = markup_shape(data, MAX_DEPTH, MAX_ATTRIBUTES)[2]
    return _edited(data, edits) if edits else data


def read_html(data: bytes) -> HtmlPage:
    """The lines of an HTML page (bytes, gzip or not, any encoding) as HtmlLines, with the
    line range of each block element (HtmlPage.blocks); hidden blocks are read marked
    HIDDEN, noscript only when the page has no visible line (see the docstring)."""
    data = _prepared(data)
    if data is None:
        return HtmlPage()
    lines, blocks = walk_html(data)
    return HtmlPage(map(HtmlLine._make, lines), blocks)
