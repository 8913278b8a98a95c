"""The URL an HTML page states for itself: its ``<link rel="canonical">``, else its
``og:url``, read from the head only (the first HEAD_BYTES of the page) by the standard
library's tokenizer, linear in the markup however broken. ``predict`` takes a page's site
from it (``sites.site_of_url``), so that a page is counted with the pages of its own site
and never with unrelated pages that happen to lie in the same folder."""

from html.parser import HTMLParser
from urllib.parse import urljoin

from linesift.html import decode_html

HEAD_BYTES = 256 * 1024   # where a page's head is; a canonical link past it is not looked for


class _BodyReached(Exception):
    """The head is over: nothing after it is looked at."""


class _HeadLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.canonical = None
        self.og_url = None

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            raise _BodyReached
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split() and self.canonical is None:
            self.canonical = values.get("href", "").strip() or None
        elif tag == "meta" and values.get("property", values.get("name", "")).lower() == "og:url" \
                and self.og_url is None:
            self.og_url = values.get("content", "").strip() or None


def stated_url(data: bytes, base=None):
    """The absolute http(s) URL the page ``data`` names as its own, or None. ``base`` (the
    URL it was fetched from, when known) resolves a relative one."""
    reader = _HeadLinks()
    head = data[:HEAD_BYTES]
    body = head.lower().find(b"<body")
    try:
        reader.feed(decode_html(head[:body] if body >= 0 else head))
        reader.close()
    except _BodyReached:
        pass
    except Exception:   # noqa: BLE001 - a page whose head cannot be read names no URL
        return None
    for url in (reader.canonical, reader.og_url):
        if url:
            absolute = urljoin(base, url) if base else url
            if absolute.lower().startswith(("http://", "https://")):
                return absolute
    return None
