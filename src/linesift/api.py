"""The library API: load a model once per process, then classify pages.

Every function here is pure given the model: the same page gives the same result in any
process, so an engine (joblib, Spark, datatrove, ...) can load the model once per worker
and call these on its share of the pages::

    model = load_model()                                  # the shipped model, or a path
    results = classify_texts(model, ["Home\\nAn article ...", ...])
    cleaned_text(results[0], model.threshold_)             # the content lines
    content_spans(results[0])                              # [[start, end, p], ...]

``classify_texts`` takes dumps (one block per line); ``classify_html`` takes HTML
documents and classifies the block lines linesift takes out of them.
"""

from itertools import accumulate
from typing import NamedTuple

import numpy as np

from linesift.model import labels_from_probabilities
from linesift.model_file import load_model
from linesift.output import cleaned_text, content_spans
from linesift.reading import split_lines
from linesift.records import site_of_url

__all__ = ["load_model", "PageResult", "classify_texts", "classify_html", "cleaned_text", "content_spans",
           "clean_texts", "classify_lines", "classify_pages", "site_of_url"]

class PageResult(NamedTuple):
    """One classified page: ``text`` split into ``lines`` starting at ``starts`` (character
    offsets into ``text``), and P(content) per line (NaN for blank lines)."""
    text: str
    lines: list
    starts: list
    probabilities: np.ndarray

    def labels(self, threshold):
        """1 content / 0 chrome per line, -1 for blank lines."""
        return labels_from_probabilities(self.probabilities, threshold)


def classify_texts(model, texts, cache=None, sites=None):
    """A PageResult per page dump in ``texts`` (str), in order. Pass the same dict as
    ``cache`` across calls to reuse the work on lines repeated between pages (menus).
    ``sites`` (one per text, None where not known, e.g. ``site_of_url(url)``): pages of one
    site given together tell each other their template, which they share."""
    split = [split_lines(text) for text in texts]
    probabilities = model.predict_proba([lines for lines, _ in split], cache, sites)
    return [PageResult(text, lines, starts, p) for text, (lines, starts), p in zip(texts, split, probabilities)]


def classify_html(model, documents, cache=None, sites=None):
    """A PageResult per HTML document (bytes, or str), in order. The result's ``text`` is
    the document's block lines joined by newlines: spans point into that text. ``sites``
    as classify_texts'."""
    from linesift.html import read_html

    return classify_markups(model, [read_html(d if isinstance(d, bytes) else d.encode("utf-8", "replace"))
                                    for d in documents], cache, sites)


def classify_markups(model, markups, cache=None, sites=None):
    """``classify_html`` of documents already read into HtmlLines (``linesift.html.read_html``)."""
    probabilities = model.predict_proba(markups, cache, sites)
    results = []
    for markup, page_probabilities in zip(markups, probabilities):
        lines = [line.text for line in markup]
        starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0)) if lines else []
        results.append(PageResult("\n".join(lines), lines, starts, page_probabilities))
    return results


def clean_texts(model, texts, threshold=None, cache=None, sites=None):
    """The cleaned text of each page dump in ``texts``, with the model's threshold unless
    given; ``sites`` as classify_texts'."""
    cut = model.threshold_ if threshold is None else threshold
    return [cleaned_text(result, cut) for result in classify_texts(model, texts, cache, sites)]


def classify_pages(model, pages, cache=None, sites=None):
    """P(content) per line for each page (a list of lines); NaN for blank lines. ``sites``
    as classify_texts'."""
    return model.predict_proba(pages, cache, sites)


def classify_lines(model, lines):
    """(labels, probabilities) of one page's lines with the model's own threshold:
    labels are 1 content, 0 chrome, -1 for blank lines."""
    probabilities = model.predict_proba([lines])[0]
    return labels_from_probabilities(probabilities, model.threshold_), probabilities
