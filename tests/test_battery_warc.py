"""Damaged WARC records: a record that cannot be used is skipped and counted (``--strict``
stops at it with FILE:RECORD), the records around it all come out in order, and a file
that is itself cut short is one line and no output, never a quiet loss."""

import gzip
import json
import uuid

import pytest
from click.testing import CliRunner

from linesift.cli import main

HUNDRED_GB = 100 * 10**9
PAGE = b"A sentence of the article that goes on for a while and says something. " * 4
HTML = b"<html><body><p>" + PAGE + b"</p><footer>Imprint</footer></body></html>"


def record(warc_type, url, block, length=None, extra=b""):
    """A WARC record; ``length`` is the Content-Length it claims (its block's length when None)."""
    head = (f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Target-URI: {url}\r\nContent-Length: {len(block) if length is None else length}\r\n").encode()
    return head + extra + b"\r\n" + block + b"\r\n\r\n"


def page(number):
    return record("conversion", f"http://example.com/{number}", PAGE + f"Page {number}.".encode())


def response(body, headers=b""):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + headers + b"\r\n" + body
    return record("response", "http://example.com/response", http)


def write(path, records, gzipped=False):
    """A WARC file; gzipped as Common Crawl writes them, a gzip member per record."""
    path.write_bytes(b"".join(gzip.compress(r) for r in records) if gzipped else b"".join(records))
    return path


def predict(model, warc, *args):
    out = warc.parent / "out.jsonl"
    out.unlink(missing_ok=True)
    result = CliRunner().invoke(main, ["predict", "-m", str(model), str(warc), "-o", str(out), *args])
    assert "Traceback" not in result.output
    urls = [json.loads(line)["url"] for line in out.read_text().splitlines()] if out.exists() else None
    return result, urls


def summary(result):
    return result.stderr.strip().splitlines()[-1]


def assert_one_line_error(result, warc, prefix):
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"linesift: {warc}:{prefix}") and len(result.stderr.strip().splitlines()) == 1


PAGES_AROUND = ["http://example.com/1", "http://example.com/3"]


# -- a response whose gzip body is cut or damaged ------------------------------------------

@pytest.mark.parametrize("damage", ["cut", "garbage"])
def test_a_damaged_gzip_body_is_skipped_not_written_empty(tmp_path, small_model_file, damage):
    body = gzip.compress(HTML)
    body = body[: len(body) // 2] if damage == "cut" else body[:10] + bytes(range(256))
    warc = write(tmp_path / "crawl.warc", [page(1), response(body, b"Content-Encoding: gzip\r\n"), page(3)])
    result, urls = predict(small_model_file, warc)
    assert result.exit_code == 0, result.output
    assert urls == PAGES_AROUND
    assert summary(result) == "linesift: 2 pages read, 2 written, 1 skipped (1 damaged content encoding)"


def test_a_cut_gzip_body_with_strict_names_the_record_and_writes_nothing(tmp_path, small_model_file):
    body = gzip.compress(HTML)
    warc = write(tmp_path / "crawl.warc", [page(1), response(body[:30], b"Content-Encoding: gzip\r\n"), page(3)])
    result, urls = predict(small_model_file, warc, "--strict")
    assert_one_line_error(result, warc, "2: damaged content encoding: the gzip data is cut short")
    assert urls is None


def test_a_whole_gzip_body_is_still_read(tmp_path, small_model_file):
    warc = write(tmp_path / "crawl.warc", [response(gzip.compress(HTML), b"Content-Encoding: gzip\r\n")])
    result, urls = predict(small_model_file, warc, "--strict")
    assert result.exit_code == 0 and urls == ["http://example.com/response"]


# -- a Content-Length that runs past the end of the file -----------------------------------

@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("length", [5_000, HUNDRED_GB])
def test_a_record_the_file_ends_inside_is_cut_short_not_over_the_limit(tmp_path, small_model_file, gzipped, length):
    """The file ends inside its last record: the file is cut, as a download cut short is."""
    warc = write(tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc"),
                 [page(1), record("conversion", "http://example.com/2", b"the start of a page", length)], gzipped)
    result, urls = predict(small_model_file, warc)
    assert_one_line_error(result, warc, f"2: record cut short: the file ends 23 bytes into its {length:,} bytes")
    assert urls is None


# -- a Content-Length that is wrong: the records after it are still read --------------------

@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("warc_type", ["conversion", "response", "metadata"])
@pytest.mark.parametrize("length", [5_000, HUNDRED_GB])
def test_a_record_with_a_wrong_content_length_loses_no_record_after_it(tmp_path, small_model_file, gzipped,
                                                                       warc_type, length):
    liar = record(warc_type, "http://example.com/2", b"a few bytes", length)
    warc = write(tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc"), [page(1), liar, page(3), page(4)], gzipped)
    result, urls = predict(small_model_file, warc)
    assert result.exit_code == 0, result.output
    assert urls == PAGES_AROUND + ["http://example.com/4"]
    assert summary(result) == "linesift: 3 pages read, 3 written, 1 skipped (1 record cut short)"


def test_a_wrong_content_length_with_strict_names_the_record(tmp_path, small_model_file):
    warc = write(tmp_path / "crawl.warc", [page(1), record("conversion", "x", b"bytes", HUNDRED_GB), page(3)])
    result, urls = predict(small_model_file, warc, "--strict")
    assert_one_line_error(result, warc, "2: record cut short: its Content-Length says 100,000,000,000 bytes")
    assert urls is None


def test_records_over_the_limit_are_read_through_to_the_next(tmp_path, small_model_file):
    """A record over the size limit whose length is right is over the limit, not cut short."""
    big = record("conversion", "http://example.com/2", PAGE * 200)
    warc = write(tmp_path / "crawl.warc", [page(1), big, page(3)])
    result, urls = predict(small_model_file, warc, "--max-page-mb", "0.01")
    assert result.exit_code == 0 and urls == PAGES_AROUND
    assert summary(result) == "linesift: 2 pages read, 2 written, 1 skipped (1 over the size limit)"


def test_a_file_of_many_wrong_content_lengths_is_damaged_not_read_on_and_on(tmp_path, small_model_file):
    """Each wrong length is found by reading to the end of the file: past MAX_CUT_SHORT of them
    the cost would grow with their number, so the file is an error naming the record."""
    from linesift.records import MAX_CUT_SHORT

    def file_of(liars):
        records = [page(0)]
        for number in range(liars):
            records += [record("conversion", f"x{number}", b"bytes", HUNDRED_GB), page(number + 1)]
        return write(tmp_path / "crawl.warc", records)

    result, urls = predict(small_model_file, file_of(MAX_CUT_SHORT))
    assert result.exit_code == 0 and len(urls) == MAX_CUT_SHORT + 1
    warc = file_of(MAX_CUT_SHORT + 1)
    result, urls = predict(small_model_file, warc)
    assert_one_line_error(result, warc, f"{2 * MAX_CUT_SHORT + 2}: record cut short: its Content-Length says")
    assert f"more than {MAX_CUT_SHORT} records of this file are: it is damaged" in result.stderr and urls is None
