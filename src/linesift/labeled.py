"""The labeled page format: ``content<TAB>text`` / ``chrome<TAB>text`` per page line, a
blank page line as an empty file line, one UTF-8 file per page (docs/formats.md). A
contract: tools outside linesift read and write it, and ``cut -f2-`` gives the dump back."""

from linesift.decoding import decode_lines
from linesift.errors import InputError
from linesift.labels import LABEL_IDS, LABEL_NAMES, UNLABELED
from linesift.page import Page

LABELED_SUFFIX = ".tsv"


def parse_labeled(source, data: bytes, site: str) -> Page:
    """Parse one labeled page (``content<TAB>text`` / ``chrome<TAB>text`` / empty line)."""
    if b"\x00" in data:
        raise InputError(source, "binary file (NUL byte), not a labeled page")
    lines, labels = [], []
    for number, raw in enumerate(decode_lines(data), start=1):
        if raw == "":
            lines.append("")
            labels.append(UNLABELED)
            continue
        name, tab, text = raw.partition("\t")
        if not tab:
            raise InputError(source, f"missing tab: expected 'content<TAB>text' or 'chrome<TAB>text', got {raw[:40]!r}", number)
        if name not in LABEL_IDS:
            raise InputError(source, f"unknown label {name[:40]!r}: expected 'content' or 'chrome'", number)
        lines.append(text)
        labels.append(LABEL_IDS[name])
    return Page(str(source), site, lines, labels)


def format_labeled(lines, labels) -> str:
    """The labeled page format of ``lines``; the inverse of ``parse_labeled``.

    An empty line is written as an empty file line; any other line carries its label
    (a whitespace-only line, which the model does not classify, is written as chrome).
    """
    out = []
    for text, label in zip(lines, labels):
        if text == "":
            out.append("\n")
        else:
            out.append(f"{LABEL_NAMES.get(label, 'chrome')}\t{text}\n")
    return "".join(out)
