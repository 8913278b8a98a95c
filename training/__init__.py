"""linesift: label each line of a web page dump as content or chrome.

The pipeline, one module a stage, read top to bottom:

    reading   file bytes -> page lines (and labels, for labeled pages)
    lines     one raw line -> what a reader sees: visible text, link text, markers
    features  a page's lines -> a numeric feature matrix + hashed keyword cues
    model     features -> P(content) per line (LineClassifier, data-only model file)
    output    lines + probabilities -> text / labeled / jsonl

Library use::

    from training import load_model, classify_lines
    model = load_model()                      # the shipped default model
    labels, probabilities = classify_lines(model, ["Home", "", "A sentence of the article."])
"""

from training.api import classify_lines, classify_pages, load_model

__all__ = ["classify_lines", "classify_pages", "load_model"]
__version__ = "0.1.0"
