# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A line's own statistics, in compiled code: the one definition of what the features read
from a line's visible text (``linesift.features.text`` gives them their names and puts the
parsed markup beside them).

Each line is read in a few passes over its characters, with no regular expression. The
rules, one per function:

- **words** (``split_words``): runs of word characters (Python's ``\\w``: a letter, digit
  or number of Unicode, or "_") and the Indic scripts' characters (U+0900-U+0DFF, whose
  combining vowel signs ``\\w`` leaves out: Hindi के stays one word). A line holding a
  Chinese or Japanese character (U+3040-U+30FF, U+3400-U+4DBF, U+4E00-U+9FFF,
  U+F900-U+FAFF) is split otherwise: each CJK character is a word of its own (those scripts
  write no spaces, so a run would be a whole clause), runs of the other word characters are
  words, and so are runs of Indic characters.
- **capitalised words**: a word character that follows no word character and is neither a
  decimal digit, "_", a-z nor U+00DF-U+00FF (lower-case Latin-1).
- **separators**: " | ", " · ", " • ", " » ", " › ", " / ", " - " (a space character each
  side), counted without overlap, in lines under SEPARATOR_LINE_CHARS characters.
- **year**: 19xx or 20xx, four decimal digits standing alone (no word character either side).
- **time**: one or two decimal digits, ":", two decimal digits, standing alone.
- **digits** and **punctuation**: ASCII digits; ASCII punctuation (``!"#$%&'()*+,-./``,
  ``:;<=>?@``, ``[\\]^_```, ``{|}~``).
- **photo credit** (``_photo_credit``): a photo credit or caption label, "(AP Photo/Jane
  Doe)", "Photo: ...", "Pictures by ...", "Getty Images", "Credit: ...": "photo",
  "photograph", "image", "picture" or "foto" after no word character, an optional "s",
  white space or none, then "/", ":", "by" standing alone, or "credit"; or "getty images"
  anywhere; or "credit:" after no word character. Letters in either ASCII case.
- **sentence end**: the last character is one of ``.!?"'”’»…。！？」』।؟``; **colon**: it is ":".
- **cue ids**: crc32 of a word's UTF-8 (a lone surrogate as its three bytes), the same
  number as ``zlib.crc32``: stable across processes. The first KEYWORD_WORDS words are
  hashed; a line of more words also its last TAIL_WORDS (salted); a line of at most
  WHOLE_LINE_WORDS words also whole (its words joined by spaces).
- **chrome words**: head words on the chrome list, head word pairs on it, and each "©".
- **duplicate key**: the first DUPLICATE_KEY_WORDS words joined by spaces; its
  **fingerprint** (``linesift.features.site``): the key with each run of digits read as "0".
  Both are kept as Python's str hash: equal within a process, never stored.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport (
    Py_UNICODE_ISALNUM,
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISSPACE,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from libc.stdint cimport int64_t, uint32_t
from libc.string cimport memcmp

import numpy as np

from linesift.features.cues import TAIL_SALT
from linesift.features.words import CHROME_WORDS, STOPWORDS

cdef enum:
    _KEYWORD_WORDS = 8         # only the first words are hashed: chrome lines are short, and a
                               # long line is told by its shape, so the cost stays bounded
    _WHOLE_LINE_WORDS = 4      # lines this short are also hashed whole ("see all")
    _TAIL_WORDS = 3            # a long line's last words are hashed too: "(AP Photo/...)", "1 comment"
    _DUPLICATE_KEY_WORDS = 8   # lines whose first words agree count as the same text (captions
                               # repeated with other dashes, a headline cut short with "…")
    _SEPARATOR_LINE_CHARS = 2000   # separators are counted in shorter lines (joined menus, breadcrumbs)
KEYWORD_WORDS, WHOLE_LINE_WORDS, TAIL_WORDS = _KEYWORD_WORDS, _WHOLE_LINE_WORDS, _TAIL_WORDS
DUPLICATE_KEY_WORDS, SEPARATOR_LINE_CHARS = _DUPLICATE_KEY_WORDS, _SEPARATOR_LINE_CHARS
assert WHOLE_LINE_WORDS <= DUPLICATE_KEY_WORDS <= KEYWORD_WORDS   # a short line whole is its key


# The columns of ``line_table``'s counts, in order.
COUNT_FIELDS = ("chars", "words", "stop", "chrome", "title", "digits", "punct", "ends_sentence", "ends_colon",
                "separators", "has_year", "has_time", "photo_credit")

cdef enum:
    _WORD_STOP = 1
    _WORD_CHROME = 2
    _WORD_PAIR_FIRST = 4


cdef struct _Text:
    # A str's characters, read in place (its kind: 1, 2 or 4 bytes a character).
    int kind
    void *data
    Py_ssize_t size


cdef inline _Text _text(str text) noexcept:
    cdef _Text view
    view.kind = PyUnicode_KIND(text)
    view.data = PyUnicode_DATA(text)
    view.size = len(text)
    return view


cdef inline Py_UCS4 _at(_Text text, Py_ssize_t at) noexcept:
    return PyUnicode_READ(text.kind, text.data, at)


cdef uint32_t _CRC_TABLE[256]
cdef uint32_t _CRC_START = ~(<uint32_t>0)   # crc32 starts from all ones and ends inverted


cdef void _make_crc_table() noexcept:
    cdef uint32_t value
    cdef int byte, bit
    for byte in range(256):
        value = byte
        for bit in range(8):
            value = (value >> 1) ^ (0xEDB88320 if value & 1 else 0)
        _CRC_TABLE[byte] = value


_make_crc_table()


cdef inline uint32_t _crc_byte(uint32_t state, unsigned char byte) noexcept:
    return _CRC_TABLE[(state ^ byte) & 0xFF] ^ (state >> 8)


cdef inline uint32_t _crc_char(uint32_t state, Py_UCS4 char) noexcept:
    """``state`` (crc32 before its final inversion) after the UTF-8 bytes of ``char``."""
    cdef uint32_t c = <uint32_t>char
    if c < 0x80:
        return _crc_byte(state, <unsigned char>c)
    if c < 0x800:
        state = _crc_byte(state, <unsigned char>(0xC0 | (c >> 6)))
    elif c < 0x10000:
        state = _crc_byte(state, <unsigned char>(0xE0 | (c >> 12)))
        state = _crc_byte(state, <unsigned char>(0x80 | ((c >> 6) & 0x3F)))
    else:
        state = _crc_byte(state, <unsigned char>(0xF0 | (c >> 18)))
        state = _crc_byte(state, <unsigned char>(0x80 | ((c >> 12) & 0x3F)))
        state = _crc_byte(state, <unsigned char>(0x80 | ((c >> 6) & 0x3F)))
    return _crc_byte(state, <unsigned char>(0x80 | (c & 0x3F)))


cdef uint32_t _crc_chars(const Py_UCS4 *chars, Py_ssize_t size) noexcept:
    cdef uint32_t state = _CRC_START
    cdef Py_ssize_t at
    for at in range(size):
        state = _crc_char(state, chars[at])
    return ~state


def crc(str text):
    """crc32 of ``text``'s UTF-8 (surrogates passed): ``zlib.crc32(text.encode("utf-8", "surrogatepass"))``."""
    cdef _Text view = _text(text)
    cdef uint32_t state = _CRC_START
    cdef Py_ssize_t at
    for at in range(view.size):
        state = _crc_char(state, _at(view, at))
    return ~state


# The word lists, as an open-addressing table keyed by crc: each entry a listed word or
# phrase (its characters in _LISTED_CHARS) and the lists it is on (_WORD_* bits). A word is
# looked up from its characters and crc, with nothing allocated.
cdef struct _Listed:
    uint32_t crc
    int flags
    Py_ssize_t start
    Py_ssize_t size   # -1: an empty slot

cdef _Listed *_LISTED = NULL
cdef Py_ssize_t _LISTED_MASK = 0
cdef Py_UCS4 *_LISTED_CHARS = NULL


def set_word_lists(stopwords, chrome_words):
    """Count function words and chrome words with these lists (sets of lower-cased words
    and, for chrome, two-word phrases). The package's lists are set when the module loads;
    tests/bench/check_word_lists.py tries others."""
    global _LISTED, _LISTED_MASK, _LISTED_CHARS
    cdef dict flags = {}
    for word in stopwords:
        flags[word] = flags.get(word, 0) | _WORD_STOP
    for entry in chrome_words:
        flags[entry] = flags.get(entry, 0) | _WORD_CHROME
        if u" " in entry:
            first = entry.split(u" ", 1)[0]
            flags[first] = flags.get(first, 0) | _WORD_PAIR_FIRST
    cdef Py_ssize_t slots = 16, chars = 0, at, slot
    while slots < 2 * len(flags):
        slots *= 2
    for word in flags:
        chars += len(word)
    cdef _Listed *table = <_Listed *>PyMem_Malloc(slots * sizeof(_Listed))
    cdef Py_UCS4 *pool = <Py_UCS4 *>PyMem_Malloc((chars + 1) * sizeof(Py_UCS4))
    if table == NULL or pool == NULL:
        PyMem_Free(table)
        PyMem_Free(pool)
        raise MemoryError()
    for slot in range(slots):
        table[slot].size = -1
    chars = 0
    for word, word_flags in flags.items():
        for at in range(len(word)):
            pool[chars + at] = word[at]
        crc = _crc_chars(pool + chars, len(word))
        slot = crc & (slots - 1)
        while table[slot].size >= 0:
            slot = (slot + 1) & (slots - 1)
        table[slot].crc, table[slot].flags, table[slot].start, table[slot].size = crc, word_flags, chars, len(word)
        chars += len(word)
    PyMem_Free(_LISTED)
    PyMem_Free(_LISTED_CHARS)
    _LISTED, _LISTED_MASK, _LISTED_CHARS = table, slots - 1, pool


set_word_lists(STOPWORDS, CHROME_WORDS)


cdef int _flags(const Py_UCS4 *chars, Py_ssize_t size, uint32_t crc) noexcept:
    """The lists the word ``chars`` (whose crc is ``crc``) is on: _WORD_* bits."""
    cdef Py_ssize_t slot = crc & _LISTED_MASK
    while _LISTED[slot].size >= 0:
        if (_LISTED[slot].crc == crc and _LISTED[slot].size == size
                and memcmp(_LISTED_CHARS + _LISTED[slot].start, chars, size * sizeof(Py_UCS4)) == 0):
            return _LISTED[slot].flags
        slot = (slot + 1) & _LISTED_MASK
    return 0


cdef inline bint _is_word(Py_UCS4 c) noexcept:
    """Python's ``\\w``."""
    if c < 0x80:
        return (c >= 0x61 and c <= 0x7A) or (c >= 0x41 and c <= 0x5A) or (c >= 0x30 and c <= 0x39) or c == 0x5F
    return Py_UNICODE_ISALNUM(c)


cdef inline bint _is_cjk(Py_UCS4 c) noexcept:
    return ((0x3040 <= c <= 0x30FF) or (0x3400 <= c <= 0x4DBF) or (0x4E00 <= c <= 0x9FFF)
            or (0xF900 <= c <= 0xFAFF))


cdef inline bint _is_indic(Py_UCS4 c) noexcept:
    return 0x0900 <= c <= 0x0DFF


cdef inline bint _is_decimal(Py_UCS4 c) noexcept:
    """Python's ``\\d``."""
    if c < 0x80:
        return 0x30 <= c <= 0x39
    return Py_UNICODE_ISDECIMAL(c)


cdef inline bint _is_sentence_end(Py_UCS4 c) noexcept:
    return c in u'.!?"\'”’»…。！？」』।؟'


cdef inline bint _is_separator(Py_UCS4 c) noexcept:
    return c in u"|·•»›/-"


cdef inline bint _is_ascii_punctuation(Py_UCS4 c) noexcept:
    return (33 <= c <= 47) or (58 <= c <= 64) or (91 <= c <= 96) or (123 <= c <= 126)


cdef inline bint _is_capital(Py_UCS4 c) noexcept:
    return (_is_word(c) and not _is_decimal(c) and c != 0x5F and not (0x61 <= c <= 0x7A)
            and not (0xDF <= c <= 0xFF))


cdef inline uint32_t _ascii_lower(Py_UCS4 c) noexcept:
    """``c``'s code, an ASCII capital's as its small letter's."""
    cdef uint32_t code = c
    return code | 0x20 if 0x41 <= code <= 0x5A else code


cdef bint _reads(_Text text, Py_ssize_t at, const char *word) noexcept:
    """Whether ``text`` at ``at`` reads ``word`` (ASCII, lower case), its letters in either case."""
    cdef Py_ssize_t k = 0
    while word[k]:
        if at + k >= text.size or _ascii_lower(_at(text, at + k)) != <uint32_t>word[k]:
            return False
        k += 1
    return True


cdef bint _credit_follows(_Text text, Py_ssize_t at) noexcept:
    """After a photo word at ``at``: white space or none, then "/", ":", "by" standing alone or "credit"."""
    while at < text.size and Py_UNICODE_ISSPACE(_at(text, at)):
        at += 1
    if at >= text.size:
        return False
    if _at(text, at) == u'/' or _at(text, at) == u':' or _reads(text, at, b"credit"):
        return True
    return _reads(text, at, b"by") and (at + 2 == text.size or not _is_word(_at(text, at + 2)))


cdef inline bint _photo_word_credited(_Text text, Py_ssize_t at, const char *word, Py_ssize_t size) noexcept:
    """``word`` at ``at``, an optional "s", and what ``_credit_follows``."""
    return _reads(text, at, word) and (_credit_follows(text, at + size)
                                        or (_reads(text, at + size, b"s") and _credit_follows(text, at + size + 1)))


cdef bint _photo_credit(_Text text) noexcept:
    """Whether the line holds a photo credit or caption label (the module docstring)."""
    cdef Py_ssize_t at
    cdef uint32_t c
    for at in range(text.size):
        c = _ascii_lower(_at(text, at))
        if c == 0x67 and _reads(text, at, b"getty images"):   # g
            return True
        if (c != 0x70 and c != 0x69 and c != 0x66 and c != 0x63) or (at and _is_word(_at(text, at - 1))):   # p i f c
            continue
        if c == 0x63 and _reads(text, at, b"credit:"):
            return True
        if (_photo_word_credited(text, at, b"photo", 5) or _photo_word_credited(text, at, b"photograph", 10)
                or _photo_word_credited(text, at, b"image", 5) or _photo_word_credited(text, at, b"picture", 7)
                or _photo_word_credited(text, at, b"foto", 4)):
            return True
    return False


cdef inline bint _stands_alone(_Text text, Py_ssize_t start, Py_ssize_t end) noexcept:
    """No word character right before ``start`` nor right at ``end``."""
    return ((start == 0 or not _is_word(_at(text, start - 1)))
            and (end == text.size or not _is_word(_at(text, end))))


cdef Py_ssize_t _split(_Text lowered, Py_ssize_t *starts, Py_ssize_t *ends) noexcept:
    """The words of ``lowered`` (see the module docstring) as spans; returns how many."""
    cdef Py_ssize_t size = lowered.size, at = 0, count = 0, start
    cdef bint cjk = False
    cdef Py_UCS4 c
    if lowered.kind != 1:   # CJK characters need two bytes
        for at in range(size):
            c = _at(lowered, at)
            if c >= 0x3040 and _is_cjk(c):
                cjk = True
                break
        at = 0
    while at < size:
        c = _at(lowered, at)
        start = at
        if not cjk:
            while at < size and (_is_word(_at(lowered, at)) or _is_indic(_at(lowered, at))):
                at += 1
        elif _is_cjk(c):
            at += 1
        elif _is_word(c):
            while at < size and _is_word(_at(lowered, at)) and not _is_cjk(_at(lowered, at)):
                at += 1
        else:
            while at < size and _is_indic(_at(lowered, at)):
                at += 1
        if at > start:
            starts[count], ends[count] = start, at
            count += 1
        else:
            at += 1
    return count


def split_words(str lowered):
    """The words of a lower-cased text, as the features count them (see the module docstring)."""
    cdef Py_ssize_t count, k, size = len(lowered)
    cdef Py_ssize_t *spans = <Py_ssize_t *>PyMem_Malloc(2 * (size + 1) * sizeof(Py_ssize_t))
    if spans == NULL:
        raise MemoryError()
    try:
        count = _split(_text(lowered), spans, spans + size + 1)
        return [lowered[spans[k]:spans[size + 1 + k]] for k in range(count)]
    finally:
        PyMem_Free(spans)


def is_cjk_character(str text):
    """Whether ``text`` is one character that split_words counts as a word of its own."""
    return len(text) == 1 and _is_cjk(text[0])


cdef Py_ssize_t _separators(_Text text) noexcept:
    cdef Py_ssize_t at = 0, count = 0
    while at + 2 < text.size:
        if (Py_UNICODE_ISSPACE(_at(text, at)) and _is_separator(_at(text, at + 1))
                and Py_UNICODE_ISSPACE(_at(text, at + 2))):
            count += 1
            at += 3
        else:
            at += 1
    return count


cdef bint _has_year(_Text text) noexcept:
    cdef Py_ssize_t at
    cdef Py_UCS4 first, second
    for at in range(text.size - 3):
        first, second = _at(text, at), _at(text, at + 1)
        if (((first == u'1' and second == u'9') or (first == u'2' and second == u'0'))
                and _is_decimal(_at(text, at + 2)) and _is_decimal(_at(text, at + 3))
                and _stands_alone(text, at, at + 4)):
            return True
    return False


cdef bint _has_time(_Text text) noexcept:
    cdef Py_ssize_t at, digits, end
    for at in range(text.size):
        if not _is_decimal(_at(text, at)) or (at > 0 and _is_word(_at(text, at - 1))):
            continue
        for digits in range(2, 0, -1):   # \d{1,2} tries two first
            end = at + digits + 3
            if (end <= text.size and (digits == 1 or _is_decimal(_at(text, at + 1)))
                    and _at(text, at + digits) == u':' and _is_decimal(_at(text, at + digits + 1))
                    and _is_decimal(_at(text, at + digits + 2)) and (end == text.size or not _is_word(_at(text, end)))):
                return True
    return False


cdef Py_ssize_t _folded(const Py_UCS4 *key, Py_ssize_t size, Py_UCS4 *folded) noexcept:
    """``key`` with each run of digits as "0", into ``folded``: its size, or -1 if it holds no digit."""
    cdef Py_ssize_t at, kept = 0
    cdef bint digits = False, in_run = False
    for at in range(size):
        if _is_decimal(key[at]):
            digits = True
            if not in_run:
                folded[kept] = u'0'
                kept += 1
            in_run = True
        else:
            folded[kept] = key[at]
            kept += 1
            in_run = False
    return kept if digits else -1


def fingerprints(list keys):
    """The fingerprint of each of ``keys`` (duplicate keys), hashed, as ``line_table`` gives it."""
    return line_table(keys)["fingerprint"]


def line_table(list texts, bint keep_words=False):
    """The statistics of each of ``texts`` (visible text of non-blank lines): a dict of
    ``counts`` ((lines, len(COUNT_FIELDS)) float64), ``head`` / ``head_lengths`` (the ids
    of each line's first words, one line after another, and how many), ``tail`` /
    ``tail_lengths`` (its last words' ids, salted), ``whole`` (int64, -1 where too long to
    be hashed whole), ``key`` and ``fingerprint`` (int64 hashes); with ``keep_words``,
    ``keys`` (the duplicate keys) and ``words`` (each line's list of words) too."""
    cdef Py_ssize_t n = len(texts), count, k, at, size, line, word_start
    cdef Py_ssize_t head_size = 0, tail_size = 0, key_size, stop, chrome, digits, punctuation, title
    cdef bint has_separator_char
    cdef uint32_t state
    cdef int flags, previous_flags
    cdef Py_UCS4 c, previous
    cdef str text, lowered
    cdef _Text view, low
    counts_array = np.zeros((n, len(COUNT_FIELDS)), dtype=np.float64)
    head_array = np.empty(n * _KEYWORD_WORDS, dtype=np.int64)
    tail_array = np.empty(n * _TAIL_WORDS, dtype=np.int64)
    head_lengths_array = np.zeros(n, dtype=np.int64)
    tail_lengths_array = np.zeros(n, dtype=np.int64)
    whole_array = np.full(n, -1, dtype=np.int64)
    key_hash_array = np.empty(n, dtype=np.int64)
    fingerprint_array = np.empty(n, dtype=np.int64)
    cdef double[:, ::1] counts = counts_array
    cdef int64_t[::1] head = head_array, tail = tail_array, head_lengths = head_lengths_array
    cdef int64_t[::1] tail_lengths = tail_lengths_array, whole = whole_array
    cdef int64_t[::1] key_hash = key_hash_array, fingerprint = fingerprint_array
    cdef Py_ssize_t folded_size
    cdef int64_t tail_salt = TAIL_SALT
    keys, words = [], []
    # Room, for the lower-cased line, for its words' spans, its key and one more word, and a
    # word pair: twice its size (lower-casing may lengthen a line: "İ" becomes two characters).
    cdef Py_ssize_t room = 0
    cdef Py_ssize_t *starts = NULL
    cdef Py_ssize_t *ends = NULL
    cdef Py_UCS4 *key = NULL
    cdef Py_UCS4 *pair = NULL
    cdef Py_UCS4 *folded = NULL
    try:
        for line in range(n):
            text = texts[line]
            lowered = text.lower()
            view, low = _text(text), _text(lowered)
            if 2 * low.size + 2 > room:
                room = max(2 * room, 2 * low.size + 2, 256)
                PyMem_Free(starts)
                PyMem_Free(ends)
                PyMem_Free(key)
                PyMem_Free(pair)
                PyMem_Free(folded)
                starts = <Py_ssize_t *>PyMem_Malloc(room * sizeof(Py_ssize_t))
                ends = <Py_ssize_t *>PyMem_Malloc(room * sizeof(Py_ssize_t))
                key = <Py_UCS4 *>PyMem_Malloc(room * sizeof(Py_UCS4))
                pair = <Py_UCS4 *>PyMem_Malloc(room * sizeof(Py_UCS4))
                folded = <Py_UCS4 *>PyMem_Malloc(room * sizeof(Py_UCS4))
                if starts == NULL or ends == NULL or key == NULL or pair == NULL or folded == NULL:
                    raise MemoryError()
            count = _split(low, starts, ends)
            size = view.size
            counts[line, 0] = size
            counts[line, 1] = count

            # Word by word: the key, ids and word lists. A word's characters are copied
            # after the key's (``key + key_size``), where its crc and lookup read them.
            stop = chrome = 0
            key_size = 0
            previous_flags = 0
            for k in range(count):
                state = _CRC_START
                word_start = key_size
                for at in range(starts[k], ends[k]):
                    c = _at(low, at)
                    state = _crc_char(state, c)
                    key[key_size] = c
                    key_size += 1
                state = ~state
                flags = _flags(key + word_start, key_size - word_start, state)
                stop += (flags & _WORD_STOP) != 0
                if k < _KEYWORD_WORDS:
                    head[head_size] = state
                    head_size += 1
                    chrome += (flags & _WORD_CHROME) != 0
                    if previous_flags & _WORD_PAIR_FIRST:
                        chrome += _pair_is_chrome(low, starts[k - 1], ends[k - 1], starts[k], ends[k], pair)
                    previous_flags = flags
                if count > _KEYWORD_WORDS and k >= count - _TAIL_WORDS:
                    tail[tail_size] = state ^ tail_salt
                    tail_size += 1
                if k >= _DUPLICATE_KEY_WORDS:
                    key_size = word_start   # past the key: the word's characters are let go
                elif k + 1 < count and k + 1 < _DUPLICATE_KEY_WORDS:
                    key[key_size] = u' '
                    key_size += 1
            head_lengths[line] = min(count, _KEYWORD_WORDS)
            tail_lengths[line] = _TAIL_WORDS if count > _KEYWORD_WORDS else 0
            key_text = PyUnicode_FromKindAndData(4, key, key_size)
            key_hash[line] = hash(key_text)
            folded_size = _folded(key, key_size, folded)
            if folded_size < 0:
                fingerprint[line] = key_hash[line]
            else:
                fingerprint[line] = hash(PyUnicode_FromKindAndData(4, folded, folded_size))
            if keep_words:
                keys.append(key_text)
            if count <= _WHOLE_LINE_WORDS:
                whole[line] = _crc_chars(key, key_size)
            if keep_words:
                words.append([lowered[starts[k]:ends[k]] for k in range(count)])

            # Characters, one pass.
            digits = punctuation = title = 0
            has_separator_char = False
            previous = u' '
            for at in range(size):
                c = _at(view, at)
                if c < 0x80:
                    digits += 0x30 <= c <= 0x39
                    punctuation += _is_ascii_punctuation(c)
                elif c == u'©':
                    chrome += 1
                if _is_capital(c) and not _is_word(previous):
                    title += 1
                has_separator_char = has_separator_char or _is_separator(c)
                previous = c
            counts[line, 2] = stop
            counts[line, 3] = chrome
            counts[line, 4] = title
            counts[line, 5] = digits
            counts[line, 6] = punctuation
            if size:
                counts[line, 7] = _is_sentence_end(_at(view, size - 1))
                counts[line, 8] = _at(view, size - 1) == u':'
            if has_separator_char and size < _SEPARATOR_LINE_CHARS:
                counts[line, 9] = _separators(view)
            counts[line, 10] = digits >= 4 and _has_year(view)
            counts[line, 11] = digits >= 3 and _has_time(view)
            counts[line, 12] = _photo_credit(view)
    finally:
        PyMem_Free(starts)
        PyMem_Free(ends)
        PyMem_Free(key)
        PyMem_Free(pair)
        PyMem_Free(folded)
    table = {"counts": counts_array, "head": head_array[:head_size], "head_lengths": head_lengths_array,
             "tail": tail_array[:tail_size], "tail_lengths": tail_lengths_array, "whole": whole_array,
             "key": key_hash_array, "fingerprint": fingerprint_array}
    if keep_words:
        table["keys"], table["words"] = keys, words
    return table


cdef bint _pair_is_chrome(_Text lowered, Py_ssize_t first_start, Py_ssize_t first_end, Py_ssize_t second_start,
                          Py_ssize_t second_end, Py_UCS4 *pair) noexcept:
    """Whether two words, joined by a space, are a phrase of the chrome list (``pair``: room for them)."""
    cdef Py_ssize_t size = 0, at
    for at in range(first_start, first_end):
        pair[size] = _at(lowered, at)
        size += 1
    pair[size] = u' '
    size += 1
    for at in range(second_start, second_end):
        pair[size] = _at(lowered, at)
        size += 1
    return (_flags(pair, size, _crc_chars(pair, size)) & _WORD_CHROME) != 0
