"""The ``linesift`` command: its numeric libraries set to one thread before numpy loads
them, then the command line (``linesift.cli``)."""

import os

# Read by OpenBLAS, OpenMP and MKL when numpy loads them, never after. With their defaults,
# OpenBLAS starts a thread per core that spins for about 0.1 s of CPU at every start, and
# the commands' matrix products are too small to share (docs/decisions.md, "One BLAS thread
# per process"). A value the user set is kept.
ONE_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main():
    for variable in ONE_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    from linesift.cli import main as command_line

    command_line(prog_name="linesift")
