import pytest

from linesift.lines import parse_line


@pytest.mark.parametrize("raw, text, link_chars, links", [
    ("Plain sentence here.", "Plain sentence here.", 0, 0),
    ("  * [CBSNews.com](/ \"CBSNews.com\")", "CBSNews.com", 11, 1),
    ("Read [the report](https://x.org/a_(b)) now.", "Read the report now.", 10, 1),
    ("[![logo](/i.png)](/)", "logo", 4, 1),
    ("See http://foo.com/x ok", "See http://foo.com/x ok", 16, 1),
    ("[12]Home [13]News", "Home News", 0, 2),
])
def test_links_are_measured_and_markup_removed(raw, text, link_chars, links):
    parsed = parse_line(raw)
    assert (parsed.text, parsed.link_chars, parsed.links) == (text, link_chars, links)


def test_markers():
    assert parse_line("## Heading").heading == 2
    assert parse_line("  *     * Log In").text == "Log In"
    assert parse_line("  *     * Log In").is_list and parse_line("  * x").indent == 2
    assert parse_line("1. First").is_list
    assert parse_line("> quoted").is_quote
    assert parse_line("| a | b |").is_table
    assert parse_line("![alt](/x.png)").images == 1
