"""Output stage: lines + probabilities -> text, labeled pages or JSON lines; atomic files."""

import json
import re

import numpy as np

from linesift import rawjson
from linesift.labeled import format_labeled
from linesift.labels import LABEL_NAMES, labels_from_probabilities
from linesift.page import PageResult

FORMATS = ("text", "labeled", "jsonl", "markdown")
SUFFIXES = {"text": ".txt", "labeled": ".tsv", "jsonl": ".jsonl", "markdown": ".md"}
EMITS = ("text", "labels", "spans")          # what a record output carries (--emit)
SPANS_ATTRIBUTE = "linesift__content"        # Dolma's attribute naming: <tagger>__<attribute>
LABELS_FIELD = "linesift_labels"
SPAN_DIGITS = 4                              # probabilities in spans are rounded: a threshold needs no more


def render_text(lines, labels) -> str:
    """The content lines, in order; where the input had a blank line (a paragraph break)
    between two content lines, the first such blank line too. Every output line is an
    input line, in input order."""
    out, pending_break, kept = [], None, False
    if isinstance(labels, np.ndarray):   # Python ints compare several times faster than numpy's scalars
        labels = labels.tolist()
    for line, label in zip(lines, labels):
        if label == 1:
            if pending_break is not None and kept:
                out.append(pending_break + "\n")
            out.append(line + "\n")
            kept, pending_break = True, None
        elif not line.strip() and pending_break is None:
            pending_break = line
    return "".join(out)


# Characters json.dumps(ensure_ascii=False) leaves raw that some readers take amiss: lone
# surrogates, and the line separators that str.splitlines() and others split on besides \n.
_ESCAPED_IN_JSON = re.compile("[\ud800-\udfff\x85\u2028\u2029]")


def json_text(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with each lone surrogate and
    each U+0085, U+2028, U+2029 written as a ``\\uXXXX`` escape.

    Input bytes that are not UTF-8 are kept as lone surrogates (U+DC80..U+DCFF, Python's
    ``surrogateescape``); written raw they would make the JSON invalid UTF-8. As escapes
    the JSON is valid UTF-8 and the bytes stay recoverable: ``json.loads`` gives back the
    surrogate and ``text.encode("utf-8", "surrogateescape")`` the original byte. The three
    line separators are valid raw in JSON, but a reader that splits JSON lines with
    ``str.splitlines()`` would cut a record there. All of them can only occur inside a
    JSON string, where ``\\uXXXX`` is a valid escape."""
    return _ESCAPED_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def render_jsonl(source, lines, labels, probabilities, extra=None) -> str:
    """One JSON object for the page: its source and, for each line, number (from 1),
    label (null for a blank line), probability of content (null likewise) and text.
    Always valid UTF-8: bytes of the input that were not UTF-8 appear as ``\\udcXX``
    escapes (see ``json_text``). ``extra`` (e.g. ``{"metadata": ...}``) is added as it is."""
    records = []
    for number, (line, label, probability) in enumerate(zip(lines, labels, probabilities), start=1):
        unclassified = bool(np.isnan(probability))
        records.append({
            "n": number,
            "label": None if unclassified else LABEL_NAMES[int(label)],
            "p": None if unclassified else round(float(probability), 4),
            "text": line,
        })
    return json_text(json.dumps({"source": source, "lines": records, **(extra or {})}, ensure_ascii=False)) + "\n"


def cleaned_text(result: PageResult, threshold) -> str:
    """A classified page's (``api.PageResult``) content lines at ``threshold`` (a probability,
    or "page"), in order, with a paragraph break kept where the page had one between two
    content lines; no final line break."""
    labels = labels_from_probabilities(result.probabilities, threshold, result.lines)
    return render_text(result.lines, labels).removesuffix("\n")


def content_spans(result: PageResult, digits: int = SPAN_DIGITS) -> list[list[float]]:
    """``[[start, end, p], ...]`` for every classified line of a page (``api.PageResult``):
    its character span in the page's text and its P(content), so a threshold can be chosen
    later without the model."""
    return [[start, start + len(line), round(float(p), digits)]
            for line, start, p in zip(result.lines, result.starts, result.probabilities) if not np.isnan(p)]


def render_record(record, result, emit, threshold, drop=(), metadata=None) -> str:
    """One JSON line for a record (``records.Record``) and its classified page.

    text: the record's fields with the cleaned text in its text field. labels: the fields
    with the page's text and ``linesift_labels``, a label per line (null for blank lines).
    spans: Dolma attributes, ``{"id", "attributes": {"linesift__content": spans}}``, plus
    the page's ``text`` when it was taken out of HTML (the spans point into it).

    The record's fields are written back as they were read (``rawjson``: numbers keep
    their text), but for the fields named in ``drop`` (the page's HTML, once it is read);
    what linesift adds is made with ``json.dumps``, once. ``metadata`` (what the page's HTML
    states: ``linesift.metadata``) goes into the record's ``metadata`` object, under the
    record's own keys, which win."""
    if emit == "spans":
        out = {"id": record.id, "attributes": {SPANS_ATTRIBUTE: rawjson.Raw(json.dumps(content_spans(result)))}}
        if record.text is None:
            out["text"] = result.text
    else:
        out = {name: value for name, value in record.fields.items() if name not in drop}
        own = out.get("metadata", {})
        if metadata and isinstance(own, dict):
            out["metadata"] = {**metadata, **own}
        if emit == "text":
            out[record.text_field] = cleaned_text(result, threshold)
        else:
            out[record.text_field] = result.text
            labels = labels_from_probabilities(result.probabilities, threshold, result.lines)
            out[LABELS_FIELD] = rawjson.Raw(json.dumps([LABEL_NAMES.get(int(label)) for label in labels]))
    return json_text(rawjson.dumps(out)) + "\n"


def render(fmt, source, lines, probabilities, threshold, extra=None) -> str:
    """A page's output in ``fmt``; markdown of a dump is its content lines as they are (a
    dump that came in as Markdown keeps its own), HTML pages' markdown is ``linesift.markdown``'s."""
    labels = labels_from_probabilities(probabilities, threshold, lines)
    if fmt in ("text", "markdown"):
        return render_text(lines, labels)
    if fmt == "labeled":
        return format_labeled(lines, labels)
    return render_jsonl(source, lines, labels, probabilities, extra)
