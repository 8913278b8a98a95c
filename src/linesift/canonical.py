"""The URL an HTML page states for itself: its ``<link rel="canonical">``, else its
``og:url``, read from the head only (the first HEAD_BYTES of the page, up to its
``<body``) by the HTML5 parser (``_blocks.head_links``), linear in the markup however
broken. ``predict`` takes a page's site from it (``sites.site_of_url``), so that a page is
counted with the pages of its own site and never with unrelated pages that happen to lie in
the same folder."""

import re
from urllib.parse import urljoin, urlsplit

from linesift._blocks import head_links
from linesift.html import decode_html

HEAD_BYTES = 256 * 1024   # where a page's head is; a canonical link past it is not looked for
_SPACE = re.compile(r"\s+")


def stated_url(data, base=None):
    """The absolute http(s) URL the page ``data`` (bytes, or text already decoded) names as
    its own, or None: its first canonical link, else its first og:url, that makes one.
    ``base`` (the URL it was fetched from, when known) resolves a relative one."""
    head = data[:HEAD_BYTES]
    body = head.lower().find(b"<body" if isinstance(head, bytes) else "<body")
    head = head[:body] if body >= 0 else head
    text = decode_html(head) if isinstance(head, bytes) else head
    canonical, og_url = head_links(text.encode("utf-8", "replace"))
    return next(filter(None, (absolute_url(url, base) for url in canonical + og_url)), None)


def absolute_url(href, base=None):
    """``href`` (white space folded) made absolute against ``base``, when that gives an
    http(s) URL with a host; else None."""
    href = _SPACE.sub(" ", href or "").strip()
    if not href:
        return None
    try:
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
    except ValueError:   # "http://[::1" and the like
        return None
    return absolute if parts.scheme in ("http", "https") and parts.hostname else None
