# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A row's page around it, in compiled code: the one definition of ``linesift.features.page``'s
``shift`` (a row's value at an offset in its page) and ``window_mean`` (the mean over the
rows of its page within a width of it), for several columns and offsets or widths in one
call.

Rows are stacked page after page; ``start[row]`` and ``end[row]`` are the first row and
one past the last row of its page. A window's sum is the difference of a running sum
kept from its page's first row, so a page's means do not depend on the pages batched
with it.
"""

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport int64_t

import numpy as np


cdef int _check(Py_ssize_t rows, const int64_t[::1] start, const int64_t[::1] end) except -1 nogil:
    """The bounds describe pages: every row lies inside its own, the first row starts a page,
    and each row names its predecessor's page or starts the next one where that ends."""
    cdef Py_ssize_t row
    if start.shape[0] != rows or end.shape[0] != rows:
        with gil:
            raise ValueError(f"start and end must have one entry per row ({rows})")
    for row in range(rows):
        if not (0 <= start[row] <= row < end[row] <= rows):
            with gil:
                raise ValueError(f"row {row} is outside its page's bounds {start[row]}:{end[row]}")
        if row == 0:
            if start[row] != 0:
                with gil:
                    raise ValueError("the first row must start its page")
        elif not ((start[row - 1] == start[row] and end[row - 1] == end[row])
                  or (start[row] == row and end[row - 1] == row)):
            with gil:
                raise ValueError(f"rows {row - 1} and {row} name pages that overlap or leave a gap")
    return 0


def shifted(const double[:, ::1] values, offsets, const int64_t[::1] start, const int64_t[::1] end,
            double fill):
    """An array (len(offsets), columns, rows): for each offset o, each column's value at
    row + o where that row is in the row's page, else ``fill``. ``values`` is
    (columns, rows)."""
    cdef Py_ssize_t columns = values.shape[0], rows = values.shape[1]
    cdef Py_ssize_t k, column, row, source, offset
    _check(rows, start, end)
    offset_list = [int(o) for o in offsets]
    out = np.empty((len(offset_list), columns, rows))
    cdef double[:, :, ::1] result = out
    for k in range(len(offset_list)):
        offset = max(min(offset_list[k], rows), -rows)   # as far as any row can see: no overflow
        with nogil:
            for column in range(columns):
                for row in range(rows):
                    source = row + offset
                    if start[row] <= source < end[row]:
                        result[k, column, row] = values[column, source]
                    else:
                        result[k, column, row] = fill
    return out


def window_means(const double[:, ::1] values, widths, const int64_t[::1] start, const int64_t[::1] end):
    """An array (len(widths), columns, rows): for each width w, each column's mean over the
    rows of the row's page from row - w to row + w. ``values`` is (columns, rows)."""
    cdef Py_ssize_t columns = values.shape[0], rows = values.shape[1]
    cdef Py_ssize_t k, column, row, first, last, low, high, width
    _check(rows, start, end)
    width_array = np.asarray(widths, dtype=np.int64).reshape(-1)
    if (width_array < 0).any():
        raise ValueError("window widths must be 0 or more")
    cdef const int64_t[::1] width_of = width_array
    cdef Py_ssize_t count = width_of.shape[0]
    out = np.empty((count, columns, rows))
    cdef double[:, :, ::1] result = out
    # running[i - first]: the sum of the page's rows first .. i - 1
    cdef double *running = <double *> PyMem_Malloc((rows + 1) * sizeof(double))
    if running == NULL:
        raise MemoryError()
    try:
        with nogil:
            for column in range(columns):
                first = 0
                while first < rows:
                    last = end[first]
                    running[0] = 0.0
                    for row in range(first, last):
                        running[row - first + 1] = running[row - first] + values[column, row]
                    for k in range(count):
                        width = width_of[k] if width_of[k] < rows else rows   # no overflow past it
                        for row in range(first, last):
                            low = row - width if row - width > first else first
                            high = row + width + 1 if row + width + 1 < last else last
                            result[k, column, row] = (running[high - first] - running[low - first]) / (high - low)
                    first = last
    finally:
        PyMem_Free(running)
    return out
