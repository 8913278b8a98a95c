import gzip
import json
import random
import re
import tracemalloc

import pytest

from conftest import SHARED, needs_shared
from linesift._blocks import class_words
from linesift.align import CHROME, CONTENT, align_labels
from linesift.html import HIDDEN, DamagedGzip, HtmlLine, decode_html, is_html, read_html
from linesift.shingles import average_scores, shingle_scores, shingles


def texts(html):
    return [line.text for line in read_html(html.encode("utf-8") if isinstance(html, str) else html)]


def line_with(lines, text):
    return next(line for line in lines if line.text == text)


# --- read_html: lines ------------------------------------------------------------------

def test_each_block_is_a_line_and_inline_text_is_joined():
    html = """<html><body><h1>Title  of
        the page</h1><div>First <b>bold</b> <i>word</i>s<p>Para one.</p>tail after p</div>
        <ul><li>One</li><li>Two <span>and</span> a half</li></ul><p>   </p></body></html>"""
    assert texts(html) == ["Title of the page", "First bold words", "Para one.", "tail after p",
                           "One", "Two and a half"]


def test_br_splits_a_line_and_pre_keeps_its_lines():
    html = "<p>line one<br>line two<br/><br>line three</p><pre>a = 1\n  b  =  2\n\nc</pre>"
    assert texts(html) == ["line one", "line two", "line three", "a = 1", "b = 2", "c"]


def test_table_cells_rows_and_definition_lists_are_lines():
    html = ("<table><tr><th>Name</th><td>Value <a href=x>here</a></td></tr><tr><td>2</td></tr></table>"
            "<dl><dt>Term</dt><dd>Meaning</dd></dl><figure><img src=x><figcaption>A cap</figcaption></figure>")
    assert texts(html) == ["Name", "Value here", "2", "Term", "Meaning", "A cap"]


def test_link_chars_are_exact():
    lines = read_html(b"<p>Read <a href='/x'>more  here</a> now.</p><ul><li><a href=a>Home</a> <a href=b>About</a></li>"
                      b"<li><a href=a>News</a> | <a href=b>Sport</a></li></ul><p>No<a href=x>link</a>glued</p>")
    assert [(line.text, line.link_chars) for line in lines] == [
        ("Read more here now.", 9), ("Home About", 10), ("News | Sport", 9), ("Nolinkglued", 4)]


def test_invisible_elements_are_dropped_and_hidden_blocks_are_read_marked_hidden():
    html = """<html><head><title>T</title><style>p {}</style></head><body>
        <script>var x = 1;</script><noscript>Enable JS</noscript><template><p>tpl</p></template>
        <svg><text>svg text</text></svg><iframe>frame</iframe>
        <div hidden>hidden attr</div><div aria-hidden="true">aria</div><div aria-hidden="false">shown</div>
        <p style="color: red; display : none">styled away</p><span style="visibility:hidden">invisible</span>
        <p>kept<script>x()</script> after script</p><!-- a comment --></body></html>"""
    lines = read_html(html.encode())
    assert [(line.text, HIDDEN in line.tags) for line in lines] == [
        ("hidden attr", True), ("aria", True), ("shown", False), ("styled away", True), ("kept after script", False)]


def test_hidden_inline_text_stays_out_of_the_visible_line_it_sits_in():
    html = ('<p>Next page <span class="icon" aria-hidden="true">chevron_right</span> here '
            '<b style="display:none">twin</b>now.</p>')
    assert [(line.text, line.tags) for line in read_html(html.encode())] == [("Next page here now.", ("p",))]


def test_a_hidden_block_marks_every_line_inside_it_and_keeps_its_tags_and_classes():
    lines = read_html(b'<article><p>Shown.</p><div class="paywall" hidden><p>Rest of the story.</p>'
                      b'<ul><li><a href=x>More</a></li></ul></div></article>'
                      b'<nav style="display:none"><a>Menu</a></nav>')
    assert [(line.text, line.tags, line.classes) for line in lines] == [
        ("Shown.", ("article", "p"), ()),
        ("Rest of the story.", ("article", HIDDEN, "p"), ("paywall",)),
        ("More", ("article", HIDDEN, "ul", "li", "a"), ("paywall",)),
        ("Menu", ("nav", HIDDEN, "a"), ())]


def test_a_formula_is_inline_text_without_its_tex_annotation():
    html = ('<p>The energy <math><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></math> holds.</p>'
            '<p>Let <span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>x</mi><mo>+</mo>'
            '<mn>1</mn></mrow><annotation encoding="application/x-tex">x+1</annotation></semantics></math></span>'
            '<span class="katex-html" aria-hidden="true"><span>x</span><span>+</span><span>1</span></span></span>'
            ' be positive.</p>')
    assert texts(html) == ["The energy E=mc2 holds.", "Let x+1 be positive."]


def test_a_formula_hidden_beside_its_image_is_read_and_other_hidden_inline_text_is_not():
    html = ('<p>Given <span class="mwe-math-element"><span class="mathml-inline" style="display: none;">'
            '<math><semantics><mrow><mi>x</mi><mo>,</mo><mi>y</mi></mrow><annotation encoding="application/x-tex">'
            'x,y</annotation></semantics></math></span><img alt="x,y" src="f.svg"></span> points '
            '<span aria-hidden="true">arrow_forward<b>icon</b></span>here.</p>')
    assert texts(html) == ["Given x,y points here."]


def test_a_page_whose_text_is_all_hidden_is_read_with_it():
    html = """<body><script>render()</script><div hidden><h1>Title</h1><p>All of the text.</p></div>
        <div style="visibility:hidden"><p>More of it.</p></div><nav hidden><a>Menu</a></nav></body>"""
    assert texts(html) == ["Title", "All of the text.", "More of it.", "Menu"]
    assert texts("<body><p>Visible.</p><span hidden>Not read.</span></body>") == ["Visible."]


def test_a_page_whose_visible_text_is_all_in_noscript_is_read_from_it_beside_its_hidden_blocks():
    html = b"<body><div hidden><p>A hidden modal.</p></div><noscript><p>The whole thread.</p></noscript></body>"
    assert texts(html) == ["A hidden modal.", "The whole thread."]


def test_tags_on_the_path_are_informative_and_deduplicated():
    html = ('<body><nav><ul><li><a href=/>Home</a></li><li><ul><li>Sub</li></ul></li></ul></nav>'
            '<article><section><div><p>Body <a href=x>link</a></p></div></section></article></body>')
    lines = read_html(html.encode())
    assert line_with(lines, "Home").tags == ("nav", "ul", "li", "a")
    assert line_with(lines, "Sub").tags == ("nav", "ul", "li")
    assert line_with(lines, "Body link").tags == ("article", "section", "p", "a")


def test_class_and_id_words_along_the_path():
    html = ('<div id="mainContent" class="post-sidebar_widget post"><div class="x9 Widget">'
            '<p class="byline">By me</p></div></div><p>plain</p>')
    lines = read_html(html.encode())
    assert line_with(lines, "By me").classes == ("main", "content", "post", "sidebar", "widget", "byline")
    assert line_with(lines, "plain").classes == ()


def test_class_words_keep_the_innermost_twenty():
    nested = "".join(f'<div class="w{chr(97 + i)}{chr(97 + i)}">' for i in range(25))
    lines = read_html(f"{nested}<p>deep</p>{'</div>' * 25}".encode())
    assert len(lines[0].classes) == 20
    assert lines[0].classes[-1] == "wyy" and "waa" not in lines[0].classes


@pytest.mark.parametrize("value, words", [
    ("navBar", ("nav", "bar")), ("HTMLParser", ("html", "parser")), ("ABC", ("abc",)),
    ("post-sidebar_widget post", ("post", "sidebar", "widget")), ("x9 Widget a", ("widget",)),
    ("caf\u00e9Menu", ("caf", "menu")), ("\u00c9tat", ("tat",)), ("aB", ()),
    ("AbCDeF", ("ab", "de")), ("ABCdef", ("ab", "cdef")), ("", ()), ("--", ()),
])
def test_class_words(value, words):
    assert class_words(value) == words


def test_class_words_are_the_rule_they_always_were():
    """The compiled scan against the pattern it replaced, on random values of its pieces."""
    pattern = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
    rng = random.Random(7)
    pieces = ["a", "b", "Z", "Q", "x", "AB", "-", "_", " ", "9", "\u00e9", "\u00c9", "\u0434", "\ufffd", "\ud800"]
    for _ in range(20_000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = tuple(dict.fromkeys(w.lower() for w in pattern.findall(value) if len(w) > 1))
        assert class_words(value) == expected, value


def test_deep_paths_do_not_keep_a_word_set_per_element():
    """Thousands of elements under a path of 1,000 class words, each with a class and a
    classed child: the walk keeps a bounded number of word sets, so its memory stays near
    what the page's lines hold."""
    def word(number):
        letters = "v"
        number += 1
        while number:
            letters += chr(97 + number % 26)
            number //= 26
        return letters
    root = " ".join(word(at + 10**6) for at in range(1000))
    spans = "".join(f'<span class="{word(at)}">t<b class="k">u</b></span><br>' for at in range(3000))
    tracemalloc.start()
    try:
        lines = read_html(f'<div class="{root}">{spans}</div>'.encode())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(lines) == 3000
    assert peak < 60e6     # a word set beside every element would be several times this


def test_gzip_input_is_read():
    html = b"<html><body><p>Zipped text.</p></body></html>"
    assert [line.text for line in read_html(gzip.compress(html))] == ["Zipped text."]
    assert is_html(gzip.compress(html))


def test_declared_latin1_is_decoded():
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 cr\xe8me \x80</p></body></html>'
    assert texts(html.encode("latin-1")) == ["Café crème €"]   # read as windows-1252, like a browser
    http_equiv = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>\u041f\u0440\u0438</p>'
    assert texts(http_equiv.encode("cp1251")) == ["\u041f\u0440\u0438"]


def test_valid_utf8_wins_over_a_wrong_declaration_and_undeclared_legacy_bytes_are_read():
    wrong = '<meta charset="iso-8859-1"><p>na\u00efve \u2014 ok</p>'.encode("utf-8")
    assert texts(wrong) == ["na\u00efve \u2014 ok"]
    assert texts("<p>caf\xe9 cr\xe8me</p>".encode("cp1252")) == ["café crème"]
    assert texts("\ufeff<p>\u00e9t\u00e9</p>".encode("utf-16")) == ["été"]
    mostly_utf8 = "<p>café crème brûlée</p>".encode("utf-8") + b"\xff"
    assert decode_html(mostly_utf8) == "<p>café crème brûlée</p>\ufffd"   # a stray byte in UTF-8 text


def test_empty_and_broken_documents():
    assert read_html(b"") == []
    assert read_html(b"   \n ") == []
    assert read_html(b"<html><body></body></html>") == []
    assert read_html(gzip.compress(b"")) == []
    assert texts(b"<div><p>unclosed <b>bold<li>item</div></span><p>next") == ["unclosed bold", "item", "next"]
    assert texts(b"\x00<p>nul\x00 byte</p>") == ["nul byte"]
    with pytest.raises(DamagedGzip, match="damaged gzip: cut short"):   # part of a page is not the page
        read_html(gzip.compress(b"<p>truncated stream</p>" * 50)[:-10])


def test_lines_are_html_lines():
    line = read_html(b"<p>x</p>")[0]
    assert isinstance(line, HtmlLine)
    assert line == HtmlLine("x", 0, ("p",), ())


@pytest.mark.parametrize("data, expected", [
    (b"<!DOCTYPE html><html><body>x", True),
    (b"\xef\xbb\xbf  \n<!doctype HTML>", True),
    (b"<!-- saved page -->\n<HTML lang=en>", True),
    (b"Some text first\n<div class=x>hello</div>", False),   # a dump that mentions a tag
    (b"  \n<div class=x>hello</div>", False),   # dumps hold such tags: see is_html
    (b"<p>para</p>", False),
    (b"<BODY>", True),
    ("\ufeff<html>".encode("utf-16-le"), True),
    (b"plain dump line\nanother line\n", False),
    (b"[Home](/) | [News](/news)\n# Title\n", False),
    (b"<pre>not html start but</pre>", False),
    (b"x" * 2000 + b"<div>", False),
    (b"", False),
])
def test_is_html_detects_by_content(data, expected):
    # only how the bytes start counts: a dump may quote tags in its text
    assert is_html(data) is expected
    assert is_html(gzip.compress(data)) is expected


# --- align_labels --------------------------------------------------------------------------

def test_align_labels_marks_lines_whose_words_are_in_the_gold_text():
    lines = ["Home | News | Sport", "Big storm hits the coast", "By Ann Lee", "",
             "The storm came in at night, and the town woke to water in the streets.",
             "---", "Residents were told to stay inside.", "Share this article", "",
             "More stories", "Big storm hits the coast", "Sport results", "(c) 2024 Example"]
    gold = ("Big storm hits the coast\nBy Ann Lee\n"
            "The storm came in at night, and the town woke to water in the streets. Residents were told to stay inside.\n")
    assert align_labels(lines, gold) == [CHROME, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT, CONTENT,
                                         CHROME, CHROME, CHROME, CHROME, CHROME, CHROME]


def test_repeated_headline_is_content_only_where_it_fits_the_article():
    # the headline stands in a teaser list before the article too
    lines = ["Latest: Big storm hits the coast", "Big storm hits the coast", "Other story",
             "Big storm hits the coast", "The storm came in at night.", "Big storm hits the coast"]
    gold = "Big storm hits the coast\nThe storm came in at night."
    assert align_labels(lines, gold) == [CHROME, CHROME, CHROME, CONTENT, CONTENT, CHROME]


def test_a_line_is_content_when_at_least_half_its_words_align():
    gold = "alpha beta gamma delta"
    assert align_labels(["alpha beta zulu yankee"], gold) == [CONTENT]
    assert align_labels(["alpha zulu yankee xray"], gold) == [CHROME]
    assert align_labels(["alpha", "", "beta"], "") == [CHROME, CHROME, CHROME]
    assert align_labels(["", "alpha beta", ""], gold) == [CHROME, CONTENT, CHROME]


def test_align_is_case_insensitive_and_ignores_punctuation():
    assert align_labels(["BIG STORM, HITS!", "menu"], "Big storm hits") == [CONTENT, CHROME]


# --- shingles ------------------------------------------------------------------------------

def test_shingles_are_four_token_runs_and_short_texts_are_one_shingle():
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("Hello, world!") == {("Hello", "world"): 1}
    assert shingles(" ... ") == {}
    assert shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2


def test_shingle_scores_count_multisets_with_case_kept():
    gold = "one two three four five six"            # 3 shingles
    assert shingle_scores(gold, gold) == (3, 0, 0)
    assert shingle_scores("one two three four five", gold) == (2, 0, 1)
    assert shingle_scores("menu one two three four five six seven", gold) == (3, 2, 0)
    assert shingle_scores("One two three four five six", gold) == (2, 1, 1)   # case kept
    assert shingle_scores("", gold) == (0, 0, 3)
    assert shingle_scores("hi there", "hi there") == (1, 0, 0)


def test_average_scores_average_over_pages_and_leave_empty_output_out_of_precision():
    pairs = [(3, 1, 0), (1, 0, 1), (0, 0, 4)]      # the last page: empty output
    scores = average_scores(pairs)
    assert scores["precision"] == pytest.approx((0.75 + 1.0) / 2)
    assert scores["recall"] == pytest.approx((1.0 + 0.5 + 0.0) / 3)
    assert scores["strict_precision"] == pytest.approx((0.75 + 1.0 + 0.0) / 3)
    p, r = scores["precision"], scores["recall"]
    assert scores["f1"] == pytest.approx(2 * p * r / (p + r))
    assert scores["pages"] == 3
    assert average_scores([]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "strict_precision": 0.0, "pages": 0}


# --- on the shared corpus ----------------------------------------------------------------

DRAGNET = SHARED / "corpus" / "dragnet"


def _unflagged_pages(corpus, count):
    flagged = set()
    rows = (corpus / "index.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    for row in rows[1:]:
        fields = dict(zip(header, row.split("\t")))
        if fields.get("flags"):
            flagged.add(fields["page_id"])
    pages = sorted(path for path in (corpus / "pages").iterdir() if path.name not in flagged)
    return pages[:count]


@needs_shared
def test_html_lines_aligned_to_gold_hold_the_gold_text():
    scores = []
    for page in _unflagged_pages(DRAGNET, 20):
        gold = (page / "gold.txt").read_text(encoding="utf-8")
        lines = read_html((page / "page.html.gz").read_bytes())
        labels = align_labels([line.text for line in lines], gold)
        content = "\n".join(line.text for line, label in zip(lines, labels) if label == CONTENT)
        scores.append(shingle_scores(content, gold))
    assert average_scores(scores)["recall"] >= 0.9


def test_a_declared_non_text_codec_is_ignored():
    for codec in ("hex", "base64", "rot13", "zlib", "idna"):
        page = f'<meta charset="{codec}"><p>caf\xe9</p>'.encode("latin-1")
        assert read_html(page)[0].text == "café"


def test_a_title_kept_apart_in_meta_json_is_labeled_content(tmp_path):
    from linesift.corpus import read_gold_page

    folder = tmp_path / "page1"
    folder.mkdir()
    (folder / "page.html").write_bytes(b"<body><p>Menu</p><h1>Harbor Opens</h1><p>The harbor opened on Monday.</p></body>")
    (folder / "gold.txt").write_text("The harbor opened on Monday.\n", encoding="utf-8")
    assert read_gold_page(folder / "page.html", "x").labels == [CHROME, CHROME, CONTENT]
    (folder / "meta.json").write_text(json.dumps({"site": "harbor.example", "title": "Harbor Opens"}), encoding="utf-8")
    page = read_gold_page(folder / "page.html", "x")
    assert page.labels == [CHROME, CONTENT, CONTENT] and page.site == "harbor.example"
    assert page.gold == "The harbor opened on Monday.\n"      # the measure's gold is unchanged
