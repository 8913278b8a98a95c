"""Input limits that say what they do (docs/limits.md). A page over --max-page-mb or
--max-page-lines is refused (single pages) or skipped and counted (record files); gzip and
zstd are never inflated much past the size limit; HTML whose parse gives no text although
its markup holds some is reported, never an empty success. Inputs are made here, tiny."""

import gzip
import json

import pytest
from click.testing import CliRunner

from conftest import LABELED
from linesift.cli import main
from linesift.decoding import line_breaks
from linesift.html import DamagedGzip, InflatedTooLarge, _gunzip, gunzip
from linesift.limits import MB, PageLimits, PageRefused
from linesift.reading import read_html_within
from linesift.workers import batches
from test_records import warc_record, write_jsonl

PROSE = "The council approved the new bridge on Tuesday after a long debate in the town hall."
NESTED = 100_000   # far past html.MAX_DEPTH: flattened before parsing
TOO_DEEP = 2_100   # the same, in a record of 4,204 tags, under the tag limit of --max-page-lines 1000


def deep_html(depth=NESTED, text=PROSE):
    return ("<html><body>" + "<div>" * depth + f"<p>{text}</p>" + "</div>" * depth + "</body></html>").encode()


def predict(model_file, *args, input=None):
    return CliRunner().invoke(main, ["predict", "-m", str(model_file), *map(str, args)], input=input)


def assert_refused(result, message):
    """One line on stderr, exactly ``message``; exit 1; nothing on stdout."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"linesift: {message}\n")


# -- single pages: refused with a message ------------------------------------------------

def test_a_page_over_the_size_limit_is_refused_with_its_size(tmp_path, small_model_file):
    page = tmp_path / "page.txt"
    page.write_bytes((PROSE + "\n").encode() * 3000)   # 0.25 MB
    assert_refused(predict(small_model_file, "--max-page-mb", "0.1", page),
                   f"{page}: page is 0.2 MB, over the limit of 0.1 MB (--max-page-mb)")
    assert predict(small_model_file, "--max-page-mb", "0.3", page).exit_code == 0


def test_stdin_over_the_size_limit_is_refused_with_its_size(small_model_file):
    data = (PROSE + "\n").encode() * 3000
    assert_refused(predict(small_model_file, "--max-page-mb", "0.1", "-", input=data),
                   "-: page is more than 0.1 MB, over the limit of 0.1 MB (--max-page-mb)")   # read no further


def test_a_gzip_page_is_not_inflated_past_the_limit(tmp_path, small_model_file):
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body><p>" + b"word " * (4 * MB) + b"</p></body></html>"))   # 20 MB in
    assert bomb.stat().st_size < 0.1 * MB
    assert_refused(predict(small_model_file, "--max-page-mb", "1", bomb),
                   f"{bomb}: page is more than 1 MB decompressed, over the limit of 1 MB (--max-page-mb)")
    assert predict(small_model_file, "--max-page-mb", "30", bomb).exit_code == 0


def test_gunzip_inflates_no_more_than_its_bound():
    data = gzip.compress(b"\0" * (8 * MB)) + gzip.compress(b"\0" * MB)   # two members
    assert len(_gunzip(data, 1000)) == 1001       # one byte past the bound says "over it"
    assert len(_gunzip(data, 9 * MB)) == 9 * MB   # every member, when within the bound
    with pytest.raises(InflatedTooLarge):
        gunzip(data, MB)
    with pytest.raises(DamagedGzip):   # cut short: never what inflated
        gunzip(data[:len(data) // 3], 9 * MB)
    assert gunzip(b"<p>not gzip</p>", 1) == b"<p>not gzip</p>"


def test_a_page_over_the_line_limit_is_refused_with_its_line_count(tmp_path, small_model_file):
    page = tmp_path / "page.txt"
    page.write_bytes(b"Home\r\n\r\n" + (PROSE + "\n").encode() * 9)   # 11 lines, one blank
    assert_refused(predict(small_model_file, "--max-page-lines", "10", page),
                   f"{page}: page has 11 lines, over the limit of 10 lines (--max-page-lines)")
    assert predict(small_model_file, "--max-page-lines", "11", page).exit_code == 0


def test_line_breaks_counts_lines_as_the_line_policy_splits_them():
    for data in ["", "a", "a\n", "a\r\nb", "a\r\rb\n", "\n\n", "a\rb\r"]:
        assert line_breaks(data) == line_breaks(data.encode()) == len(data.splitlines())


def test_an_html_page_with_more_tags_than_its_lines_may_have_is_refused_before_parsing(tmp_path, small_model_file):
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body>" + b"<b>x</b>" * 24 + b"</body></html>")   # 52 tags, end tags too
    assert_refused(predict(small_model_file, "--max-page-lines", "10", page),
                   f"{page}: page has 52 tags, over the limit of 50 (5 per line of --max-page-lines)")


def test_html_lines_over_the_limit_are_refused(tmp_path, small_model_file):
    page = tmp_path / "page.html"
    page.write_bytes(b"<p>a<p>b<p>c<p>d")
    assert_refused(predict(small_model_file, "--max-page-lines", "3", page),
                   f"{page}: page has 4 lines, over the limit of 3 lines (--max-page-lines)")


# -- HTML whose text the parser cannot keep -----------------------------------------------

def test_deeply_nested_html_is_read_not_an_empty_success(tmp_path, small_model_file):
    page = tmp_path / "deep.html"
    page.write_bytes(deep_html())
    result = predict(small_model_file, "--format", "labeled", page)
    assert result.exit_code == 0 and result.stdout.endswith(f"\t{PROSE}\n")
    shallow = tmp_path / "shallow.html"
    shallow.write_bytes(deep_html(depth=1000))
    result = predict(small_model_file, "--format", "labeled", shallow)
    assert result.exit_code == 0 and result.stdout.endswith(f"\t{PROSE}\n")


@pytest.mark.parametrize("html", [
    b"<html><head><title>Shell</title><script>if (a < b) render();</script><style>p{}</style></head>"
    b"<body><div id='root'></div><!-- <p>a comment</p> --><noscript>Enable JavaScript</noscript></body></html>",
    b"<html><body><p>&nbsp;</p><img src='x.png'></body></html>",
    b"",
])
def test_html_with_no_text_to_read_is_an_empty_page_not_an_error(tmp_path, small_model_file, html):
    page = tmp_path / "page.html"
    page.write_bytes(html)
    result = predict(small_model_file, page)
    assert (result.exit_code, result.stdout) == (0, ""), result.output


def test_the_text_check_stays_linear_on_broken_markup():
    """Unclosed scripts, comments and tags: a regex would backtrack over the rest each time."""
    for broken in (b"<script>" * 20_000, b"<!--" * 50_000, b"<a" * 100_000 + b" text"):
        try:
            read_html_within(broken, PageLimits(max_lines=100_000))
        except PageRefused:
            pass


# -- record files: skipped and counted -----------------------------------------------------

def record_run(model_file, shard, tmp_path, *args):
    out = tmp_path / "out.jsonl"
    result = predict(model_file, shard, "-o", out, *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in out.read_text().splitlines()], result.stderr


def test_jsonl_records_over_the_limits_are_skipped_and_counted(tmp_path, small_model_file):
    shard = write_jsonl(tmp_path / "shard.jsonl.gz", [
        {"id": 1, "text": f"Home\n{PROSE}"},
        {"id": 2, "text": "word " * (MB // 4)},                 # 1.25 MB, of 1.25 MB of JSON
        {"id": 3, "text": "a\n" * 1001},
        {"id": 4, "html": deep_html(TOO_DEEP).decode()},
        {"id": 5, "html": "<p>x" * 1001},
        {"id": 6, "text": PROSE},
    ])
    ids, summary = record_run(small_model_file, shard, tmp_path, "--html-field", "html", "--max-page-mb", "1",
                              "--max-page-lines", "1000")
    assert ids == [1, 4, 6]   # the deep page is read: nesting is flattened for the parser
    assert summary == "linesift: 3 pages read, 3 written, 3 skipped (2 over the line limit, 1 over the size limit)\n"


def test_with_strict_a_record_over_the_limit_stops_the_run_saying_why(tmp_path, small_model_file):
    shard = write_jsonl(tmp_path / "shard.jsonl", [{"id": 1, "text": PROSE}, {"id": 2, "text": "word " * (MB // 4)}])
    result = predict(small_model_file, shard, "--strict", "--max-page-mb", "1", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert result.stderr == (f"linesift: {shard}:2: over the size limit: page is 1.3 MB, over the limit of 1 MB "
                             "(--max-page-mb)\n")
    assert not (tmp_path / "out.jsonl").exists()


def test_a_zstd_record_is_not_inflated_past_the_limit(tmp_path, small_model_file):
    import zstandard

    big = json.dumps({"id": 2, "text": "a" * (64 * MB)}).encode() + b"\n"
    shard = tmp_path / "shard.jsonl.zst"
    shard.write_bytes(zstandard.ZstdCompressor(level=19).compress(
        json.dumps({"id": 1, "text": PROSE}).encode() + b"\n" + big + json.dumps({"id": 3, "text": PROSE}).encode()))
    del big
    assert shard.stat().st_size < 0.1 * MB
    ids, summary = record_run(small_model_file, shard, tmp_path, "--max-page-mb", "1")
    assert ids == [1, 3] and "1 over the size limit" in summary


def write_warc(path, records):
    with open(path, "wb") as handle:
        for record in records:
            handle.write(gzip.compress(record))
    return path


def http_response(body, headers=""):
    return warc_record("response", "http://example.com/", (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{headers}\r\n").encode() + body,
        [("Content-Type", "application/http; msgtype=response")])


def test_warc_records_over_the_size_limit_are_skipped_unread_and_bombs_not_inflated(tmp_path, small_model_file):
    page = f"<html><body><p>{PROSE}</p></body></html>".encode()
    warc = write_warc(tmp_path / "crawl.warc.gz", [
        http_response(page),
        http_response(b"<p>" + b"word " * (MB // 2) + b"</p>"),                             # 2.5 MB record
        http_response(gzip.compress(b"<p>" + b"word " * (4 * MB) + b"</p>"), "Content-Encoding: gzip\r\n"),
        warc_record("conversion", "http://example.com/wet", ("a\n" * 1001).encode(), [("Content-Type", "text/plain")]),
        http_response(deep_html(TOO_DEEP)),
        http_response(page),
    ])
    out = tmp_path / "out.jsonl"
    result = predict(small_model_file, warc, "-o", out, "--max-page-mb", "1", "--max-page-lines", "1000")
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3
    assert result.stderr == "linesift: 3 pages read, 3 written, 3 skipped (2 over the size limit, 1 over the line limit)\n"


def test_batches_close_at_a_count_or_before_a_weight():
    items = [b"x" * n for n in (1, 1, 5, 1, 9, 1, 1, 1)]
    assert [len(batch) for batch in batches(items, 3, 6)] == [2, 2, 1, 3]   # 1+1 | 5+1 | 9 (alone) | 1+1+1
    assert [len(batch) for batch in batches(items, 3)] == [3, 3, 2]
    assert [len(batch) for batch in batches(items, None, 100)] == [8]


def test_pages_classified_a_few_at_a_time_get_the_same_labels(tmp_path, small_model_file):
    """Under a low --max-page-lines a batch goes to the model in many small groups: the same output."""
    from linesift.train import read_corpus

    pages = ["\n".join(page.lines) for page in read_corpus([LABELED])[:12]]
    longest = max(len(page.splitlines()) for page in pages)
    shard = write_jsonl(tmp_path / "shard.jsonl", [{"id": i, "text": page} for i, page in enumerate(pages)])
    outputs = []
    for max_lines in (longest, 100_000):
        out = tmp_path / f"out{max_lines}.jsonl"
        result = predict(small_model_file, shard, "--emit", "spans", "--max-page-lines", max_lines, "-o", out, "-j", 1)
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1] and len(outputs[0].splitlines()) == 12


def test_html_whose_text_is_all_hidden_is_read_with_it_not_an_error(tmp_path, small_model_file):
    """The parser kept the text, all of it hidden: linesift reads it (html.py), no loss to report."""
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body><div hidden><p>" + PROSE.encode() + b"</p></div>"
                     b"<div style='visibility:hidden'>" + PROSE.encode() + b"</div></body></html>")
    result = predict(small_model_file, "--format", "labeled", page)
    assert result.exit_code == 0, result.output
    assert [line.split("\t", 1)[1] for line in result.stdout.splitlines()] == [PROSE, PROSE]
