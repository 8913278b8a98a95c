"""linesift: label each line of a web page dump as content or chrome.

The pipeline, one module a stage, read top to bottom:

    reading   file bytes -> page lines (and labels, for labeled pages)
    lines     one raw line -> what a reader sees: visible text, link text, markers
    features  a page's lines -> a numeric feature matrix + hashed keyword cues
    model     features -> P(content) per line (LineClassifier, data-only model file)
    output    lines + probabilities -> text / labeled / jsonl

Library use::

    from linesift import load_model, classify_lines
    model = load_model()                      # the shipped default model
    labels, probabilities = classify_lines(model, ["Home", "", "A sentence of the article."])
    clean_texts(model, [dump, ...])           # batched: the cleaned text of each page
    content_spans(classify_texts(model, [dump])[0])   # [[start, end, P(content)], ...]

See linesift/api.py: load the model once per process, then call these on many pages.
"""

from typing import TYPE_CHECKING

from linesift.version import __version__

if TYPE_CHECKING:
    from linesift.api import (
                              PageResult,
                              classify_html,
                              classify_lines,
                              classify_pages,
                              classify_texts,
                              clean_texts,
                              cleaned_text,
                              content_spans,
                              load_model,
                              site_of_url,
    )

__all__ = ["__version__", "PageResult", "classify_html", "classify_lines", "classify_pages", "classify_texts",
           "clean_texts", "cleaned_text", "content_spans", "load_model", "site_of_url"]


# The API (and numpy with it) is imported when first asked for, not by ``import linesift``:
# the command (linesift.command) must set what numpy reads when it loads, before it loads.
def __getattr__(name: str) -> object:
    if name in __all__:
        from linesift import api

        return getattr(api, name)
    raise AttributeError(f"module 'linesift' has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
