# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A page's containers, in compiled code: the one definition of the levels, main containers
and repeated units of ``linesift.features.structure`` (whose docstring says what they
mean), one page per call.

The containers of a page nest (an HTML page's block elements; a dump's blocks and
sections), so painting them outer before inner (start up, end down; equal ranges in their
given order) is a sweep with a stack: the range on top when a range starts is its parent,
the range on top at a row is the innermost one around it. A range with no rows paints
nothing; its parent is the range around its start.

Sums of text mass are differences of one running sum from the page's first row, added in
row order, and a group's mass is added in painting order: the same floating-point
operations, in the same order, as numpy's ``cumsum`` and ``bincount`` over the same arrays.
"""

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport int64_t
from libc.stdlib cimport qsort

import numpy as np

cdef extern from *:
    """
    /* Sort keys of the painting order: start up, end down, then the given order. */
    typedef struct { long long start, end, at; } linesift_span;
    static int linesift_span_order(const void *a, const void *b) {
        const linesift_span *x = (const linesift_span *) a, *y = (const linesift_span *) b;
        if (x->start != y->start) return x->start < y->start ? -1 : 1;
        if (x->end != y->end) return x->end > y->end ? -1 : 1;
        return (x->at > y->at) - (x->at < y->at);
    }
    /* Groups of siblings: parent, then signature, then painting order. */
    typedef struct { long long parent, signature, at; } linesift_sibling;
    static int linesift_sibling_order(const void *a, const void *b) {
        const linesift_sibling *x = (const linesift_sibling *) a, *y = (const linesift_sibling *) b;
        if (x->parent != y->parent) return x->parent < y->parent ? -1 : 1;
        if (x->signature != y->signature) return x->signature < y->signature ? -1 : 1;
        return (x->at > y->at) - (x->at < y->at);
    }
    static int linesift_key_order(const void *a, const void *b) {
        long long x = *(const long long *) a, y = *(const long long *) b;
        return (x > y) - (x < y);
    }
    """
    ctypedef struct linesift_span:
        long long start, end, at
    ctypedef struct linesift_sibling:
        long long parent, signature, at
    int linesift_span_order(const void *a, const void *b) nogil
    int linesift_sibling_order(const void *a, const void *b) nogil
    int linesift_key_order(const void *a, const void *b) nogil

cdef enum:
    _NO_SIGNATURE = -1   # a range that is never a repeated unit: a dump's blocks and sections

NO_SIGNATURE = _NO_SIGNATURE


cdef void* _allocate(Py_ssize_t count, size_t size) except NULL:
    cdef void *memory = PyMem_Malloc(max(count, 1) * size)
    if memory == NULL:
        raise MemoryError()
    return memory


cdef Py_ssize_t _row_of(const int64_t[::1] page_rows, int64_t line) noexcept nogil:
    """Rows of ``page_rows`` (the page's non-blank lines, ascending) before ``line``: the
    row a range starting or ending at ``line`` starts or ends at."""
    cdef Py_ssize_t low = 0, high = page_rows.shape[0], middle
    while low < high:
        middle = (low + high) // 2
        if page_rows[middle] < line:
            low = middle + 1
        else:
            high = middle
    return low


cdef void _paint(linesift_span *spans, Py_ssize_t count, Py_ssize_t rows, long long *parent,
                 long long *innermost, long long *stack) noexcept nogil:
    """For spans in painting order: each span's parent (the position of the span on top
    when it starts, -1 for none) and each row's innermost span (-1 for none). ``stack``
    holds ``count`` positions."""
    cdef Py_ssize_t depth = 0, at = 0, row
    for row in range(rows + 1):
        while at < count and (row == rows or spans[at].start <= row):
            while depth and spans[stack[depth - 1]].end <= spans[at].start:
                depth -= 1
            parent[at] = stack[depth - 1] if depth else -1
            if spans[at].end > spans[at].start:
                stack[depth] = at
                depth += 1
            at += 1
        if row == rows:
            break
        while depth and spans[stack[depth - 1]].end <= row:
            depth -= 1
        innermost[row] = stack[depth - 1] if depth else -1


@cython.boundscheck(True)
cdef const int64_t[:, ::1] _triples(object containers):
    """Containers as an array of (first line, end line, signature): a list of triples is
    read item by item (an HtmlPage's blocks), faster than numpy converts it."""
    cdef Py_ssize_t count, i
    cdef int64_t[:, ::1] out
    if not isinstance(containers, list):
        return np.ascontiguousarray(np.asarray(containers, dtype=np.int64).reshape(-1, 3))
    count = len(<list> containers)
    array = np.empty((count, 3), np.int64)
    out = array
    for i in range(count):
        out[i, 0], out[i, 1], out[i, 2] = (<list> containers)[i]
    return out


def dump_containers(const int64_t[::1] page_rows not None, const double[::1] heading not None, Py_ssize_t lines):
    """(first, end, NO_SIGNATURE) line ranges of a dump's containers, an array of three
    columns: ``page_rows`` are its non-blank lines (ascending), ``heading`` their markdown
    heading level (0: none), ``lines`` how many lines it has. Blocks of lines between blank
    lines, cut at headings, in order; then the section under each heading (to the next
    heading of its level or higher, else the end), as they end. They nest: a heading ends a
    block (its own line is in none), and sections nest by level."""
    cdef Py_ssize_t rows = page_rows.shape[0], r, count = 0, sections = 0, depth = 0
    cdef long long level, line, block_first = -1, block_last = -1
    if heading.shape[0] != rows:
        raise ValueError("dump_containers: a heading level for each row")
    out = np.empty((2 * rows + 1, 3), np.int64)   # at most a block and a section a row
    section_out = np.empty((rows + 1, 2), np.int64)
    open_levels = np.empty(rows + 1, np.int64)
    open_firsts = np.empty(rows + 1, np.int64)
    cdef int64_t[:, ::1] blocks = out
    cdef int64_t[:, ::1] ended = section_out
    cdef int64_t[::1] levels = open_levels, firsts = open_firsts
    for r in range(rows):
        line, level = page_rows[r], <long long> heading[r]
        if level == 0 and block_first >= 0 and line == block_last + 1:
            block_last = line
            continue
        if block_first >= 0:
            blocks[count, 0], blocks[count, 1], blocks[count, 2] = block_first, block_last + 1, _NO_SIGNATURE
            count += 1
            block_first = -1
        if level == 0:
            block_first = block_last = line
            continue
        while depth and levels[depth - 1] >= level:
            depth -= 1
            ended[sections, 0], ended[sections, 1] = firsts[depth], line
            sections += 1
        levels[depth], firsts[depth] = level, line
        depth += 1
    if block_first >= 0:
        blocks[count, 0], blocks[count, 1], blocks[count, 2] = block_first, block_last + 1, _NO_SIGNATURE
        count += 1
    for r in range(sections):
        blocks[count, 0], blocks[count, 1], blocks[count, 2] = ended[r, 0], ended[r, 1], _NO_SIGNATURE
        count += 1
    for r in range(depth):   # the sections still open end with the dump, outermost first
        blocks[count, 0], blocks[count, 1], blocks[count, 2] = firsts[r], lines, _NO_SIGNATURE
        count += 1
    return out[:count]


def paint(const int64_t[::1] starts not None, const int64_t[::1] ends not None, Py_ssize_t rows):
    """(each range's parent, each row's innermost range), as positions in the given order
    (-1: none), of ranges given in painting order (start up, end down), by ``_paint``."""
    cdef Py_ssize_t count = starts.shape[0], i
    if ends.shape[0] != count or rows < 0:
        raise ValueError("paint: one end for each start, and rows >= 0")
    cdef linesift_span *spans = NULL
    cdef long long *stack = NULL
    parent, innermost = np.full(count, -1, np.int64), np.full(rows, -1, np.int64)
    cdef int64_t[::1] parent_view = parent, innermost_view = innermost
    try:
        spans = <linesift_span *> _allocate(count, sizeof(linesift_span))
        stack = <long long *> _allocate(count, sizeof(long long))
        for i in range(count):
            spans[i].start, spans[i].end, spans[i].at = starts[i], ends[i], i
        _paint(spans, count, rows, <long long *> &parent_view[0] if count else NULL,
               <long long *> &innermost_view[0] if rows else NULL, stack)
    finally:
        PyMem_Free(spans)
        PyMem_Free(stack)
    return parent, innermost


def page_structure(object containers, const int64_t[::1] page_rows not None, const double[::1] mass not None,
                   int64_t first, tuple main_shares not None, int repeat_min,
                   int64_t[:, ::1] levels not None, int64_t[:, ::1] main not None, double[:, ::1] repeat not None):
    """One page's containers, written for its rows ``first:first + len(page_rows)`` of the
    batch: each row's levels (``levels[2k]``, ``levels[2k + 1]``: first and end row of
    level k + 1, as batch rows; ``levels`` has a pair per level), each main container
    (``main[2i]``, ``main[2i + 1]`` for ``main_shares[i]``) and, in ``repeat``, the
    innermost repeated unit around the row: its group's units, its rows, the share of the
    page's rows and of its text mass its group holds (0 outside any; the caller takes
    log(1 + x) of the first two). ``containers`` are the page's containers as (first line, end
    line, signature) in line numbers (a list of triples, or an array of three columns),
    ``page_rows`` the lines that are rows (ascending), ``mass`` each row's text mass."""
    cdef const int64_t[:, ::1] ranges = _triples(containers)
    cdef Py_ssize_t rows = page_rows.shape[0], count = ranges.shape[0], wanted_levels = levels.shape[0] // 2
    cdef Py_ssize_t i, j, k, kept, root, run, repeated, container, best
    if mass.shape[0] != rows or first < 0 or rows == 0 or levels.shape[1] < first + rows \
            or main.shape[1] < first + rows or repeat.shape[1] < first + rows \
            or main.shape[0] < 2 * len(main_shares) or repeat.shape[0] < 4:
        raise ValueError("page_structure: a mass for each row, and outputs wide and tall enough for the page's rows")
    cdef double *cumulative = NULL
    cdef long long *keys = NULL
    cdef long long *row_start = NULL
    cdef long long *row_end = NULL
    cdef linesift_span *table = NULL
    cdef linesift_span *painted = NULL
    cdef linesift_span *unit_spans = NULL
    cdef linesift_sibling *siblings = NULL
    cdef long long *parent = NULL
    cdef long long *table_parent = NULL
    cdef long long *innermost = NULL
    cdef long long *stack = NULL
    cdef long long *units = NULL
    cdef long long *group_of = NULL
    cdef double *group_lines = NULL
    cdef double *group_mass = NULL
    cdef long long start, end, width = rows + 1
    cdef double page_mass, wanted, share, least = 0.0
    try:
        cumulative = <double *> _allocate(rows + 1, sizeof(double))
        keys = <long long *> _allocate(count, sizeof(long long))
        row_start = <long long *> _allocate(count, sizeof(long long))
        row_end = <long long *> _allocate(count, sizeof(long long))
        table = <linesift_span *> _allocate(count + 1, sizeof(linesift_span))
        painted = <linesift_span *> _allocate(count + 1, sizeof(linesift_span))
        unit_spans = <linesift_span *> _allocate(count, sizeof(linesift_span))
        siblings = <linesift_sibling *> _allocate(count, sizeof(linesift_sibling))
        parent = <long long *> _allocate(count + 1, sizeof(long long))
        table_parent = <long long *> _allocate(count + 1, sizeof(long long))
        innermost = <long long *> _allocate(rows, sizeof(long long))
        stack = <long long *> _allocate(count + 1, sizeof(long long))
        units = <long long *> _allocate(count, sizeof(long long))
        group_of = <long long *> _allocate(count, sizeof(long long))
        group_lines = <double *> _allocate(count, sizeof(double))
        group_mass = <double *> _allocate(count, sizeof(double))
        cumulative[0] = 0.0
        for i in range(rows):
            cumulative[i + 1] = cumulative[i] + mass[i]
        page_mass = cumulative[rows] - cumulative[0]
        page_mass = 1e-9 if 1e-9 > page_mass else page_mass   # as max(page_mass, 1e-9) has it, NaN too

        # -- levels. The table: the distinct ranges of two rows or more and fewer than the
        # page's, in (start, end) order, and the page last.
        for i in range(count):   # line ranges to row ranges: blank lines are no rows
            row_start[i], row_end[i] = _row_of(page_rows, ranges[i, 0]), _row_of(page_rows, ranges[i, 1])
            keys[i] = row_start[i] * width + row_end[i]
        qsort(keys, count, sizeof(long long), linesift_key_order)
        kept = 0
        for i in range(count):
            if i and keys[i] == keys[i - 1]:
                continue
            start, end = keys[i] // width, keys[i] % width
            if end - start >= 2 and end - start < rows:
                table[kept].start, table[kept].end, table[kept].at = start, end, kept
                kept += 1
        root = kept
        table[root].start, table[root].end, table[root].at = 0, rows, root
        for i in range(kept):
            painted[i] = table[i]
        qsort(painted, kept, sizeof(linesift_span), linesift_span_order)
        _paint(painted, kept, rows, parent, innermost, stack)
        table_parent[root] = root
        for i in range(kept):
            table_parent[painted[i].at] = painted[parent[i]].at if parent[i] >= 0 else root
        for i in range(rows):
            container = painted[innermost[i]].at if innermost[i] >= 0 else root
            for k in range(wanted_levels):
                levels[2 * k, first + i] = table[container].start + first
                levels[2 * k + 1, first + i] = table[container].end + first
                container = table_parent[container]

        # -- main containers: the smallest holding the share wanted, the first in the table of equals
        for k in range(len(main_shares)):
            wanted = main_shares[k]
            best = -1
            for i in range(kept + 1):
                share = (cumulative[table[i].end] - cumulative[table[i].start]) / page_mass
                if share >= wanted - 1e-9 and (best < 0 or table[i].end - table[i].start < least):
                    best, least = i, table[i].end - table[i].start
            best = root if best < 0 else best
            for i in range(rows):
                main[2 * k, first + i] = table[best].start + first
                main[2 * k + 1, first + i] = table[best].end + first

        # -- repeated units: the ranges with a signature, grouped by parent and signature
        kept = 0
        for i in range(count):
            if ranges[i, 2] != _NO_SIGNATURE:
                painted[kept].start, painted[kept].end, painted[kept].at = row_start[i], row_end[i], i
                kept += 1
        if kept < repeat_min:
            return
        qsort(painted, kept, sizeof(linesift_span), linesift_span_order)
        _paint(painted, kept, rows, parent, innermost, stack)
        for i in range(kept):
            siblings[i].parent, siblings[i].signature, siblings[i].at = parent[i], ranges[painted[i].at, 2], i
        qsort(siblings, kept, sizeof(linesift_sibling), linesift_sibling_order)
        i = 0
        while i < kept:   # a run of one parent and signature is a group, its ranges in painting order
            run = i
            while run < kept and siblings[run].parent == siblings[i].parent and \
                    siblings[run].signature == siblings[i].signature:
                run += 1
            units[i], group_lines[i], group_mass[i] = run - i, 0.0, 0.0
            for j in range(i, run):
                k = siblings[j].at
                group_of[k] = i
                group_lines[i] += painted[k].end - painted[k].start
                group_mass[i] += cumulative[painted[k].end] - cumulative[painted[k].start]
            i = run
        repeated = 0
        for i in range(kept):
            if units[group_of[i]] >= repeat_min:
                unit_spans[repeated].start, unit_spans[repeated].end = painted[i].start, painted[i].end
                unit_spans[repeated].at = i
                repeated += 1
        _paint(unit_spans, repeated, rows, parent, innermost, stack)
        for i in range(rows):
            if innermost[i] < 0:
                continue
            k = unit_spans[innermost[i]].at
            repeat[0, first + i] = units[group_of[k]]
            repeat[1, first + i] = painted[k].end - painted[k].start
            repeat[2, first + i] = group_lines[group_of[k]] / rows
            repeat[3, first + i] = group_mass[group_of[k]] / page_mass
    finally:
        PyMem_Free(cumulative)
        PyMem_Free(keys)
        PyMem_Free(row_start)
        PyMem_Free(row_end)
        PyMem_Free(table)
        PyMem_Free(painted)
        PyMem_Free(unit_spans)
        PyMem_Free(siblings)
        PyMem_Free(parent)
        PyMem_Free(table_parent)
        PyMem_Free(innermost)
        PyMem_Free(stack)
        PyMem_Free(units)
        PyMem_Free(group_of)
        PyMem_Free(group_lines)
        PyMem_Free(group_mass)
