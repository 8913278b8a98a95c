"""Damaged gzip pages: an error naming the file, exit 1, nothing written; never the part
that inflated classified as if it were the page."""

import gzip

import pytest
from click.testing import CliRunner

from linesift.cli import main
from linesift.html import DamagedGzip, gunzip, is_html

PAGE = b"<html><body>" + b"<p>The council approved the new bridge on Tuesday.</p>" * 200 + b"</body></html>"


def flipped(data, at):
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def crc_broken(data):
    return data[:-8] + bytes([data[-8] ^ 1]) + data[-7:]   # the CRC-32 of the trailer


DAMAGED = {
    "truncated to half": lambda data: data[:len(data) // 2],
    "truncated by a byte": lambda data: data[:-1],
    "one byte flipped": lambda data: flipped(data, len(data) // 2),
    "bad CRC": crc_broken,
    "junk after the member": lambda data: data + b"not gzip at all",
}


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_gzip_page_is_an_error_and_nothing_is_written(tmp_path, small_model_file, damage):
    page = tmp_path / "page.html.gz"
    page.write_bytes(DAMAGED[damage](gzip.compress(PAGE)))
    out = tmp_path / "out.txt"
    result = CliRunner().invoke(main, ["predict", "-m", str(small_model_file), str(page), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"linesift: {page}: damaged gzip: ") and result.stderr.count("\n") == 1
    assert result.stdout == "" and not out.exists()


@pytest.mark.parametrize("damage", DAMAGED)
def test_gunzip_raises_damaged_gzip(damage):
    with pytest.raises(DamagedGzip, match="^damaged gzip: "):
        gunzip(DAMAGED[damage](gzip.compress(PAGE)))


def test_whole_streams_still_read():
    assert gunzip(gzip.compress(PAGE)) == PAGE
    assert gunzip(gzip.compress(PAGE[:100]) + gzip.compress(PAGE[100:])) == PAGE   # members one after another
    assert gunzip(gzip.compress(PAGE) + b"\0" * 512) == PAGE                      # zero padding, as gzip(1) takes it
    assert gunzip(gzip.compress(b"")) == b""


def test_a_damaged_gzip_without_a_name_is_reported_too(tmp_path, small_model_file):
    page = tmp_path / "page"
    page.write_bytes(gzip.compress(PAGE)[:-20])
    assert is_html(page.read_bytes())
    result = CliRunner().invoke(main, ["predict", "-m", str(small_model_file), str(page)])
    assert result.exit_code == 1 and result.stderr.startswith(f"linesift: {page}: damaged gzip: ")
