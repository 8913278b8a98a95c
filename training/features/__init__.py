"""Features stage: a page's lines -> one row of numbers per classified line.

Every non-blank line gets *dense* features, each named and explained where its family
is defined, and *hashed cues*. The families, one module each:

- ``text``: the line's own text and shape (length, link density, function words, chrome
  words, sentence end, ...) and where it stands (position, blank lines around);
- ``page``: the same shallow features of its neighbours and of windows around it
  (boilerpipe and jusText both found the neighbours carry much of the signal: a short
  line inside running text is content, a long one inside a menu is not), where it stands
  relative to the page's running text, and the page as a whole;
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

import re
import zlib
from collections import Counter
from importlib import resources
from typing import NamedTuple

import numpy as np

from linesift.lines import ParsedLine, parse_line


from collections import Counter
from typing import NamedTuple

import numpy as np

from linesift.features.cues import CUE_KINDS, keyword_buckets, shape_crosses
from linesift.features.page import (NEIGHBOUR_FEATURES, NEIGHBOUR_OFFSETS, PAGE_FEATURES, PROSE_LINE_WORDS,
                                    REGION_FEATURES, WINDOW_FEATURES, WINDOWS, neighbour_columns, page_bounds,
                                    page_columns, prose_distances, region_features, headline_candidate)
from linesift.features.structure import STRUCTURE_FEATURES, container_ranges, structure_columns, text_mass
from linesift.features.text import OWN_FEATURES, STAT_FIELDS, line_stats, own_features

FEATURE_SET_VERSION = 6

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
                stats, (head, extra_cues, whole_text) = line_stats(line, names=True)
                head_names += head
                extra_names += [CUE_KINDS[salt].format(text) for text, salt in extra_cues]
                whole_names += [] if whole_text is None else [whole_text]
            elif stats is None:
                if len(cache) > LINE_CACHE_LINES:
                    cache.clear()
                stats = cache[line] = line_stats(line)
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

    stats = dict(zip(STAT_FIELDS, np.array(unique_counts, dtype=np.float64)[row_unique].T))
    index = np.array(line_index, dtype=np.int64)
    page_of_row, start, end = page_bounds(offsets)
    own = own_features(stats, duplicated, index, page_sizes, offsets)
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
    containers = container_ranges(pages, index, offsets, mass)
    structure = structure_columns(containers, mass, stats["chars"], stats["link_chars"], start, end)
    columns += structure
    structure = dict(zip((name for name, _ in STRUCTURE_FEATURES), structure))
    cross_rows, cross_ids, *cross_names = shape_crosses(own, words, region[4], to_next, since, structure, start, end,
                                                        cue_names)
    hash_row = np.concatenate([hash_row, cross_rows])
    hash_bucket = np.concatenate([hash_bucket, ((cross_ids + 0x2545F491) * 0x9E3779B1) % (1 << hash_bits)])
    if cue_names:
        hash_name = np.concatenate([hash_name, cross_names[0]])
    dense = np.empty((n, len(columns)))
    for column, values in enumerate(columns):
        dense[:, column] = values
    return Features(offsets, index, dense, hash_row, hash_bucket, hash_name, containers)
