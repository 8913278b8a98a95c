"""A page's site: what the site pass (``linesift.features.site``) groups pages by."""

from urllib.parse import urlsplit


def site_of_url(url):
    """The site of a page for the site pass (``features.site``): its URL's host, lower-cased,
    without port or a leading "www."; None when there is no usable URL. A host rather than
    a registered domain: news.example.com and shop.example.com are two templates."""
    if not isinstance(url, str):
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:     # a malformed URL ("http://[::1") names no site
        return None
    return host.removeprefix("www.") if host else None
