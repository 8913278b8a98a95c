"""Site features: how often a line recurs on the other pages of its site.

A site's chrome repeats on its pages (the menu, the footer, "Most popular", the
newsletter box, the byline's fixed words); its articles do not. CCNet found lines
repeated across a shard to be boilerplate; here the count is per site, so a line's share
says how much of *this* template it is. When the pages of a batch name their site (see
``extract``'s ``sites``), every line is fingerprinted and counted on how many of the
batch's *other* pages of its site it occurs (leave one out: a page never counts itself,
so a page's own text scores as unique however often it repeats within the page).

A line's fingerprint (``_stats``) is its duplicate key (its first DUPLICATE_KEY_WORDS words,
lower-cased) with every number read as 0: "Posted March 3, 2024 | 12 comments" is the same
template line on every page. A line without words has no fingerprint and counts nowhere.

Copies of one page (the same set of fingerprints) count as one page, and a page without a
counted line as none. With fewer than SITE_MIN_PAGES pages of its site in the batch (or no
site given) a line's site features are all 0 and ``site_known`` says so: the model then
works from the page alone, as a model without the site pass does (training hides the site
of some sites on purpose, ``model.SITE_DROPOUT``, so that case is learned too).
"""

import numpy as np

from linesift.features.page import window_mean

# Pages of a site in the batch (the line's own included) for its counts to be used. Two
# pages already tell a template from a story: sites of two pages score better with the
# site pass than without it (docs/decisions.md).
SITE_MIN_PAGES = 2
SITE_WINDOW = 3        # lines each side in site_window_share

SITE_FEATURES = [
    ("site_known", f"1 when the batch holds at least {SITE_MIN_PAGES} pages of the line's site (the site features "
                   "below are 0 otherwise)"),
    ("site_line_share", "share of the site's other pages on which this line occurs (its first words, numbers as 0)"),
    ("site_line_unique", "1 when the site is known and none of its other pages has this line"),
    ("site_window_share", f"site_line_share averaged over {SITE_WINDOW} lines each side: inside a block of template"),
]


def site_columns(fingerprints, words, page_of_row, sites, start, end, min_pages=SITE_MIN_PAGES, window=SITE_WINDOW):
    """SITE_FEATURES, in order, one value per row. ``fingerprints`` are the rows' (as
    ``_stats.line_table`` gives them), ``words`` their word counts, ``sites`` a hashable site per
    page of the batch (None: not known)."""
    n = len(fingerprints)
    if sites is None or n == 0:
        return [np.zeros(n) for _ in SITE_FEATURES]
    site_ids = {}
    site_of_page = np.array([-1 if site is None else site_ids.setdefault(site, len(site_ids)) for site in sites],
                            dtype=np.int64)
    counted = np.flatnonzero((site_of_page[page_of_row] >= 0) & (words > 0))
    known, share = np.zeros(n, dtype=bool), np.zeros(n)
    if len(counted):
        distinct, fingerprints = np.unique(fingerprints[counted], return_inverse=True)
        copy = page_copies(fingerprints, page_of_row[counted], site_of_page)[page_of_row[counted]]
        site = site_of_page[page_of_row[counted]]
        # Each copy of a page counts once for its site, and a page without a counted line
        # not at all; a line counts once per copy that holds it, however often it repeats there.
        copies = int(copy.max()) + 1
        site_of_copy = np.zeros(copies, dtype=np.int64)
        site_of_copy[copy] = site
        copies_of_site = np.bincount(site_of_copy, minlength=len(site_ids))
        on_copy = np.unique(fingerprints * copies + copy)
        group = site_of_copy[on_copy % copies] * len(distinct) + on_copy // copies
        groups, copies_with = np.unique(group, return_counts=True)
        others = copies_with[np.searchsorted(groups, site * len(distinct) + fingerprints)] - 1
        page_known = np.zeros(len(sites), dtype=bool)
        page_known[page_of_row[counted]] = copies_of_site[site] >= min_pages
        known = page_known[page_of_row]
        share[counted] = np.where(known[counted], others / np.maximum(copies_of_site[site] - 1, 1), 0.0)
    unique = (known & (words > 0) & (share == 0)).astype(np.float64)
    return [known.astype(np.float64), share, unique, window_mean(share, window, start, end)]


def page_copies(fingerprints, page, site_of_page):
    """An id per page of the batch for its site and set of fingerprints (-1: no counted
    line): copies of one page (one URL crawled twice, ``a.html`` beside ``a.txt``) share an
    id, so they never make each other's lines look like the site's template."""
    order = np.lexsort((fingerprints, page))
    pages, first = np.unique(page[order], return_index=True)
    ids, copy_of_page = {}, np.full(len(site_of_page), -1, dtype=np.int64)
    for at, lines in zip(pages.tolist(), np.split(fingerprints[order], first[1:])):
        copy_of_page[at] = ids.setdefault((int(site_of_page[at]), np.unique(lines).tobytes()), len(ids))
    return copy_of_page
