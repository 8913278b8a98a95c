"""``linesift label``: correct the model's labels of your own pages in a local web page.

Two parts, read top to bottom:

- ``LabelSession``: the pages to label and their state, as plain data. It reads the
  pages, scores them with the model, orders them (least confident first, or as given),
  resumes the labels of pages already saved, and saves a page's labels as a labeled page
  (``LABELED_DIR/<site>/<page>.tsv``, atomically; an HTML page's HTML goes beside it as
  ``<page>.html``, so training reads its markup: ``labeled.html_sibling_names``). It knows
  nothing of HTTP.
- ``make_server``: a standard-library HTTP server on 127.0.0.1 over a session, serving
  the page (``linesift/data/label.html``, ``label.js``, ``label.css``) and a small JSON API:

      GET  /api/pages        the pages in labeling order (index, site, name, saved, ...)
      GET  /api/page/<i>     one page: its lines with text, label, P(content), uncertain
      POST /api/page/<i>     {"labels": ["content" | "chrome" | null, ...]}: save it

A page's name in LABELED_DIR is its path below its site folder with the suffix replaced
by ``.tsv`` (``dumps/site-a/news/1.html.gz`` -> ``LABELED_DIR/site-a/news/1.tsv``).
"""

import json
import math
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from linesift.api import classify_pages
from linesift.atomic import atomic_writer
from linesift.errors import InputError
from linesift.html import GZIP_MAGIC
from linesift.labeled import LABELED_SUFFIX, format_labeled, html_sibling_names, labels_over_hidden_lines, parse_labeled
from linesift.labels import LABEL_IDS, LABEL_NAMES, PAGE_CUT, UNLABELED, content_from, labels_from_probabilities
from linesift.labelview import page_view
from linesift.reading import HTML_SUFFIXES, page_html, read_bytes, read_input_page, without_labeled_html
from linesift.workers import batches

ORDERS = ("uncertain", "given")
# A line whose P(content) is this close to the page's threshold (at the page cut, the lowest
# P it keeps) is marked as one to check; a page's uncertainty is the share of its lines so
# marked (see ``_uncertainty``).
UNCERTAIN_MARGIN = 0.15
UNSURE_WITHOUT_CONTENT = 0.5   # the page cut keeps nothing: unsure is near even odds
HOST = "127.0.0.1"        # loopback only: the labels and pages never leave the machine
LOCAL_NAMES = ("127.0.0.1", "localhost")
MAX_BODY = 8 * 1024 * 1024   # a POST carries one label per line; far more than any page needs
STATIC = {                  # the only files served: name -> content type
    "label.html": "text/html; charset=utf-8",
    "label.js": "text/javascript; charset=utf-8",
    "label.css": "text/css; charset=utf-8",
}
# The page runs only its own script and style and talks only to this server: even if page
# text ever reached the DOM as markup, no injected script or remote resource would run.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "connect-src 'self'; img-src 'self'; frame-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# The labeled page itself, shown in a sandboxed frame of the label page: its inline styles
# may apply, nothing else may load, run, submit or leave the machine (labelview says what
# is removed from it before it is served).
VIEW_SECURITY_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; "
                               "media-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; "
                               "sandbox allow-same-origin",
}
_PAGE_PATH = re.compile(r"/api/page/(\d+)")
_VIEW_PATH = re.compile(r"/api/page/(\d+)/view")


def page_name(relative, site):
    """The labeled file's path below LABELED_DIR/<site>/: the input's path below its site
    folder with its suffix (``.html.gz`` counts as one) replaced by ``.tsv``."""
    parts = Path(relative).parts
    if len(parts) > 1 and parts[0] == site:
        parts = parts[1:]
    path = Path(*parts)
    name = path.name
    for suffix in sorted(HTML_SUFFIXES, key=len, reverse=True):   # `.html.gz` before `.html`
        if name.lower().endswith(suffix):
            return str(path.with_name(name[:-len(suffix)] + LABELED_SUFFIX))
    return str(path.with_suffix(LABELED_SUFFIX) if path.suffix else path.with_name(name + LABELED_SUFFIX))


def _labelable(text):
    """A line the model classifies and a person labels: not blank, not only spaces (the
    labeled page format writes those as chrome whatever they are marked)."""
    return bool(text.strip())


def _scored(found_files, model):
    """(found, page, P(content) per line) for every input, in order. Pages are kept with
    their scores (the labeling page shows both), so this reads them itself rather than
    through ``predict``'s jobs, which hand back rendered text."""
    cache = {}   # line statistics shared across batches: menus repeat from page to page
    for files in batches(found_files):
        batch = [(found, read_input_page(found.path, found.site)) for found in files]
        scores = classify_pages(model, [page.model_lines for _, page in batch], cache)
        for (found, page), probabilities in zip(batch, scores):
            yield found, page, probabilities


def _uncertainty(probabilities, threshold):
    """How unsure the model is of a page: (share of its lines within UNCERTAIN_MARGIN of
    the threshold, mean closeness to the threshold). Sorted descending, the pages where a
    person's labels add most come first; the second number breaks ties among the many
    pages with no line near the threshold."""
    distances = [abs(p - threshold) for p in probabilities if not math.isnan(p)]
    if not distances:
        return 0.0, 0.0
    near = sum(d < UNCERTAIN_MARGIN for d in distances) / len(distances)
    return near, 1.0 - sum(distances) / len(distances)


class LabelSession:
    """The pages to label, their labels and where they are saved; thread-safe saving."""

    def __init__(self, found_files, labeled_dir, model, order="uncertain"):
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}")
        for entry in found_files:
            if entry.path == "-":
                # The labels are saved per input file; stdin has no name to save them under.
                raise InputError("-", "label needs page files or folders, not stdin", exit_code=2)
        self.labeled_dir = Path(labeled_dir)
        self.threshold = model.threshold_
        self._lock = threading.Lock()
        targets = {}
        pages = []
        found_files = without_labeled_html(found_files)
        for entry in found_files:   # before any page is read: a clash is a usage mistake
            target = self.labeled_dir / entry.site / page_name(entry.relative, entry.site)
            if target in targets:
                raise InputError(target, f"two inputs ({targets[target]}, {entry.path}) would be saved here; "
                                         "rename one or label them separately", exit_code=2)
            targets[target] = entry.path
        for (target, _), (entry, page, scores) in zip(targets.items(), _scored(list(found_files), model)):
            probabilities = [float(p) for p in scores]
            cut_labels = labels_from_probabilities(scores, self.threshold, page.lines)
            model_labels = [int(label) if _labelable(text) else UNLABELED
                            for text, label in zip(page.lines, cut_labels)]
            unsure_at = self.threshold
            if unsure_at == PAGE_CUT:
                unsure_at = content_from(scores, cut_labels)
                if unsure_at is None:
                    unsure_at = UNSURE_WITHOUT_CONTENT
            labels, saved = self._resume(target, entry.site, page.lines, model_labels, page.markup)
            pages.append({
                "source": entry.path, "site": entry.site, "target": target, "lines": page.lines,
                "html": page_html(page) if entry.path != "-" else None,
                "probabilities": probabilities, "labels": labels, "saved": saved, "resumed": saved,
                "unsure_at": unsure_at, "uncertainty": _uncertainty(probabilities, unsure_at),
            })
        if order == "uncertain":
            # sorted() is stable: equally unsure pages keep the order they were given in.
            pages.sort(key=lambda page: page["uncertainty"], reverse=True)
        self._pages = pages

    @staticmethod
    def _resume(target, site, lines, model_labels, markup=None):
        """The labels saved in ``target`` if it exists (resuming), else the model's; an HTML
        page's labels saved before hidden blocks were read cover its visible lines, and its
        hidden blocks' lines get the model's."""
        if not target.exists():
            return model_labels, False
        saved = parse_labeled(target, read_bytes(target), site)
        over = None if markup is None or saved.lines == lines else \
            labels_over_hidden_lines(saved.lines, saved.labels, markup)
        if over is not None:
            saved.lines = lines
            saved.labels = [model if label == UNLABELED else label for label, model in zip(over, model_labels)]
        if saved.lines != lines:
            where = next((n for n, (a, b) in enumerate(zip(saved.lines, lines), start=1) if a != b),
                         min(len(saved.lines), len(lines)) + 1)
            raise InputError(target, f"already labeled, but its lines are not this page's (first difference at "
                                     f"line {where}; {len(saved.lines)} lines vs {len(lines)}): move it away to "
                                     "label the page afresh", where)
        return [label if _labelable(text) else UNLABELED for text, label in zip(lines, saved.labels)], True

    def __len__(self):
        return len(self._pages)

    def _page(self, index):
        if not 0 <= index < len(self._pages):
            raise KeyError(index)
        return self._pages[index]

    def _summary(self, index, page):
        return {
            "index": index, "site": page["site"],
            "name": page["target"].relative_to(self.labeled_dir / page["site"]).as_posix(),
            "source": page["source"], "target": str(page["target"]), "line_count": len(page["lines"]),
            "uncertain_lines": sum(abs(p - page["unsure_at"]) < UNCERTAIN_MARGIN for p in page["probabilities"]
                                   if not math.isnan(p)),
            "saved": page["saved"], "resumed": page["resumed"],
        }

    def page_list(self):
        """The pages in labeling order, without their lines."""
        with self._lock:
            return [self._summary(index, page) for index, page in enumerate(self._pages)]

    def page_data(self, index):
        """One page for the labeling page: its lines with their text, current label
        ("content", "chrome" or null for lines that take none), the model's P(content)
        (null where it gives none) and whether the model is unsure of it."""
        with self._lock:
            page = self._page(index)
            labels = list(page["labels"])
            summary = self._summary(index, page)
        lines = []
        for text, label, p in zip(page["lines"], labels, page["probabilities"]):
            known = not math.isnan(p)
            lines.append({
                "text": text,
                "label": LABEL_NAMES.get(label),
                "p": round(p, 3) if known else None,
                "uncertain": known and abs(p - page["unsure_at"]) < UNCERTAIN_MARGIN,
            })
        return {**summary, "count": len(self._pages), "threshold": page["unsure_at"], "lines": lines,
                "view": page["html"] is not None}

    def page_view(self, index):
        """An HTML page as the label page shows it beside its lines (``labelview.page_view``);
        KeyError for a page that is not HTML."""
        page = self._page(index)
        if page["html"] is None:
            raise KeyError(index)
        return page_view(page["html"], page["lines"])

    def save(self, index, labels):
        """Set a page's labels (a list of "content" / "chrome" / None, one per line) and
        write its labeled page atomically. ``ValueError`` says what is wrong with ``labels``."""
        page = self._page(index)
        lines = page["lines"]
        if not isinstance(labels, list) or len(labels) != len(lines):
            raise ValueError(f"expected a list of {len(lines)} labels")
        parsed = []
        for number, (text, name) in enumerate(zip(lines, labels), start=1):
            if not _labelable(text):
                parsed.append(UNLABELED)
            elif isinstance(name, str) and name in LABEL_IDS:
                parsed.append(LABEL_IDS[name])
            else:
                raise ValueError(f"line {number}: label must be 'content' or 'chrome', not {name!r}")
        # One save at a time: two requests racing must not interleave the memory and the file.
        with self._lock:
            if page["html"] is not None:   # the HTML first: a .tsv is never without the page it labels
                html_target = page["target"].with_name(html_sibling_names(page["target"].name)[
                    2 if page["html"][:2] == GZIP_MAGIC else 0])
                if not html_target.exists():
                    with atomic_writer(html_target, binary=True) as handle:
                        handle.write(page["html"])
            with atomic_writer(page["target"]) as handle:
                handle.write(format_labeled(lines, parsed))
            page["labels"] = parsed
            page["saved"] = True
        return str(page["target"])


def _static_file(name):
    return (resources.files("linesift") / "data" / name).read_bytes()


class _Handler(BaseHTTPRequestHandler):
    server_version = "linesift-label"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        """Quiet: a request log on stderr would bury the URL and any error."""

    def _send(self, status, body, content_type="application/json; charset=utf-8", headers=SECURITY_HEADERS):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status, data):
        # ASCII JSON: bytes of a page that were not UTF-8 travel as \\udcXX escapes.
        self._send(status, json.dumps(data).encode("ascii"))

    def _error(self, status, message):
        self._json(status, {"error": message})

    def _host_allowed(self):
        """Only requests addressed to this server by a loopback name: a web page on another
        site that points its own DNS name at 127.0.0.1 (DNS rebinding) sends its name here."""
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in {f"{name}:{port}" for name in LOCAL_NAMES}

    def _origin_allowed(self):
        """A POST from a browser carries Origin; it must be this server's own page."""
        origin = self.headers.get("Origin")
        port = self.server.server_address[1]
        return origin is None or origin in {f"http://{name}:{port}" for name in LOCAL_NAMES}

    def do_GET(self):
        if not self._host_allowed():
            return self._error(HTTPStatus.FORBIDDEN, "Host must be 127.0.0.1 or localhost with this server's port")
        path = self.path.split("?", 1)[0]
        session = self.server.session
        if path == "/":
            return self._send(HTTPStatus.OK, _static_file("label.html"), STATIC["label.html"])
        if path.lstrip("/") in STATIC:
            name = path.lstrip("/")
            return self._send(HTTPStatus.OK, _static_file(name), STATIC[name])
        if path == "/api/pages":
            return self._json(HTTPStatus.OK, {"threshold": session.threshold, "pages": session.page_list()})
        match = _PAGE_PATH.fullmatch(path)
        if match:
            try:
                return self._json(HTTPStatus.OK, session.page_data(int(match.group(1))))
            except KeyError:
                return self._error(HTTPStatus.NOT_FOUND, "no such page")
        match = _VIEW_PATH.fullmatch(path)
        if match:
            try:
                view = session.page_view(int(match.group(1)))
            except KeyError:
                return self._error(HTTPStatus.NOT_FOUND, "no such page, or not an HTML page")
            return self._send(HTTPStatus.OK, view, "text/html; charset=utf-8", VIEW_SECURITY_HEADERS)
        return self._error(HTTPStatus.NOT_FOUND, "not found")

    do_HEAD = do_GET

    def do_POST(self):
        if not self._host_allowed():
            return self._error(HTTPStatus.FORBIDDEN, "Host must be 127.0.0.1 or localhost with this server's port")
        if not self._origin_allowed():
            return self._error(HTTPStatus.FORBIDDEN, "cross-origin request refused")
        # JSON only: a form on another site can post text/plain or form data without
        # asking first, but application/json needs a CORS preflight this server never grants.
        if self.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/json":
            return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json")
        match = _PAGE_PATH.fullmatch(self.path)
        if not match:
            return self._error(HTTPStatus.NOT_FOUND, "not found")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._error(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
        if not 0 <= length <= MAX_BODY:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
        try:
            body = json.loads(self.rfile.read(length))
            labels = body["labels"]
        except (ValueError, TypeError, KeyError):
            return self._error(HTTPStatus.BAD_REQUEST, 'expected JSON {"labels": [...]}')
        try:
            target = self.server.session.save(int(match.group(1)), labels)
        except KeyError:
            return self._error(HTTPStatus.NOT_FOUND, "no such page")
        except ValueError as error:
            return self._error(HTTPStatus.BAD_REQUEST, str(error))
        except InputError as error:      # the folder is not writable: tell the page, keep serving
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
        return self._json(HTTPStatus.OK, {"saved": target})


class LabelServer(ThreadingHTTPServer):
    daemon_threads = True   # an open keep-alive connection must not keep Ctrl-C waiting

    def __init__(self, session, port=0):
        self.session = session
        super().__init__((HOST, port), _Handler)

    @property
    def url(self):
        return f"http://{HOST}:{self.server_address[1]}/"


def make_server(session, port=0):
    """A LabelServer on 127.0.0.1:``port`` (0: a free one); ``serve_forever()`` runs it.
    A port that cannot be had is an InputError."""
    try:
        return LabelServer(session, port)
    except OSError as error:
        raise InputError(f"--port {port}", f"cannot listen on {HOST}: {error.strerror or error}", exit_code=2) from None
