import pytest

from linesift.decoding import decode_lines
from linesift.errors import InputError
from linesift.labeled import format_labeled, parse_labeled
from linesift.labels import CHROME, CONTENT, UNLABELED
from linesift.reading import find_files


def test_line_endings_are_universal_and_a_final_break_adds_no_line():
    assert decode_lines(b"a\r\nb\rc\nd\n") == ["a", "b", "c", "d"]
    assert decode_lines(b"a\n\n") == ["a", ""]
    assert decode_lines(b"") == []


def test_bom_is_dropped_and_invalid_utf8_survives_a_round_trip():
    lines = decode_lines(b"\xef\xbb\xbfcaf\xe9 \xff\n")
    assert lines[0].startswith("caf")
    assert lines[0].encode("utf-8", "surrogateescape") == b"caf\xe9 \xff"


def test_only_line_breaks_split_lines():
    assert decode_lines("a\x0cb\u2028c\x1cd\n".encode()) == ["a\x0cb\u2028c\x1cd"]


def test_labeled_page_parses_labels_blank_lines_and_tabs_in_text():
    page = parse_labeled("p.tsv", b"content\tTitle\n\nchrome\tHome\tNews\n", "site")
    assert page.lines == ["Title", "", "Home\tNews"]
    assert page.labels == [CONTENT, UNLABELED, CHROME]


@pytest.mark.parametrize("data, line, message", [
    (b"content\tok\nbogus\tx\n", 2, "unknown label 'bogus'"),
    (b"content\tok\n\nno tab here\n", 3, "missing tab"),
    (b"Content\tx\n", 1, "unknown label 'Content'"),
])
def test_malformed_labeled_lines_are_reported_with_file_and_line(data, line, message):
    with pytest.raises(InputError) as caught:
        parse_labeled("corpus/site/page.tsv", data, "site")
    assert str(caught.value).startswith(f"corpus/site/page.tsv:{line}: {message}")


def test_binary_file_is_refused():
    with pytest.raises(InputError, match="binary"):
        parse_labeled("x.tsv", b"content\tA\x00B\n", "s")


def test_format_round_trip_gives_the_dump_back():
    lines = ["Title", "", "   ", "body\twith tab", "Home"]
    labels = [CONTENT, UNLABELED, UNLABELED, CONTENT, CHROME]
    text = format_labeled(lines, labels)
    assert text == "content\tTitle\n\nchrome\t   \ncontent\tbody\twith tab\nchrome\tHome\n"
    page = parse_labeled("x", text.encode(), "s")
    assert page.lines == lines
    # `cut -f2-` gives the dump back
    assert [row.split("\t", 1)[1] if row else "" for row in text.splitlines()] == lines


def test_site_is_the_folder_right_under_the_root(tmp_path):
    (tmp_path / "a.example" / "deep").mkdir(parents=True)
    (tmp_path / "a.example" / "deep" / "p.tsv").write_text("chrome\tx\n")
    (tmp_path / "b.example").mkdir()
    (tmp_path / "b.example" / "q.tsv").write_text("chrome\tx\n")
    found = find_files([tmp_path], suffix=".tsv")
    assert [(f.site, f.relative) for f in found] == [("a.example", "a.example/deep/p.tsv"), ("b.example", "b.example/q.tsv")]


def test_folder_without_pages_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no labeled pages"):
        find_files([tmp_path], suffix=".tsv")


def test_symlinked_site_folders_are_read(tmp_path):
    elsewhere = tmp_path / "elsewhere" / "c.example"
    elsewhere.mkdir(parents=True)
    (elsewhere / "r.tsv").write_text("content\tx\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "c.example").symlink_to(elsewhere, target_is_directory=True)
    found = find_files([corpus], suffix=".tsv")
    assert [(f.site, f.relative) for f in found] == [("c.example", "c.example/r.tsv")]


def test_a_symlink_cycle_is_read_once(tmp_path):
    (tmp_path / "a.example").mkdir()
    (tmp_path / "a.example" / "p.tsv").write_text("chrome\tx\n")
    (tmp_path / "a.example" / "loop").symlink_to(tmp_path, target_is_directory=True)   # back to the root
    (tmp_path / "b.example").symlink_to(tmp_path / "a.example", target_is_directory=True)   # the same folder again
    found = find_files([tmp_path], suffix=".tsv")
    assert [(f.site, f.relative) for f in found] == [("a.example", "a.example/p.tsv")]
