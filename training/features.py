"""Features stage: a page's lines -> one row of numbers per classified line.

Every non-blank line gets
- *shape* features (DENSE_FEATURES below, each named and explained), computed for the
  whole page at once, including the same shallow features of its neighbours and of a
  window around it: boilerpipe and jusText both found the neighbours carry much of the
  signal (a short line inside running text is content, a long one inside a menu is not);
- *keyword cues*: hashed ids of its first words, their pairs, its last words and, for a
  short line, the whole line ("see all", "share this article"), which the model learns
  weights for.

A line is a string (a line of a dump) or an ``HtmlLine`` (a block of an HTML page, from
``linesift.html``). For HTML lines the markup is known rather than guessed: link density
is exact, list/heading/quote/table come from the tags, and the tags and class/id words
on the line's path (``nav``, ``sidebar``, ``share``, ``comment``...) are hashed as cues
too. A dump line simply has none of those cues, so one model serves both.

Blank and whitespace-only lines are not classified; they only tell their neighbours
that a block ended (``blank_before`` / ``blank_after``).

Bump FEATURE_SET_VERSION whenever a feature changes meaning: models of another version
are refused, since their weights would be read against the wrong columns.
"""

import re
import zlib
from collections import Counter
from importlib import resources
from typing import NamedTuple

import numpy as np

from linesift.lines import ParsedLine, parse_line

FEATURE_SET_VERSION = 4

HASH_BITS = 18            # 262,144 keyword buckets; collisions are rare at this size
# The caches of line statistics and word hashes are emptied when they pass these sizes: a
# site's menus repeat within a few pages, and a line's entry costs about 1 KB, so a larger
# cache buys little speed for much memory in every worker process.
LINE_CACHE_LINES = 50_000
WORD_CACHE_WORDS = 500_000
KEYWORD_WORDS = 8         # only the first words are hashed: chrome lines are short, and a
                          # long line is told by its shape, so the cost stays bounded
WHOLE_LINE_WORDS = 4      # lines this short are also hashed whole ("see all")
TAIL_WORDS = 3            # a long line's last words are hashed too: "(AP Photo/...)", "1 comment"
DUPLICATE_KEY_WORDS = 8   # lines whose first words agree count as the same text (captions
                          # repeated with other dashes, a headline cut short with "…")
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
WINDOWS = (3, 10, 25)     # lines each side averaged in the window features

_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TIME = re.compile(r"\b\d{1,2}:\d\d\b")
_CAPITALISED = re.compile(r"\b[^\W\d_a-zß-ÿ]")  # a word's first letter, when it is not lower case
# A photo credit or caption label: "(AP Photo/Jane Doe)", "Photo: ...", "Getty Images".
_PHOTO_CREDIT = re.compile(r"\b(?:photo|photograph|image|picture|foto)s?\s*(?:/|:|by\b|credit)|getty images|\bcredit:", re.I)
_PHOTO_WORDS = ("phot", "imag", "pictur", "foto", "getty", "credit")
_SENTENCE_END = tuple('.!?"\'”’»…')
_SEPARATORS = re.compile(r"\s[|·•»›/-]\s")
_SEPARATOR_CHARS = re.compile(r"[|·•»›/-]")
_ASCII_PUNCT = bytes(range(33, 48)) + bytes(range(58, 65)) + bytes(range(91, 97)) + bytes(range(123, 127))
_DIGITS = b"0123456789"


def _word_list(name):
    text = resources.files("linesift").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


STOPWORDS = _word_list("stopwords.txt")
CHROME_WORDS = _word_list("chrome_words.txt")

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
NEIGHBOUR_FEATURES = ["log_words", "link_density", "ends_sentence", "stopword_density",
                      "is_list", "is_heading", "chrome_word_density", "blank_before"]
WINDOW_FEATURES = ["log_words", "link_density", "ends_sentence", "stopword_density"]
# Where a line stands relative to the page's running text (prose = log(1 + words) x
# stopword density): an article is one stretch of prose with chrome around it, and a
# line with prose on both sides of it is most likely inside that stretch.
PROSE_LINE_WORDS = 12     # a line this long that ends a sentence is "a line of prose"
PROSE_DISTANCE_CAP = 30   # distances in lines are capped here; the cap also means "none"
REGION_FEATURES = [
    ("lines_to_next_prose", "log(1 + lines until the next line of prose), capped: a headline is just above the text"),
    ("lines_since_prose", "log(1 + lines since the previous line of prose), capped: a footer is long after it"),
    ("prose_before", "share of the page's prose that comes before this line"),
    ("prose_after", "share of the page's prose that comes after this line"),
    ("prose_around", "2 x min(prose_before, prose_after): high inside the main text"),
    ("from_peak", "(line - the page's most prose-like line) / lines: signed distance"),
    ("from_peak_abs", "|from_peak|"),
]
PAGE_FEATURES = [
    ("page_log_lines", "log(1 + classified lines of the page)"),
    ("page_linked_lines", "share of the page's lines holding a link: tells a markdown dump from a plain one"),
    ("page_link_density", "mean link density of the page's lines"),
]


def dense_feature_names():
    names = [name for name, _ in OWN_FEATURES]
    for offset in NEIGHBOUR_OFFSETS:
        names += [f"{'prev' if offset < 0 else 'next'}{abs(offset)}_{name}" for name in NEIGHBOUR_FEATURES]
    names += [f"window{width}_{name}" for width in WINDOWS for name in WINDOW_FEATURES]
    names += [name for name, _ in REGION_FEATURES]
    names += [name for name, _ in PAGE_FEATURES]
    return names


class Features(NamedTuple):
    """Features of the classified lines of a batch of pages, stacked page after page."""

    page_offsets: np.ndarray  # rows of page p are page_offsets[p]:page_offsets[p + 1]
    line_index: np.ndarray    # for each row: the index of its line in its page
    dense: np.ndarray         # (rows, len(dense_feature_names())) float64
    hash_row: np.ndarray      # for each keyword cue: its row
    hash_bucket: np.ndarray   # for each keyword cue: its bucket in [0, 2**hash_bits)
    hash_name: np.ndarray = None  # for each keyword cue, with extract(cue_names=True): what it is, in words


def _crc(text):
    # crc32 is stable across processes (str hash() is salted).
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _word_ids(words, cache={}):
    # A dict lookup per word; the cache is shared by every page of the process.
    ids = []
    for word in words:
        value = cache.get(word)
        if value is None:
            if len(cache) > WORD_CACHE_WORDS:
                cache.clear()
            value = cache[word] = _crc(word)
        ids.append(value)
    return ids


# Salts that keep the hashed namespaces apart (the same word as a tail word, a tag or a
# class word is a different cue).
TAIL_SALT, TAG_SALT, CLASS_SALT = 0x7F4A7C15, 0x1B873593, 0x68E31DA4
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def _parse_html_line(line):
    """An HtmlLine as the shape features see a line: the markup is read off its tags."""
    tags = set(line.tags)
    heading = min((_HEADING_TAGS[t] for t in tags & _HEADING_TAGS.keys()), default=0)
    return ParsedLine(line.text, line.link_chars, int(line.link_chars > 0), 0, 0, "li" in tags,
                      heading, "blockquote" in tags, bool(tags & {"td", "th"}))


# What each salted cue is, for explanations (``extract(..., cue_names=True)``).
CUE_KINDS = {TAIL_SALT: "last word '{}'", TAG_SALT: "HTML tag <{}>", CLASS_SALT: "class/id word '{}'"}


def _markup_cues(line):
    """(text, salt) of the markup cues of an HtmlLine: the tags on its path, the class/id words along it."""
    return [(tag, TAG_SALT) for tag in line.tags] + [(word, CLASS_SALT) for word in line.classes]


def _line_stats(line, names=False):
    """What a line's features need from its own text, independent of the page around it.
    With ``names``, also the texts its cues hash: (head words, extra cues as (text, salt),
    the whole line or None), for explanations."""
    is_dump_line = isinstance(line, str)
    parsed = parse_line(line) if is_dump_line else _parse_html_line(line)
    text = parsed.text
    lowered = text.lower()
    words = _WORD.findall(lowered)
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
    whole = _crc(whole_text) if whole_text is not None else None
    tail = words[-TAIL_WORDS:] if len(words) > KEYWORD_WORDS else []
    extra = [i ^ TAIL_SALT for i in _word_ids(tail)]
    markup = [] if is_dump_line else _markup_cues(line)
    extra += [_crc(text) ^ salt for text, salt in markup]
    stats = counts, _word_ids(head), extra, whole, " ".join(words[:DUPLICATE_KEY_WORDS])
    if names:
        return stats, (head, [(word, TAIL_SALT) for word in tail] + markup, whole_text)
    return stats


def keyword_buckets(hash_row, word_ids, extra_row, extra_ids, whole_row, whole_ids, hash_bits, names=None):
    """Hashed keyword cues: each head word, each pair of adjacent head words, the extra
    cues (tail words, HTML tags and class words, already salted) and each short line
    whole. Returns (row, bucket) arrays; pairs are mixed from the word ids with numpy
    rather than hashed as strings, which keeps the per-line Python small.
    ``names`` (head words, extra cue names, whole lines; parallel to the ids) adds a
    third array: what each cue is, in words."""
    size = 1 << hash_bits
    rows = np.asarray(hash_row, dtype=np.int64)
    ids = np.array(word_ids, dtype=np.int64)
    pair = rows[1:] == rows[:-1]
    pair_ids = (ids[:-1][pair] * 0x01000193) ^ (ids[1:][pair] + 0x9E3779B9)
    buckets = np.concatenate([ids % size, pair_ids % size,
                              np.array(extra_ids, dtype=np.int64) % size,
                              (np.array(whole_ids, dtype=np.int64) ^ 0x5BD1E995) % size])
    rows = np.concatenate([rows, rows[1:][pair], np.asarray(extra_row, dtype=np.int64),
                           np.array(whole_row, dtype=np.int64)])
    if names is None:
        return rows, buckets
    head, extra, whole = names
    first, second = np.array(head[:-1], dtype=object)[pair], np.array(head[1:], dtype=object)[pair]
    described = ([f"word '{word}'" for word in head] + [f"words '{a} {b}'" for a, b in zip(first, second)]
                 + list(extra) + [f"whole line '{text}'" if text else "whole line: no words" for text in whole])
    return rows, buckets, np.array(described, dtype=object)


def extract(pages, hash_bits=HASH_BITS, cache=None, cue_names=False) -> Features:
    """Features of every non-blank line of each page in ``pages`` (lists of lines).

    Each distinct line's own statistics are computed once in Python (``cache``, a dict,
    keeps them across calls: a crawl repeats its chrome lines on every page of a site);
    everything that depends on the page around a line is numpy over the whole batch.
    ``cue_names`` also fills ``Features.hash_name``: what each hashed cue is, in words
    (slower: for explaining a line, not for batches).
    """
    if cache is None:
        cache = {}
    head_names, extra_names, whole_names = [], [], []
    # Each distinct line of the batch is one row of ``unique_counts``; a page row points at it.
    batch_unique, unique_counts, row_unique = {}, [], []
    line_index, page_sizes, head_lengths = [], [], []
    word_ids, extra_lengths, extra_ids, whole_row, whole_ids, duplicated = [], [], [], [], [], []
    page_offsets = [0]
    row = 0
    for lines in pages:
        keys = []
        for index, line in enumerate(lines):
            text = line if isinstance(line, str) else line.text
            if not text or text.isspace():
                continue
            stats = cache.get(line)
            if cue_names:
                stats, (head, extra_cues, whole_text) = _line_stats(line, names=True)
                head_names += head
                extra_names += [CUE_KINDS[salt].format(text) for text, salt in extra_cues]
                whole_names += [] if whole_text is None else [whole_text]
            elif stats is None:
                if len(cache) > LINE_CACHE_LINES:
                    cache.clear()
                stats = cache[line] = _line_stats(line)
            counts, ids, extra, whole, key = stats
            unique = batch_unique.get(line)
            if unique is None:
                unique = batch_unique[line] = len(unique_counts)
                unique_counts.append(counts)
            row_unique.append(unique)
            line_index.append(index)
            keys.append(key)
            head_lengths.append(len(ids))
            word_ids += ids
            extra_lengths.append(len(extra))
            extra_ids += extra
            if whole is not None:
                whole_row.append(row)
                whole_ids.append(whole)
            row += 1
        if len(set(keys)) < len(keys):
            seen = Counter(keys)
            duplicated += [seen[k] > 1 and k != "" for k in keys]
        else:
            duplicated += [False] * len(keys)
        page_offsets.append(row)
        page_sizes.append(len(lines))
    hash_row = np.repeat(np.arange(row), head_lengths)
    extra_row = np.repeat(np.arange(row), extra_lengths)
    hash_row, hash_bucket, *hash_name = keyword_buckets(
        hash_row, word_ids, extra_row, extra_ids, whole_row, whole_ids, hash_bits,
        (head_names, extra_names, whole_names) if cue_names else None)
    hash_name = hash_name[0] if cue_names else None

    names = dense_feature_names()
    offsets = np.array(page_offsets, dtype=np.int64)
    n = row
    if n == 0:
        return Features(offsets, np.zeros(0, np.int64), np.zeros((0, len(names))), hash_row, hash_bucket, hash_name)

    r = np.array(unique_counts, dtype=np.float64)[row_unique]
    (chars, words, link_chars, links, images, indent, is_list, heading_level, is_quote, is_table,
     stop, chrome, title, digits, punct, ends_sentence, ends_colon, separators, has_year,
     has_time, photo_credit) = r.T
    sizes = np.diff(offsets)
    page_of_row, start, end = page_bounds(offsets)
    position = (np.arange(n) - start) / np.maximum(end - start - 1, 1)
    cumulative = np.cumsum(chars)
    before = cumulative - chars - np.concatenate([[0.0], cumulative])[start]
    page_chars = np.concatenate([[0.0], cumulative])[end] - np.concatenate([[0.0], cumulative])[start]
    safe_words = np.maximum(words, 1)
    safe_chars = np.maximum(chars, 1)
    index = np.array(line_index, dtype=np.int64)
    first_row = np.arange(n) == start
    last_row = np.arange(n) == end - 1
    # Rows are the non-blank lines, so a gap in line numbers is a blank line.
    gap_before = np.concatenate([[0], np.diff(index)]) > 1
    gap_after = np.concatenate([np.diff(index), [0]]) > 1
    blank_before = np.where(first_row, index > 0, gap_before).astype(np.float64)
    page_length = np.array(page_sizes, dtype=np.int64)[page_of_row]
    blank_after = np.where(last_row, index < page_length - 1, gap_after).astype(np.float64)
    own = {
        "log_chars": np.log1p(chars),
        "log_words": np.log1p(words),
        "no_words": (words == 0).astype(np.float64),
        "mean_word_length": np.minimum(chars / safe_words, 20),
        "link_density": link_chars / safe_chars,
        "log_links": np.log1p(links),
        "has_image": (images > 0).astype(np.float64),
        "log_indent": np.log1p(indent),
        "is_list": is_list,
        "is_heading": (heading_level > 0).astype(np.float64),
        "is_title_heading": _title_heading(heading_level, page_of_row, len(sizes)),
        "is_quote": is_quote,
        "is_table": is_table,
        "stopword_density": stop / safe_words,
        "log_chrome_words": np.log1p(chrome),
        "chrome_word_density": np.minimum(chrome / safe_words, 1),
        "title_case_ratio": title / safe_words,
        "digit_ratio": digits / safe_chars,
        "punctuation_ratio": np.minimum(punct / safe_chars, 1),
        "ends_sentence": ends_sentence,
        "ends_colon": ends_colon,
        "log_separators": np.log1p(separators),
        "has_year": has_year,
        "has_time": has_time,
        "photo_credit": photo_credit,
        "duplicated": np.array(duplicated, dtype=np.float64),
        "position_from_top": position,
        "position_from_bottom": 1 - position,
        "text_before": before / np.maximum(page_chars, 1),
        "blank_before": blank_before,
        "blank_after": blank_after,
        "is_first": first_row.astype(np.float64),
        "is_last": last_row.astype(np.float64),
    }
    columns = [own[name] for name, _ in OWN_FEATURES]
    for offset in NEIGHBOUR_OFFSETS:
        source = np.arange(n) + offset
        inside = (source >= start) & (source < end)
        for name in NEIGHBOUR_FEATURES:
            columns.append(shift(own[name], offset, start, end, source=source, inside=inside))
    for width in WINDOWS:
        for name in WINDOW_FEATURES:
            columns.append(window_mean(own[name], width, start, end))
    to_next, since = _prose_distances((words >= PROSE_LINE_WORDS) & (ends_sentence > 0), start, end)
    region = _region_features(own["log_words"] * own["stopword_density"], to_next, since, page_of_row, start, end)
    columns += region
    cross_rows, cross_ids, *cross_names = shape_crosses(own, words, region[4], to_next, since, start, end, cue_names)
    hash_row = np.concatenate([hash_row, cross_rows])
    hash_bucket = np.concatenate([hash_bucket, ((cross_ids + 0x2545F491) * 0x9E3779B1) % (1 << hash_bits)])
    if cue_names:
        hash_name = np.concatenate([hash_name, cross_names[0]])
    lines_per_page = np.maximum(sizes, 1)
    page_values = [
        np.log1p(sizes),
        np.bincount(page_of_row, weights=(links > 0), minlength=len(sizes)) / lines_per_page,
        np.bincount(page_of_row, weights=own["link_density"], minlength=len(sizes)) / lines_per_page,
    ]
    columns += [values[page_of_row] for values in page_values]
    dense = np.empty((n, len(columns)))
    for column, values in enumerate(columns):
        dense[:, column] = values
    return Features(offsets, index, dense, hash_row, hash_bucket, hash_name)


def _prose_distances(is_prose, start, end):
    """Lines from each row to the next and since the previous prose row of its page (capped)."""
    n = len(is_prose)
    index = np.arange(n)
    big = n + PROSE_DISTANCE_CAP + 1
    at_or_after = np.minimum.accumulate(np.where(is_prose, index, big)[::-1])[::-1]
    next_prose = np.concatenate([at_or_after[1:], [big]])
    to_next = np.where(next_prose < end, next_prose - index, PROSE_DISTANCE_CAP)
    at_or_before = np.maximum.accumulate(np.where(is_prose, index, -big))
    previous_prose = np.concatenate([[-big], at_or_before[:-1]])
    since = np.where(previous_prose >= start, index - previous_prose, PROSE_DISTANCE_CAP)
    return np.minimum(to_next, PROSE_DISTANCE_CAP), np.minimum(since, PROSE_DISTANCE_CAP)


def _title_heading(level, page_of_row, pages):
    """1 on the first row of each page whose heading level is the page's highest (lowest number)."""
    ranked = np.where(level > 0, level, 99)
    top = np.full(pages, 99.0)
    np.minimum.at(top, page_of_row, ranked)
    candidates = np.flatnonzero((ranked == top[page_of_row]) & (ranked < 99))
    out = np.zeros(len(level))
    if len(candidates):
        _, first = np.unique(page_of_row[candidates], return_index=True)
        out[candidates[first]] = 1.0
    return out


def _region_features(prose, to_next, since, page_of_row, start, end):
    """REGION_FEATURES, in order, from each row's prose score and its distances to prose lines."""
    n = len(prose)
    cumulative = np.concatenate([[0.0], np.cumsum(prose)])
    total = np.maximum(cumulative[end] - cumulative[start], 1e-9)
    before = (cumulative[:-1] - cumulative[start]) / total
    after = (cumulative[end] - cumulative[1:]) / total
    pages = int(page_of_row[-1]) + 1 if n else 0
    # The row of each page's largest prose score: sort by (page, prose), take each page's last.
    order = np.lexsort((prose, page_of_row))
    last_of_page = np.searchsorted(page_of_row[order], np.arange(pages), side="right") - 1
    peak = order[last_of_page][page_of_row]
    from_peak = (np.arange(n) - peak) / np.maximum(end - start, 1)
    return [np.log1p(to_next), np.log1p(since), before, after, 2 * np.minimum(before, after), from_peak, np.abs(from_peak)]


# Binned shape features and their crosses, added to the hashed cues: they let the linear
# model give a weight to a *combination* ("a short line between two long ones", "a long
# line that is all link") that no single weight on a raw value can express.
WORD_BINS = np.array([1, 2, 3, 4, 6, 10, 20, 40])      # words: 0, 1, 2, 3, 4-5, ..., 40+
DENSITY_BINS = np.array([1e-9, 0.25, 0.5, 0.75])        # link density: 0, (0, .25), ...
STOPWORD_BINS = np.array([1e-9, 0.1, 0.2, 0.3, 0.4])
FRACTION_BINS = np.linspace(0.1, 0.9, 9)                # deciles of position / prose_around
DISTANCE_BINS = np.array([2, 3, 4, 6, 10, 30])         # lines to / since prose: 1, 2, 3, 4-5, 6-9, 10-29, none


EDGE_BIN = 10   # the bin of "no line there", past the page's edge
# What each bin means, for explanations (index = bin number).
WORD_LABELS = ("0", "1", "2", "3", "4-5", "6-9", "10-19", "20-39", "40+")
DENSITY_LABELS = ("0", "under 0.25", "0.25-0.5", "0.5-0.75", "0.75+")
STOPWORD_LABELS = ("0", "under 0.1", "0.1-0.2", "0.2-0.3", "0.3-0.4", "0.4+")
FRACTION_LABELS = tuple(f"{low / 10:.1f}-{(low + 1) / 10:.1f}" for low in range(9)) + ("0.9+",)
DISTANCE_LABELS = ("1", "2", "3", "4-5", "6-9", "10-29", "none within 30")
# The parts a cross is made of: (what it is, bin labels).
CROSS_PARTS = {
    "words": ("words", WORD_LABELS),
    "links": ("link density", DENSITY_LABELS),
    "stop": ("stopword density", STOPWORD_LABELS),
    "position": ("position down the page", FRACTION_LABELS),
    "around": ("prose around", FRACTION_LABELS),
    "ends": ("", ("no sentence end", "ends a sentence")),
    "listed": ("", ("plain line", "list item", "heading", "list heading")),
    "prev_words": ("previous line words", WORD_LABELS),
    "next_words": ("next line words", WORD_LABELS),
    "prev_links": ("previous line link density", DENSITY_LABELS),
    "next_links": ("next line link density", DENSITY_LABELS),
    "to_next": ("lines to next prose", DISTANCE_LABELS),
    "since": ("lines since prose", DISTANCE_LABELS),
}
# Each cross: its parts with the radix each is mixed in with (id = id * radix + bin).
SHAPE_CROSSES = (
    (("to_next", 1), ("since", 16), ("words", 16), ("listed", 4)),
    (("words", 1), ("links", 16)), (("words", 1), ("stop", 16)), (("words", 1), ("ends", 16)),
    (("words", 1), ("position", 16)), (("stop", 1), ("links", 16)), (("around", 1), ("words", 16)),
    (("words", 1), ("ends", 16), ("listed", 16)),
    (("prev_words", 1), ("words", 16), ("next_words", 16)),
    (("prev_links", 1), ("links", 16), ("next_links", 16)),
    (("prev_words", 1), ("words", 16), ("next_words", 16), ("links", 16)),
)


def shape_crosses(own, word_counts, region_around, to_next_prose, since_prose, start, end, names=False):
    """(row, id) pairs of the binned shape crosses of each row (see the comment above);
    with ``names``, a third array: each cross in words ("shape: words 4-5 x link density 0")."""
    n = len(word_counts)
    bins = {
        "words": np.digitize(word_counts, WORD_BINS),
        "links": np.digitize(own["link_density"], DENSITY_BINS),
        "stop": np.digitize(own["stopword_density"], STOPWORD_BINS),
        "position": np.digitize(own["position_from_top"], FRACTION_BINS),
        "around": np.digitize(region_around, FRACTION_BINS),
        "ends": own["ends_sentence"].astype(np.int64),
        "listed": own["is_list"].astype(np.int64) + 2 * own["is_heading"].astype(np.int64),
        "to_next": np.digitize(to_next_prose, DISTANCE_BINS),
        "since": np.digitize(since_prose, DISTANCE_BINS),
    }
    for side, offset in (("prev", -1), ("next", 1)):
        for part in ("words", "links"):
            bins[f"{side}_{part}"] = shift(bins[part], offset, start, end, fill=EDGE_BIN).astype(np.int64)
    crosses = []
    for cross in SHAPE_CROSSES:
        mixed = 0
        for part, radix in cross:
            mixed = mixed * radix + bins[part]
        crosses.append(mixed)
    rows = np.tile(np.arange(n), len(crosses))
    ids = np.concatenate([cross * 64 + kind for kind, cross in enumerate(crosses)])
    if not names:
        return rows, ids

    def label(part, row):
        what, labels = CROSS_PARTS[part]
        value = int(bins[part][row])
        shown = "none (page edge)" if value == EDGE_BIN else labels[value]
        return f"{what} {shown}".strip()

    described = [f"shape: {' x '.join(label(part, row) for part, _ in cross)}" for cross in SHAPE_CROSSES
                 for row in range(n)]
    return rows, ids, np.array(described, dtype=object)


def page_bounds(page_offsets):
    """For each row: its page, and the first row and one past the last row of that page."""
    sizes = np.diff(page_offsets)
    page_of_row = np.repeat(np.arange(len(sizes)), sizes)
    return page_of_row, page_offsets[:-1][page_of_row], page_offsets[1:][page_of_row]


def shift(values, offset, start, end, fill=0.0, source=None, inside=None):
    """``values`` of the row ``offset`` away in the same page (``fill`` past either end)."""
    if source is None:
        source = np.arange(len(values)) + offset
        inside = (source >= start) & (source < end)
    out = np.full(len(values), fill, dtype=np.float64)
    out[inside] = values[source[inside]]
    return out


def window_mean(values, width, start, end):
    """Mean of ``values`` over the lines of the same page within ``width`` of each line."""
    padded = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(len(values))
    low = np.maximum(index - width, start)
    high = np.minimum(index + width + 1, end)
    return (padded[high] - padded[low]) / (high - low)
