"""How much of the page's structure Markdown output keeps: linesift --format markdown beside
trafilatura's Markdown, on the same pages.

For each page, the block lines that sit in a heading, a list item, a cell of a data table
(``linesift.markdown.is_data_cell``: not a layout table's) or a code block (``<pre>``) are
found in the page (``linesift.linemap``). For each extractor, every
such line whose text is in its output counts as kept; it is "with its markup" when a
Markdown parser (markdown-it-py) reads the output and finds the text inside a block of
that kind (a heading of any level, a list item, a table cell, a code block). Prints, per
kind, kept lines and the share with their markup, and pages/s of the Markdown step alone.

    python tests/bench/bench_markdown.py                     # 300 WCXB pages (fixed sample)
    python tests/bench/bench_markdown.py --corpus dragnet --pages 200
"""

import argparse
import gzip
import random
import time
from pathlib import Path

from linesift.api import classify_markups
from linesift.labels import CONTENT
from linesift.linemap import holder, match_lines, parse, text_slots
from linesift.markdown import is_data_cell, markdown_text
from linesift.model_file import load_model
from linesift.reading import read_input_page

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpus"
KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
         "li": "list item", "td": "table cell", "th": "table cell", "pre": "code block"}
TOKEN_KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
               "h6": "heading", "li": "list item", "td": "table cell", "th": "table cell"}


def structured(html, lines):
    """{line index: kind} of the lines in a heading, list item, table cell or code block."""
    kinds, tables = {}, {}
    for index, slots in match_lines(text_slots(parse(html)), lines).items():
        element = holder(slots[0])
        while element is not None:
            tag = element.tag.lower() if isinstance(element.tag, str) else ""
            if tag in KINDS:
                if tag not in ("td", "th") or is_data_cell(element, tables):
                    kinds[index] = KINDS[tag]
                break
            element = element.getparent()
    return kinds


def blocks_by_kind(markdown, parser):
    """{kind: squeezed texts of the blocks of that kind} as markdown-it reads ``markdown``."""
    found, stack = {}, []
    for token in parser.parse(markdown):
        if token.type.endswith("_open") and token.type != "paragraph_open":
            stack.append(TOKEN_KINDS.get(token.tag, token.tag))
        elif token.type.endswith("_close") and token.type != "paragraph_close":
            stack.pop()
        elif token.type == "inline":
            kind = next((k for k in reversed(stack) if k in KINDS.values()), "paragraph")
            found.setdefault(kind, []).append(_squeezed(token.content).replace("\\|", "|"))
        elif token.type in ("fence", "code_block"):
            found.setdefault("code block", []).append(_squeezed(token.content))
    return found


def _squeezed(text):
    return "".join(text.split())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="wcxb")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from markdown_it import MarkdownIt
    import trafilatura

    md = MarkdownIt().enable("table")
    paths = sorted((CORPORA / args.corpus / "pages").glob("*/page.html.gz"))
    random.Random(args.seed).shuffle(paths)
    paths = paths[:args.pages]
    model = load_model()
    counts = {tool: {kind: [0, 0] for kind in set(KINDS.values())} for tool in ("linesift", "trafilatura")}
    seconds = {"linesift": 0.0, "trafilatura": 0.0}
    for path in paths:
        html = gzip.decompress(path.read_bytes())
        page = read_input_page("page.html", "site", html)
        kinds = structured(html, page.lines)
        [result] = classify_markups(model, [page.markup])
        labels = result.labels(model.threshold_)
        started = time.process_time()
        ours = markdown_text(html, page.lines, labels)
        seconds["linesift"] += time.process_time() - started
        started = time.process_time()
        theirs = trafilatura.extract(html, output_format="markdown", include_tables=True, include_formatting=True,
                                     include_links=False) or ""
        seconds["trafilatura"] += time.process_time() - started
        for tool, output in (("linesift", ours), ("trafilatura", theirs)):
            found = blocks_by_kind(output, md)
            everything = _squeezed(output)
            for index, kind in kinds.items():
                text = _squeezed(page.lines[index])
                kept = labels[index] == CONTENT if tool == "linesift" else text in everything
                if not kept or not text:
                    continue
                counts[tool][kind][0] += 1
                counts[tool][kind][1] += any(text in block for block in found.get(kind, ()))
    print(f"{args.corpus}: {len(paths)} pages (seed {args.seed}); lines of each kind kept by the tool, and the share "
          "that comes out inside a Markdown block of that kind\n")
    print("| kind | linesift kept | linesift with markup | trafilatura kept | trafilatura with markup |")
    print("|---|---|---|---|---|")
    for kind in ("heading", "list item", "table cell", "code block"):
        a, b = counts["linesift"][kind], counts["trafilatura"][kind]
        print(f"| {kind} | {a[0]:,} | {a[1] / max(a[0], 1):.1%} | {b[0]:,} | {b[1] / max(b[0], 1):.1%} |")
    total = [sum(counts[t][k][i] for k in counts[t]) for t in ("linesift", "trafilatura") for i in (0, 1)]
    print(f"| all | {total[0]:,} | {total[1] / max(total[0], 1):.1%} | {total[2]:,} | {total[3] / max(total[2], 1):.1%} |")
    print(f"\nMarkdown step, CPU: linesift {len(paths) / max(seconds['linesift'], 1e-9):.0f} pages/s (after "
          f"classifying), trafilatura extract(markdown) {len(paths) / max(seconds['trafilatura'], 1e-9):.0f} pages/s "
          "(extraction included)")


if __name__ == "__main__":
    main()
