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
from typing import Hashable, Optional, Sequence, Union

import numpy as np

from linesift.decoding import split_lines
from linesift.labels import labels_from_probabilities, resolve_threshold
from linesift.model import LineClassifier
from linesift.model_file import load_model
from linesift.output import cleaned_text, content_spans
from linesift.page import PageResult
from linesift.sites import site_of_url

__all__ = ["load_model", "PageResult", "classify_texts", "classify_html", "cleaned_text", "content_spans",
           "clean_texts", "classify_lines", "classify_pages", "site_of_url"]

# One per page, None where not known: a URL's host (site_of_url), a folder, any hashable key.
Sites = Sequence[Optional[Hashable]]


def classify_texts(model: LineClassifier, texts: Sequence[str], cache: Optional[dict] = None,
                   sites: Optional[Sites] = None) -> list[PageResult]:
    """A PageResult per page dump in ``texts`` (str), in order. Pass the same dict as
    ``cache`` across calls to reuse the work on lines repeated between pages (menus).
    ``sites`` (one per text, None where not known, e.g. ``site_of_url(url)``): pages of one
    site given together tell each other their template, which they share."""
    split = [split_lines(text) for text in texts]
    probabilities = model.predict_proba([lines for lines, _ in split], cache, sites)
    return [PageResult(text, lines, starts, p) for text, (lines, starts), p in zip(texts, split, probabilities)]


def classify_html(model: LineClassifier, documents: Sequence[Union[bytes, str]], cache: Optional[dict] = None,
                  sites: Optional[Sites] = None) -> list[PageResult]:
    """A PageResult per HTML document (bytes, or str), in order. The result's ``text`` is
    the document's block lines joined by newlines: spans point into that text. ``sites``
    as classify_texts'."""
    from linesift.html import read_html

    return classify_markups(model, [read_html(d if isinstance(d, bytes) else d.encode("utf-8", "replace"))
                                    for d in documents], cache, sites)


def classify_markups(model: LineClassifier, markups: Sequence[list], cache: Optional[dict] = None,
                     sites: Optional[Sites] = None) -> list[PageResult]:
    """``classify_html`` of documents already read into HtmlLines (``linesift.html.read_html``)."""
    probabilities = model.predict_proba(markups, cache, sites)
    results = []
    for markup, page_probabilities in zip(markups, probabilities):
        lines = [line.text for line in markup]
        starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0)) if lines else []
        results.append(PageResult("\n".join(lines), lines, starts, page_probabilities))
    return results


def clean_texts(model: LineClassifier, texts: Sequence[str], threshold: Optional[Union[float, str]] = None,
                cache: Optional[dict] = None, sites: Optional[Sites] = None) -> list[str]:
    """The cleaned text of each page dump in ``texts``, with the model's threshold unless
    given; ``sites`` as classify_texts'."""
    cut = resolve_threshold(model, threshold)
    return [cleaned_text(result, cut) for result in classify_texts(model, texts, cache, sites)]


def classify_pages(model: LineClassifier, pages: Sequence[list], cache: Optional[dict] = None,
                   sites: Optional[Sites] = None) -> list[np.ndarray]:
    """P(content) per line for each page (a list of lines); NaN for blank lines. ``sites``
    as classify_texts'."""
    return model.predict_proba(pages, cache, sites)


def classify_lines(model: LineClassifier, lines: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(labels, probabilities) of one page's lines with the model's own threshold:
    labels are 1 content, 0 chrome, -1 for blank lines."""
    probabilities = model.predict_proba([lines])[0]
    return labels_from_probabilities(probabilities, model.threshold_, lines), probabilities
