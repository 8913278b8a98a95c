"""The compiled HTML core (``linesift._blocks``), one rule per test on tiny pages: what a
line's text, link characters, tags and class words are, which blocks a page has, and what
the HTML5 parser makes of the broken shapes crawls hold."""

import pytest

from linesift.html import markup_shape, read_html


def lines(page):
    return [tuple(line) for line in read_html(page)]


def texts(page):
    return [line.text for line in read_html(page)]


@pytest.mark.parametrize("page, text", [
    (b"<p>  a&nbsp;&nbsp;b \xe2\x80\x83 c\n\td  </p>", "a b c d"),         # NBSP and em space are spaces too
    (b"<p>caf&eacute; &amp; &#x263a; &lt;tag&gt;</p>", "caf\u00e9 & \u263a <tag>"),
    (b"<p>one <b>bold</b><i>italic</i> end</p>", "one bolditalic end"),  # inline tags join without a space
])
def test_a_line_is_its_text_as_a_browser_shows_it(page, text):
    assert texts(page) == [text]


def test_link_characters_count_spaces_between_linked_words_only():
    assert lines(b"<p><a href=/>read</a> <a href=/>more</a> now</p>")[0][:2] == ("read more now", 9)
    assert lines(b"<p>x <a>more here</a> now</p>")[0][:2] == ("x more here now", 9)
    assert lines(b"<p>x<a href=1>y</a></p>")[0][:2] == ("xy", 1)


def test_tags_are_the_informative_ones_on_the_path_once_each():
    assert lines(b"<nav><p>in <b>nav</b></p></nav>")[0][2] == ("nav", "p")
    assert lines(b"<div><section><span><p>x<a>y</a></p></span></section></div>")[0][2] == ("section", "p", "a")
    assert lines(b"<nav><div><nav><p>x</p></nav></div></nav>")[0][2] == ("nav", "p")


def test_class_and_id_words_keep_the_order_of_the_attributes():
    first, second = lines(b'<div id="mainCol" class="post-body"><p>t</p></div>'
                          b'<div class="post-body" id="mainCol"><p>u</p></div>')
    assert first[3] == ("main", "col", "post", "body") and second[3] == ("post", "body", "main", "col")


def test_upper_case_and_custom_elements_are_read():
    assert lines(b'<DIV CLASS=Side><P>Upper</P></DIV><my-card class="news-card"><h2>Head</h2></my-card>') == [
        ("Upper", 0, ("p",), ("side",)), ("Head", 0, ("h2",), ("news", "card"))]


def test_breaks_and_preformatted_lines():
    assert texts(b"<p>one<br>two<br/><br>three</p><pre>  a\n  b\n\n c</pre>") == ["one", "two", "three", "a", "b", "c"]


def test_siblings_of_one_tag_and_class_share_a_block_signature():
    page = read_html(b"<ul class=menu><li class=item>one</li><li class=item>two</li><li class=other>three</li></ul>")
    items = {(start, end): signature for start, end, signature in page.blocks if end - start == 1}
    assert items[(0, 1)] == items[(1, 2)] != items[(2, 3)]
    assert (0, 3) in {(start, end) for start, end, _ in page.blocks}   # the list holds all three


def test_noscript_is_read_only_when_the_page_has_no_other_line():
    assert texts(b"<body><p>real</p><noscript>Enable JavaScript</noscript></body>") == ["real"]
    assert texts(b"<body><div id=app></div><noscript><header>Forum</header><p>the post</p></noscript></body>") == [
        "Forum", "the post"]


def test_noscript_is_parsed_as_with_scripts_on():
    """Parsed with scripts off, the form opened in <noscript> keeps it open to the end of
    the page, and the rest of the page would be inside it, unread."""
    assert texts(b"<body><p>before</p><noscript><form method=post></noscript>"
                 b"<table><tr><td>Your rating</td></tr></table><p>after</p></body>") == [
        "before", "Your rating", "after"]


def test_a_first_tag_cut_mid_attribute_keeps_the_page():
    """A crawler cut the page inside its first tag's attribute value; a browser reads on."""
    assert texts(b'<a href="http://x.com/a b c def="ghi>Article title</a><p>The article text.</p>') == [
        "Article title", "The article text."]


def test_a_body_that_ends_up_inside_head_is_read():
    assert texts(b"<html><head><title>T</title><meta name=x><b>bold start</b><p>body text</p></head>"
                 b"<body></body></html>") == ["bold start", "body text"]


def test_attributes_are_counted_as_the_tokenizer_reads_them():
    assert markup_shape(b'<div a="x > y" b=\'1 2\' c=d e>t</div>')[1] == 4
    assert markup_shape(b"<p><!-- <div a b c d> --><script>'<div a b c d e f>'</script>")[1] == 0
