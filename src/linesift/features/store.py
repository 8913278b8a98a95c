"""The statistics of the distinct lines seen so far, kept across batches: a site's menus,
footers and share bars repeat on every page, so most of a crawl's lines were seen
before and are looked up, not computed again.

A ``LineStore`` lives in the ``cache`` dict that callers pass to ``features.extract``
(under the key ``LineStore``): the dict stays the API, the arrays behind it are this
module's business. It is emptied when it passes ``limit`` lines (memory per worker).
"""

import numpy as np

from linesift.features.rows import Growing, RowStore
from linesift.features.text import STAT_FIELDS, LineTable, Ragged, text_stats


class _GrowingRagged:
    def __init__(self):
        self.values, self.starts, self.lengths = Growing(np.int64), Growing(np.int64), Growing(np.int64)

    def extend(self, ragged):
        self.starts.extend(self.values.size + np.cumsum(ragged.lengths) - ragged.lengths)
        self.lengths.extend(ragged.lengths)
        self.values.extend(ragged.values)

    def take(self, rows):
        lengths = self.lengths.array[rows]
        flat = np.repeat(self.starts.array[rows] - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
        return Ragged(self.values.array[flat], lengths)


class LineStore(RowStore):
    """text_stats of every distinct line seen (up to ``limit``), looked up by the line."""

    def __init__(self, limit):
        self.limit = limit
        super().__init__()

    @classmethod
    def of(cls, cache, limit):
        """The store kept in ``cache`` (a dict), made there the first time."""
        store = cache.get(cls)
        if store is None:
            store = cache[cls] = cls(limit)
        return store

    def table(self, lines):
        """The LineTable of ``lines`` (non-blank; repeats welcome), computing only the lines not seen before."""
        rows = self.rows(lines)
        return LineTable(self.counts.array[rows], self.head.take(rows), self.extra.take(rows),
                         self.whole.array[rows], self.key.array[rows], self.fingerprint.array[rows])

    def _start(self):
        self.counts = Growing(np.float64, (len(STAT_FIELDS),))
        self.head, self.extra = _GrowingRagged(), _GrowingRagged()
        self.whole, self.key, self.fingerprint = Growing(np.int64), Growing(np.int64), Growing(np.int64)

    def _append(self, lines):
        table = text_stats(lines)
        self.counts.extend(table.counts)
        self.head.extend(table.head)
        self.extra.extend(table.extra)
        self.whole.extend(table.whole)
        self.key.extend(table.key)
        self.fingerprint.extend(table.fingerprint)
