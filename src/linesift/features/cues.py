"""Hashed cues: words, markup and binned shapes as ids in a fixed-size hash space.

The model learns a weight per bucket: a line's first words and their pairs, its last
words, the line whole when it is short ("see all"), the tags and class/id words on an
HTML line's path, and binned crosses of shape features. Ids are crc32 (stable across
processes, unlike str hash()), mixed in numpy rather than hashed as strings.
"""

import numpy as np

from linesift.features.page import shift

# Salts that keep the hashed namespaces apart (the same word as a tail word, a tag or a
# class word is a different cue).
TAIL_SALT, TAG_SALT, CLASS_SALT = 0x7F4A7C15, 0x1B873593, 0x68E31DA4

# What each salted cue is, for explanations (``extract(..., cue_names=True)``).
CUE_KINDS = {TAIL_SALT: "last word '{}'", TAG_SALT: "HTML tag <{}>", CLASS_SALT: "class/id word '{}'"}


def keyword_buckets(hash_row, head_ids, extra_row, extra_ids, whole_row, whole_ids, hash_bits, names=None):
    """Hashed keyword cues: each head word, each pair of adjacent head words, the extra
    cues (tail words, HTML tags and class words, already salted) and each short line
    whole. Returns (row, bucket) arrays; pairs are mixed from the word ids with numpy
    rather than hashed as strings, which keeps the per-line Python small.
    ``names`` (head words, extra cue names, whole lines; parallel to the ids) adds a
    third array: what each cue is, in words."""
    size = 1 << hash_bits
    rows = np.asarray(hash_row, dtype=np.int64)
    ids = np.array(head_ids, dtype=np.int64)
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
    "in_main": ("", ("outside the main container", "inside the main container")),
    "c1_mass": ("its container's share of the page's text", FRACTION_LABELS),
    "c1_links": ("its container's link density", DENSITY_LABELS),
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
    # Where the line sits in the page's structure (features.structure), crossed with its
    # shape: a linked title inside the main container is not a linked title in a menu.
    (("in_main", 1), ("words", 2), ("links", 16)),
    (("c1_mass", 1), ("links", 16), ("words", 16)),
    (("c1_links", 1), ("links", 16), ("listed", 16)),
)


def shape_crosses(own, word_counts, region_around, to_next_prose, since_prose, structure, start, end, names=False):
    """(row, id) pairs of the binned shape crosses of each row (see the comment above);
    ``structure`` holds the structure features by name. With ``names``, a third array:
    each cross in words ("shape: words 4-5 x link density 0")."""
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
        "in_main": structure["in_main50"].astype(np.int64),
        "c1_mass": np.digitize(structure["container1_mass_share"], FRACTION_BINS),
        "c1_links": np.digitize(structure["container1_link_density"], DENSITY_BINS),
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

