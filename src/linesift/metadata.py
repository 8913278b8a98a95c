"""What an HTML page states about itself: its title, canonical URL, language, site,
publication and modification dates, and author — the fields a corpus builder keeps beside
a page's text.

``page_metadata(data, url)`` returns a dict with the keys the page states a usable value
for, and no others (a key the page does not state is left out, not None):

- ``title``: on an article (a page whose JSON-LD states a headline or whose og:type is
  "article"), its first ``<h1>`` when it restates the title the page declares (at least
  HEADLINE_AGREEMENT word F1 with it or with the ``<title>`` element): the visible
  headline, without the " | Site name" or the sharing variant of the declared one. Else
  the declared title: the JSON-LD ``headline`` of the page's main item, else ``og:title``,
  else ``twitter:title``, else the ``<title>`` element; else the first ``<h1>``. The title
  is given as the page states it (no suffix is cut: which part is the site's name is a
  guess). Measured on WCXB's recorded titles (tests/bench/bench_metadata.py), which are
  the document title or the visible headline as each annotator chose.
- ``url``: ``<link rel=canonical>``, else ``og:url``, in the head, made absolute against
  ``url`` (the address the page was fetched from); only an http(s) URL is kept. The one
  reading of it is ``canonical.stated_url``, which predict's site pass uses too.
- ``language``: ``<html lang>`` (or ``xml:lang``), else the ``content-language`` meta,
  else ``og:locale``; normalised to BCP 47 case ("en", "pt-BR", "zh-Hant-TW"); "und" and
  what is not a language tag are left out.
- ``site``: the host of the canonical URL, else of ``url`` (``sites.site_of_url``).
- ``published`` / ``modified``: ISO dates ``YYYY-MM-DD``, from the first source that holds
  a readable, plausible date (years 1991 to next year), in this order: the JSON-LD of the
  page's main item (an article or posting before a web page before anything else), the
  meta tags (``article:published_time``, ``og:…``, Dublin Core, ``itemprop`` and the
  names news sites use), elements with ``itemprop=datePublished`` / ``dateCreated`` /
  ``dateModified``, then for ``published`` only: the first ``<time datetime>`` of the page;
  the first date in the short texts right below the headline (its byline or dateline; month
  names in English, German, French, Spanish, Polish, Russian and Greek, "2012年1月17日",
  numeric forms; not a date labelled "Updated", nor one in a caption or a list of related
  stories), else right above it; a day in the page's address (".../2012/07/23/..."); last,
  htmldate's fast mode on the page without its scripts, sidebars, menus, comments, lists of
  related or recent stories and modification-date meta tags. The date is the one written (a
  time zone does not move it: the page's own day is kept).
- ``author``: the JSON-LD author name(s) of the main item, else the ``author`` meta (and
  ``article:author``, ``dc.creator``, ``parsely-author``, ``citation_author``, …) when it
  is a name rather than a URL or a handle, else the name a Twitter card gives after its
  "Written by" label (``twitter:label1`` / ``twitter:data1``), else the text of
  ``rel=author`` links and ``itemprop=author`` elements; where these give none, or one word (a user's handle such
  as "jdoe": a visible byline of two words or more wins over it), the first short byline
  the markup names as such (class or id with the word ``author`` or ``byline``, words read
  as the HTML reader reads them: "authorName" too; its first text when a role follows the
  name), else the
  name of a "By …" / "Written by …" / "Author: …" line right below the headline (on an
  article, past a standfirst), else the name after a "Written by" label anywhere (an author
  box); then, on an article (a page that states its date or whose og:type says so), the
  first text of an author box the markup names as such (class or id ``author``, not a
  commenter's, holding more than the name: a picture, a role, a bio) when it is a name of
  two words or more; then a forum thread's first poster (the first element classed as a
  user name: ``username``, ``bigusername``, ``PostUser-name``); last, a JSON-LD author that
  is an organization (often the publisher, put there by the site's software). A byline's text is
  taken for a name only when it reads as one (up to five capitalised words, no digits, or
  one word: a user's handle); a name that starts with a comma was left blank (", USA
  TODAY"), and "admin" is a site's default account, not an author. Several authors are
  joined with "; " (a name may hold a comma: "Jane Doe, MD").

Dates: structured markup first, read here, because it is what the page states on purpose
and it costs nothing past the parse. A page that states none has its date in a byline or its
address, so those come next, read where they stand (below the headline, in the path) rather
than searched for: a date elsewhere in a page is mostly another page's (a related story, a
comment) or something else's (a forecast, a price list). htmldate comes last, fed a page
without those parts, and never a modification date for a publication. Not htmldate's
``extensive_search`` (a search of the whole text): it guesses more and took nine times as
long. Measurements: tests/bench/bench_metadata.py, with two samples checked by hand. The
one HTML parse is lxml's (``lxml.html``, as htmldate reads it), on text decoded by
``html.decode_html``.

Bad input is never an error: bytes that are not HTML, damaged gzip, a JSON-LD block that
does not parse or nests too deep, an odd date — each is just not used, and the result is
the fields that could be read (possibly ``{}``). JSON-LD is walked without recursion and
only so far (MAX_JSON_NODES).
"""

import html
import json
import re
import unicodedata
from datetime import date
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from linesift._blocks import INVISIBLE_CHARACTERS, class_words
from linesift.canonical import stated_url
from linesift.html import GZIP_MAGIC, decode_html
from linesift.limits import MAX_PAGE_BYTES
from linesift.sites import site_of_url
from linesift.wordbag import word_scores

MAX_JSON_NODES = 5_000      # JSON-LD objects and lists looked at per page
MAX_JSON_BYTES = 1 << 20    # a JSON-LD block larger than this is not read (it is data, not a description)
MAX_FIELD_CHARS = 1_000     # a title or author longer than this is not one
MAX_AUTHORS = 10
_NAME_PARTICLES = frozenset({"de", "da", "di", "del", "der", "van", "von", "la", "le", "du", "bin", "al", "y", "e"})
BYLINE_CHARS = 600          # text read below the headline for its byline date
BYLINE_PIECE_CHARS = 120    # a text piece longer than this is running text, not a byline
MAX_POSTER_CHARS = 40       # a forum user's name is no longer than this
HEADLINE_CHARS = 8          # a heading shorter than this is not one that states the title
HEADLINE_AGREEMENT = 0.5    # word F1 of an <h1> with the declared title for it to be the title
FIRST_YEAR = 1991           # the web's first pages; an earlier "publication" date is a mistake

_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                               default_doctype=False, huge_tree=True, collect_ids=False)

# meta keys (name, property or itemprop, lower case), best first
TITLE_META = ("og:title", "twitter:title")
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "article:published",
    "datepublished", "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created", "datecreated",
    "citation_publication_date", "citation_date", "parsely-pub-date", "sailthru.date", "article.published",
    "publish-date", "publish_date", "publishdate", "pubdate", "pub_date", "published_time", "published-date",
    "release_date", "dc.date", "dcterms.date", "date",
)
MODIFIED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "article:modified", "datemodified",
    "dc.date.modified", "dcterms.modified", "modified_time", "last-modified", "lastmod", "dateupdate", "revised",
)
AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "dcterms.creator", "parsely-author",
               "sailthru.author", "citation_author", "byl")
LANGUAGE_META = ("content-language", "language", "dc.language", "og:locale")

# JSON-LD types by how surely they are the page's own item
_ARTICLE_TYPE = re.compile(r"article|posting|report|question|recipe|howto|blog", re.IGNORECASE)
_PAGE_TYPE = re.compile(r"page$", re.IGNORECASE)
_NOT_MAIN_TYPE = frozenset({"comment", "answer", "review", "person", "organization", "imageobject", "breadcrumblist",
                            "listitem", "sitenavigationelement", "searchaction"})
_MARKED = etree.XPath("//*[@itemprop] | //a[@rel]")
_WRITTEN_BY = etree.XPath("//body//text()[contains(., 'ritten by') or contains(., 'ritten By') or contains(., 'RITTEN BY')]"
                           "[not(ancestor::script or ancestor::style)]")
_FOLLOWING_TEXT = "(following::text()[not(ancestor::script)])[normalize-space()][1]"
_INNER_OR_FOLLOWING_TEXT = "(*//text() | following::text())[normalize-space()][1]"
_BYLINES = etree.XPath("//body//*[contains(@class, 'uthor') or contains(@class, 'yline') or contains(@id, 'uthor')]"
                       "[not(div | p | ul | li | section | img | h2 | h3)]")   # "Author", "byLine" too
_POSTERS = etree.XPath("//body//*[contains(@class, 'sername') or contains(@class, 'User-name')]")
_AUTHOR_BOXES = etree.XPath("//body//*[contains(@class, 'uthor') or contains(@id, 'uthor')][*]")
_CLASS_WORD = re.compile(r"[a-z]+")
_PLACEHOLDER_NAMES = frozenset({"admin", "administrator"})   # a site's default account, not an author
_TWITTER_LABELS = tuple((f"twitter:label{at}", f"twitter:data{at}") for at in range(1, 5))
_COMMENT_WORDS = frozenset({"comment", "comments", "reply", "replies"})   # an author box inside one is a commenter's
_NOT_BYLINE = frozenset({"img", "image", "avatar", "photo", "bio", "description", "desc", "label", "social", "title",
                         "role", "position", "job", "meta", "about", "box", "comment", "comments", "list", "link"})
_BYLINE_LABEL = re.compile(r"^(?:written|posted|published|reviewed)?\s*by\b:?\s*", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w")
_BY_LABEL = re.compile(r"(?:(?:written|posted|published|reviewed|words|story)\s{1,3})?by\b\s?:?\s*|(?:author|autor|автор)\s?:\s*",
                       re.IGNORECASE)
_SEPARATED = re.compile(r"\s[|·•–—-]\s|[,;|·•(]|\s(?:on|in|and|for|at|updated|published)\s", re.IGNORECASE)

_SPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))
_NOT_SHOWN = "ancestor::button | ancestor::script | ancestor::style"
_NOT_SHOWN_AROUND = etree.XPath(f"count({_NOT_SHOWN})")
_SHOWN_TEXT = etree.XPath(f".//text()[count({_NOT_SHOWN}) = $around]")   # none inside the element
_URL_DATE = re.compile(r"(?<![\d.])((?:19|20)\d\d)([/_-])(\d\d)\2(\d\d)(?![\d.])")
_UPDATED = re.compile(r"updated|modified|edited|aktualiz|обновл|изменен|ενημερ|更新|修改", re.IGNORECASE)
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})
_NOT_THE_PAGE = etree.XPath("//script | //style | //aside | //nav | //meta | //*[@class or @id]")
_OTHER_PAGES_PART = ("related", "sidebar", "recommend", "popular", "trending", "weather")   # "relatedNews" too
_OTHER_PAGES = frozenset({"comments", "comment", "recent", "latest", "nav", "menu"})
_DATING_PART = ("date", "time", "byline", "by-line", "meta", "posted", "author")
_URLISH = re.compile(r"^(?:https?:|www\.|//)|\.(?:com|org|net)(?:/|$)|/", re.IGNORECASE)
_BY = re.compile(r"^[\s,;:|·•–—-]*(?:(?:written|authored|posted)\s{1,3})?(?:by\b:?)?\s*", re.IGNORECASE)
_LANGUAGE = re.compile(r"([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|\d{3}))?(?=$|[-_])", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d)|(\d{4})(\d{2})(\d{2})(?![\d:])")
_DAY_FIRST_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")


def _unaccented(word):
    return "".join(char for char in unicodedata.normalize("NFD", word) if not unicodedata.combining(char))


_MONTH_NAMES = (   # month by month: English, German, French, Spanish, Polish, Russian, Greek (genitive and nominative)
    "jan january januar janvier enero stycznia styczeń января январь ιανουαρίου ιανουάριος",
    "feb february februar février febrero lutego luty февраля февраль φεβρουαρίου φεβρουάριος",
    "mar march märz mars marzo marca marzec марта март μαρτίου μάρτιος",
    "apr april avril abril kwietnia kwiecień апреля апрель απριλίου απρίλιος",
    "may mai mayo maja maj мая май μαΐου μάιος",
    "jun june juni juin junio czerwca czerwiec июня июнь ιουνίου ιούνιος",
    "jul july juli juillet julio lipca lipiec июля июль ιουλίου ιούλιος",
    "aug august août agosto sierpnia sierpień августа август αυγούστου αύγουστος",
    "sep sept september septembre septiembre września wrzesień сентября сентябрь σεπτεμβρίου σεπτέμβριος",
    "oct october oktober octobre octubre października październik октября октябрь οκτωβρίου οκτώβριος",
    "nov november novembre noviembre listopada listopad ноября ноябрь νοεμβρίου νοέμβριος",
    "dec december dezember décembre diciembre grudnia grudzień декабря декабрь δεκεμβρίου δεκέμβριος",
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_MONTHS.update({_unaccented(name): number for name, number in list(_MONTHS.items())})   # Greek capitals drop accents
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WORD_DATES = (   # (pattern, group of the day, of the month, of the year)
    (re.compile(rf"\b{_MONTH}\s{{1,3}}(\d{{1,2}})(?:st|nd|rd|th)?,?\s{{1,3}}(\d{{4}})(?!\d)", re.IGNORECASE), 2, 1, 3),
    (re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\.?\s{{1,3}}(?:(?:of|de)\s{{1,3}})?{_MONTH},?\s{{1,3}}"
                rf"(?:de\s{{1,3}})?(\d{{4}})(?!\d)", re.IGNORECASE), 1, 2, 3),
    (re.compile(r"(?<!\d)(\d{4})\s{0,3}[年년]\s{0,3}(\d{1,2})\s{0,3}[月월]\s{0,3}(\d{1,2})\s{0,3}[日일]"), 3, 2, 1),
)


def page_metadata(data: bytes | str, url: str | None = None) -> dict:
    """What the HTML page ``data`` (bytes, gzip or not, any encoding; or str) states about
    itself, as the module docstring says; ``url`` is the address it was fetched from, for a
    relative canonical URL and for ``site``. Never raises on bad input."""
    base = url.strip() if isinstance(url, str) and url.strip() else None
    root, text = _parse(data)
    found = _read(root, text, base) if root is not None else {}
    site = site_of_url(found.get("url") or base)
    if site:
        found["site"] = site
    return found


def _parse(data):
    """(the page's element tree, its decoded text), or (None, None) for what is no page."""
    try:
        if isinstance(data, str):
            text = data[:MAX_PAGE_BYTES]
        else:
            raw = bytes(data)
            text = decode_html(raw if raw[:2] == GZIP_MAGIC else raw[:MAX_PAGE_BYTES])   # gzip is bounded as it inflates
    except (TypeError, ValueError):   # not bytes; damaged or oversized gzip (html.DamagedGzip, InflatedTooLarge)
        return None, None
    encoded = text.encode("utf-8", "replace").replace(b"\x00", b"")
    if not encoded.strip():
        return None, None
    try:
        root = etree.fromstring(encoded, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None, None
    return (root, text) if isinstance(getattr(root, "tag", None), str) else (None, None)


def _read(root, text, base) -> dict:
    meta = _meta_values(root)
    items = _json_ld_items(root)
    marked = _MARKED(root)
    found = {}
    title = _title(root, meta, items)
    fields = (
        ("title", lambda: title),
        ("url", lambda: stated_url(text, base)),
        ("language", lambda: _language(root, meta)),
        ("published", lambda: _date(items, "datePublished", meta, PUBLISHED_META, marked,
                                    ("datepublished", "datecreated"), root)),
        ("modified", lambda: _date(items, "dateModified", meta, MODIFIED_META, marked, ("datemodified",), None)),
        ("author", lambda: _author(root, marked, meta, items, title, _is_article(found, meta))),
    )
    for key, reader in fields:
        value = reader()
        if value:
            found[key] = value
    if "published" not in found:
        stated = _byline_date(root, found.get("title")) or _url_date(found.get("url"), base)
        if stated:
            found["published"] = stated
    if "author" not in found:
        # An article may name its author in an author box; other pages' boxes name their
        # reviewers and testimonials' authors. Then a forum thread's first poster. Last, an
        # organization: often the publisher, put there by the site's software.
        author = (_author_box(root) if _is_article(found, meta) else None) or _first_poster(root) or _organizations(items)
        if author:
            found["author"] = author
    if "published" not in found:
        stated = _htmldate(root)   # last: htmldate's reading is pruned in place
        if stated:
            found["published"] = stated
    return found


def _url_date(*urls):
    """The day a page's address states (".../2012/07/23/a-post/", ".../2025-12-17-post"): the
    publisher's filing of the page; after the byline's date, as a paper's site files a story
    under the next day's print edition."""
    for url in urls:
        try:
            match = _URL_DATE.search(urlsplit(url).path[:MAX_FIELD_CHARS]) if url else None
        except ValueError:   # "http://[::1" and the like
            continue
        stated = match and _plausible(match.group(1), match.group(3), match.group(4))
        if stated:
            return stated
    return None


def _byline_date(root, title):
    """The first date in a short text right below the page's headline (its byline or dateline,
    in any of the month names and forms parse_date reads), else right above it in the same
    block (a dateline set over the headline); not a date labelled as an update, nor one in a
    photo's caption."""
    headline = _headline(root, title)
    if headline is None:
        return None
    for pieces, budget in ((_text_after(headline), BYLINE_CHARS), (_text_before(headline), BYLINE_CHARS // 4)):
        for piece in pieces:
            budget -= len(piece)
            if budget < 0:
                break
            if len(piece) > BYLINE_PIECE_CHARS:   # running text: a date there is what the story is about
                continue
            label = _UPDATED.search(piece)
            stated = parse_date(piece[:label.start()] if label else piece)
            if stated:
                return stated
    return None


def _headline(root, title):
    """The heading that states the page's title: an <h1>, else an <h2> or <h3> (blogs and
    older pages set a post's title in those, under the site's name in the <h1>); the first
    <h1> when none does."""
    wanted = _clean(title).casefold()
    for tag in ("h1", "h2", "h3") if wanted else ():
        for element in root.iter(tag):
            text = _text(element).casefold()
            if len(text) >= HEADLINE_CHARS and (text in wanted or wanted in text):
                return element
    return next((element for element in root.iter("h1") if _text(element)), None)


def _text_after(element):
    """The text pieces that follow ``element`` in the page, in order."""
    node = element
    while node is not None:
        if _clean(node.tail):
            yield _clean(node.tail)
        for sibling in node.itersiblings():
            yield from _pieces(sibling)
        node = node.getparent()


def _text_before(element):
    """The text pieces before ``element`` within its parent, nearest first."""
    for sibling in element.itersiblings(preceding=True):
        yield from reversed(list(_pieces(sibling)))
    parent = element.getparent()
    if parent is not None and _clean(parent.text):
        yield _clean(parent.text)


def _pieces(element, tail=True):
    """The text pieces of ``element`` and (with ``tail``) its tail, in order, without captions
    and what ``_not_the_page`` leaves out (a list of related stories set below the headline)."""
    stack = [(element, False)]
    while stack:
        node, done = stack.pop()
        if done:
            if _clean(node.tail) and (tail or node is not element):
                yield _clean(node.tail)
            continue
        stack.append((node, True))
        if not isinstance(node.tag, str) or node.tag in ("figure", "figcaption") or \
                "caption" in (node.get("class") or "").lower() or _not_the_page(node):
            continue
        if _clean(node.text):
            yield _clean(node.text)
        stack.extend((child, False) for child in reversed(node))


def _htmldate(root):
    """htmldate's date of first publication in its fast mode (dates in the markup of the
    page's headers, bylines and URL, no search of the whole text), for a page without
    structured dates, read on the page without the parts that date other pages or other
    things: sidebars, lists of related or recent stories, comments, menus and scripts."""
    try:
        from htmldate import find_date  # imported when first needed: it takes a quarter of a second

        for element in _NOT_THE_PAGE(root):
            if element.getparent() is not None and _not_the_page(element):
                element.drop_tree()
        return parse_date(find_date(root, original_date=True, extensive_search=False,
                                    min_date=f"{FIRST_YEAR}-01-01"))
    except Exception:   # noqa: BLE001 - a third party's failure on a bad page is only a date not read
        return None


def _not_the_page(element):
    """Whether ``element`` dates something else than the page's publication: a script, a
    sidebar, a list of related or recent stories, comments, a menu, a modification date."""
    if element.tag in _NOT_TEXT or element.tag in ("aside", "nav"):
        return True
    if element.tag == "meta":
        return any((element.get(key) or "").strip().lower() in MODIFIED_META for key in ("property", "name", "itemprop"))
    named = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    if any(part in named for part in _DATING_PART):   # "by-line-comments-views-date": the page's own byline
        return False
    return any(part in named for part in _OTHER_PAGES_PART) or bool(_OTHER_PAGES.intersection(_CLASS_WORD.findall(named)))


def _clean(value):
    """One line of text: entities decoded (some pages escape twice), invisible break hints
    (soft hyphens, zero-width spaces) taken out, whitespace runs one space."""
    if not isinstance(value, str):
        return ""
    if "&" in value:
        value = html.unescape(value)
    return _SPACE.sub(" ", value.translate(_INVISIBLE)).strip()


def _meta_values(root) -> dict:
    """meta key (name, property, itemprop or http-equiv, lower case) -> its contents, in page order."""
    values: dict = {}
    for element in root.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                values.setdefault(key.strip().lower(), []).append(content)
    return values


def _first_meta(meta, keys, accept=None):
    for key in keys:
        for value in meta.get(key, ()):
            value = _clean(value)
            if value and (accept is None or accept(value)):
                return value
    return None


def _text(element):
    """The text an element shows, its buttons' labels ("Copy", "Follow") left out."""
    try:
        return _clean("".join(_SHOWN_TEXT(element, around=_NOT_SHOWN_AROUND(element))))
    except (etree.XPathError, ValueError):
        return ""


def _inside(element, tag):
    return any(ancestor.tag == tag for ancestor in element.iterancestors())


# title

def _title(root, meta, items):
    element_title = next((_text(element) for element in root.iter("title") if not _inside(element, "svg")), "")
    stated_headline = next((_clean(item.get("headline")) for _, item in items if _clean(item.get("headline"))), "")
    declared = stated_headline or _first_meta(meta, TITLE_META) or element_title
    headline = next((_text(element) for element in root.iter("h1") if _text(element)), "")
    # An article's title is its headline as shown; another page's is its declared title.
    article = stated_headline or _says_article(meta)
    if article and headline and any(word_scores(headline, title)[2] >= HEADLINE_AGREEMENT
                                    for title in (declared, element_title)):
        value = headline
    else:
        value = declared or headline
    return value[:MAX_FIELD_CHARS] if value else None


# language

def _language(root, meta):
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang"), root.get("xml:lang")]
    candidates += [value.split(",")[0] for key in LANGUAGE_META for value in meta.get(key, ())]
    for value in candidates:
        tag = normalise_language(value)
        if tag:
            return tag
    return None


def normalise_language(value):
    """A language tag in BCP 47 case: "EN_us" -> "en-US", "zh-hant-tw" -> "zh-Hant-TW"
    (variants and extensions dropped); None for "und" or what is not a language tag."""
    match = _LANGUAGE.match(value.strip()) if isinstance(value, str) else None
    if not match or match.group(1).lower() in ("und", "mul", "zxx"):
        return None
    language, script, region = match.groups()
    return "-".join(part for part in (language.lower(), script and script.title(), region and region.upper()) if part)


# dates

def parse_date(value):
    """The ISO date ``YYYY-MM-DD`` a date string states ("2023-05-04T23:30:00-05:00",
    "2023/05/04", "20230504", "04.05.2023", "May 4, 2023", "Thu, 04 May 2023 10:00:00 GMT"),
    or None when it states none that is a real, plausible day."""
    value = _clean(value)[:200]
    if not value:
        return None
    match = _NUMERIC_DATE.search(value)
    if match:
        year, _, month, day, *compact = match.groups()
        if year is None:
            year, month, day = compact
        return _plausible(year, month, day)
    match = _DAY_FIRST_DATE.search(value)
    if match:
        return _plausible(match.group(3), match.group(2), match.group(1))
    for pattern, day, month, year in _WORD_DATES:
        match = pattern.search(value)
        if match:
            month = match.group(month)
            return _plausible(match.group(year), _MONTHS.get(month.lower()) or month, match.group(day))
    return None


def _plausible(year, month, day):
    try:
        stated = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if not FIRST_YEAR <= stated.year <= date.today().year + 1:
        return None
    return stated.isoformat()


def _date(items, json_key, meta, meta_keys, marked, itemprops, root):
    for _, item in items:
        stated = parse_date(item.get(json_key))
        if stated:
            return stated
    for key in meta_keys:
        for value in meta.get(key, ()):
            stated = parse_date(value)
            if stated:
                return stated
    for element in marked:
        if (element.get("itemprop") or "").lower() in itemprops:
            stated = parse_date(element.get("content") or element.get("datetime") or _text(element))
            if stated:
                return stated
    if root is not None:   # a page's first <time> is when it was published, not modified
        for element in root.iter("time"):
            stated = parse_date(element.get("datetime"))
            if stated:
                return stated
    return None


# author

def _says_article(meta):
    """Whether the page's og:type is "article"."""
    return any(value.lower() == "article" for value in meta.get("og:type", ()))


def _is_article(found, meta):
    """Whether a page reads as an article (a post, a story): it states its date, or its
    og:type says so. A listing's or a service page's bylines and boxes are its items' and
    its testimonials'."""
    return "published" in found or "modified" in found or _says_article(meta)


def _author(root, marked, meta, items, title, article):
    stated = _stated_author(marked, meta, items)
    if stated and " " not in stated:   # a user's handle ("jdoe", "Matt_Brooks"): a byline may give the name
        return _visible_author(root, title, article, names_only=True) or stated
    return stated or _visible_author(root, title, article)


def _visible_author(root, title, article, names_only=False):
    """The author a page's visible bylines name; with ``names_only``, only a name of two words or more."""
    for reader in (lambda: _byline(root), lambda: _by_line(root, title, article), lambda: _written_by(root)):
        name = reader()
        if name and (" " in name or not names_only):
            return name
    return None


def _stated_author(marked, meta, items):
    """The author the page's markup states: JSON-LD, author meta tags, rel=author and itemprop=author."""
    for _, item in items:
        names, _ = _json_names(item.get("author"))
        if names:
            return _joined(names)
    names = []
    for key in AUTHOR_META:
        names += [name for value in meta.get(key, ()) for name in [_name(value)] if name]
        if names:
            return _joined(names)
    for label, data in _TWITTER_LABELS:   # "twitter:label1" "Written by", "twitter:data1" the name
        if any(value.strip().lower() == "written by" for value in meta.get(label, ())):
            names = [name for value in meta.get(data, ()) for name in [_name(value)] if name]
            if names:
                return _joined(names)
    for element in marked:
        if element.tag == "a" and "author" in (element.get("rel") or "").lower().split() or (element.get("itemprop") or "").lower() == "author":
            named = element.xpath(".//*[@itemprop='name']")
            name = _name(named[0].get("content") or _text(named[0]) if named else element.get("content") or _text(element))
            if name:
                names.append(name)
    return _joined(names)


def _by_line(root, title, article):
    """The name of a "By Jane Doe" (or "Written by", "by:", "Author:") line in the short texts
    right below the headline (on an ``article``, a standfirst between them skipped): the
    byline of a page whose markup does not name it as such. The name is the rest of the
    line, cut at a date or a separator, or the next piece when the label stands alone
    ("Written by" above the name)."""
    headline = _headline(root, title)
    if headline is None:
        return None
    budget, labelled, past_text = BYLINE_CHARS, False, False
    for piece in _text_after(headline):
        budget -= len(piece)
        if budget < 0:
            break
        if len(piece) > BYLINE_PIECE_CHARS:
            if not article:
                break
            labelled, past_text = False, True   # an article's standfirst between its headline and byline
            continue
        if not labelled:
            label = _BY_LABEL.match(piece)
            if not label:
                continue
            piece, labelled = piece[label.end():], True
        name = _SEPARATED.split(piece, 1)[0].strip()
        if name:
            name = _name(name)
            # past running text, a lone word after "by" is more often a verb's ("by submitting")
            return name if name and _name_like(name) and (" " in name or not past_text) else None
    return None


def _byline(root):
    """The first byline a page's markup names as such (class or id ``author`` / ``byline``),
    when it reads as a name: a stated author without structured markup."""
    for element in _BYLINES(root):
        words = _class_words(element)
        if not words & {"author", "byline", "authors"} or words & _NOT_BYLINE and "name" not in words:   # "author-box__name"
            continue
        pieces = [_BYLINE_LABEL.sub("", piece) for piece in _pieces(element, tail=False)]
        pieces = [piece for piece in pieces if piece]
        first = _name(pieces[0]) if pieces else None
        # "<span>Jane Doe</span><span>Tech Reporter</span>": the name, without the role after it
        whole = first if len(pieces) > 1 and first and " " in first and _name_like(first) else " ".join(pieces)
        name = _name(whole)
        if name and len(name) <= 60 and len(name.split()) <= 5 and not _DIGIT.search(name) and \
                "author" not in name.lower():   # "Author", "The Author"
            return name
    return None


def _written_by(root):
    """The name after a "Written by" label anywhere in the page's body (an author box at the
    end of a post): in the label's own text, or the next text when the label stands alone."""
    for text in _WRITTEN_BY(root):
        label = _BY_LABEL.search(text[:BYLINE_PIECE_CHARS])
        rest = _clean(text[label.end():]) if label else ""
        owner = text.getparent()
        if not rest and owner is not None:   # the next text: in the owner's children after its own text, or after it
            following = owner.xpath(_FOLLOWING_TEXT if text.is_tail else _INNER_OR_FOLLOWING_TEXT)
            rest = _clean(following[0]) if following else ""
        name = _name(_SEPARATED.split(rest[:BYLINE_PIECE_CHARS], 1)[0].strip())
        if name and _name_like(name) and " " in name:   # a lone word after the label is a link's ("Contribute")
            return name
    return None


def _organizations(items):
    """The JSON-LD authors that are organizations, of every item."""
    return _joined([name for _, item in items for name in _json_names(item.get("author"))[1]])


def _class_words(element):
    """The words of an element's class and id, as the HTML reader reads them ("authorName":
    "author", "name")."""
    return set(class_words(f"{element.get('class') or ''} {element.get('id') or ''}"))


def _first_poster(root):
    """The user name of a forum thread's first post: the first element of the page's body
    whose class names a user name ("username", "bigusername", "PostUser-name"), when its
    text reads as a user's name (a letter or digit, up to three words, no more than
    MAX_POSTER_CHARS)."""
    for element in _POSTERS(root):
        words = _class_words(element)
        if any(word.endswith("username") for word in words) or {"user", "name"} <= words:
            name = _name(_text(element))
            readable = name and len(name) <= MAX_POSTER_CHARS and len(name.split()) <= 3 and _WORD.search(name)
            return name if readable else None
    return None


def _author_box(root):
    """The name at the start of an element the markup names as the author's (class or id
    ``author``; not a comment's, nor a whole post's) that holds more than the name: its first
    text after any "By" label, when that reads as a name of two words or more."""
    for element in _AUTHOR_BOXES(root):
        words = _class_words(element)
        if (not words & {"author", "authors"} or element.tag in ("article", "main", "body")
                or any(_class_words(node) & _COMMENT_WORDS for node in (element, *element.iterancestors()))):
            continue
        for piece in _pieces(element, tail=False):
            name = _name(_BYLINE_LABEL.sub("", piece))
            if not name or parse_date(name):   # a label alone ("By") or the date: the name comes next
                continue
            if (len(piece) <= BYLINE_PIECE_CHARS and " " in name and _name_like(name)
                    and "author" not in name.lower()):
                return name
            break
    return None


def _name_like(name):
    """Whether a byline's text reads as a name: up to five words, no digits, and each word of
    several capitalised but particles ("Ann de la Cruz"; not "using VS Code"); one word may be
    a user's handle ("ibby"), not a shout ("LIMIT") or a cut text ("Denv...")."""
    words = name.split()
    if not 0 < len(words) <= 5 or _DIGIT.search(name) or not name[0].isalpha():
        return False
    if len(words) == 1:
        return not name.isupper() and "..." not in name and "…" not in name
    return all(word[0].isupper() or word in _NAME_PARTICLES for word in words)


def _json_names(value):
    """The names of a JSON-LD ``author``: (people's and untyped ones, organizations')."""
    names, organizations = [], []
    for entry in value if isinstance(value, list) else [value]:
        kind = names
        if isinstance(entry, dict):
            if "organization" in str(entry.get("@type")).lower():
                kind = organizations
            entry = entry.get("name")
            if isinstance(entry, list):
                entry = entry[0] if entry else None
        name = _name(entry)
        if name:
            kind.append(name)
    return names, organizations


def _name(value):
    """A person's or body's name from a stated author, or None for a URL, a handle, an empty
    one or one whose first part is missing (", USA TODAY": a name left blank before the paper's)."""
    value = _clean(value)
    if value[:1] in (",", ";"):
        return None
    value = _BY.sub("", value).rstrip(",;: ")
    if value.lower() in _PLACEHOLDER_NAMES:
        return None
    if not value or len(value) > 200 or value.startswith("@") or _URLISH.search(value):
        return None
    return value


def _joined(names):
    unique = list(dict.fromkeys(names))[:MAX_AUTHORS]
    return "; ".join(unique)[:MAX_FIELD_CHARS] if unique else None


# JSON-LD

def _json_ld_items(root):
    """The JSON-LD objects of the page that carry a @type, as (rank, object), the page's main
    item first: an article or posting (rank 0), a web page (1), anything else (2); objects of a
    kind that is never the page's own item (a comment, a person, a breadcrumb) are left out."""
    found, budget = [], MAX_JSON_NODES
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        source = script.text or ""
        if len(source) > MAX_JSON_BYTES:
            continue
        try:
            data = json.loads(source.strip().rstrip(";"))
        except (ValueError, RecursionError):   # malformed, or nested past Python's recursion limit
            continue
        stack = [data]
        while stack and budget > 0:
            budget -= 1
            value = stack.pop()
            if isinstance(value, list):
                stack.extend(reversed(value))
                continue
            if not isinstance(value, dict):
                continue
            rank = _rank(value.get("@type"))
            if rank is not None:
                found.append((rank, value))
            for key in ("@graph", "mainEntity"):   # not an ItemList's items: those are other pages
                if isinstance(value.get(key), (list, dict)):
                    stack.append(value[key])
    found.sort(key=lambda pair: pair[0])   # stable: page order within a rank
    return found


def _rank(types):
    names = [name for name in (types if isinstance(types, list) else [types]) if isinstance(name, str)]
    if not names or any(name.lower() in _NOT_MAIN_TYPE for name in names):
        return None
    if any(_ARTICLE_TYPE.search(name) for name in names):
        return 0
    if any(_PAGE_TYPE.search(name) for name in names):
        return 1
    return 2
