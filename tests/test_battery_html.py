"""HTML that a parser drops or takes long on, and charsets that would rewrite a page: the
page's text, or a one-line error; never a silent part, never minutes."""

import subprocess
import sys

import pytest

from linesift.html import MAX_ATTRIBUTES, WEB_CHARSETS, ParserStopped, decode_html, read_html
from linesift.limits import PageRefused
from linesift.reading import TOO_DEEP, read_html_within


def texts(data):
    return [line.text for line in read_html(data)]


@pytest.mark.parametrize("depth", [2_040, 3_000, 100_000])
def test_text_below_the_parsers_depth_is_read(depth):
    page = b"<html><body><p>before</p>" + b"<div>" * depth + b"<p>inside</p>" + b"</div>" * depth + b"<p>after</p>"
    assert texts(page) == ["before", "inside", "after"]


def test_unclosed_inline_nesting_keeps_its_text_and_lines():
    page = b"<p>before</p>" + b"<span>x" * 3_000 + b"<p>inside</p><p>after</p>"
    assert texts(page) == ["before", "x" * 3_000, "inside", "after"]


def test_nesting_that_cannot_be_flattened_is_refused_in_one_line():
    tangled = b"<span><div></span>" * 3_000 + b"<p>after</p>"   # the parser keeps the divs open: flattening misses them
    with pytest.raises(ParserStopped, match="^nesting deeper than 2,048 elements"):
        read_html(tangled)
    with pytest.raises(PageRefused) as refused:
        read_html_within(tangled)
    assert refused.value.reason == TOO_DEEP


def test_shallow_pages_are_not_rewritten():
    page = b"<div class=menu><a href=/>Home</a></div>" + b"<div>" * 500 + b"<p>deep text</p>" + b"</div>" * 500
    lines = read_html(page)
    assert [line.text for line in lines] == ["Home", "deep text"] and lines[0].link_chars == 4


def attribute_page(count):
    names = b"".join(b' a%d="x"' % number for number in range(count))
    return b'<html><body><div class="sidebar"' + names + b' id="mainColumn" hidden><p>gone</p></div><p>text</p>'


def test_a_tag_with_many_attributes_keeps_class_id_and_hidden():
    lines = read_html(attribute_page(MAX_ATTRIBUTES * 4))
    assert [line.text for line in lines] == ["text"]      # hidden, though past MAX_ATTRIBUTES attributes
    lines = read_html(attribute_page(MAX_ATTRIBUTES * 4).replace(b" hidden>", b">"))
    assert lines[0].text == "gone" and lines[0].classes == ("sidebar", "main", "column")


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
