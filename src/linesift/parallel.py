"""Run batches of pages on several cores, results in input order, memory bounded.

joblib's process pool (loky) does the work; the loop here keeps at most ``IN_FLIGHT_PER_JOB``
batches per worker submitted and not yet handed on, so a large input is never read ahead
into memory, and results come back in the order the batches went in. joblib's own
``Parallel(return_as="generator")`` keeps order too, but it dispatches new batches as
workers finish, not as results are consumed: with a slow writer, results would pile up.

A worker ends when the process that started it is gone, however it went (SIGKILL from the
OOM killer or a scheduler included): loky's workers do not, they wait on their queues for
ever, and with them loky's and multiprocessing's resource trackers, whose pipes the
workers hold open. On Linux the kernel ends them: each worker asks for SIGKILL on its
parent's death (``prctl(PR_SET_PDEATHSIG)``), which reaches it even while it holds the
GIL in a long regular expression. That signal follows the *thread* that started the
worker, so it is asked for only when the pool is driven from the main thread (loky starts
workers from the submitting thread or from its manager thread, which lives as long as the
pool). Everywhere, a thread in each worker also watches its parent (``_exit_with_parent``)
for the other cases. The trackers then read the end of their pipes and exit, cleaning up
as they do.

A worker that dies (killed by the OOM killer or a signal) ends the run with ``WorkerDied``,
one line, never loky's traceback.
"""

import ctypes
import os
import re
import signal
import sys
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
    from joblib.externals.loky.process_executor import BrokenProcessPool

    death_signal = threading.current_thread() is threading.main_thread()
    executor = get_reusable_executor(max_workers=jobs, initializer=_exit_with_parent,
                                     initargs=(os.getpid(), PARENT_CHECK_SECONDS, death_signal))
    pending = deque()
    try:
        for batch in chain(head, batches):
            pending.append(executor.submit(function, *arguments, batch))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as error:
        raise WorkerDied(_how_it_died(error)) from None
    finally:
        for future in pending:   # stopped early (an error, a closed pipe): drop the rest
            future.cancel()


class WorkerDied(Exception):
    """A worker process ended without giving its result back: killed (the OOM killer, a
    signal) or crashed. ``str()`` says how, as far as the exit codes tell."""


def _how_it_died(error):
    """loky's message lists the workers' exit codes (``{SIGKILL(-9)}``); the rest of it is
    a traceback's worth of advice."""
    codes = re.search(r"exit codes of the workers are \{([^}]*)\}", str(error))
    if codes and codes.group(1):
        return f"a worker process died (exit {codes.group(1)}: killed, or out of memory?)"
    return "a worker process died (killed, or out of memory?)"


_PR_SET_PDEATHSIG = 1   # from <linux/prctl.h>


def _exit_with_parent(parent_pid, interval=PARENT_CHECK_SECONDS, death_signal=False):
    """Worker initializer: end this process once its parent is no longer ``parent_pid``
    (an orphan is adopted by init or a subreaper, so its parent id changes). With
    ``death_signal`` (the pool is driven from the main thread; the module docstring says
    why only then), on Linux the kernel sends SIGKILL at the parent's death; the thread
    that polls covers the rest, as long as it gets the GIL."""
    if death_signal and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass   # no prctl to call: the thread below still watches
    if os.getppid() != parent_pid:   # the parent died before the signal was asked for
        os._exit(1)

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)   # nothing to save: the results would have nowhere to go

    threading.Thread(target=watch, name="linesift-parent-watch", daemon=True).start()
