"""What every engine shares (predict's worker processes, the Spark and datatrove adapters):
one model per worker process, pages classified in batches.

Engines run our code in long-lived worker processes that receive many small tasks; loading
the model (about 1 MB of arrays) for each task would cost more than classifying a batch,
so the model is loaded once per process and path and kept for the process's life.
"""

import functools
import os
from itertools import islice

from threadpoolctl import threadpool_limits

from linesift.api import load_model
from linesift.model_file import SHIPPED_MODEL

# Pages classified together: numpy works on a whole batch at once, and at 16 pages the
# batch's arrays stay in a core's cache (at 64, two workers ran 1.5x one, not 2x).
BATCH_PAGES = 16


def process_model(path=None):
    """``(model, line_cache)`` for a model file (the shipped model when None), loaded once
    per process. The line cache lets pages of one site share the work on their menus; it
    belongs to the model so two models never share it, and bounds itself (features.extract).
    A file rewritten since (another size or time) is loaded again, never served stale."""
    try:
        stat = os.stat(path if path is not None else SHIPPED_MODEL)
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None      # load_model says what is wrong with the path
    return _loaded(None if path is None else str(path), version)


@functools.lru_cache(maxsize=4)
def _loaded(path, version):
    _one_thread_per_process()
    return load_model(path), {}


@functools.lru_cache(maxsize=1)
def _one_thread_per_process():
    """A process that classifies runs its BLAS and OpenMP on one thread. Engines get their
    parallelism from processes (predict's --jobs, Spark's executors, datatrove's tasks), and
    the model's matrix products are too small to share: an idle OpenBLAS thread only spins,
    on a core another process could use (predict --jobs 1 on dragnet's plain dumps: 30% more
    CPU time for the same wall time; --jobs 2: 10-20% slower; README, "Speed of predict")."""
    threadpool_limits(limits=1)


def batches(items, size=BATCH_PAGES, max_weight=None, weight=len, group=None):
    """Lists of up to ``size`` consecutive items (itertools.batched is Python 3.12+); with
    ``max_weight``, a list also ends before an item that would take the ``weight`` of its
    items past that (an item heavier than that alone makes a list). With ``group`` (item ->
    key), a full list runs on, up to twice ``size``, while the items are of its last item's
    group (a key of None is no group), so that a site's pages are classified together
    rather than cut at a boundary."""
    iterator = iter(items)
    if max_weight is None and group is None:
        while batch := list(islice(iterator, size)):
            yield batch
        return
    batch, total, last = [], 0, None
    for item in iterator:
        heft = weight(item) if max_weight is not None else 0
        key = group(item) if group is not None else None
        full = size is not None and len(batch) >= size
        if full and key is not None and key == last and len(batch) < 2 * size:   # None: no site known
            full = False   # the group runs on
        if batch and (full or (max_weight is not None and total + heft > max_weight)):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += heft
        last = key
    if batch:
        yield batch


def classify_grouped(model, items, classify, page, site, cache=None, size=BATCH_PAGES, max_lines=None, lines=None):
    """``(item, result)`` for each of ``items``, in order: their pages (``page(item)``)
    classified by ``classify(model, pages, cache, sites)`` (an ``api.classify_*``) in
    batches of ``size``, a site's pages (``site(item)``, None where not known) kept in one
    batch so that the site pass sees them together (``batches``' ``group``). With
    ``max_lines``, a batch also ends before its pages' ``lines(item)`` would pass it: a
    batch's features are in memory at once. predict, Spark and datatrove all classify
    through this loop."""
    for batch in batches(items, size, max_lines, lines, group=site):
        yield from zip(batch, classify(model, [page(item) for item in batch], cache, [site(item) for item in batch]))
