"""A page as the pipeline carries it (its lines in order, and a label per line), and a
classified page as the library returns it."""

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from linesift.labels import UNLABELED, labels_from_probabilities


@dataclass
class Page:
    """One page: its lines in order and, for labeled pages, a label per line.

    ``labels[i]`` is CONTENT, CHROME, or UNLABELED (blank lines; every line of a raw dump).
    An HTML page also keeps ``markup`` (its ``HtmlLine``s, whose texts are ``lines``) and,
    from an HTML corpus, ``gold``: the gold main text its labels were aligned to, and
    ``page_type`` when its meta.json names one (WCXB's: article, forum, product...).
    """

    source: str
    site: str
    lines: list
    labels: list = field(default=None)
    markup: list = field(default=None)
    gold: str = field(default=None)
    page_type: str = field(default=None)
    weight: float = 1.0      # how much the page's lines count in training
    root: str = None         # the path given under which the page was found (a corpus, a folder)
    html_source: str = None  # an HTML page's file of HTML: itself, or the HTML beside a labeled page

    @property
    def site_key(self):
        """The page's site for the site pass (``features.site``): its site within the path it
        was found under, so an HTML corpus and a dump of it, which hold the same sites, never
        count one page's two forms as two pages of its site."""
        return (self.root, self.site)

    def __post_init__(self):
        if self.labels is None:
            self.labels = [UNLABELED] * len(self.lines)

    @property
    def model_lines(self):
        """What the model reads: the HtmlLines of an HTML page, else the text lines."""
        return self.markup if self.markup is not None else self.lines


class PageResult(NamedTuple):
    """One classified page: ``text`` split into ``lines`` starting at ``starts`` (character
    offsets into ``text``), and P(content) per line (NaN for blank lines)."""
    text: str
    lines: list
    starts: list
    probabilities: np.ndarray

    def labels(self, threshold) -> np.ndarray:
        """1 content / 0 chrome per line, -1 for blank lines, at ``threshold`` (a probability,
        or "page": ``labels.PAGE_CUT``)."""
        return labels_from_probabilities(self.probabilities, threshold, self.lines)
