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
    if not n:
        return [np.zeros(0) for _ in region_feature_names(len(containers.levels))]
    cumulative = np.concatenate([[0.0], np.cumsum(probabilities * words)])
    page_words = np.maximum(cumulative[end] - cumulative[start], 1e-9)
    # Rows are stacked page after page: a page's rows run from the first row of its number.
    first = np.concatenate([[True], page_of_row[1:] != page_of_row[:-1]])
    first_rows, page_rank = np.flatnonzero(first), np.cumsum(first) - 1
    columns = []
    for level_start, level_end in containers.levels:
        held = cumulative[level_end] - cumulative[level_start]
        best = np.maximum.reduceat(held, first_rows)[page_rank]
        columns += [held / page_words, held / np.maximum(best, 1e-9)]
    main_start, main_end = _scored_main(cumulative, page_words, containers, page_of_row, start, end)
    row = np.arange(n)
    lines = np.maximum(end - start, 1)
    columns.append(((row >= main_start) & (row < main_end)).astype(np.float64))
    columns.append(np.maximum(np.maximum(main_start - row, row - (main_end - 1)), 0) / lines)
    columns.append((main_end - main_start) / lines)
    return columns


def _scored_main(cumulative, page_words, containers, page_of_row, start, end):
    """For each row, the (start, end) rows of its page's innermost container that holds at
    least SCORED_MAIN_SHARE of the page's content words (``cumulative``: their running sum
    over the rows; ``page_words``: each row's page's total), among the containers some row
    sees (its levels and main containers) and the page itself."""
    n = len(page_of_row)
    starts = np.concatenate([s for s, _ in containers.levels + containers.main] + [start])
    ends = np.concatenate([e for _, e in containers.levels + containers.main] + [end])
    inside = np.minimum(starts, n - 1)   # a row of the container's page (an empty one is not chosen)
    page = page_of_row[inside]
    held = cumulative[ends] - cumulative[starts]
    # A container seen by several rows is a candidate several times: the choice is the same.
    candidates = np.flatnonzero((held >= SCORED_MAIN_SHARE * page_words[inside] - 1e-9) & (ends > starts))
    # The smallest qualifying container of each page (every page's own range qualifies).
    order = candidates[np.lexsort((ends[candidates] - starts[candidates], page[candidates]))]
    chosen = order[np.concatenate([[True], page[order][1:] != page[order][:-1]])]
    main_of_page = np.zeros(int(page_of_row[-1]) + 1, np.int64)
    main_of_page[page[chosen]] = chosen
    return starts[main_of_page[page_of_row]], ends[main_of_page[page_of_row]]
