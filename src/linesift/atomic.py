"""Outputs written whole or not at all, and never over an input.

What an output path names decides how it is written:

- a regular file, or a path where nothing is yet: through a temporary file in the same
  folder (``.NAME.xxxxxxxx.tmp``), renamed over the path only once everything is written,
  so a crash leaves the old file or the new one, never half of one;
- a symbolic link: the file it points to is written, atomically, with its temporary beside
  that file; the link stays a link (replacing it would cut it off from where it points);
- a device, FIFO or socket (``/dev/null``, a named pipe), or an open file descriptor
  (``/dev/stdout``, ``/dev/fd/N``, whatever it leads to): written in place, as a stream,
  appending; it cannot be replaced (renaming over ``/dev/null`` would put a regular file
  where the device was; replacing the file behind ``/dev/stdout`` would cut it off from
  the shell's redirection) and cannot be atomic;
- ``-``: stdout.

``refuse_inputs_as_outputs`` is the one check, before any work, that no output is an
input or lies in an input folder; ``remove_stale_temporaries`` clears the temporaries a
killed run (SIGKILL, which leaves no time to clean up) left beside outputs.
"""

import base64
import io
import os
import queue
import re
import stat
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from linesift.errors import InputError

_TEXT = {"encoding": "utf-8", "errors": "surrogateescape", "newline": "\n"}
# A temporary's name: a dot, the target's name, eight random characters (base32), .tmp.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")


@contextmanager
def atomic_writer(path, binary=False):
    """Write ``path`` whole or not at all (the module docstring says how each kind of path
    is written). Text is UTF-8 with surrogateescape, so bytes that were not UTF-8 in the
    input come out exactly as they went in."""
    if str(path) == "-":
        if binary:
            yield sys.stdout.buffer
            return
        sys.stdout.flush()
        handle = io.TextIOWrapper(sys.stdout.buffer, **_TEXT)
        try:
            yield handle
            handle.flush()
        finally:
            handle.detach()  # leave sys.stdout's buffer open for whoever writes next
        return
    path, info, in_place = _where(path)
    if in_place:
        with _in_place(path, binary) as handle:
            yield handle
        return
    temporary = [None]   # its name, known before the file is made (_temporary says why)
    try:
        fd = _temporary(path, info, lambda name: temporary.__setitem__(0, name))
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else _TEXT)) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _put_in_place(temporary[0], path, info)
    except BaseException:
        if temporary[0] is not None:
            _discard(temporary[0])
        raise


def write_files(files):
    """Write each (path, data) of ``files`` (data: str, written as ``atomic_writer`` writes
    text, or bytes) whole or not at all, as ``atomic_writer`` would one by one, but flushed
    to disk together, up to WRITE_BATCH files at a time: every data goes to its temporary,
    the temporaries are synced at once (``_sync_all``), and only then renamed over their
    paths, in order. Paths written in place (``-``, devices, pipes: they cannot be taken
    back) are written after those renames. On an error, the files renamed before it are
    whole and the others as they were."""
    files = list(files)
    for at in range(0, len(files), WRITE_BATCH):
        _write_batch(files[at:at + WRITE_BATCH])


WRITE_BATCH = 64   # temporaries open at once: bounded, whatever a caller's batch


def _write_batch(files):
    pending = []   # [descriptor or None once closed, temporary, path, its stat or None], not yet renamed
    streams = []   # (path, data) written in place, after the renames
    try:
        for path, data in files:
            where, info, in_place = (path, None, True) if str(path) == "-" else _where(path)
            if in_place:
                streams.append((path, data))
                continue
            entry = [None, None, where, info]
            pending.append(entry)
            entry[0] = _temporary(where, info, lambda name, entry=entry: entry.__setitem__(1, name))
            binary = isinstance(data, bytes)
            with os.fdopen(entry[0], "wb" if binary else "w", closefd=False, **({} if binary else _TEXT)) as handle:
                handle.write(data)
        _sync_all([fd for fd, _, _, _ in pending])
        while pending:
            entry = pending[0]
            fd, entry[0] = entry[0], None   # closed once, whatever close says (Linux frees it even on an error)
            os.close(fd)
            _put_in_place(entry[1], entry[2], entry[3])
            pending.pop(0)
    except BaseException:
        for fd, temporary, _, _ in pending:   # every one, whatever fails on the way
            try:
                if fd is not None:
                    os.close(fd)
            except OSError:
                pass
            if temporary is not None:
                try:
                    _discard(temporary)
                except OSError:
                    pass
        raise
    for path, data in streams:
        with atomic_writer(path, binary=isinstance(data, bytes)) as handle:
            handle.write(data)


# fsyncs waiting together are committed together (a journaling file system's group commit):
# a batch of files costs about one flush to disk, not one each. The threads are daemons: a
# pool's threads are joined at exit, and one started just as a signal ended the run was never
# told to stop, so the process waited for it for ever.
SYNC_THREADS = 8
_sync_jobs = None   # the queue the sync threads take (descriptor, Future) from, once they run


def _sync_all(descriptors):
    global _sync_jobs
    if len(descriptors) < 2:
        for fd in descriptors:
            os.fsync(fd)
        return
    if _sync_jobs is None:
        jobs = queue.SimpleQueue()
        for _ in range(SYNC_THREADS):
            threading.Thread(target=_sync_forever, args=(jobs,), name="linesift-sync", daemon=True).start()
        _sync_jobs = jobs   # only once every thread runs: an interrupted start is begun again
    from concurrent.futures import Future, wait  # only for folders of outputs: keeps a page's start short

    waits = []
    for fd in descriptors:
        waits.append(Future())
        _sync_jobs.put((fd, waits[-1]))
    try:
        for done in waits:
            done.result()
    except BaseException:
        # The caller closes the descriptors next, and their numbers go to the next files
        # opened: no fsync may start on them after this returns.
        for done in waits:
            done.cancel()
        wait(waits)
        raise


def _sync_forever(jobs):
    while True:
        fd, done = jobs.get()
        if not done.set_running_or_notify_cancel():
            continue   # cancelled: its descriptor may be closed, or another file's
        try:
            os.fsync(fd)
        except BaseException as error:
            done.set_exception(error)
        else:
            done.set_result(None)


def _where(path):
    """(the path to write, its stat or None where nothing is yet, whether it is written in
    place): a folder is refused, a link leads to its target."""
    path = Path(path)
    try:
        info = os.stat(path)   # follows links: what the path leads to
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InputError(path, f"cannot write here: {error.strerror or error}", exit_code=2) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a folder; name a file", exit_code=2)
    if info is not None and (not stat.S_ISREG(info.st_mode) or _is_descriptor(path)):
        return path, info, True
    if path.is_symlink():
        path = Path(os.path.realpath(path))   # a link's target, written beside itself
    return path, info, False


def _temporary(path, info, named):
    """The descriptor of a new temporary file beside ``path`` (``.NAME.xxxxxxxx.tmp``), its
    folders made; ``named(name)`` is told its name before it is made (a later call replaces
    an earlier, whose name was taken), so that the caller can remove it even when a signal
    stops the run between the file's making and this function's return. It is made with the
    mode of the file it will replace (``info``, its stat), or a new file's (0666 less the
    umask, as the system applies it), so that a new output needs no chmod."""
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666
    try:
        make_folders(path.parent)
        for _ in range(100):
            temporary = path.parent / f".{path.name}.{base64.b32encode(os.urandom(5)).decode().lower()}.tmp"
            named(temporary)
            try:
                return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
            except FileExistsError:
                continue
        raise FileExistsError(f"no free temporary name beside {path.name}")
    except OSError as error:
        raise InputError(path, f"cannot write here: {error.strerror or error}", exit_code=2) from None


def _put_in_place(temporary, path, info):
    try:
        if info is not None:   # the umask may have taken bits of the replaced file's mode
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, path)
    except OSError as error:
        raise InputError(path, f"cannot write here: {error.strerror or error}", exit_code=2) from None


def _discard(temporary):
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass


def _is_descriptor(path):
    """Whether ``path`` leads, through its links, to an open file descriptor (``/dev/stdout``
    is a link to ``/proc/self/fd/1``)."""
    path = os.path.abspath(path)
    for _ in range(40):   # the kernel's own limit on links followed
        if path.startswith(("/proc/", "/dev/fd/")):
            return True
        if not os.path.islink(path):
            return False
        path = os.path.join(os.path.dirname(path), os.readlink(path))
    return False


@contextmanager
def _in_place(path, binary):
    try:   # appending: a file behind a descriptor may be the shell's `>>`
        handle = open(path, "ab" if binary else "a", **({} if binary else _TEXT))
    except OSError as error:
        raise InputError(path, f"cannot write here: {error.strerror or error}", exit_code=2) from None
    with handle:
        yield handle


def make_folders(folder):
    """``folder`` and its missing parents, made one by one from the top (Path.mkdir's
    ``parents`` recurses, and a folder a thousand deep is a legal place to write)."""
    folder = Path(folder)
    missing = []
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(exist_ok=True)


def refuse_inputs_as_outputs(outputs, inputs, hint="choose another output", reads=None):
    """Before any work: an InputError (exit 2) when one of ``outputs`` is one of ``inputs``
    (paths as given; ``-`` is stdin/stdout and never clashes), or lies in a folder among
    them where the command reads it as an input (``reads(parts)``, with the parts of its
    path below that folder; None: every file there) — written, it would replace a page,
    or be read as one the next time. The one check of every command that writes (predict,
    train -o, evaluate --report). A device or pipe (``/dev/null``) is written in place and
    replaces nothing, so it never clashes."""
    files, folders = set(), []
    for given in inputs:
        if str(given) == "-":
            continue
        try:
            info = os.stat(given)
        except OSError:
            continue   # not there: nothing to overwrite (reading it says what is wrong)
        if stat.S_ISDIR(info.st_mode):
            folders.append(os.path.realpath(given))
        elif stat.S_ISREG(info.st_mode):
            files.add((info.st_dev, info.st_ino))
    real_folders = {}   # an output folder's real path, resolved once for all the outputs in it
    for output in outputs:
        if str(output) == "-":
            continue
        try:
            info = os.stat(output)
        except OSError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
            continue
        if info is not None and (info.st_dev, info.st_ino) in files:   # the same file, by any name or link
            raise InputError(output, f"output would overwrite an input; {hint}", exit_code=2)
        if not folders:
            continue
        parent, name = os.path.split(os.path.abspath(output))
        if os.path.islink(output):
            real = os.path.realpath(output)
        else:
            if parent not in real_folders:
                real_folders[parent] = os.path.realpath(parent)
            real = os.path.join(real_folders[parent], name)
        inside = next((folder for folder in folders if real == folder or (real.startswith(folder.rstrip(os.sep) + os.sep)
                       and (reads is None or reads(Path(os.path.relpath(real, folder)).parts)))), None)
        if inside is not None:
            raise InputError(output, f"output would overwrite an input or be read as one (it is in the input "
                                     f"folder {inside}); {hint}", exit_code=2)


def remove_stale_temporaries(targets):
    """Remove the temporaries ``atomic_writer`` left for ``targets`` (``.NAME.xxxxxxxx.tmp``
    beside a target NAME), as a run killed by SIGKILL leaves them; returns how many."""
    wanted = {}
    for target in map(Path, targets):
        wanted.setdefault(target.parent, set()).add(target.name)
    removed = 0
    for folder, names in wanted.items():
        try:
            entries = os.listdir(folder)
        except OSError:
            continue   # no folder yet: nothing left in it
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry)
            if match and match["name"] in names:
                try:
                    os.unlink(folder / entry)
                    removed += 1
                except FileNotFoundError:
                    pass
    return removed
