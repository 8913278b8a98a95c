"""Regions that compete: the page's containers ranked by the content a pass found in them.

The containers of ``structure`` tell a line about its region's shape (size, text mass,
link density), not whether its region is *the* main text. Two articles on one page, an
article above a column of teasers with summaries, a short story under a long comment
section: every region has prose, and only one of them is what the page is for. Once a
pass has scored every line, each container can be scored as a unit — its *content
words*, the words of its lines weighted by their probability of being content — and the
regions of a page compared: the line learns how its region stands against the page's
strongest region of the same level, and whether it lies inside the innermost container
that holds most of the page's content words (the score-weighted twin of the structure's
main container, which counts text mass whoever wrote it).

A listing or a forum whose lines all score low still has a strongest region, so the
ranks also keep a page whose every line looks weak from losing all of them.
"""

import numpy as np

from linesift.features.structure import range_sum

SCORED_MAIN_SHARE = 0.5    # the scored main region holds at least this share of the page's content words


def region_feature_names(levels):
    names = []
    for level in range(1, levels + 1):
        names += [f"region{level}_content_share", f"region{level}_vs_best"]
    return names + ["in_scored_main", "from_scored_main", "scored_main_line_share"]


def region_columns(probabilities, words, containers, page_of_row, start, end):
    """The columns of ``region_feature_names`` for every row, from each row's probability
    of being content (a pass's output), its words, and its ``structure.ContainerRanges``."""
    n = len(probabilities)
    content_words = probabilities * words
    pages = int(page_of_row[-1]) + 1 if n else 0
    page_words = np.maximum(np.bincount(page_of_row, weights=content_words, minlength=pages), 1e-9)
    columns = []
    for level_start, level_end in containers.levels:
        held = range_sum(content_words, level_start, level_end)
        best = np.zeros(pages)
        np.maximum.at(best, page_of_row, held)
        columns += [held / page_words[page_of_row], held / np.maximum(best[page_of_row], 1e-9)]
    main_start, main_end = _scored_main(content_words, containers, page_of_row, start, end, page_words)
    row = np.arange(n)
    lines = np.maximum(end - start, 1)
    columns.append(((row >= main_start) & (row < main_end)).astype(np.float64))
    columns.append(np.maximum(np.maximum(main_start - row, row - (main_end - 1)), 0) / lines)
    columns.append((main_end - main_start) / lines)
    return columns


def _scored_main(content_words, containers, page_of_row, start, end, page_words):
    """For each row, the (start, end) rows of its page's innermost container that holds at
    least SCORED_MAIN_SHARE of the page's content words, among the containers some row
    sees (its levels and main containers) and the page itself."""
    n = len(content_words)
    starts = np.concatenate([s for s, _ in containers.levels + containers.main] + [start])
    ends = np.concatenate([e for _, e in containers.levels + containers.main] + [end])
    keys = np.unique(starts * (n + 1) + ends)
    starts, ends = keys // (n + 1), keys % (n + 1)
    held = range_sum(content_words, starts, ends)
    page = page_of_row[np.minimum(starts, n - 1)]
    qualifies = (held >= SCORED_MAIN_SHARE * page_words[page] - 1e-9) & (ends > starts)
    candidates = np.flatnonzero(qualifies)
    # The smallest qualifying container of each page (every page's own range qualifies).
    order = candidates[np.lexsort((ends[candidates] - starts[candidates], page[candidates]))]
    _, first = np.unique(page[order], return_index=True)
    chosen = order[first]
    main_of_page = np.zeros(int(page_of_row[-1]) + 1 if n else 0, np.int64)
    main_of_page[page[chosen]] = chosen
    return starts[main_of_page[page_of_row]], ends[main_of_page[page_of_row]]
