"""Where a line stands in its page: its neighbours, windows around it, the page's running
text, and the page as a whole. Everything here works over a whole batch of pages, stacked
row after row (numpy, and the compiled ``_page`` for neighbours and windows);
``page_bounds`` gives each row its page's first and last row.
"""

import numpy as np

from linesift.features._page import shifted, window_means

NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
WINDOWS = (3, 10, 25)     # lines each side averaged in the window features
NEIGHBOUR_FEATURES = ["log_words", "link_density", "ends_sentence", "stopword_density",
                      "is_list", "is_heading", "chrome_word_density", "blank_before"]
WINDOW_FEATURES = ["log_words", "link_density", "ends_sentence", "stopword_density"]
# Where a line stands relative to the page's running text (prose = log(1 + words) x
# stopword density): an article is one stretch of prose with chrome around it, and a
# line with prose on both sides of it is most likely inside that stretch.
PROSE_LINE_WORDS = 12     # a line this long that ends a sentence is "a line of prose"
PROSE_DISTANCE_CAP = 30   # distances in lines are capped here; the cap also means "none"
# The headline of a dump sits a few lines above the first line of prose (bylines, a
# caption between), and is the longest of the short link-free lines there that do not end
# a sentence: a breadcrumb, a section label or "Load more" is shorter. Alone, such a line
# looks like chrome.
HEADLINE_WINDOW = 8       # lines above the first prose line where the headline is looked for
HEADLINE_MIN_WORDS = 4
HEADLINE_MAX_WORDS = 25
REGION_FEATURES = [
    ("lines_to_next_prose", "log(1 + lines until the next line of prose), capped: a headline is just above the text"),
    ("lines_since_prose", "log(1 + lines since the previous line of prose), capped: a footer is long after it"),
    ("prose_before", "share of the page's prose that comes before this line"),
    ("prose_after", "share of the page's prose that comes after this line"),
    ("prose_around", "2 x min(prose_before, prose_after): high inside the main text"),
    ("from_peak", "(line - the page's most prose-like line) / lines: signed distance"),
    ("from_peak_abs", "|from_peak|"),
    ("headline_candidate", "the longest short link-free line not ending a sentence in the few lines above the page's first prose"),
]
PAGE_FEATURES = [
    ("page_log_lines", "log(1 + classified lines of the page)"),
    ("page_linked_lines", "share of the page's lines holding a link: tells a markdown dump from a plain one"),
    ("page_link_density", "mean link density of the page's lines"),
]



def neighbour_columns(own, start, end):
    """NEIGHBOUR_FEATURES of the rows at NEIGHBOUR_OFFSETS, then WINDOW_FEATURES averaged over WINDOWS."""
    bounds = _bounds(start, end)
    neighbours = shifted(_rows_of(own, NEIGHBOUR_FEATURES), NEIGHBOUR_OFFSETS, *bounds, 0.0)
    windows = window_means(_rows_of(own, WINDOW_FEATURES), WINDOWS, *bounds)
    return [*neighbours.reshape(-1, len(start)), *windows.reshape(-1, len(start))]


def _rows_of(columns, names):
    """The named columns as the rows of one C-ordered float64 array."""
    return np.array([columns[name] for name in names], dtype=np.float64).reshape(len(names), -1)


def _bounds(start, end):
    return np.ascontiguousarray(start, dtype=np.int64), np.ascontiguousarray(end, dtype=np.int64)


def page_columns(sizes, links, link_density, page_of_row):
    """PAGE_FEATURES, in order, one value per row (the same for every row of a page)."""
    lines_per_page = np.maximum(sizes, 1)
    page_values = [
        np.log1p(sizes),
        np.bincount(page_of_row, weights=(links > 0), minlength=len(sizes)) / lines_per_page,
        np.bincount(page_of_row, weights=link_density, minlength=len(sizes)) / lines_per_page,
    ]
    return [values[page_of_row] for values in page_values]


def prose_distances(is_prose, start, end):
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


def title_heading(level, page_of_row, pages):
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


def region_features(prose, to_next, since, page_of_row, start, end):
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


def headline_candidate(words, link_density, ends_sentence, is_prose, page_of_row, start,
                       window=HEADLINE_WINDOW, min_words=HEADLINE_MIN_WORDS, max_words=HEADLINE_MAX_WORDS):
    """1 on each page's headline candidate (see HEADLINE_WINDOW), else 0."""
    n = len(words)
    index = np.arange(n)
    pages = int(page_of_row[-1]) + 1 if n else 0
    first_prose = np.full(pages, n, dtype=np.int64)
    np.minimum.at(first_prose, page_of_row[is_prose], index[is_prose])
    above = first_prose[page_of_row]
    eligible = ((words >= min_words) & (words <= max_words) & (link_density == 0) & ~ends_sentence
                & (index < above) & (index >= np.maximum(above - window, start)))
    candidate = np.zeros(n)
    rows = index[eligible]
    # The longest of them (the earliest on a tie): sort by page, then words down, then row.
    rows = rows[np.lexsort((rows, -words[rows], page_of_row[rows]))]
    _, first = np.unique(page_of_row[rows], return_index=True)
    candidate[rows[first]] = 1.0
    return candidate


def page_bounds(page_offsets):
    """For each row: its page, and the first row and one past the last row of that page."""
    sizes = np.diff(page_offsets)
    page_of_row = np.repeat(np.arange(len(sizes)), sizes)
    return page_of_row, page_offsets[:-1][page_of_row], page_offsets[1:][page_of_row]


def shift(values, offset, start, end, fill=0.0):
    """``values`` of the row ``offset`` away in the same page (``fill`` past either end)."""
    return shifts(values, (offset,), start, end, fill)[0]


def shifts(values, offsets, start, end, fill=0.0):
    """``shift`` for each of ``offsets``: an array (len(offsets), rows)."""
    return shifted(_one_row(values), offsets, *_bounds(start, end), fill)[:, 0]


def window_mean(values, width, start, end):
    """Mean of ``values`` over the lines of the same page within ``width`` of each line."""
    return window_means_of(values, (width,), start, end)[0]


def window_means_of(values, widths, start, end):
    """``window_mean`` for each of ``widths``: an array (len(widths), rows)."""
    return window_means(_one_row(values), widths, *_bounds(start, end))[:, 0]


def _one_row(values):
    return np.ascontiguousarray(values, dtype=np.float64).reshape(1, -1)
