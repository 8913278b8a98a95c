"""Run batches of pages on several cores, results in input order, memory bounded.

joblib's process pool (loky) does the work; the loop here keeps at most ``IN_FLIGHT_PER_JOB``
batches per worker submitted and not yet handed on, so a large input is never read ahead
into memory, and results come back in the order the batches went in. joblib's own
``Parallel(return_as="generator")`` keeps order too, but it dispatches new batches as
workers finish, not as results are consumed: with a slow writer, results would pile up.

A worker ends when the process that started it is gone, however it went (SIGKILL from the
OOM killer or a scheduler included): loky's workers do not, they wait on their queues for
ever, and with them loky's and multiprocessing's resource trackers, whose pipes the
workers hold open. Each worker watches its parent from a thread (``_exit_with_parent``);
the trackers then read the end of their pipes and exit, cleaning up as they do.
"""

import os
import threading
import time
from collections import deque
from itertools import chain, islice

IN_FLIGHT_PER_JOB = 3   # enough to keep a worker busy while the main process reads and writes
PARENT_CHECK_SECONDS = 0.5   # how often a worker looks whether its parent is still there


def available_cores():
    """Cores this process may use (its CPU affinity where the system tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        return os.cpu_count() or 1


def ordered_map(function, batches, jobs, *arguments):
    """``function(*arguments, batch)`` for each of ``batches`` (an iterator, read lazily),
    yielded in order. ``jobs`` <= 1, or a single batch, runs in this process: no worker
    is started for a small input."""
    batches = iter(batches)
    head = list(islice(batches, 2))
    if jobs <= 1 or len(head) < 2:
        for batch in chain(head, batches):
            yield function(*arguments, batch)
        return
    from joblib.externals.loky import get_reusable_executor

    executor = get_reusable_executor(max_workers=jobs, initializer=_exit_with_parent, initargs=(os.getpid(),))
    pending = deque()
    try:
        for batch in chain(head, batches):
            pending.append(executor.submit(function, *arguments, batch))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:   # stopped early (an error, a closed pipe): drop the rest
            future.cancel()


def _exit_with_parent(parent_pid, interval=PARENT_CHECK_SECONDS):
    """Worker initializer: end this process once its parent is no longer ``parent_pid``
    (an orphan is adopted by init or a subreaper, so its parent id changes). A thread that
    polls, rather than Linux's parent-death signal: that signal follows the *thread* that
    started the worker, so a worker started from a short-lived thread would die with it."""

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)   # nothing to save: the results would have nowhere to go

    threading.Thread(target=watch, name="linesift-parent-watch", daemon=True).start()
