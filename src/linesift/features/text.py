"""A line's own text: what it says and how it is shaped, independent of the page around it
(``text_stats``, computed once per distinct line), and the OWN_FEATURES built from that
and from where the line stands (``own_features``, numpy over a batch).

The statistics of a line's visible text are defined by compiled code
(``linesift.features._stats``: words, word lists, cue ids, characters, one line at a time
in C); the markup they stand beside comes from the lines stage (a dump line) or from the
line's tags (an ``HtmlLine``).
"""

from itertools import chain, count, repeat
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from linesift.features._stats import COUNT_FIELDS, KEYWORD_WORDS, TAIL_WORDS, WHOLE_LINE_WORDS, crc, line_table
from linesift.features.cues import CLASS_SALT, TAG_SALT, TAIL_SALT
from linesift.features.page import page_bounds, title_heading
from linesift.html import HtmlLine
from linesift.lines import ParsedLine, parse_lines

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


# The fields of a line's statistics (LineTable.counts), in order: the parsed markup
# (ParsedLine's fields after its text) stands after the text's size.
PARSED_FIELDS = ("link_chars", "links", "images", "indent", "is_list", "heading_level", "is_quote", "is_table")
assert len(PARSED_FIELDS) == len(ParsedLine._fields) - 1
STAT_FIELDS = COUNT_FIELDS[:2] + PARSED_FIELDS + COUNT_FIELDS[2:]


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


class LineTable(NamedTuple):
    """The statistics of many lines, as arrays: entry i is line i's."""

    counts: np.ndarray   # (lines, len(STAT_FIELDS)) float64
    head: Ragged         # the ids of its first words
    extra: Ragged        # its other cue ids (tail words, markup), salted
    whole: np.ndarray    # int64: the id of the line whole; -1 where it is too long to be hashed whole
    key: np.ndarray      # int64: its duplicate key (the words that tell duplicates apart), hashed
    fingerprint: np.ndarray   # int64: its site fingerprint (the key, digit runs as "0"), hashed

    def take(self, rows):
        return LineTable(self.counts[rows], self.head.take(rows), self.extra.take(rows), self.whole[rows],
                         self.key[rows], self.fingerprint[rows])


_HTML_MARKUP = {}   # (tags, classes) -> (the parsed fields the tags give, the markup cue ids)


def _html_parsed(lines):
    """parse_html_line's text and fields, and markup cue ids, of HtmlLines (memoised by their
    markup: a page's lines share a few paths, so each distinct one is looked up once)."""
    fields = np.zeros((len(lines), len(PARSED_FIELDS)))
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
            cue_ids = [crc(text) ^ salt for text, salt in markup_cues(bare)]
            _HTML_MARKUP[tags, classes] = (parse_html_line(bare)[3:], cue_ids)
        known.append(_HTML_MARKUP[tags, classes])
    if known:
        rows = np.fromiter(map(distinct.__getitem__, paths), np.int64, len(paths))
        fields[:, 2:] = np.array([parsed for parsed, _ in known], dtype=np.float64)[rows]
        markup = list(map([ids for _, ids in known].__getitem__, rows.tolist()))
    else:
        markup = []
    return list(map(attrgetter("text"), lines)), fields, markup


def _parsed(lines):
    """(texts, parsed fields, markup cue ids) of ``lines``: dump lines by the lines stage,
    HtmlLines by their tags."""
    n = len(lines)
    is_dump = np.fromiter(map(isinstance, lines, repeat(str)), bool, n)
    if is_dump.all():
        return *parse_lines(lines), [[]] * n
    if not is_dump.any():
        return _html_parsed(lines)
    texts, fields, markup = [None] * n, np.zeros((n, len(PARSED_FIELDS))), [[]] * n
    for dump, parse in ((True, parse_lines), (False, _html_parsed)):
        chosen = np.flatnonzero(is_dump == dump).tolist()
        group_texts, fields[chosen], *rest = parse([lines[at] for at in chosen])
        for k, at in enumerate(chosen):
            texts[at] = group_texts[k]
            if rest:
                markup[at] = rest[0][k]
    return texts, fields, markup


def text_stats(lines, names=False):
    """The statistics of each of ``lines`` (non-blank), as a LineTable. With ``names``, also
    what their cues are, in words, for explanations: (head words, extra cues as (text, salt),
    whole lines), each flat over the lines in order, as the table's ids."""
    n = len(lines)
    texts, fields, markup = _parsed(lines) if n else ([], np.zeros((0, len(PARSED_FIELDS))), [])
    stats = line_table(texts, names)
    counts = stats["counts"]
    head = Ragged(stats["head"], stats["head_lengths"])
    tail_lengths = stats["tail_lengths"]
    if any(markup):
        markup_lengths = np.fromiter(map(len, markup), np.int64, n)
        values = np.concatenate([stats["tail"], np.fromiter(chain.from_iterable(markup), np.int64)])
        line_of = np.concatenate([np.repeat(np.arange(n), tail_lengths), np.repeat(np.arange(n), markup_lengths)])
        extra = Ragged(values[np.argsort(line_of, kind="stable")], tail_lengths + markup_lengths)
    else:
        extra = Ragged(stats["tail"], tail_lengths)
    table = LineTable(np.column_stack([counts[:, :2], fields, counts[:, 2:]]), head, extra, stats["whole"],
                      stats["key"], stats["fingerprint"])
    if not names:
        return table
    keys, words = stats["keys"], stats["words"]
    head_names = [word for line_words in words for word in line_words[:KEYWORD_WORDS]]
    extra_names = []
    for line, line_words in zip(lines, words):
        tail = line_words[-TAIL_WORDS:] if len(line_words) > KEYWORD_WORDS else []
        extra_names += [(word, TAIL_SALT) for word in tail]
        extra_names += [] if isinstance(line, str) else markup_cues(line)
    whole_names = [key for key, line_words in zip(keys, words) if len(line_words) <= WHOLE_LINE_WORDS]
    return table, (head_names, extra_names, whole_names)
