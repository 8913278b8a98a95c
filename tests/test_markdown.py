"""Markdown out: kept HTML lines written with their structure, and parsed back by a
Markdown parser into the same blocks."""

import gzip
import random

import pytest

from conftest import SHARED, needs_shared
from linesift.labels import CHROME, CONTENT
from linesift.linemap import holder, match_lines, parse, text_slots
from linesift.markdown import markdown_text
from linesift.reading import read_input_page

markdown_it = pytest.importorskip("markdown_it")

PAGE = """<!doctype html><html><head><title>t</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/docs">Docs</a></li></ul></nav>
<article><h1>Installing the kettle firmware</h1>
<p>Read every step before you start: a <a href="https://example.org/help">help page</a> explains more.</p>
<h2>Steps</h2>
<ol start="3"><li>Unplug the kettle</li><li>Hold the button<ul><li>for ten seconds</li></ul></li></ol>
<table><tr><th>Model</th><th>Version | build</th></tr><tr><td>K100</td><td>2.1</td></tr><tr><td>K200</td><td>3.0</td></tr></table>
<pre><code class="language-python">def flash(kettle):
    kettle.reset()
    return kettle.version</code></pre>
<blockquote><p>Never flash a kettle full of water.</p></blockquote>
<p># is not a heading here, and 1. is not a list</p>
</article><footer><p>© 2026 Kettle Co</p></footer></body></html>""".encode()


def kept(html, drop=("Home", "Docs", "© 2026 Kettle Co")):
    page = read_input_page("page.html", "site", html)
    return page.lines, [CHROME if line in drop else CONTENT for line in page.lines]


def blocks(markdown):
    """(kind, text) of every block markdown-it reads in ``markdown``."""
    tokens = markdown_it.MarkdownIt().enable("table").parse(markdown)
    out, kinds = [], []
    for token in tokens:
        if token.type.endswith("_open") and token.type != "paragraph_open":
            kinds.append(token.tag)
        elif token.type.endswith("_close") and token.type != "paragraph_close":
            kinds.pop()
        elif token.type == "inline":
            out.append((kinds[-1] if kinds else "p", token.content))
        elif token.type in ("fence", "code_block"):
            out.append(("code:" + token.info, token.content))
    return out


def test_every_kind_of_block_comes_out_with_its_markup():
    lines, labels = kept(PAGE)
    markdown = markdown_text(PAGE, lines, labels)
    found = blocks(markdown)
    assert ("h1", "Installing the kettle firmware") in found and ("h2", "Steps") in found
    assert ("li", "Unplug the kettle") in found and ("li", "for ten seconds") in found
    assert ("th", "Version | build") in found and ("td", "K200") in found
    assert ("code:python", "def flash(kettle):\n    kettle.reset()\n    return kettle.version\n") in found
    assert ("blockquote", "Never flash a kettle full of water.") in found
    assert ("p", "\\# is not a heading here, and 1. is not a list") in found   # escaped, read as a paragraph
    assert "3. Unplug the kettle\n4. Hold the button" in markdown   # ordered, from its start
    assert "Home" not in markdown and "Kettle Co" not in markdown


def test_links_are_written_only_when_asked():
    lines, labels = kept(PAGE)
    assert "[help page](https://example.org/help)" in markdown_text(PAGE, lines, labels, links=True)
    assert "](" not in markdown_text(PAGE, lines, labels)


def test_no_kept_line_is_lost_even_where_it_cannot_be_placed():
    lines, labels = kept(PAGE)
    lines = lines + ["A line the page does not have"]
    labels = labels + [CONTENT]
    markdown = markdown_text(PAGE, lines, labels)
    assert "A line the page does not have" in markdown


def test_nothing_kept_is_nothing_written():
    lines, labels = kept(PAGE)
    assert markdown_text(PAGE, lines, [CHROME] * len(lines)) == ""


def structured_lines(html, lines):
    """{line index: kind} of the lines in a heading, list item, table cell or code block."""
    kinds = {}
    for index, slots in match_lines(text_slots(parse(html)), lines).items():
        for element in _ancestors(holder(slots[0])):
            tag = element.tag.lower() if isinstance(element.tag, str) else ""
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre"):
                kinds[index] = tag
                break
    return kinds


def _ancestors(element):
    while element is not None:
        yield element
        element = element.getparent()


@needs_shared
def test_real_pages_keep_their_structure(shared_model=None):
    """On a fixed sample of WCXB's documentation and article pages, every kept heading, list
    item, table cell and code line comes out inside a block of its kind."""
    from linesift.api import classify_markups
    from linesift.model_file import load_model

    pages = sorted((SHARED / "corpus" / "wcxb" / "pages").glob("*/page.html.gz"))
    random.Random(7).shuffle(pages)
    model = load_model()
    checked = missed = 0
    for path in pages[:40]:
        html = gzip.decompress(path.read_bytes())
        page = read_input_page("page.html", "site", html)
        [result] = classify_markups(model, [page.markup])
        labels = result.labels(model.threshold_)
        found = blocks(markdown_text(html, page.lines, labels))
        texts_by_kind = {}
        for kind, text in found:
            texts_by_kind.setdefault(kind[:4] if kind.startswith("code") else kind, []).append(text)
        for index, kind in structured_lines(html, page.lines).items():
            if labels[index] != CONTENT:
                continue
            checked += 1
            want = {"pre": "code"}.get(kind, kind)
            squeezed = "".join(page.lines[index].split())
            if not any(squeezed in "".join(text.split()).replace("\\|", "|") for text in texts_by_kind.get(want, [])):
                missed += 1
    assert checked > 100
    assert missed / checked < 0.05, f"{missed} of {checked} structured kept lines lost their markup"


def test_a_table_keeps_its_columns_when_a_cell_is_not_kept():
    html = (b"<html><body><table><tr><th>Item</th><th>Cost in dollars</th></tr><tr><td>Kettle</td><td>40</td></tr>"
            b"<tr><td>Mug</td><td>5</td></tr></table></body></html>")
    lines, labels = kept(html, drop=("Item",))
    found = blocks(markdown_text(html, lines, labels))
    assert ("th", "Cost in dollars") in found and ("td", "Kettle") in found and ("td", "40") in found
    assert ("td", "5") in found


def test_text_is_written_as_text_never_as_markup_or_html():
    html = ("<html><body><p>1. Not a list</p><p>```</p><p>&lt;img src=x onerror=alert(1)&gt;</p>"
            "<blockquote><p>One paragraph.</p><p>Another paragraph.</p></blockquote>"
            "<ol start='\u00b2'><li>an item</li></ol><p><a href='/'>Home</a> <a href='/x'>About</a></p>"
            "</body></html>").encode()
    lines, labels = kept(html, drop=())
    markdown = markdown_text(html, lines, labels, links=True)
    rendered = markdown_it.MarkdownIt().render(markdown)
    assert "<img" not in rendered and "<p>1. Not a list</p>" in rendered and "<p>```</p>" in rendered
    assert rendered.count("<blockquote>") == 2   # two paragraphs, not one run together
    assert "1. an item" in markdown              # a start that is no number counts from 1
    assert "[Home](/) [About](/x)" in markdown   # the space between the links kept
