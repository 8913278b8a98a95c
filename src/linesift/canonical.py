"""The URL an HTML page states for itself: its ``<link rel="canonical">``, else its
``og:url``, read from the head only (the first HEAD_BYTES of the page) by the standard
library's tokenizer, linear in the markup however broken. ``predict`` takes a page's site
from it (``sites.site_of_url``), so that a page is counted with the pages of its own site
and never with unrelated pages that happen to lie in the same folder."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from linesift.html import decode_html

HEAD_BYTES = 256 * 1024   # where a page's head is; a canonical link past it is not looked for
_SPACE = re.compile(r"\s+")


class _BodyReached(Exception):
    """The head is over: nothing after it is looked at."""


class _HeadLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.canonical = []
        self.og_url = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            raise _BodyReached
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical.append(values.get("href", ""))
        elif tag == "meta" and values.get("property", values.get("name", "")).lower() == "og:url":
            self.og_url.append(values.get("content", ""))


def stated_url(data, base=None):
    """The absolute http(s) URL the page ``data`` (bytes, or text already decoded) names as
    its own, or None: its first canonical link, else its first og:url, that makes one.
    ``base`` (the URL it was fetched from, when known) resolves a relative one."""
    reader = _HeadLinks()
    head = data[:HEAD_BYTES]
    body = head.lower().find(b"<body" if isinstance(head, bytes) else "<body")
    head = head[:body] if body >= 0 else head
    try:
        reader.feed(decode_html(head) if isinstance(head, bytes) else head)
        reader.close()
    except _BodyReached:
        pass
    except Exception:   # noqa: BLE001 - a page whose head cannot be read names no URL
        return None
    return next(filter(None, (absolute_url(url, base) for url in reader.canonical + reader.og_url)), None)


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
