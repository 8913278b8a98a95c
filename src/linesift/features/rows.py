"""Values kept per distinct key across batches, in numpy arrays a row per key: what the line
store (``store``: a line's statistics) is made of. Many keys are looked up at once, the new
ones computed once.
"""

from itertools import repeat

import numpy as np


class Growing:
    """An array that grows at its end (its capacity doubles), for appending batch after batch."""

    def __init__(self, dtype, width=()):
        self.data = np.empty((1024, *width), dtype=dtype)
        self.size = 0

    def extend(self, values):
        end = self.size + len(values)
        if end > len(self.data):
            grown = np.empty((max(end, 2 * len(self.data)), *self.data.shape[1:]), dtype=self.data.dtype)
            grown[:self.size] = self.data[:self.size]
            self.data = grown
        self.data[self.size:end] = values
        self.size = end

    @property
    def array(self):
        return self.data[:self.size]


class RowStore:
    """Distinct keys as rows 0, 1, ... of the arrays a subclass keeps: ``_start`` makes them
    empty, ``_append(new)`` appends the rows of keys not seen before. Past the subclass's
    ``limit`` keys the store is emptied (memory per process), so the rows of one ``rows``
    call are only good until the next."""

    def __init__(self):
        self.clear()

    def clear(self):
        self.row_of = {}
        self._start()

    def __len__(self):
        return len(self.row_of)

    def rows(self, keys):
        """The row of each of ``keys`` (a list; repeats welcome), computing only the new ones."""
        rows = np.fromiter(map(self.row_of.get, keys, repeat(-1)), np.int64, len(keys))
        missing = np.flatnonzero(rows < 0)
        if len(missing):
            new = list(dict.fromkeys(map(keys.__getitem__, missing.tolist())))
            if len(self) + len(new) > self.limit:
                self.clear()
                new, missing = list(dict.fromkeys(keys)), np.arange(len(keys))
            self.row_of.update(zip(new, range(len(self), len(self) + len(new))))
            self._append(new)
            rows[missing] = np.fromiter(map(self.row_of.__getitem__, map(keys.__getitem__, missing.tolist())),
                                        np.int64, len(missing))
        return rows

    def _start(self):
        raise NotImplementedError

    def _append(self, new):
        raise NotImplementedError
