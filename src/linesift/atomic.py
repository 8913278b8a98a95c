"""Outputs written whole or not at all: a temporary file renamed over the target."""

import io
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from linesift.errors import InputError


@contextmanager
def atomic_writer(path, binary=False):
    """Write ``path`` through a temporary file in the same folder, renamed over it only
    once everything is written: a crash leaves the old file or the new one, never half.
    ``-`` writes to stdout instead. Text is UTF-8 with surrogateescape, so bytes that
    were not UTF-8 in the input come out exactly as they went in."""
    if str(path) == "-":
        if binary:
            yield sys.stdout.buffer
            return
        sys.stdout.flush()
        handle = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogateescape", newline="\n")
        try:
            yield handle
            handle.flush()
        finally:
            handle.detach()  # leave sys.stdout's buffer open for whoever writes next
        return
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise InputError(path, f"cannot write here: {error.strerror or error}", exit_code=2) from None
    try:
        mode = "wb" if binary else "w"
        options = {} if binary else {"encoding": "utf-8", "errors": "surrogateescape", "newline": "\n"}
        with os.fdopen(fd, mode, **options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it 0600; give it a new file's mode
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


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
