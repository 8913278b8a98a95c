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

import io
import os
import re
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from linesift.errors import InputError

_TEXT = {"encoding": "utf-8", "errors": "surrogateescape", "newline": "\n"}
# mkstemp's names: the prefix given, eight characters of its alphabet, the suffix given.
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
        with _in_place(path, binary) as handle:
            yield handle
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))   # a link's target, written beside itself
    try:
        make_folders(path.parent)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise InputError(path, f"cannot write here: {error.strerror or error}", exit_code=2) from None
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else _TEXT)) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes it 0600: give it the mode of the file it replaces, or a new file's
        os.chmod(temporary, stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask())
        try:
            os.replace(temporary, path)
        except OSError as error:
            raise InputError(path, f"cannot write here: {error.strerror or error}", exit_code=2) from None
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


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


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
