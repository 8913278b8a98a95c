"""How large a page may be, and the refusal a page past the limits gets.

Limits (``PageLimits``; ``predict --max-page-mb`` / ``--max-page-lines``) are checked
before the work that would cost the memory: a file's size before it is read, gzip never
inflated past the size limit, line breaks counted before a dump is split and tags before
HTML is parsed (the parsed tree costs about 300 bytes a tag).
"""

from typing import NamedTuple

MB = 1 << 20
MAX_PAGE_MB = 16           # --max-page-mb: a page's bytes (decompressed); docs/limits.md
MAX_PAGE_LINES = 100_000   # --max-page-lines: a classified line costs about 2 KB (docs/limits.md)
HTML_TAGS_PER_LINE = 5     # an HTML page may hold this many tags for each line of the line limit
MAX_PAGE_BYTES = MAX_PAGE_MB * MB


class PageLimits(NamedTuple):
    """How large a page may be; past these it is refused (or, in a record file, skipped)."""
    max_mb: float = MAX_PAGE_MB
    max_lines: int = MAX_PAGE_LINES

    @property
    def max_bytes(self):
        return int(self.max_mb * MB)

    @property
    def max_tags(self):
        return self.max_lines * HTML_TAGS_PER_LINE


class PageRefused(ValueError):
    """A page this run will not read: ``reason`` is short and fixed per kind (a record
    file's summary counts by it), ``str()`` says exactly what is wrong."""

    def __init__(self, reason, message):
        self.reason = reason
        super().__init__(message)

    def __reduce__(self):   # rebuilt from its fields when it crosses between processes
        return (PageRefused, (self.reason, str(self)))


OVER_SIZE, OVER_LINES, NO_TEXT = "over the size limit", "over the line limit", "no text read from HTML"


def over_size(size, limits, decompressed=False):
    """PageRefused for a page of ``size`` bytes, or of None: more than the limit, where reading
    (or inflating, when ``decompressed``) stopped at it."""
    told = f"{size / MB:.1f} MB" if size is not None else f"more than {limits.max_mb:g} MB" + " decompressed" * decompressed
    return PageRefused(OVER_SIZE, f"page is {told}, over the limit of {limits.max_mb:g} MB (--max-page-mb)")


def check_lines(count, limits):
    if count > limits.max_lines:
        raise PageRefused(OVER_LINES, f"page has {count:,} lines, over the limit of {limits.max_lines:,} lines "
                                      "(--max-page-lines)")
