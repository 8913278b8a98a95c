"""A progress line on stderr: pages done, pages/s, and the time left when the size is known.

Drawn only when stderr is a terminal (a log file or a pipe gets no carriage returns), and
redrawn at most every ``REDRAW_SECONDS``: drawing must cost nothing next to the work.
"""

import sys
import time

REDRAW_SECONDS = 0.5


def _duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """``update(done, fraction)`` after each page: ``fraction`` of the input read so far
    (0..1), or None when the size is unknown (then no time left is shown)."""

    def __init__(self, enabled=True, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.started = time.monotonic()
        self.drawn = 0.0
        self.width = 0

    def update(self, done, fraction=None, force=False):
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.drawn < REDRAW_SECONDS:
            return
        self.drawn = now
        elapsed = max(now - self.started, 1e-9)
        line = f"linesift: {done:,} pages, {done / elapsed:,.0f} pages/s, {_duration(elapsed)}"
        if fraction is not None and 0 < fraction < 1:
            line += f", {fraction:.0%}, {_duration(elapsed * (1 - fraction) / fraction)} left"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self):
        """Clear the line, so the summary that follows starts on a clean one."""
        if self.enabled and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
