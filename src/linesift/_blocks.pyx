# cython: language_level=3
"""The compiled core of the HTML stage: lexbor's HTML5 parser and the walk that makes a
page's block lines (``linesift.html`` describes the rules and is the Python face of this).

The walk visits the DOM in document order without recursion (nesting depth costs no
stack), reading tag names, attributes and text straight from lexbor's nodes; only the text
of a line and the words of its containers become Python objects.
"""

from libc.stdint cimport uintptr_t
from libc.string cimport memchr, memcmp, memcpy, memset, strstr

cdef extern from "string.h" nogil:
    void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen)
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.unicode cimport PyUnicode_DecodeUTF8

import re

cdef extern from "lexbor/html/html.h" nogil:
    ctypedef unsigned char lxb_char_t
    ctypedef unsigned int lxb_status_t

    ctypedef enum lxb_dom_node_type_t:
        LXB_DOM_NODE_TYPE_ELEMENT
        LXB_DOM_NODE_TYPE_TEXT

    ctypedef struct lxb_dom_node_t:
        uintptr_t local_name
        lxb_dom_node_t *next
        lxb_dom_node_t *parent
        lxb_dom_node_t *first_child
        lxb_dom_node_type_t type

    ctypedef struct lexbor_str_t:
        lxb_char_t *data
        size_t length

    ctypedef struct lxb_dom_element_t
    ctypedef struct lxb_dom_attr_t
    ctypedef struct lxb_html_document_t

    lxb_html_document_t *lxb_html_document_create()
    void lxb_dom_document_scripting_set_noi(void *document, bint scripting)
    lxb_html_document_t *lxb_html_document_destroy(lxb_html_document_t *document)
    lxb_status_t lxb_html_document_parse(lxb_html_document_t *document, const lxb_char_t *html, size_t size)
    lxb_dom_node_t *lxb_dom_interface_node(void *obj)
    const lxb_char_t *lxb_dom_element_local_name(lxb_dom_element_t *element, size_t *len)
    lxb_dom_attr_t *lxb_dom_element_first_attribute(lxb_dom_element_t *element)
    lxb_dom_attr_t *lxb_dom_element_next_attribute(lxb_dom_attr_t *attr)
    const lxb_char_t *lxb_dom_attr_local_name(lxb_dom_attr_t *attr, size_t *len)
    const lxb_char_t *lxb_dom_attr_value(lxb_dom_attr_t *attr, size_t *len)

cdef extern from "lexbor/dom/interfaces/character_data.h" nogil:
    ctypedef struct lxb_dom_character_data_t:
        lxb_dom_node_t node
        lexbor_str_t data

cdef enum:
    LXB_STATUS_OK = 0


cdef enum:
    _MAX_CLASS_WORDS = 20
MAX_CLASS_WORDS = _MAX_CLASS_WORDS
MAX_PATH_WORDS = 1_000   # class words a path keeps, its innermost: the cost of a frame stays bounded

# A formula (MathML) is read as the text a browser shows, inline; its annotations (the
# TeX source of the same formula) are not shown.
DROPPED_TAGS = frozenset({
    "script", "style", "template", "noscript", "svg", "iframe", "head", "title", "object",
    "embed", "video", "audio", "canvas", "annotation", "annotation-xml", "frameset", "noframes",
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

_HIDDEN_STYLE = re.compile(r"(?:display|visibility)\s*:\s*(?:none|hidden)", re.IGNORECASE)

# What a tag is to the walk, looked up once per tag name: the kind's bits, and for an
# informative tag its bit in a frame's tag_bits (KIND_TAG_SHIFT up).
cdef enum:
    KIND_TAG_SHIFT = 8
    STANDARD_TAGS = 256   # lexbor's own tag ids are below this: their kinds are kept in an array
cdef enum:
    KIND_DROPPED = 1
    KIND_BLOCK = 2
    KIND_BREAK = 4
    KIND_INFORMATIVE = 8
    KIND_LINK = 16
    KIND_PRE = 32
    KIND_NOSCRIPT = 64   # dropped, but read when nothing else on the page is
    KIND_MATH = 128      # a formula: read even where the inline element around it is hidden


cdef dict _class_word_cache = {}


cdef inline bint _is_upper(unsigned char c) noexcept nogil:
    return b'A' <= c <= b'Z'


cdef inline bint _is_lower(unsigned char c) noexcept nogil:
    return b'a' <= c <= b'z'


cdef tuple _class_words_of(bytes value):
    """class_words of a UTF-8 value, cached by its bytes. The words are runs of ASCII
    letters (a byte of a non-ASCII character, like any other non-letter, ends a word),
    cut where a capital starts a lower-case run: "navBar" -> nav, bar; "HTMLParser" ->
    html, parser; "ABC" -> abc."""
    cdef tuple words = _class_word_cache.get(value)
    if words is not None:
        return words
    if len(_class_word_cache) > 100_000:
        _class_word_cache.clear()
    cdef const unsigned char *text = value
    cdef Py_ssize_t size = len(value), at = 0, end, k
    cdef unsigned char lowered[64]
    found = {}
    while at < size:
        if _is_lower(text[at]) or (_is_upper(text[at]) and at + 1 < size and _is_lower(text[at + 1])):
            end = at + 1                      # a capital and its lower-case run, or a lower-case run
            while end < size and _is_lower(text[end]):
                end += 1
        elif _is_upper(text[at]):
            end = at + 1                      # a run of capitals, less the one that starts a word after it
            while end < size and _is_upper(text[end]):
                end += 1
            if end < size and _is_lower(text[end]):
                end -= 1
        else:
            at += 1
            continue
        if end - at > 1:
            if end - at <= 64:
                for k in range(end - at):
                    lowered[k] = text[at + k] | 0x20
                word = (<char *> lowered)[:end - at].decode("ascii")
            else:
                word = value[at:end].decode("ascii").lower()
            found[word] = None
        at = end
    words = tuple(found)
    _class_word_cache[value] = words
    return words


cpdef tuple class_words(str value):
    """The words of a class or id value: split at non-letters and at camelCase humps,
    lower case, words of one letter dropped, each once (the rule: ``_class_words_of``)."""
    return _class_words_of(value.encode("utf-8", "replace"))


cdef class _Frame:
    """What a line's text takes from the elements around it."""
    cdef readonly tuple tags       # informative tags from the root to here
    cdef readonly tuple classes    # class/id words from the root to here
    cdef readonly tuple line_classes   # its innermost MAX_CLASS_WORDS: a line's classes
    cdef unsigned long long tag_bits   # which of the informative tags ``tags`` holds

    def __cinit__(self, tuple tags, tuple classes, unsigned long long tag_bits):
        self.tags = tags
        self.classes = classes
        self.line_classes = classes[-_MAX_CLASS_WORDS:]
        self.tag_bits = tag_bits


cdef enum:
    _CLASS_SETS_KEPT = 256   # word sets of deep paths kept at a time: up to ~32 KB each


cdef inline bint _deep(tuple classes):
    """Past this many words, "in" is asked of a set of them rather than of the tuple."""
    return len(classes) > 16


cdef object _searchable(tuple classes):
    return frozenset(classes) if _deep(classes) else classes


cdef class _ClassSets:
    """The class words of frames, ``_searchable``: a frame's children and multi-element
    lines ask of the same few frames, so the sets of deep paths are kept, a bounded number
    of them (a page of many deep frames would otherwise hold a set beside every frame's
    words)."""
    cdef dict kept

    def __cinit__(self):
        self.kept = {}

    cdef object of(self, _Frame frame):
        if not _deep(frame.classes):
            return frame.classes
        found = self.kept.get(frame)
        if found is None:
            if len(self.kept) >= _CLASS_SETS_KEPT:
                self.kept.clear()
            found = self.kept[frame] = frozenset(frame.classes)
        return found


cdef bint _extends(tuple longer, tuple prefix):
    """``longer`` starts with the very word objects of ``prefix``."""
    cdef Py_ssize_t k, size = len(prefix)
    if len(longer) < size:
        return False
    for k in range(size):
        if longer[k] is not prefix[k]:
            return False
    return True


cdef tuple _last_words(tuple classes, tuple added):
    """The innermost MAX_CLASS_WORDS of ``classes`` followed by ``added``."""
    cdef Py_ssize_t wanted = _MAX_CLASS_WORDS - len(added)
    if wanted <= 0:
        return added[len(added) - _MAX_CLASS_WORDS:]
    return classes[max(len(classes) - wanted, 0):] + added


cdef class _FrameChild:
    """A frame made from a parent by a tag, class and id: kept to be found again."""
    cdef _Frame parent
    cdef uintptr_t tag
    cdef bytes class_value, id_value   # None where the element has none
    cdef bint class_first
    cdef _Frame frame


cdef inline bint _same_value(bytes kept, const lxb_char_t *value, size_t length):
    if kept is None:
        return value == NULL or length == 0
    return value != NULL and <size_t> len(kept) == length and memcmp(<const char *> kept, value, length) == 0


cdef inline Py_ssize_t _space_width(const unsigned char *text, Py_ssize_t at, Py_ssize_t end) noexcept nogil:
    """The bytes of the white space character (as str.split() sees it) that starts at
    ``at``, or 0 when it is not one."""
    cdef unsigned char c = text[at], d, e
    if c < 0x80:
        return 1 if (c == 32 or 9 <= c <= 13 or 28 <= c <= 31) else 0
    if c == 0xC2:
        return 2 if at + 1 < end and (text[at + 1] == 0x85 or text[at + 1] == 0xA0) else 0
    if (c == 0xE1 or c == 0xE2 or c == 0xE3) and at + 2 < end:
        d, e = text[at + 1], text[at + 2]
        if c == 0xE1:
            return 3 if d == 0x9A and e == 0x80 else 0
        if c == 0xE3:
            return 3 if d == 0x80 and e == 0x80 else 0
        if d == 0x80:
            return 3 if (e <= 0x8A or e == 0xA8 or e == 0xA9 or e == 0xAF) else 0
        if d == 0x81:
            return 3 if e == 0x9F else 0
    return 0


# Characters a browser does not draw: break hints (soft hyphen, zero-width space, word
# joiner) and a stray byte order mark. Left in, they split words ("Tisch\u00adtuch") and keep
# the text from matching what a reader sees. Not ZWNJ/ZWJ: they shape scripts.
INVISIBLE_CHARACTERS = "\u00ad\u200b\u2060\ufeff"


cdef inline Py_ssize_t _invisible_width(const unsigned char *text, Py_ssize_t at, Py_ssize_t end) noexcept nogil:
    """The bytes of the INVISIBLE_CHARACTERS character that starts at ``at``, or 0."""
    cdef unsigned char c = text[at]
    if c == 0xC2:
        return 2 if at + 1 < end and text[at + 1] == 0xAD else 0
    if (c == 0xE2 or c == 0xEF) and at + 2 < end:
        if c == 0xE2 and text[at + 1] == 0x80 and text[at + 2] == 0x8B:
            return 3
        if c == 0xE2 and text[at + 1] == 0x81 and text[at + 2] == 0xA0:
            return 3
        if c == 0xEF and text[at + 1] == 0xBB and text[at + 2] == 0xBF:
            return 3
    return 0


cdef inline Py_ssize_t _char_width(unsigned char c) noexcept nogil:
    if c < 0xC0:
        return 1
    if c < 0xE0:
        return 2
    if c < 0xF0:
        return 3
    return 4


cdef class _LineWriter:
    """Writes the text pieces of a page into lines as a browser shows them: white space runs
    are one space, none at the ends, INVISIBLE_CHARACTERS left out; the characters inside
    links are counted (a space counts when the words on both sides of it are link text)."""
    cdef unsigned char *text     # UTF-8 of the line so far
    cdef Py_ssize_t size, capacity
    cdef Py_ssize_t link_chars
    cdef bint space_pending, last_link, has_text
    cdef list frames            # frames that gave the line some visible text, in order
    cdef _Frame last_frame
    cdef list lines
    cdef _ClassSets class_sets   # the walk's too

    def __cinit__(self):
        self.capacity = 4096
        self.text = <unsigned char *> PyMem_Malloc(self.capacity)
        if self.text == NULL:
            raise MemoryError()
        self.frames = []
        self.lines = []
        self.class_sets = _ClassSets()

    def __dealloc__(self):
        PyMem_Free(self.text)

    cdef int add(self, const unsigned char *piece, Py_ssize_t length, bint in_link, bint in_pre,
                 _Frame frame) except -1:
        """Adds a piece of text; in a pre, each of its line breaks ends the line."""
        cdef Py_ssize_t at = 0, width, needed
        cdef unsigned char *grown
        if self.size + length + 1 > self.capacity:
            needed = max(self.capacity * 2, self.size + length + 1)
            grown = <unsigned char *> PyMem_Realloc(self.text, needed)
            if grown == NULL:
                raise MemoryError()
            self.text, self.capacity = grown, needed
        while at < length:
            width = _space_width(piece, at, length)
            if width:
                if in_pre and piece[at] == 10:
                    self.flush()
                elif self.has_text:
                    self.space_pending = True
                at += width
                continue
            width = _invisible_width(piece, at, length)
            if width:
                at += width
                continue
            width = _char_width(piece[at])
            if at + width > length:
                width = length - at
            if self.has_text:
                if self.space_pending:
                    self.text[self.size] = 32
                    self.size += 1
                    if in_link and self.last_link:
                        self.link_chars += 1
            if frame is not self.last_frame:
                self.frames.append(frame)
                self.last_frame = frame
            memcpy(self.text + self.size, piece + at, width)
            self.size += width
            if in_link:
                self.link_chars += 1
            self.space_pending = False
            self.has_text = True
            self.last_link = in_link
            at += width
        return 0

    cdef int flush(self) except -1:
        cdef _Frame first, frame
        cdef Py_ssize_t index
        if not self.has_text:
            self.space_pending = False
            return 0
        text = PyUnicode_DecodeUTF8(<const char *> self.text, self.size, "replace")
        first = self.frames[0]
        if len(self.frames) == 1:
            self.lines.append((text, self.link_chars, first.tags, first.line_classes))
        else:   # the line's pieces sit in several elements: their words in order, once each
            tags, classes = first.tags, first.classes
            tag_order, added = dict.fromkeys(tags), {}
            known = None
            for index in range(1, len(self.frames)):
                frame = self.frames[index]
                if frame.tags is not tags:
                    tag_order.update(dict.fromkeys(frame.tags))
                if frame.classes is classes:
                    continue
                if _extends(frame.classes, classes):
                    # Inside the first piece's element: its words after those are not among them.
                    for word in frame.classes[len(classes):]:
                        added[word] = None
                else:
                    if known is None:
                        known = self.class_sets.of(first)
                    for word in frame.classes:
                        if word not in known:
                            added[word] = None
            self.lines.append((text, self.link_chars, tuple(tag_order), _last_words(classes, tuple(added))))
        self.size = 0
        self.link_chars = 0
        self.space_pending = self.last_link = self.has_text = False
        self.frames = []
        self.last_frame = None
        return 0


cdef inline bint _named(const lxb_char_t *name, size_t length, const char *expected, size_t expected_length) noexcept nogil:
    return length == expected_length and memcmp(name, expected, length) == 0


cdef bint _says_true(const lxb_char_t *value, size_t length) noexcept nogil:
    """Whether an attribute value is "true", in any case, white space around it."""
    while length and (value[0] == 32 or 9 <= value[0] <= 13):
        value += 1
        length -= 1
    while length and (value[length - 1] == 32 or 9 <= value[length - 1] <= 13):
        length -= 1
    return length == 4 and (value[0] | 32) == 116 and (value[1] | 32) == 114 and \
        (value[2] | 32) == 117 and (value[3] | 32) == 101


cdef bint _hides(const lxb_char_t *value, size_t length) except -1:
    """Whether an inline style hides its element (display:none or visibility:hidden)."""
    style = PyUnicode_DecodeUTF8(<const char *> value, length, "replace")
    return ("none" in style or "hidden" in style) and _HIDDEN_STYLE.search(style) is not None


_INFORMATIVE_ORDER = sorted(INFORMATIVE_TAGS)
HIDDEN = "hidden"   # on the path of a hidden block's lines, after the informative tags around it
cdef unsigned long long HIDDEN_BIT = (<unsigned long long> 1) << 63
cdef int _standard_kinds[STANDARD_TAGS]   # 0: not looked up yet
cdef list _standard_names = [None] * STANDARD_TAGS


cdef int _kind_of(str tag):
    cdef int kind = 0
    if tag == "noscript":
        # Some sites (forum software among them) serve the whole page inside <noscript>
        # for readers without JavaScript; elsewhere it holds "please enable JavaScript".
        return KIND_DROPPED | KIND_NOSCRIPT | KIND_BLOCK | 1 << 30
    if tag in DROPPED_TAGS:
        return KIND_DROPPED
    if tag in BLOCK_TAGS:
        kind |= KIND_BLOCK
    elif tag == "br":
        kind |= KIND_BREAK
    if tag in INFORMATIVE_TAGS:
        kind |= KIND_INFORMATIVE | ((_INFORMATIVE_ORDER.index(tag) + 1) << KIND_TAG_SHIFT)
    if tag == "a":
        kind |= KIND_LINK
    if tag == "math":
        kind |= KIND_MATH
    if tag in PRE_TAGS:
        kind |= KIND_PRE
    return kind | 1 << 30   # looked up (a tag of no kind is not 0)


cdef inline unsigned long long _tag_bit(int kind) noexcept nogil:
    cdef int index = (kind >> KIND_TAG_SHIFT) & 0xFF
    return (<unsigned long long> 1) << (index - 1) if index else 0


cdef class _Document:
    cdef lxb_html_document_t *document

    def __cinit__(self, bytes data, bint scripting):
        cdef const lxb_char_t *html = <const lxb_char_t *> data
        cdef size_t size = len(data)
        cdef lxb_status_t status
        self.document = lxb_html_document_create()
        if self.document == NULL:
            raise MemoryError("the HTML parser could not start")
        # With scripting on, as the browsers the pages were saved with, <noscript> holds
        # raw text; off, it holds elements (and a <form> opened in it can keep it open).
        lxb_dom_document_scripting_set_noi(self.document, scripting)
        with nogil:
            status = lxb_html_document_parse(self.document, html, size)
        if status != LXB_STATUS_OK:
            raise MemoryError("the HTML parser ran out of memory")

    def __dealloc__(self):
        if self.document != NULL:
            lxb_html_document_destroy(self.document)


cdef struct _Open:        # an element the walk is inside
    int kind
    bint in_link
    bint in_pre
    bint silent            # inside hidden inline text: its text is not read
    Py_ssize_t first_line  # lines before it: a block's range starts there
    Py_hash_t signature    # a block's tag and class


cdef inline Py_hash_t _signature(uintptr_t tag, const lxb_char_t *value, size_t length, bint has_class) noexcept nogil:
    """A number that is the same for elements of one tag and class (FNV-1a)."""
    cdef Py_hash_t h = <Py_hash_t> (1469598103934665603ULL ^ tag)
    cdef size_t i
    if not has_class:
        return h * 31 + 7
    for i in range(length):
        h = (h ^ value[i]) * <Py_hash_t> 1099511628211ULL
    return h


cdef class _Walk:
    """One walk over a parsed page: its lines, and the line range of each block."""
    cdef _LineWriter writer
    cdef list blocks
    cdef list frames        # the frame of each open element, the root's first
    cdef _Open *open
    cdef Py_ssize_t depth, capacity
    cdef dict frame_cache   # a hash of (parent frame, tag, class, id) -> _FrameChild
    cdef dict tag_names     # tag id -> (name, kind) of the tags not lexbor's own, for this document
    cdef dict hidden_frames  # frame -> the same frame inside a hidden block

    def __cinit__(self):
        self.writer = _LineWriter()
        self.blocks = []
        self.frames = [_Frame((), (), 0)]
        self.capacity = 256
        self.open = <_Open *> PyMem_Malloc(self.capacity * sizeof(_Open))
        if self.open == NULL:
            raise MemoryError()
        self.open[0].kind = 0
        self.open[0].in_link = self.open[0].in_pre = self.open[0].silent = False
        self.depth = 0
        self.frame_cache = {}
        self.tag_names = {}
        self.hidden_frames = {}

    def __dealloc__(self):
        PyMem_Free(self.open)

    cdef int enter(self, lxb_dom_node_t *node, bint keep_hidden) except -1:
        """Opens an element; returns 0 when it is not read (dropped or hidden), 1 when it is."""
        cdef lxb_dom_element_t *element = <lxb_dom_element_t *> node
        cdef lxb_dom_attr_t *attr
        cdef const lxb_char_t *name
        cdef const lxb_char_t *value
        cdef const lxb_char_t *class_value = NULL
        cdef const lxb_char_t *id_value = NULL
        cdef size_t length, value_length, class_length = 0, id_length = 0
        cdef bint has_class = False, class_first = True, hides = False, silent
        cdef int kind
        cdef _Open *parent
        cdef _Open *this
        cdef _Frame frame, parent_frame
        if node.local_name < STANDARD_TAGS and _standard_kinds[node.local_name]:
            kind = _standard_kinds[node.local_name]
            tag = _standard_names[node.local_name]
        else:
            known = self.tag_names.get(node.local_name)
            if known is None:
                name = lxb_dom_element_local_name(element, &length)
                tag = PyUnicode_DecodeUTF8(<const char *> name, length, "replace").lower()
                known = (tag, _kind_of(tag))
                if node.local_name < STANDARD_TAGS:
                    _standard_kinds[node.local_name] = known[1]
                    _standard_names[node.local_name] = tag
                else:
                    self.tag_names[node.local_name] = known
            tag, kind = known
        if kind & KIND_DROPPED and not (keep_hidden and kind & KIND_NOSCRIPT):
            return 0
        attr = lxb_dom_element_first_attribute(element)
        while attr != NULL:
            name = lxb_dom_attr_local_name(attr, &length)
            if length == 5 and memcmp(name, b"class", 5) == 0:
                if not has_class:
                    class_value = lxb_dom_attr_value(attr, &class_length)
                    has_class = True
                    class_first = id_value == NULL
            elif length == 2 and memcmp(name, b"id", 2) == 0:
                if id_value == NULL:
                    id_value = lxb_dom_attr_value(attr, &id_length)
            elif not hides:
                if _named(name, length, b"hidden", 6):
                    hides = True
                elif _named(name, length, b"aria-hidden", 11):
                    value = lxb_dom_attr_value(attr, &value_length)
                    hides = value != NULL and _says_true(value, value_length)
                elif _named(name, length, b"style", 5):
                    value = lxb_dom_attr_value(attr, &value_length)
                    hides = value != NULL and _hides(value, value_length)
            attr = lxb_dom_element_next_attribute(attr)
        # A hidden block is read as lines of its own, marked HIDDEN on their path: hidden text
        # is sometimes the article (a paywall, a tab) and sometimes chrome (a menu, a modal),
        # which is for the model to judge. Hidden inline text (icon ligatures, a screen
        # reader's twin of a visible label) would only garble the visible line it sits in,
        # so it is walked silent, except a formula inside it: a page that shows a formula
        # as an image hides its MathML beside it (Wikipedia), and that is the formula's text.
        silent = hides and not (kind & KIND_BLOCK) and not keep_hidden
        if self.depth + 2 > self.capacity:
            self.capacity *= 2
            grown = <_Open *> PyMem_Realloc(self.open, self.capacity * sizeof(_Open))
            if grown == NULL:
                raise MemoryError()
            self.open = grown
        parent = &self.open[self.depth]
        self.depth += 1
        this = &self.open[self.depth]
        this.kind = kind
        this.in_link = parent.in_link or (kind & KIND_LINK) != 0
        this.in_pre = parent.in_pre or (kind & KIND_PRE) != 0
        this.silent = (parent.silent or silent) and not (kind & KIND_MATH)
        if kind & (KIND_BLOCK | KIND_BREAK):
            self.writer.flush()
            if kind & KIND_BLOCK:
                # Siblings of one tag and class are the units of a repeated structure:
                # the cards of a grid, the posts of a thread, the items of a menu.
                this.first_line = len(self.writer.lines)
                this.signature = _signature(node.local_name, class_value, class_length, has_class)
        parent_frame = self.frames[self.depth - 1]
        if (class_value != NULL and class_length) or (id_value != NULL and id_length) \
                or _tag_bit(kind) & ~parent_frame.tag_bits:
            frame = self._frame(parent_frame, node.local_name, tag, kind, class_value, class_length,
                                id_value, id_length, class_first)
        else:
            frame = parent_frame
        if hides and kind & KIND_BLOCK and not frame.tag_bits & HIDDEN_BIT:
            frame = self._hidden(frame)
        self.frames.append(frame)
        return 1

    cdef _Frame _frame(self, _Frame parent, uintptr_t tag_id, str tag, int kind, const lxb_char_t *class_value,
                       size_t class_length, const lxb_char_t *id_value, size_t id_length, bint class_first):
        """The frame of an element that adds to its parent's: found again by a hash of what
        makes it, as the items of a list share their parent, tag and class."""
        cdef unsigned long long bit = _tag_bit(kind) & ~parent.tag_bits
        cdef uintptr_t tag_key = tag_id if bit else 0
        cdef Py_hash_t key = _signature(tag_key ^ (<uintptr_t> <void *> parent) * 31 + class_first,
                                        class_value, class_length, class_value != NULL and class_length > 0)
        key = _signature(<uintptr_t> key, id_value, id_length, id_value != NULL and id_length > 0)
        cdef _FrameChild child = self.frame_cache.get(key)
        if child is not None and child.parent is parent and child.tag == tag_key \
                and child.class_first == class_first and _same_value(child.class_value, class_value, class_length) \
                and _same_value(child.id_value, id_value, id_length):
            return child.frame
        child = _FrameChild()
        child.parent, child.tag, child.class_first = parent, tag_key, class_first
        child.class_value = (<const char *> class_value)[:class_length] if class_value != NULL and class_length else None
        child.id_value = (<const char *> id_value)[:id_length] if id_value != NULL and id_length else None
        tags, classes = parent.tags, parent.classes
        for value in ((child.class_value, child.id_value) if class_first else (child.id_value, child.class_value)):
            if value is not None:
                known = self.writer.class_sets.of(parent) if classes is parent.classes else _searchable(classes)
                new = [word for word in _class_words_of(value) if word not in known]
                if new:
                    classes = (classes + tuple(new))[-MAX_PATH_WORDS:]
        if bit:
            tags = tags + (tag,)
        if tags is parent.tags and classes is parent.classes:
            child.frame = parent
        else:
            child.frame = _Frame(tags, classes, parent.tag_bits | bit)
        self.frame_cache[key] = child
        return child.frame

    cdef _Frame _hidden(self, _Frame frame):
        """``frame`` with HIDDEN added to its tags."""
        hidden = self.hidden_frames.get(frame)
        if hidden is None:
            hidden = _Frame(frame.tags + (HIDDEN,), frame.classes, frame.tag_bits | HIDDEN_BIT)
            self.hidden_frames[frame] = hidden
        return hidden

    cdef int leave(self) except -1:
        cdef _Open *this = &self.open[self.depth]
        cdef Py_ssize_t lines
        if this.kind & KIND_BLOCK:
            self.writer.flush()
            lines = len(self.writer.lines)
            if lines > this.first_line:
                self.blocks.append((this.first_line, lines, this.signature))
        self.depth -= 1
        self.frames.pop()
        return 0

    cdef int text(self, lxb_dom_node_t *node) except -1:
        cdef lxb_dom_character_data_t *data = <lxb_dom_character_data_t *> node
        cdef _Open *this = &self.open[self.depth]
        if data.data.length and not this.silent:
            self.writer.add(data.data.data, data.data.length, this.in_link, this.in_pre, self.frames[self.depth])
        return 0


cdef tuple _walk(_Document parsed, bint keep_hidden):
    """Visits the DOM in document order, without recursion."""
    cdef _Walk walk = _Walk()
    cdef lxb_dom_node_t *root = lxb_dom_interface_node(parsed.document)
    cdef lxb_dom_node_t *node = root.first_child
    while node != NULL:
        if node.type == LXB_DOM_NODE_TYPE_ELEMENT:
            if walk.enter(node, keep_hidden):
                if node.first_child != NULL:
                    node = node.first_child
                    continue
                walk.leave()   # an empty element
        elif node.type == LXB_DOM_NODE_TYPE_TEXT:
            walk.text(node)
        # the node is done: so is each ancestor it is the last child of
        while node.next == NULL:
            node = node.parent
            if node == root or node == NULL:
                node = NULL
                break
            walk.leave()
        if node != NULL:
            node = node.next
    walk.writer.flush()
    return walk.writer.lines, walk.blocks


def walk_html(bytes data):
    """(lines, blocks) of UTF-8 HTML: see ``linesift.html.read_html``. Hidden blocks are
    read marked HIDDEN; hidden inline text and <noscript> only when no line is visible."""
    lines, blocks = _walk(_Document(data, True), False)
    for line in lines:
        if HIDDEN not in line[2]:
            return lines, blocks
    # No visible line: read as a browser without scripts shows it, hidden inline text too.
    return _walk(_Document(data, False), True)


def head_links(bytes data):
    """(canonical links, og:urls) of UTF-8 HTML, each a list in document order: the href of
    each ``<link>`` whose rel holds "canonical", the content of each ``<meta>`` whose property
    (else name) is "og:url" (``linesift.canonical`` cuts the page to its head first)."""
    cdef _Document parsed = _Document(data, True)
    cdef lxb_dom_node_t *root = lxb_dom_interface_node(parsed.document)
    cdef lxb_dom_node_t *node = root.first_child
    cdef lxb_dom_element_t *element
    cdef lxb_dom_attr_t *attr
    cdef const lxb_char_t *name
    cdef const lxb_char_t *value
    cdef size_t length, value_length
    cdef bint is_link
    canonical, og_url = [], []
    while node != NULL:
        if node.type == LXB_DOM_NODE_TYPE_ELEMENT:
            element = <lxb_dom_element_t *> node
            name = lxb_dom_element_local_name(element, &length)
            is_link = _named(name, length, b"link", 4)
            if is_link or _named(name, length, b"meta", 4):
                found = {}
                attr = lxb_dom_element_first_attribute(element)
                while attr != NULL:
                    name = lxb_dom_attr_local_name(attr, &length)
                    value = lxb_dom_attr_value(attr, &value_length)
                    key = PyUnicode_DecodeUTF8(<const char *> name, length, "replace")
                    if key not in found:
                        found[key] = PyUnicode_DecodeUTF8(<const char *> value, value_length, "replace") if value != NULL else ""
                    attr = lxb_dom_element_next_attribute(attr)
                if is_link:
                    if "canonical" in found.get("rel", "").lower().split():
                        canonical.append(found.get("href", ""))
                elif found.get("property", found.get("name", "")).lower() == "og:url":
                    og_url.append(found.get("content", ""))
            if node.first_child != NULL:
                node = node.first_child
                continue
        while node.next == NULL:
            node = node.parent
            if node == root or node == NULL:
                node = NULL
                break
        if node != NULL:
            node = node.next
    return canonical, og_url


# Tags that open no nesting level: void, raw-text (they hold no tags) and the ones a start
# of their own tag closes (p, li, td, ...), written " name " for one strstr.
cdef const char *_FLAT_TAGS = (b" area base basefont bgsound br col embed frame hr img input keygen link meta "
                               b"param source track wbr script style textarea title xmp iframe noembed noframes "
                               b"plaintext p li dt dd option tr td th ")
# Raw text and RCDATA: no tags until their own end tag (plaintext: none to the end). Not
# <noscript>: the page is parsed a second time with scripting off, where it holds markup.
cdef const char *_RAW_TEXT_TAGS = b" script style textarea title xmp iframe noembed noframes plaintext "
# The HTML5 parser's "special" elements that hold others: an end tag of another tag does
# not close past one of them (it is ignored).
cdef const char *_SPECIAL_TAGS = (b" address applet article aside blockquote body button caption center colgroup "
                                  b"details dir div dl fieldset figcaption figure footer form frameset h1 h2 h3 "
                                  b"h4 h5 h6 head header hgroup html listing main marquee menu nav object ol pre "
                                  b"search section select summary table tbody template tfoot thead ul ")
# Start tags that end SVG or MathML content: HTML tags the parser goes back to HTML for,
# and the integration points, foreign elements whose content is HTML.
cdef const char *_BREAKOUT_TAGS = (b" b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 "
                                   b"h6 head hr i img li listing menu meta nobr ol p pre ruby s small span "
                                   b"strong strike sub sup table tt u ul var font ")
cdef const char *_INTEGRATION_TAGS = b" foreignobject desc title mi mo mn ms mtext annotation-xml "
cdef bytes _BLOCK_NAMES = (" " + " ".join(sorted(BLOCK_TAGS)) + " ").encode()

cdef struct _OpenTag:     # an element open in the model of markup_shape
    unsigned int name      # a hash of its lower-case tag name
    bint special
    bint kept              # nested no deeper than max_depth: its tags stay

cdef enum:
    NAME_BUCKETS = 4096    # open elements counted by name hash: an end tag of none open is ignored at once
    END_TAG_REACH = 64     # open elements an end tag looks through for its own before it is ignored
    MAX_NAME = 24          # longer tag names are none of the listed ones

# markup_shape's edits: a start or end tag to take out, one to make a line break, a start
# tag whose attributes are to be capped.
TAKE_OUT, LINE_BREAK, CAP_ATTRIBUTES = 0, 1, 2


cdef inline bint _space(unsigned char c) noexcept nogil:
    return c == 32 or c == 9 or c == 10 or c == 12 or c == 13


cdef inline bint _listed(const char *names, const char *name, Py_ssize_t n) noexcept nogil:
    return n <= MAX_NAME and strstr(names, name) != NULL


def markup_shape(bytes data, long max_depth=0x7FFFFFFF, long max_attributes=0x7FFFFFFF):
    """(deepest nesting, most attributes of a tag, edits) of ``data``: what the HTML5 parser
    will make of it, told well enough to keep the parser linear. Its open elements are
    followed as the parser keeps them, erring towards more: a start tag opens one unless
    void, raw text, p/li/td-like (one closes the last) or self-closed inside SVG/MathML
    (``<div/>`` opens a div); an end tag closes the elements opened since its own, unless
    a special element (div, table, ...) lies between and it is not itself special; an end
    tag with nothing of its name open is ignored, and so is one whose element is more than
    END_TAG_REACH elements down, which keeps more open than the parser does. Comments end
    as the tokenizer ends them (``-->``, ``--!>``, ``<!-->``); raw-text elements (script,
    style, title, ...) are not looked into outside SVG/MathML. ``edits`` are (start, end,
    what) byte ranges, in order, ``what`` TAKE_OUT, LINE_BREAK or CAP_ATTRIBUTES: the start and end tags of each element opened deeper
    than ``max_depth`` (to take out, or to make a line break for a block element), and each
    start tag of more than ``max_attributes`` attributes (to cap). One pass."""
    cdef const unsigned char *text = <const unsigned char *> data
    cdef const unsigned char *found
    cdef const char *block_names = _BLOCK_NAMES
    cdef Py_ssize_t size = len(data), at = 0, start, tag_start, n, i
    cdef long depth = 0, deepest = 0, attributes, most = 0, capacity = 256, target, foreign = 0
    cdef char name[MAX_NAME + 4]
    cdef unsigned char c, quote
    cdef unsigned int hash
    cdef bint closing, special, self_closed
    cdef unsigned int counts[NAME_BUCKETS]
    cdef _OpenTag *stack = <_OpenTag *> PyMem_Malloc(capacity * sizeof(_OpenTag))
    cdef _OpenTag *grown
    edits = []
    if stack == NULL:
        raise MemoryError()
    memset(counts, 0, sizeof(counts))
    try:
        while at < size:
            found = <const unsigned char *> memchr(text + at, 60, size - at)   # "<"
            if found == NULL:
                break
            tag_start = found - text
            at = tag_start + 1
            if at + 2 < size and text[at] == 33 and text[at + 1] == 45 and text[at + 2] == 45:   # "!--"
                at = _after_comment(text, size, at + 3)
                continue
            closing = at < size and text[at] == 47
            if closing:
                at += 1
            if at >= size or not ((65 <= text[at] <= 90) or (97 <= text[at] <= 122)):
                continue   # not a tag: text, or a bogus comment (counted through: more, not less)
            # the tag name, as the tokenizer reads it: to a space, "/" or ">"
            start = at
            hash = 2166136261U
            while at < size and not (_space(text[at]) or text[at] == 47 or text[at] == 62):
                c = text[at] | 32 if 65 <= text[at] <= 90 else text[at]
                hash = (hash ^ c) * 16777619U
                if at - start < MAX_NAME:
                    name[at - start + 1] = c
                at += 1
            n = at - start
            name[0] = 32
            if n <= MAX_NAME:
                name[n + 1] = 32
                name[n + 2] = 0
            else:
                name[1] = 0
            special = _listed(_SPECIAL_TAGS, name, n)
            if closing:
                if (n == 3 and memcmp(name, b" svg", 4) == 0) or (n == 4 and memcmp(name, b" math", 5) == 0):
                    if foreign:
                        foreign -= 1
                if _listed(_FLAT_TAGS, name, n) or counts[hash % NAME_BUCKETS] == 0:
                    continue
                target = -1
                for i in range(depth - 1, max(depth - END_TAG_REACH, 0) - 1, -1):
                    if stack[i].name == hash:
                        target = i
                        break
                    if stack[i].special and not special:
                        break
                if target < 0:
                    continue
                if not stack[target].kept:
                    found = <const unsigned char *> memchr(text + at, 62, size - at)   # ">"
                    edits.append((tag_start, size if found == NULL else found - text + 1, TAKE_OUT))
                while depth > target:
                    depth -= 1
                    counts[stack[depth].name % NAME_BUCKETS] -= 1
                continue
            # the attributes, to the ">" that ends the tag
            attributes = 0
            self_closed = False
            while at < size and text[at] != 62:
                c = text[at]
                if _space(c) or c == 47:
                    self_closed = c == 47
                    at += 1
                    continue
                self_closed = False
                attributes += 1
                while at < size and not (_space(text[at]) or text[at] == 47 or text[at] == 62 or text[at] == 61):
                    at += 1
                while at < size and _space(text[at]):
                    at += 1
                if at < size and text[at] == 61:   # "=": a value
                    at += 1
                    while at < size and _space(text[at]):
                        at += 1
                    if at < size and (text[at] == 34 or text[at] == 39):
                        quote = text[at]
                        found = <const unsigned char *> memchr(text + at + 1, quote, size - at - 1)
                        at = size if found == NULL else found - text + 1
                    else:
                        while at < size and not (_space(text[at]) or text[at] == 62):
                            at += 1
            if attributes > most:
                most = attributes
            if attributes > max_attributes:
                edits.append((tag_start, min(at + 1, size), CAP_ATTRIBUTES))
            if foreign and not _listed(_BREAKOUT_TAGS, name, n):
                # a foreign element: "/>" closes it, and title, style, script hold markup
                if self_closed:
                    continue
                if _listed(_INTEGRATION_TAGS, name, n):
                    foreign = 0   # its content is HTML (what follows it is counted as HTML too)
                elif (n == 3 and memcmp(name, b" svg", 4) == 0) or (n == 4 and memcmp(name, b" math", 5) == 0):
                    foreign += 1
            else:
                foreign = 0
                if _listed(_RAW_TEXT_TAGS, name, n):
                    at = _after_raw_text(text, size, at, name + 1, n)
                    continue
                if _listed(_FLAT_TAGS, name, n):
                    continue
                if (n == 3 and memcmp(name, b" svg", 4) == 0) or (n == 4 and memcmp(name, b" math", 5) == 0):
                    if self_closed:
                        continue
                    foreign = 1
            if depth == capacity:
                capacity *= 2
                grown = <_OpenTag *> PyMem_Realloc(stack, capacity * sizeof(_OpenTag))
                if grown == NULL:
                    raise MemoryError()
                stack = grown
            stack[depth].name = hash
            stack[depth].special = special
            stack[depth].kept = depth < max_depth
            if not stack[depth].kept:   # taken out whole: a cap of its attributes is replaced
                if edits and edits[-1][0] == tag_start:
                    edits.pop()
                edits.append((tag_start, min(at + 1, size),
                              LINE_BREAK if _listed(block_names, name, n) else TAKE_OUT))
            counts[hash % NAME_BUCKETS] += 1
            depth += 1
            if depth > deepest:
                deepest = depth
    finally:
        PyMem_Free(stack)
    return deepest, most, edits


cdef Py_ssize_t _after_comment(const unsigned char *text, Py_ssize_t size, Py_ssize_t at) noexcept nogil:
    """Where the comment whose "<!--" ends before ``at`` ends: after "-->" or "--!>", or at
    once for "<!-->" and "<!--->"."""
    cdef const unsigned char *found
    if at < size and text[at] == 62:
        return at + 1
    if at + 1 < size and text[at] == 45 and text[at + 1] == 62:
        return at + 2
    while at < size:
        found = <const unsigned char *> memmem(text + at, size - at, b"--", 2)
        if found == NULL:
            return size
        at = found - text + 2
        while at < size and text[at] == 45:   # "--->": the last two dashes end it
            at += 1
        if at < size and text[at] == 62:
            return at + 1
        if at + 1 < size and text[at] == 33 and text[at + 1] == 62:
            return at + 2
    return size


cdef Py_ssize_t _after_raw_text(const unsigned char *text, Py_ssize_t size, Py_ssize_t at,
                                const char *name, Py_ssize_t n) noexcept nogil:
    """Where the end tag of the raw-text element named ``name`` (lower case, ``n`` bytes)
    begins (``</name`` then a space, "/" or ">"), or the end of the text."""
    cdef Py_ssize_t i
    cdef bint same
    if n == 9 and memcmp(name, b"plaintext", 9) == 0:
        return size
    while at + 2 + n < size:
        if text[at] == 60 and text[at + 1] == 47:
            same = True
            for i in range(n):
                if (text[at + 2 + i] | 32) != name[i]:
                    same = False
                    break
            if same and (_space(text[at + 2 + n]) or text[at + 2 + n] == 47 or text[at + 2 + n] == 62):
                return at
        at += 1
    return size
