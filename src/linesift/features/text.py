"""A line's own text: what it says and how it is shaped, independent of the page around it
(``line_stats``, computed once per distinct line), and the OWN_FEATURES built from that
and from where the line stands (``own_features``, numpy over a batch).

``line_stats`` defines a line's statistics, one line at a time (explanations use it);
``text_stats`` computes the same for many lines at once, which is what classifying
does: the regular expressions run once over the lines joined into one string, character
classes are counted with numpy over the code points, and words are looked up and hashed
in C-level passes over the batch's words. tests/test_batch_features.py checks the two agree.

A line is a string (a line of a dump, markup read by ``linesift.lines``) or an
``HtmlLine`` (whose markup is known from its tags).
"""

import re
from itertools import chain, count, repeat
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from linesift.features.cues import CLASS_SALT, TAG_SALT, TAIL_SALT
from linesift.features.page import page_bounds, title_heading
from linesift.features.site import fingerprint_hashes
from linesift.features.words import CHROME_WORDS, STOPWORDS, WORDS, crc, word_ids
from linesift.html import HtmlLine
from linesift.lines import (
    RESERVED,
    SEPARATOR,
    CharClass,
    ParsedLine,
    byte_counts,
    code_points,
    count_per_line,
    parse_line,
    parse_lines,
    within_lines,
)

KEYWORD_WORDS = 8         # only the first words are hashed: chrome lines are short, and a
                          # long line is told by its shape, so the cost stays bounded
WHOLE_LINE_WORDS = 4      # lines this short are also hashed whole ("see all")
TAIL_WORDS = 3            # a long line's last words are hashed too: "(AP Photo/...)", "1 comment"
DUPLICATE_KEY_WORDS = 8   # lines whose first words agree count as the same text (captions
                          # repeated with other dashes, a headline cut short with "…")

# Words are \w+ runs, with the combining vowel signs of the Indic scripts kept inside them
# (Python's \w stops at them: Hindi के would be cut to क). Chinese and Japanese write no
# spaces, so a run there is a whole clause: each of their characters counts as a word
# instead, which keeps lengths and function-word densities comparable across scripts (and
# hashes a CJK line's first characters and their pairs).
_INDIC = "\u0900-\u0dff"
_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(f"[\\w{_INDIC}]+")
_CJK = re.compile(f"[{_CJK_RANGES}]")
_CJK_OR_WORD = re.compile(f"[{_CJK_RANGES}]|[^\\W{_CJK_RANGES}]+|[{_INDIC}]+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TIME = re.compile(r"\b\d{1,2}:\d\d\b")
_CAPITALISED = re.compile(r"\b[^\W\d_a-zß-ÿ]")  # a word's first letter, when it is not lower case
# A photo credit or caption label: "(AP Photo/Jane Doe)", "Photo: ...", "Getty Images".
_PHOTO_CREDIT = re.compile(r"\b(?:photo|photograph|image|picture|foto)s?\s*(?:/|:|by\b|credit)|getty images|\bcredit:", re.I)
_PHOTO_WORDS = ("phot", "imag", "pictur", "foto", "getty", "credit")
_SENTENCE_END = tuple('.!?"\'”’»…。！？」』।؟')
_SEPARATORS = re.compile(r"\s[|·•»›/-]\s")
_SEPARATOR_CHARS = re.compile(r"[|·•»›/-]")
_ASCII_PUNCT = bytes(range(33, 48)) + bytes(range(58, 65)) + bytes(range(91, 97)) + bytes(range(123, 127))
_DIGITS = b"0123456789"


# (name, what it measures). The order is the column order of the dense matrix.
OWN_FEATURES = [
    ("log_chars", "log(1 + characters of visible text)"),
    ("log_words", "log(1 + words)"),
    ("no_words", "the line has no word characters at all (a rule, a '|' or '»')"),
    ("mean_word_length", "characters per word, capped at 20"),
    ("link_density", "characters of link text / characters of visible text"),
    ("log_links", "log(1 + links: markdown links, bare URLs, lynx [n] references)"),
    ("has_image", "the line holds a markdown image"),
    ("log_indent", "log(1 + leading spaces): nesting of list-shaped menus"),
    ("is_list", "starts with a list marker (*, -, +, •, 1.)"),
    ("is_heading", "a markdown heading (#)"),
    ("is_title_heading", "the first heading of the page's highest level (the page's # or <h1>): most often its title"),
    ("is_quote", "a markdown quote (>)"),
    ("is_table", "a markdown table row (|...|)"),
    ("stopword_density", "function words / words: high in running text (jusText)"),
    ("log_chrome_words", "log(1 + words and phrases of the curated chrome list)"),
    ("chrome_word_density", "chrome-list hits / words"),
    ("title_case_ratio", "words starting with a capital / words: menus are Title Case"),
    ("digit_ratio", "digits / characters"),
    ("punctuation_ratio", "ASCII punctuation / characters"),
    ("ends_sentence", "ends in . ! ? … or a closing quote"),
    ("ends_colon", "ends in ':' (a label or lead-in)"),
    ("log_separators", "log(1 + ' | ', ' · ', ' » ', ' / ' separators): joined menus, breadcrumbs"),
    ("has_year", "holds a year 1900-2099 (datelines, copyright)"),
    ("has_time", "holds a clock time (timestamps)"),
    ("photo_credit", "holds a photo credit or caption label ('AP Photo/', 'Photo:', 'Getty Images')"),
    ("duplicated", "another line of the page starts with the same words (case and punctuation aside)"),
    ("position_from_top", "line index / lines (blank lines not counted)"),
    ("position_from_bottom", "1 - position_from_top"),
    ("text_before", "share of the page's characters that come before this line"),
    ("blank_before", "a blank line (block break) comes right before"),
    ("blank_after", "a blank line comes right after"),
    ("is_first", "the first classified line of the page"),
    ("is_last", "the last classified line of the page"),
]

_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def parse_html_line(line):
    """An HtmlLine as the shape features see a line: the markup is read off its tags."""
    tags = set(line.tags)
    heading = min((_HEADING_TAGS[t] for t in tags & _HEADING_TAGS.keys()), default=0)
    return ParsedLine(line.text, line.link_chars, int(line.link_chars > 0), 0, 0, "li" in tags,
                      heading, "blockquote" in tags, bool(tags & {"td", "th"}))


def markup_cues(line):
    """(text, salt) of the markup cues of an HtmlLine: the tags on its path, the class/id words along it."""
    return [(tag, TAG_SALT) for tag in line.tags] + [(word, CLASS_SALT) for word in line.classes]


def split_words(lowered):
    """The words of a lower-cased text, as the features count them (see _WORD above)."""
    if lowered.isascii() or not _CJK.search(lowered):
        return _WORD.findall(lowered)
    return _CJK_OR_WORD.findall(lowered)


def is_cjk_character(text):
    """Whether ``text`` is one character that split_words counts as a word of its own."""
    return len(text) == 1 and _CJK.match(text) is not None


def line_stats(line, names=False):
    """What a line's features need from its own text, independent of the page around it.
    With ``names``, also the texts its cues hash: (head words, extra cues as (text, salt),
    the whole line or None), for explanations."""
    is_dump_line = isinstance(line, str)
    parsed = parse_line(line) if is_dump_line else parse_html_line(line)
    text = parsed.text
    lowered = text.lower()
    words = split_words(lowered)
    n_chars = len(text)
    encoded = text.encode("utf-8", "surrogatepass")
    head = words[:KEYWORD_WORDS]
    chrome = sum(map(CHROME_WORDS.__contains__, head)) + text.count("©")
    chrome += sum(1 for a, b in zip(head, head[1:]) if a + " " + b in CHROME_WORDS)
    digits = len(encoded) - len(encoded.translate(None, _DIGITS))
    # The cheap `in` tests skip a regex that cannot match: most lines have no digits, no
    # separator and no photo word, and these regexes are most of a line's cost.
    counts = (
        n_chars, len(words), parsed.link_chars, parsed.links, parsed.images, parsed.indent,
        parsed.is_list, parsed.heading, parsed.is_quote, parsed.is_table,
        sum(map(STOPWORDS.__contains__, words)),
        chrome,
        len(_CAPITALISED.findall(text)),
        digits,
        len(encoded) - len(encoded.translate(None, _ASCII_PUNCT)),
        text.endswith(_SENTENCE_END),
        text.endswith(":"),
        len(_SEPARATORS.findall(text)) if n_chars < 2000 and _SEPARATOR_CHARS.search(text) else 0,
        digits >= 4 and _YEAR.search(text) is not None,
        digits >= 3 and ":" in text and _TIME.search(text) is not None,
        any(word in lowered for word in _PHOTO_WORDS) and _PHOTO_CREDIT.search(text) is not None,
    )
    whole_text = " ".join(words) if len(words) <= WHOLE_LINE_WORDS else None
    whole = crc(whole_text) if whole_text is not None else None
    tail = words[-TAIL_WORDS:] if len(words) > KEYWORD_WORDS else []
    extra = [i ^ TAIL_SALT for i in word_ids(tail)]
    markup = [] if is_dump_line else markup_cues(line)
    extra += [crc(text) ^ salt for text, salt in markup]
    stats = counts, word_ids(head), extra, whole, " ".join(words[:DUPLICATE_KEY_WORDS])
    if names:
        return stats, (head, [(word, TAIL_SALT) for word in tail] + markup, whole_text)
    return stats


# The fields of a line's statistics (line_stats' first element), in order.
STAT_FIELDS = ("chars", "words", "link_chars", "links", "images", "indent", "is_list", "heading_level",
               "is_quote", "is_table", "stop", "chrome", "title", "digits", "punct", "ends_sentence",
               "ends_colon", "separators", "has_year", "has_time", "photo_credit")


def own_features(stats, duplicated, line_index, page_sizes, offsets):
    """OWN_FEATURES of every row, by name: ``stats`` maps STAT_FIELDS to row arrays."""
    s = stats
    chars, words = s["chars"], s["words"]
    n = len(chars)
    sizes = np.diff(offsets)
    page_of_row, start, end = page_bounds(offsets)
    position = (np.arange(n) - start) / np.maximum(end - start - 1, 1)
    cumulative = np.cumsum(chars)
    before = cumulative - chars - np.concatenate([[0.0], cumulative])[start]
    page_chars = np.concatenate([[0.0], cumulative])[end] - np.concatenate([[0.0], cumulative])[start]
    safe_words = np.maximum(words, 1)
    safe_chars = np.maximum(chars, 1)
    index = line_index
    first_row = np.arange(n) == start
    last_row = np.arange(n) == end - 1
    # Rows are the non-blank lines, so a gap in line numbers is a blank line.
    gap_before = np.concatenate([[0], np.diff(index)]) > 1
    gap_after = np.concatenate([np.diff(index), [0]]) > 1
    blank_before = np.where(first_row, index > 0, gap_before).astype(np.float64)
    page_length = np.asarray(page_sizes, dtype=np.int64)[page_of_row]
    blank_after = np.where(last_row, index < page_length - 1, gap_after).astype(np.float64)
    return {
        "log_chars": np.log1p(chars),
        "log_words": np.log1p(words),
        "no_words": (words == 0).astype(np.float64),
        "mean_word_length": np.minimum(chars / safe_words, 20),
        "link_density": s["link_chars"] / safe_chars,
        "log_links": np.log1p(s["links"]),
        "has_image": (s["images"] > 0).astype(np.float64),
        "log_indent": np.log1p(s["indent"]),
        "is_list": s["is_list"],
        "is_heading": (s["heading_level"] > 0).astype(np.float64),
        "is_title_heading": title_heading(s["heading_level"], page_of_row, len(sizes)),
        "is_quote": s["is_quote"],
        "is_table": s["is_table"],
        "stopword_density": s["stop"] / safe_words,
        "log_chrome_words": np.log1p(s["chrome"]),
        "chrome_word_density": np.minimum(s["chrome"] / safe_words, 1),
        "title_case_ratio": s["title"] / safe_words,
        "digit_ratio": s["digits"] / safe_chars,
        "punctuation_ratio": np.minimum(s["punct"] / safe_chars, 1),
        "ends_sentence": s["ends_sentence"],
        "ends_colon": s["ends_colon"],
        "log_separators": np.log1p(s["separators"]),
        "has_year": s["has_year"],
        "has_time": s["has_time"],
        "photo_credit": s["photo_credit"],
        "duplicated": np.asarray(duplicated, dtype=np.float64),
        "position_from_top": position,
        "position_from_bottom": 1 - position,
        "text_before": before / np.maximum(page_chars, 1),
        "blank_before": blank_before,
        "blank_after": blank_after,
        "is_first": first_row.astype(np.float64),
        "is_last": last_row.astype(np.float64),
    }


class Ragged(NamedTuple):
    """A list of int64 lists, flat: ``values`` holds them one after another."""

    values: np.ndarray
    lengths: np.ndarray

    def take(self, rows):
        """The lists at ``rows``, in that order."""
        lengths = self.lengths[rows]
        starts = np.cumsum(self.lengths) - self.lengths
        flat = np.repeat(starts[rows] - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
        return Ragged(self.values[flat], lengths)


def ragged(lists):
    return Ragged(np.fromiter((v for values in lists for v in values), np.int64),
                  np.fromiter(map(len, lists), np.int64, len(lists)))


class LineTable(NamedTuple):
    """line_stats of many lines, as arrays: entry i is line i's."""

    counts: np.ndarray   # (lines, len(STAT_FIELDS)) float64
    head: Ragged         # the ids of its first words
    extra: Ragged        # its other cue ids (tail words, markup), salted
    whole: np.ndarray    # int64: the id of the line whole; -1 where it is too long to be hashed whole
    key: np.ndarray      # int64: its duplicate key (the words that tell duplicates apart), hashed
    fingerprint: np.ndarray   # int64: its site fingerprint (site.fingerprint_hashes)

    def take(self, rows):
        return LineTable(self.counts[rows], self.head.take(rows), self.extra.take(rows), self.whole[rows],
                         self.key[rows], self.fingerprint[rows])


def key_hashes(keys):
    """LineTable's ``key`` and ``fingerprint`` of the duplicate keys ``keys`` (a list).
    Python's str hash: equal within a process, which is all the counting of duplicates
    and of a site's lines needs (a table is never kept beyond the process)."""
    return np.fromiter(map(hash, keys), np.int64, len(keys)), fingerprint_hashes(keys)


def stats_table(stats):
    """A LineTable of line_stats results (one per line)."""
    counts, head, extra, whole, keys = zip(*stats) if stats else ((),) * 5
    return LineTable(np.array(counts, dtype=np.float64).reshape(len(stats), len(STAT_FIELDS)), ragged(head),
                     ragged(extra), np.array([-1 if w is None else w for w in whole], dtype=np.int64),
                     *key_hashes(list(keys)))


def concat_tables(tables):
    return LineTable(np.concatenate([t.counts for t in tables]),
                     *(Ragged(np.concatenate([getattr(t, part).values for t in tables]),
                              np.concatenate([getattr(t, part).lengths for t in tables])) for part in ("head", "extra")),
                     *(np.concatenate([getattr(t, part) for t in tables]) for part in ("whole", "key", "fingerprint")))


_WORD_CHARACTER = CharClass(_WORD.pattern.removesuffix("+"))
# ASCII text: every character that is not a word character made a space, so str.split
# gives the words (str.translate copies ASCII to ASCII through a table, in C).
_ASCII_NON_WORD = {code: " " for code in range(128) if not _WORD_CHARACTER.pattern.match(chr(code))}
# _CAPITALISED is a \b then a character class: counted with numpy as the class's
# characters whose previous character is no \w character (the separator is none).
assert _CAPITALISED.pattern.startswith(r"\b[") and _CAPITALISED.pattern.endswith("]")
_CAPITAL_LETTER = CharClass(_CAPITALISED.pattern.removeprefix(r"\b"))
_REGEX_WORD_CHARACTER = CharClass(r"\w")   # what \b looks at
_CJK_CHARACTER = CharClass(_CJK.pattern)
_SEPARATORS_IN_LINES = within_lines(_SEPARATORS)
_YEAR_IN_LINES = within_lines(_YEAR)
_TIME_IN_LINES = within_lines(_TIME)
_PHOTO_CREDIT_IN_LINES = within_lines(_PHOTO_CREDIT)
# The UTF-8 bytes of the separator characters (as a superset: a line holding none of them holds no separator).
_SEPARATOR_BYTES = bytes(sorted({byte for char in _SEPARATOR_CHARS.pattern[1:-1] for byte in char.encode()}))
_HTML_MARKUP = {}   # (tags, classes) -> (the parsed fields the tags give, the markup cue ids)


def _html_parsed(lines):
    """parse_html_line's text and fields, and markup cue ids, of HtmlLines (memoised by their
    markup: a page's lines share a few paths, so each distinct one is looked up once)."""
    fields = np.zeros((len(lines), len(ParsedLine._fields) - 1))
    fields[:, 0] = np.fromiter(map(attrgetter("link_chars"), lines), np.float64, len(lines))
    fields[:, 1] = fields[:, 0] > 0
    paths = list(zip(map(attrgetter("tags"), lines), map(attrgetter("classes"), lines)))
    distinct = dict(zip(dict.fromkeys(paths), count()))
    if len(_HTML_MARKUP) + len(distinct) > 100_000:
        _HTML_MARKUP.clear()
    known = []
    for tags, classes in distinct:
        if (tags, classes) not in _HTML_MARKUP:
            bare = HtmlLine("", 0, tags, classes)
            _HTML_MARKUP[tags, classes] = (parse_html_line(bare)[3:], [crc(text) ^ salt for text, salt in markup_cues(bare)])
        known.append(_HTML_MARKUP[tags, classes])
    if known:
        rows = np.fromiter(map(distinct.__getitem__, paths), np.int64, len(paths))
        fields[:, 2:] = np.array([parsed for parsed, _ in known], dtype=np.float64)[rows]
        markup = list(map([ids for _, ids in known].__getitem__, rows.tolist()))
    else:
        markup = []
    return list(map(attrgetter("text"), lines)), fields, markup


def _words(lowered, lines):
    """split_words of each of ``lines`` lines of ``lowered`` (lower-cased lines joined by
    SEPARATOR), one after another in one list, and how many each line has."""
    codes = code_points(lowered)
    word = _WORD_CHARACTER(codes)
    cjk = _CJK_CHARACTER(codes) if codes.max(initial=0) >= 0x3040 else None
    if cjk is not None and cjk.any():   # lines with CJK characters are split by split_words' other pattern
        spaced = np.where(word | (codes == 0), codes, 32).astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
        lists = list(map(str.split, spaced.split(SEPARATOR)))
        line = np.cumsum(codes == 0)
        texts = lowered.split(SEPARATOR)
        for at in np.unique(line[cjk]).tolist():
            lists[at] = split_words(texts[at])
        return list(chain.from_iterable(lists)), np.fromiter(map(len, lists), np.int64, lines)
    # Every character that is not a word character made a space (the separator too), so
    # one str.split gives the words; a line's words are the word characters that follow
    # no word character, counted with numpy.
    if lowered.isascii():
        spaced = lowered.translate(_ASCII_NON_WORD)
    else:
        spaced = np.where(word, codes, 32).astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    starts = word.copy()
    starts[1:] &= ~word[:-1]
    return spaced.split(), np.bincount(np.cumsum(codes == 0)[starts], minlength=lines)


def _capitalised_counts(joined, lines):
    """_CAPITALISED.findall's count in each of ``lines`` lines joined by SEPARATOR."""
    codes = code_points(joined)
    starts = _CAPITAL_LETTER(codes)
    starts[1:] &= ~_REGEX_WORD_CHARACTER(codes[:-1])
    return np.bincount(np.cumsum(codes == ord(SEPARATOR))[starts], minlength=lines)


def _matches(pattern, texts, candidates):
    """Matches of ``pattern`` (within_lines) in each of ``texts``; only the ``candidates`` (a mask) are searched."""
    found = np.zeros(len(texts), dtype=np.int64)
    chosen = np.flatnonzero(candidates)
    if len(chosen):
        found[chosen] = count_per_line(pattern, SEPARATOR.join(map(texts.__getitem__, chosen.tolist())), len(chosen))
    return found


def _containing(joined, needles):
    """Which of the lines ``joined`` (by SEPARATOR) contain one of the strings ``needles``."""
    ends = None
    found = set()
    for needle in needles:
        at = joined.find(needle)
        while at >= 0:
            if ends is None:
                ends = np.flatnonzero(code_points(joined) == 0)
            line = int(np.searchsorted(ends, at))
            found.add(line)
            at = joined.find(needle, int(ends[line]) + 1) if line < len(ends) else -1
    mask = np.zeros(joined.count(SEPARATOR) + 1, dtype=bool)
    mask[list(found)] = True
    return mask


def _flags(values, texts):
    return np.fromiter(values, bool, len(texts))


def text_stats(lines):
    """line_stats of each of ``lines`` (distinct, non-blank), as a LineTable: see the module docstring."""
    n = len(lines)
    if not n:
        return stats_table([])
    is_dump = np.fromiter(map(isinstance, lines, repeat(str)), bool, n)
    raws = [line if dump else line.text for line, dump in zip(lines, is_dump.tolist())]
    if RESERVED.search("".join(raws)):   # lines holding the batch readers' separators are read one at a time
        odd = np.fromiter(map(bool, map(RESERVED.search, raws)), bool, n)
        plain, odd_rows = np.flatnonzero(~odd), np.flatnonzero(odd)
        table = concat_tables([text_stats([lines[at] for at in plain.tolist()]),
                               stats_table([line_stats(lines[at]) for at in odd_rows.tolist()])])
        return table.take(np.argsort(np.concatenate([plain, odd_rows]), kind="stable"))
    texts, fields, markup = [None] * n, np.zeros((n, len(ParsedLine._fields) - 1)), [[]] * n
    for dump, parse in ((True, parse_lines), (False, _html_parsed)):
        chosen = np.flatnonzero(is_dump == dump)
        if len(chosen) == n:
            texts, fields, *rest = parse(lines)
            markup = rest[0] if rest else markup
        elif len(chosen):
            group_texts, fields[chosen], *rest = parse([lines[at] for at in chosen.tolist()])
            for k, at in enumerate(chosen.tolist()):
                texts[at] = group_texts[k]
                if rest:
                    markup[at] = rest[0][k]

    chars = np.fromiter(map(len, texts), np.int64, n)
    joined = SEPARATOR.join(texts)
    encoded = joined.encode("utf-8", "surrogatepass")
    digits = byte_counts(encoded, _DIGITS)
    lowered = joined.lower()
    words, n_words = _words(lowered, n)
    word_line = np.repeat(np.arange(n), n_words)
    word_start = np.cumsum(n_words) - n_words
    position = np.arange(len(words)) - word_start[word_line]
    # Each word looked up once; what a feature asks of it is a gather over its row (taken
    # here, at once: the index may be emptied by its next call).
    rows = WORDS.rows(words)
    ids, is_stop, is_chrome, is_pair_first = WORDS.ids[rows], WORDS.stop[rows], WORDS.chrome[rows], WORDS.pair_first[rows]
    stop = np.bincount(word_line, weights=is_stop, minlength=n)
    head_at = np.flatnonzero(position < KEYWORD_WORDS)
    head_line = word_line[head_at]
    chrome = (np.bincount(head_line, weights=is_chrome[head_at], minlength=n)
              + np.fromiter(map(str.count, texts, repeat("©")), np.int64, n))
    pair_first = is_pair_first[head_at]
    pair_first[:-1] &= head_line[1:] == head_line[:-1]
    pair_first[-1:] = False
    for at in head_at[pair_first].tolist():
        if words[at] + " " + words[at + 1] in CHROME_WORDS:
            chrome[word_line[at]] += 1

    key_ends = word_start + np.minimum(n_words, DUPLICATE_KEY_WORDS)
    keys = list(map(" ".join, map(words.__getitem__, map(slice, word_start.tolist(), key_ends.tolist()))))
    whole = np.full(n, -1, dtype=np.int64)
    short = np.flatnonzero(n_words <= WHOLE_LINE_WORDS)
    assert WHOLE_LINE_WORDS <= DUPLICATE_KEY_WORDS   # a short line's key is the line whole
    whole[short] = word_ids(list(map(keys.__getitem__, short.tolist())))
    words_of_line = n_words[word_line]
    tail_ids = ids[(words_of_line > KEYWORD_WORDS) & (position >= words_of_line - TAIL_WORDS)] ^ TAIL_SALT
    tail_lengths = np.where(n_words > KEYWORD_WORDS, TAIL_WORDS, 0)
    if any(markup):
        markup_lengths = np.fromiter(map(len, markup), np.int64, n)
        values = np.concatenate([tail_ids, np.fromiter(chain.from_iterable(markup), np.int64)])
        line_of = np.concatenate([np.repeat(np.arange(n), tail_lengths), np.repeat(np.arange(n), markup_lengths)])
        extra = Ragged(values[np.argsort(line_of, kind="stable")], tail_lengths + markup_lengths)
    else:
        extra = Ragged(tail_ids, tail_lengths)

    counts = np.column_stack([
        chars, n_words, fields, stop, chrome, _capitalised_counts(joined, n), digits,
        byte_counts(encoded, _ASCII_PUNCT),
        _flags(map(str.endswith, texts, repeat(_SENTENCE_END)), texts), _flags(map(str.endswith, texts, repeat(":")), texts),
        _matches(_SEPARATORS_IN_LINES, texts, (byte_counts(encoded, _SEPARATOR_BYTES) > 0) & (chars < 2000)),
        _matches(_YEAR_IN_LINES, texts, digits >= 4) > 0,
        _matches(_TIME_IN_LINES, texts, (digits >= 3) & byte_counts(encoded, b":").astype(bool)) > 0,
        _matches(_PHOTO_CREDIT_IN_LINES, texts, _containing(lowered, _PHOTO_WORDS)) > 0,
    ]).astype(np.float64)
    return LineTable(counts, Ragged(ids[head_at], np.minimum(n_words, KEYWORD_WORDS)), extra, whole, *key_hashes(keys))
