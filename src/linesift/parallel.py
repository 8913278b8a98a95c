"""Run batches of pages on several cores, results in input order, memory bounded.

A pool of worker processes (the standard library's) does the work; the loop here keeps at
most ``IN_FLIGHT_PER_JOB`` batches per worker submitted and not yet handed on, so a large
input is never read ahead into memory, and results come back in the order the batches went
in (``Executor.map`` submits every batch at once).

On Linux the workers are forked from the process that asks for them, with what it has
imported and loaded (numpy, linesift, the model once it is loaded): a worker starts in
milliseconds rather than the ~0.45 s of CPU a fresh interpreter takes to get there, and
the model's arrays are shared with the parent rather than copied into each worker
(docs/decisions.md, "One process for small inputs"). Elsewhere (no fork, or fork unsafe as on
macOS) they start as fresh interpreters. A forked worker takes the default action for
SIGTERM again: the parent's handler (which unwinds a command to remove its temporaries)
belongs to the parent, and a worker has nothing of its own to clean up.

A worker ends when the process that started it is gone, however it went (SIGKILL from the
OOM killer or a scheduler included): a pool's workers do not, they wait on their queues for
ever. On Linux the kernel ends them: each worker asks for SIGKILL on its parent's death
(``prctl(PR_SET_PDEATHSIG)``), which reaches it even while it holds the GIL in a long
regular expression. That signal follows the *thread* that started the worker, so it is
asked for only when the pool is driven from the main thread. Everywhere, a thread in each
worker also watches its parent (``_exit_with_parent``) for the other cases.

A worker that dies (killed by the OOM killer or a signal) ends the run with ``WorkerDied``,
one line, never the pool's traceback. A run that stops early (an error, Ctrl-C, SIGTERM)
stops its workers rather than waiting for their batches. Workers ignore Ctrl-C (SIGINT,
which a terminal sends to the whole process group): stopping them is the parent's.
"""

import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from itertools import chain, islice

# Where workers are forked they start in milliseconds; a fresh interpreter costs each ~0.45 s
# of CPU (Python, numpy, linesift and the model) before its first page.
FORKED_WORKERS = sys.platform.startswith("linux")
IN_FLIGHT_PER_JOB = 3   # enough to keep a worker busy while the main process reads and writes
PARENT_CHECK_SECONDS = 0.5   # how often a worker looks at its parent, and a waiting parent at its workers


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
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    death_signal = threading.current_thread() is threading.main_thread()
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=_start_context(), initializer=_exit_with_parent,
                                   initargs=(os.getpid(), PARENT_CHECK_SECONDS, death_signal))
    pending = deque()
    finished = False
    try:
        for number, batch in enumerate(chain(head, batches)):
            if number == 0 and FORKED_WORKERS:   # the pool forks its workers in its first submit
                pending.append(_submit_holding_signals(executor, function, *arguments, batch))
            else:
                pending.append(executor.submit(function, *arguments, batch))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield _result(pending.popleft(), executor)
        while pending:
            yield _result(pending.popleft(), executor)
        finished = True
    except BrokenProcessPool:
        workers = _workers(executor)
        _stop(executor)
        executor.shutdown(wait=True)   # the pool joins its workers: their exit codes are known after
        raise WorkerDied(_how_it_died(workers)) from None
    finally:
        if not finished:   # stopped early (an error, a closed pipe, a signal): no batch is waited for
            _stop(executor)
        executor.shutdown(wait=True)


# Held from the fork until a worker's initializer has put its own handlers in place: a
# forked worker starts with its parent's, and SIGTERM would raise the parent's exception
# in it (a traceback where one line is promised).
_HELD_AT_FORK = {signal.SIGINT, signal.SIGTERM}


def _submit_holding_signals(executor, function, *arguments):
    """``executor.submit``, with SIGINT and SIGTERM held in this thread meanwhile: the pool
    forks all its workers in its first submit, and they start with this thread's mask, so
    what is sent to them before their initializer runs waits for it. This process gets what
    was sent to it meanwhile once the mask is put back."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_AT_FORK)
    try:
        return executor.submit(function, *arguments)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _result(future, executor):
    """``future.result()``, looking every PARENT_CHECK_SECONDS whether a worker has died: one
    that died while it sent a result left half a message in the pool's pipe, on which the
    pool would wait for ever. The pool is then stopped, and breaks."""
    from concurrent.futures import TimeoutError as NotYet  # the built-in TimeoutError from Python 3.11

    while True:
        try:
            return future.result(timeout=PARENT_CHECK_SECONDS)
        except NotYet:
            if any(worker.exitcode is not None for worker in _workers(executor)):
                _stop(executor)


def _stop(executor):
    """End the pool now: its workers (SIGTERM, whose default action they take), and the
    waits of its threads on their pipes, whose other ends this process holds open too. The
    thread that reads results would wait for ever for the rest of one a worker was ended in
    the middle of sending; with this process's writing end closed it reads end-of-file once
    the workers are gone, and the pool breaks (its futures fail, ``shutdown`` returns). The
    thread that feeds batches may be blocked writing one no worker will read; with this
    process's reading end closed its write fails. Python 3.11 and later close that end
    themselves when the pool breaks, from the pool's thread (closing it here too could close
    a descriptor number already reused); 3.10 does not. The standard pool has no public way
    to do either. It counts on this process being the only other holder of those ends: two
    pools alive at once in one process would each give the other's ends to its workers."""
    for worker in _workers(executor):
        if worker.exitcode is None:
            worker.terminate()
    ends = [("_result_queue", "_writer")] + ([("_call_queue", "_reader")] if sys.version_info < (3, 11) else [])
    for queue, end in ends:
        connection = getattr(getattr(executor, queue, None), end, None)
        if connection is not None:
            connection.close()


def _start_context():
    """Fork where it is safe and cheap (Linux), else a fresh interpreter per worker."""
    import multiprocessing

    return multiprocessing.get_context("fork" if FORKED_WORKERS else "spawn")


def _workers(executor):
    """The pool's worker processes (multiprocessing.Process), as far as the pool shows them:
    the standard pool keeps them in ``_processes`` and has no public way to list them."""
    return list((getattr(executor, "_processes", None) or {}).values())


class WorkerDied(Exception):
    """A worker process ended without giving its result back: killed (the OOM killer, a
    signal) or crashed. ``str()`` says how, as far as the exit codes tell."""


def _how_it_died(workers):
    """How the pool's workers ended, by their exit codes: a signal's name (SIGKILL from the
    OOM killer, say). The pool ends the survivors with SIGTERM once one has died, so
    SIGTERM is left out of the codes named."""
    codes = sorted({worker.exitcode for worker in workers
                    if worker.exitcode not in (None, 0, -signal.SIGTERM)})
    if codes:
        named = ", ".join(_exit_name(code) for code in codes)
        return f"a worker process died (exit {named}: killed, or out of memory?)"
    return "a worker process died (killed, or out of memory?)"


def _exit_name(code):
    if code < 0:
        try:
            return f"{signal.Signals(-code).name}({code})"
        except ValueError:
            pass
    return str(code)


_PR_SET_PDEATHSIG = 1   # from <linux/prctl.h>


def _exit_with_parent(parent_pid, interval=PARENT_CHECK_SECONDS, death_signal=False):
    """Worker initializer: end this process once its parent is no longer ``parent_pid``
    (an orphan is adopted by init or a subreaper, so its parent id changes). With
    ``death_signal`` (the pool is driven from the main thread; the module docstring says
    why only then), on Linux the kernel sends SIGKILL at the parent's death; the thread
    that polls covers the rest, as long as it gets the GIL."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)   # a forked worker had its parent's handler
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle: it stops the pool
    if FORKED_WORKERS:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_AT_FORK)   # what came since the fork, now
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
