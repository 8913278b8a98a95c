"""HTML that a parser drops or takes long on, and charsets that would rewrite a page: the
page's text, or a one-line error; never a silent part, never minutes."""

import subprocess
import sys

import pytest

from linesift.html import (
    HIDDEN,
    LINE_BREAK,
    MAX_ATTRIBUTES,
    MAX_DEPTH,
    TAKE_OUT,
    WEB_CHARSETS,
    decode_html,
    markup_shape,
    read_html,
)
from linesift.limits import NO_TEXT, PageRefused
from linesift.reading import read_html_within


def texts(data):
    return [line.text for line in read_html(data)]


@pytest.mark.parametrize("depth", [2_040, 3_000, 100_000])
def test_text_below_the_parsers_depth_is_read(depth):
    page = b"<html><body><p>before</p>" + b"<div>" * depth + b"<p>inside</p>" + b"</div>" * depth + b"<p>after</p>"
    assert texts(page) == ["before", "inside", "after"]


def test_unclosed_inline_nesting_keeps_its_text_and_lines():
    page = b"<p>before</p>" + b"<span>x" * 3_000 + b"<p>inside</p><p>after</p>"
    assert texts(page) == ["before", "x" * 3_000, "inside", "after"]


def test_end_tags_the_parser_ignores_do_not_hide_nesting():
    """An HTML5 parser keeps the divs open through </span> (a div is special): 6,000 deep."""
    tangled = b"<span><div></span>" * 3_000 + b"<p>after</p>"
    assert markup_shape(tangled)[0] >= 6_000
    assert texts(tangled) == ["after"]


def test_the_depth_model_never_counts_less_than_the_parser_keeps_open():
    assert markup_shape(b"<div><p>a<div>b</div></p></div>")[0] == 2       # p does not nest; </p> ignored
    assert markup_shape(b"<div><b>" + b"<i>" * 100 + b"</div>")[0] == 102  # </div> closes what it holds
    assert markup_shape(b"<div><b>" + b"<i>" * 100 + b"</b>")[0] == 102    # </b> not reached: kept open
    assert markup_shape(b"<section></div>" * 5)[0] == 5                    # nothing of its name open
    assert markup_shape(b"<br><img><input/><script><div></script><svg><path/></svg>")[0] == 1   # the svg
    assert markup_shape(b"<x-y/><div/>")[0] == 2                          # "/>" closes nothing in HTML
    assert markup_shape(b"<!--><div><!---><div><!-- x --!><div>")[0] == 3   # comments as the tokenizer ends them
    assert markup_shape(b"<script></scripts><div></script><div>")[0] == 1
    assert markup_shape(b"<svg><title><div><div>")[0] == 4                # svg's title holds markup
    assert markup_shape(b"<noscript><div><div>")[0] == 3                  # markup, when parsed without scripts


def test_elements_past_the_depth_are_flattened_keeping_their_lines():
    depth, _, edits = markup_shape(b"<div>" * (MAX_DEPTH + 2) + b"<span>x</span>", MAX_DEPTH)
    assert depth == MAX_DEPTH + 3 and [what for *_, what in edits] == [LINE_BREAK, LINE_BREAK, TAKE_OUT, TAKE_OUT]
    page = b"<div>" * MAX_DEPTH + b"<div>one</div><div>two <span>three</span></div>" + b"</div>" * MAX_DEPTH
    assert texts(page) == ["one", "two three"]


def word(number):
    """A class word of letters only (class_words drops digits), distinct for each number."""
    letters = b""
    while True:
        number, letter = divmod(number, 26)
        letters += bytes([97 + letter])
        if not number:
            return b"w" + letters


def test_a_tag_past_the_depth_with_many_attributes_is_taken_out_once():
    attributes = b" ".join(b"a%d" % number for number in range(MAX_ATTRIBUTES + 10))
    page = b"<div>" * MAX_DEPTH + b"<div " + attributes + b">deep</div>" + b"</div>" * MAX_DEPTH
    edits = markup_shape(page, MAX_DEPTH, MAX_ATTRIBUTES)[2]
    assert [what for *_, what in edits] == [LINE_BREAK, TAKE_OUT]   # its start tag, its end tag
    assert texts(page) == ["deep"]


@pytest.mark.parametrize("shape", ["tangled", "formatting", "unclosed", "tables", "reach", "self-closed", "comment",
                                   "noscript", "svg title", "attributes after a comment", "class words on a path",
                                   "class words on a line"])
def test_nesting_of_any_shape_is_read_in_linear_time(shape):
    """An HTML5 parser looks through the open elements for each tag, so unflattened nesting
    costs time in its square; each shape here must be flattened (or capped) to be read in
    well under the bound."""
    pages = {"tangled": "b'<span><div>x</span>' * 200_000",
             "formatting": "b'<b><i>' * 100_000 + b'<p>after</p>' * 1_000",
             "unclosed": "b'<div><span>x' * 100_000",
             "tables": "b'<table><tr><td>' * 100_000 + b'<p>after</p>'",
             "reach": "b'<span><div>' + b'<b>' * 100_000 + b'</span>' * 100_000 + b'<p>after</p>'",
             "self-closed": "b'<div/>' * 100_000 + b'x'",
             "comment": "b'<!-->' + b'<div>' * 100_000 + b'x'",
             "noscript": "b'<noscript>' + b'<div>' * 100_000 + b'x'",
             "svg title": "b'<svg><title>' + b'<div>' * 100_000 + b'x'",
             "attributes after a comment": "b'<!--><p ' + b' '.join(b'a%d' % i for i in range(40_000)) + b'>'",
             "class words on a path": "b''.join(b'<div class=\"%s\">' % b' '.join(word(d * 200 + i) "
                                      "for i in range(200)) for d in range(2_000)) + b'x'",
             "class words on a line": "b'<p>' + b''.join(b'<span class=%s>a</span>' % word(i) for i in range(100_000))"}
    code = ("import sys; sys.path.insert(0, 'tests'); from test_battery_html import word; "
            "from linesift.html import read_html; import time; start = time.process_time(); "
            f"read_html({pages[shape]}); assert time.process_time() - start < 8")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_title_never_closed_is_refused_not_read_as_empty():
    """It holds the rest of the page, as in a browser: no line, though the markup holds text."""
    with pytest.raises(PageRefused) as refused:
        read_html_within(b"<html><title>Shop</head><body><p>The article text.</p></body>")
    assert refused.value.reason == NO_TEXT
    assert read_html_within(b"<p>ok</p><script>var a = 1;") and not read_html_within(b"<script>var a = 1;")


def test_shallow_pages_are_not_rewritten():
    page = b"<div class=menu><a href=/>Home</a></div>" + b"<div>" * 500 + b"<p>deep text</p>" + b"</div>" * 500
    lines = read_html(page)
    assert [line.text for line in lines] == ["Home", "deep text"] and lines[0].link_chars == 4


def attribute_page(count):
    names = b"".join(b' a%d="x"' % number for number in range(count))
    return b'<html><body><div class="sidebar"' + names + b' id="mainColumn" hidden><p>gone</p></div><p>text</p>'


def test_a_tag_with_many_attributes_keeps_class_id_and_hidden():
    lines = read_html(attribute_page(MAX_ATTRIBUTES * 4))
    assert [(line.text, HIDDEN in line.tags) for line in lines] == [("gone", True), ("text", False)]   # past the cap
    assert lines[0].classes == ("sidebar", "main", "column")
    lines = read_html(attribute_page(MAX_ATTRIBUTES * 4).replace(b" hidden>", b">"))
    assert lines[0].text == "gone" and HIDDEN not in lines[0].tags and lines[0].classes == ("sidebar", "main", "column")


def test_a_tag_with_200000_attributes_is_read_in_linear_time():
    """Took over 11 minutes: libxml2 checks each attribute against all before it."""
    code = ("import sys; sys.path.insert(0, 'tests'); from test_battery_html import attribute_page; "
            "from linesift.html import read_html; assert read_html(attribute_page(200_000).replace(b' hidden>', b'>'))")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("charset", ["punycode", "utf-7", "unicode_escape", "cp500", "idna", "hex", "rot13",
                                     "utf-32", "x-user-defined", "euc_kr"])
def test_a_charset_no_browser_accepts_is_ignored(charset):
    page = f'<meta charset="{charset}"><p>caf\xe9 cr\xe8me +AGEAYgBj- \\u0041</p>'.encode("cp1252")
    assert decode_html(page) == page.decode("cp1252")   # not UTF-8: the web's default


def test_web_charsets_are_honoured_as_browsers_read_them():
    assert decode_html('<meta charset="windows-1251"><p>\u041c\u043e\u0441\u043a\u0432\u0430</p>'.encode("cp1251")) \
        .endswith("\u041c\u043e\u0441\u043a\u0432\u0430</p>")
    assert decode_html(b'<meta charset=latin1><p>\x93quoted\x94</p>').endswith("\u201cquoted\u201d</p>")
    assert WEB_CHARSETS["iso-8859-1"] == WEB_CHARSETS["ascii"] == "cp1252"
    assert "utf-7" not in WEB_CHARSETS and "cp500" not in WEB_CHARSETS
