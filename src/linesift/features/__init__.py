"""Features stage: a page's lines -> one row of numbers per classified line.

Every non-blank line gets *dense* features, each named and explained where its family
is defined, and *hashed cues*. The families, one module each:

- ``text``: the line's own text and shape (length, link density, function words, chrome
  words, sentence end, ...) and where it stands (position, blank lines around);
- ``page``: the same shallow features of its neighbours and of windows around it
  (boilerpipe and jusText both found the neighbours carry much of the signal: a short
  line inside running text is content, a long one inside a menu is not), where it stands
  relative to the page's running text, and the page as a whole;
- ``site``: how often the line recurs on the other pages of its site in the batch (when
  the pages name their site: ``extract``'s ``sites``), a site's template learned from its pages;
- ``cues``: hashed ids of its first words, their pairs, its last words and, for a short
  line, the whole line ("see all", "share this article"), the tags and class/id words on
  an HTML line's path, and binned crosses of shape features; the model learns a weight
  for each.

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

from itertools import chain, repeat
from typing import NamedTuple

import numpy as np

from linesift.features.cues import CUE_KINDS, keyword_buckets, shape_crosses
from linesift.features.page import (
    NEIGHBOUR_FEATURES,
    NEIGHBOUR_OFFSETS,
    PAGE_FEATURES,
    PROSE_LINE_WORDS,
    REGION_FEATURES,
    WINDOW_FEATURES,
    WINDOWS,
    headline_candidate,
    neighbour_columns,
    page_bounds,
    page_columns,
    prose_distances,
    region_features,
)
from linesift.features.site import SITE_FEATURES, site_columns
from linesift.features.store import LineStore
from linesift.features.structure import STRUCTURE_FEATURES, container_ranges, structure_columns, text_mass
from linesift.features.text import OWN_FEATURES, STAT_FIELDS, own_features, text_stats

FEATURE_SET_VERSION = 9

HASH_BITS = 18            # 262,144 keyword buckets; collisions are rare at this size
# The cache of line statistics is emptied when it passes this size: a site's menus repeat
# within a few pages, and a line's entry costs about 1 KB, so a larger cache buys little
# speed for much memory in every worker process.
LINE_CACHE_LINES = 50_000


def dense_feature_names():
    names = [name for name, _ in OWN_FEATURES]
    for offset in NEIGHBOUR_OFFSETS:
        names += [f"{'prev' if offset < 0 else 'next'}{abs(offset)}_{name}" for name in NEIGHBOUR_FEATURES]
    names += [f"window{width}_{name}" for width in WINDOWS for name in WINDOW_FEATURES]
    names += [name for name, _ in REGION_FEATURES]
    names += [name for name, _ in PAGE_FEATURES]
    names += [name for name, _ in STRUCTURE_FEATURES]
    names += [name for name, _ in SITE_FEATURES]
    return names


class Features(NamedTuple):
    """Features of the classified lines of a batch of pages, stacked page after page."""

    page_offsets: np.ndarray  # rows of page p are page_offsets[p]:page_offsets[p + 1]
    line_index: np.ndarray    # for each row: the index of its line in its page
    dense: np.ndarray         # (rows, len(dense_feature_names())) float64
    hash_row: np.ndarray      # for each keyword cue: its row
    hash_bucket: np.ndarray   # for each keyword cue: its bucket in [0, 2**hash_bits)
    hash_name: np.ndarray = None  # for each keyword cue, with extract(cue_names=True): what it is, in words
    containers: object = None     # structure.ContainerRanges: each row's containers, for the context pass


def extract(pages, hash_bits=HASH_BITS, cache=None, cue_names=False, sites=None) -> Features:
    """Features of every non-blank line of each page in ``pages`` (lists of lines).

    Each distinct line's own statistics are computed once, for all the new lines of the
    batch at once (``text.text_stats``; ``cache``, a dict, keeps them across calls: a
    crawl repeats its chrome lines on every page of a site); everything that depends on
    the page around a line is numpy over the whole batch. ``cue_names`` also fills
    ``Features.hash_name``: what each hashed cue is, in words (slower: for explaining a
    line, not for batches).
    ``sites``, one hashable per page (None where not known), turns on the site features
    (``site``): pages of one site in the same call count each other's lines. The cache
    holds this process's str hashes: keep it in the process, never pickle it to another.
    """
    lines = list(chain.from_iterable(pages))
    page_sizes = np.fromiter(map(len, pages), np.int64, len(pages))
    texts = lines if all(map(isinstance, lines, repeat(str))) else [
        line if isinstance(line, str) else line.text for line in lines]
    blank = np.fromiter(map(str.isspace, texts), bool, len(texts)) | (np.fromiter(map(len, texts), np.int64, len(texts)) == 0)
    kept = np.flatnonzero(~blank)
    page_of_line = np.repeat(np.arange(len(pages)), page_sizes)
    index = kept - (np.cumsum(page_sizes) - page_sizes)[page_of_line[kept]]
    offsets = np.concatenate([[0], np.cumsum(np.bincount(page_of_line[kept], minlength=len(pages)))]).astype(np.int64)
    row_lines = list(map(lines.__getitem__, kept.tolist()))
    n = len(row_lines)
    if cue_names:
        table, (head_names, extra_names, whole_names) = text_stats(row_lines, names=True)
        names = (head_names, [CUE_KINDS[salt].format(text) for text, salt in extra_names], whole_names)
    else:
        table = LineStore.of({} if cache is None else cache, LINE_CACHE_LINES).table(row_lines)
        names = None
    whole_row = np.flatnonzero(table.whole >= 0)
    hash_row, hash_bucket, *hash_name = keyword_buckets(
        np.repeat(np.arange(n), table.head.lengths), table.head.values,
        np.repeat(np.arange(n), table.extra.lengths), table.extra.values, whole_row, table.whole[whole_row],
        hash_bits, names)
    hash_name = hash_name[0] if cue_names else None
    names = dense_feature_names()
    if n == 0:
        return Features(offsets, np.zeros(0, np.int64), np.zeros((0, len(names))), hash_row, hash_bucket, hash_name)

    stats = dict(zip(STAT_FIELDS, table.counts.T))
    page_of_row, start, end = page_bounds(offsets)
    own = own_features(stats, duplicates(table.key, stats["words"], page_of_row), index, page_sizes, offsets)
    columns = [own[name] for name, _ in OWN_FEATURES]
    columns += neighbour_columns(own, start, end)
    words = stats["words"]
    is_prose = (words >= PROSE_LINE_WORDS) & (stats["ends_sentence"] > 0)
    to_next, since = prose_distances(is_prose, start, end)
    region = region_features(own["log_words"] * own["stopword_density"], to_next, since, page_of_row, start, end)
    columns += region
    columns.append(headline_candidate(words, own["link_density"], stats["ends_sentence"] > 0, is_prose, page_of_row, start))
    columns += page_columns(np.diff(offsets), stats["links"], own["link_density"], page_of_row)
    mass = text_mass(stats["chars"], stats["link_chars"])
    # A dump's sections start at its headings; a quoted one ("> ## ...") quotes another text's.
    section_heading = np.where(stats["is_quote"] > 0, 0, stats["heading_level"])
    containers = container_ranges(pages, index, offsets, mass, section_heading)
    structure = structure_columns(containers, mass, stats["chars"], stats["link_chars"], start, end)
    columns += structure
    columns += site_columns(table.fingerprint, words, page_of_row, sites, start, end)
    structure = dict(zip((name for name, _ in STRUCTURE_FEATURES), structure))
    cross_rows, cross_ids, *cross_names = shape_crosses(own, words, region[4], to_next, since, structure, start, end,
                                                        cue_names)
    hash_row = np.concatenate([hash_row, cross_rows])
    hash_bucket = np.concatenate([hash_bucket, ((cross_ids + 0x2545F491) * 0x9E3779B1) % (1 << hash_bits)])
    if cue_names:
        hash_name = np.concatenate([hash_name, cross_names[0]])
    return Features(offsets, index, _as_matrix(columns, n), hash_row, hash_bucket, hash_name, containers)


def _as_matrix(columns, n):
    """The (n, len(columns)) array of ``columns`` (arrays of n values, or one value for
    all), column-major: each column is copied in one contiguous write (into a row-major
    array numpy writes a column element by element, several times slower), and the
    model's products with it are as fast either way."""
    dense = np.empty((n, len(columns)), order="F")
    for column, values in enumerate(columns):
        dense[:, column] = values
    return dense


def duplicates(keys, words, page_of_row):
    """1 where another row of the same page has the same key (hashed; and the key is not empty: no words)."""
    key_ids = np.unique(keys, return_inverse=True)[1]
    _, inverse, counts = np.unique(page_of_row * max(len(keys), 1) + key_ids, return_inverse=True, return_counts=True)
    return ((counts[inverse] > 1) & (words > 0)).astype(np.float64)
