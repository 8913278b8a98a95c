"""Read stage for corpora of many pages in one file: JSON lines shards and WARC/WET files.

A record file is streamed: one record at a time is read, so memory does not grow with the
file. Each page becomes a ``Record``: what to classify (a dump's ``text`` or an ``html``
document) and ``fields``, the JSON object to write back with the result.

- JSON lines (``.jsonl``, ``.ndjson``, ``.json``; ``.gz``/``.zst`` by extension), as
  datatrove and Dolma write them: one object per line with ``id``, ``text``, ``metadata``.
  Every field passes through untouched, numbers with their text as written (``rawjson``);
  the text field (``text``, or another named) is the dump; when it is absent and an HTML
  field is named, that field's HTML is used. A line that is not JSON (``NaN`` included)
  or that nests deeper than ``rawjson.MAX_DEPTH`` is skipped.
- WARC (``.warc``, ``.wet``, gzipped or not; read with FastWARC, which
  tests/bench/bench_warc_readers.py measured against warcio): WET ``conversion`` records
  are dumps, ``response`` records with an HTML content type are HTML. A record becomes
  ``{"id": WARC-Record-ID, "url": WARC-Target-URI, "text": ..., "metadata": {other WARC
  headers}}``.

A record that cannot be used (a line that is not a JSON object, no text, a response that
is not HTML or whose gzip body is damaged or cut, a page over the size limit) becomes
``Skipped`` with the reason, so the caller counts it or stops. A record over the size limit
(``limits.PageLimits``) is never held in memory: a JSON line is read no further than the
limit, a WARC record's length is known from its header, and compressed data (gzip, zstd, a
response's content encoding) is never inflated much past the limit. JSON lines are parsed
by ``parse_record`` where the page is classified (a worker process): the process that
reads the file only splits it into lines.

A WARC record whose Content-Length runs past the end of the file either has a wrong
Content-Length, when a next record starts inside it (it is skipped as cut short and reading
goes on at that record, so no record after it is lost), or is the last, cut, record of a
cut file: an error naming it, as for any damaged file.
"""

import io
import re
import zlib
from collections import Counter
from pathlib import Path
from typing import NamedTuple, Optional, Union

from linesift import rawjson
from linesift.errors import InputError
from linesift.limits import MB, OVER_SIZE, PageLimits, over_size
from linesift.sites import site_of_url

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
WARC_SUFFIXES = (".warc", ".wet")
COMPRESSION_SUFFIXES = ("", ".gz", ".zst", ".zstd")
WARC_UNSUPPORTED_COMPRESSION = (".zst", ".zstd")
TEXT_FIELD = "text"
GZIP_LEVEL = 3   # ISA-L's best: 13x faster than zlib's default level, files about 8% larger
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
WARC_PROMOTED = {"WARC-Record-ID": "id", "WARC-Target-URI": "url"}
WARC_DROPPED = ("Content-Length",)   # describes the record's bytes, not the page
# Reasons a record is skipped (the summary counts by them).
NESTED_TOO_DEEP = "JSON nested too deep"
CUT_SHORT = "record cut short"
DAMAGED_ENCODING = "damaged content encoding"
# Where a WARC record whose Content-Length runs past the end of the file really ended: the
# end of a record's block and the first line of the next record.
NEXT_WARC_RECORD = b"\r\n\r\nWARC/1."
WARC_CHUNK = 1 << 20   # bytes of a record not kept (over the size limit, not a page) read at a time
# Finding where a record with a wrong Content-Length really ended reads on to the end of the
# file (and, for gzip, inflates it again up to there): past this many such records in one
# file, the file is damaged, an error, rather than a cost that grows with their number.
MAX_CUT_SHORT = 10


class Record(NamedTuple):
    source: str            # file it came from
    number: int            # JSON lines: line number; WARC: record number (from 1)
    id: object             # as the record gives it (JSON lines may use numbers), else FILE:LINE / FILE#N
    text: Optional[str]    # a dump, or None when the page is HTML
    html: Optional[Union[bytes, str]]
    fields: dict           # the object written back, with the result in ``text_field``
    text_field: str


def record_site(fields):
    """The site of a record: the host of its ``url`` field, or of ``metadata.url`` (datatrove, Dolma)."""
    metadata = fields.get("metadata")
    return site_of_url(fields.get("url") or (metadata.get("url") if isinstance(metadata, dict) else None))


# A JSON line's first "url" value (top level or in metadata), found without parsing the
# line: enough to keep a site's records in one batch (the worker parses the record itself).
_URL_FIELD = re.compile(rb'"url"\s*:\s*"([^"\\]{1,2048})"')


def item_site(item):
    """The site of a record item (a RawLine or a Record) as cheaply as it can be told, for
    batching a site's records together; None when it cannot."""
    if isinstance(item, RawLine):
        found = _URL_FIELD.search(item.line)
        return site_of_url(found.group(1).decode("utf-8", "replace")) if found else None
    return record_site(item.fields) if isinstance(item, Record) else None


class Skipped(NamedTuple):
    source: str
    number: int
    reason: str            # short and fixed per kind of problem: the summary counts by it
    detail: str = ""       # what exactly, for --strict's error line


def record_format(path):
    """"jsonl" or "warc" when ``path``'s name says it is a record file, else None."""
    name = str(path).lower()
    for compression in COMPRESSION_SUFFIXES:
        if any(name.endswith(suffix + compression) for suffix in JSONL_SUFFIXES):
            return "jsonl"
        if any(name.endswith(suffix + compression) for suffix in WARC_SUFFIXES):
            return "warc"
    return None


def _warc_compression_supported(path):
    # FastWARC seeks in what it reads; a zstd stream cannot seek (Common Crawl's files are .gz).
    return not str(path).lower().endswith(WARC_UNSUPPORTED_COMPRESSION)


def compressed_stream(raw, name, mode="rb"):
    """``raw`` (a binary file object) read or written through gzip or zstd, as ``name``'s
    extension says. Closing the stream leaves ``raw`` open: its owner closes it."""
    name = str(name).lower()
    if name.endswith(".gz"):
        from isal import igzip  # zlib's format, 3x faster to read than the gzip module

        return igzip.GzipFile(fileobj=raw, mode=mode, compresslevel=GZIP_LEVEL)
    if name.endswith((".zst", ".zstd")):
        import zstandard

        if "r" in mode:
            return io.BufferedReader(_ZstdFrames(raw))
        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
    return _Unclosed(raw)


class _ZstdFrames(io.RawIOBase):
    """The zstd frames of ``raw``, one after another, decompressed. zstandard's own stream
    reader stops quietly at a cut frame and its errors are not OSError: here a cut or
    corrupt stream raises EOFError or OSError, as gzip does, so no record is lost unsaid.
    The decompressor is fed FEED bytes at a time: zstd inflates at most about 32,768 times
    (a 4-byte block can say "128 KB of one byte"), so no step makes more than ~32 MB."""

    CHUNK = 1 << 20   # compressed bytes read from the file at a time
    FEED = 1 << 10    # compressed bytes decompressed at a time

    def __init__(self, raw):
        import zstandard

        self._raw, self._zstd = raw, zstandard
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._started = False        # the current frame has had input
        self._input, self._fed = b"", 0
        self._pending, self._taken = b"", 0

    def readable(self):
        return True

    def readinto(self, buffer):
        while self._taken == len(self._pending):
            if self._fed == len(self._input):
                self._input, self._fed = self._raw.read(self.CHUNK), 0
                if not self._input:
                    if self._started and not self._frame.eof:
                        raise EOFError("the zstd stream ends inside a frame (a cut file?)")
                    return 0
            piece = self._input[self._fed:self._fed + self.FEED]
            self._fed += len(piece)
            self._pending, self._taken = self._decompress(piece), 0
        size = min(len(buffer), len(self._pending) - self._taken)
        buffer[:size] = self._pending[self._taken:self._taken + size]
        self._taken += size
        return size

    def _decompress(self, data):
        out = []
        try:
            while data:
                self._started = True
                out.append(self._frame.decompress(data))
                data = self._frame.unused_data if self._frame.eof else b""
                if self._frame.eof:   # the next frame, if any, starts in what is left
                    self._frame = self._zstd.ZstdDecompressor().decompressobj()
                    self._started = False
        except self._zstd.ZstdError as error:
            raise OSError(f"damaged zstd data: {error}") from None
        return b"".join(out)


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member; members written one after another make one valid file."""
    from isal import igzip

    return igzip.compress(data, compresslevel=GZIP_LEVEL)


class _Unclosed:
    """``raw`` as it is, except that closing it is left to its owner."""

    def __init__(self, raw):
        self._raw = raw

    def __getattr__(self, name):
        return getattr(self._raw, name)

    def __iter__(self):
        return iter(self._raw)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass


def _open_raw(path):
    try:
        return open(path, "rb")
    except OSError as error:
        raise InputError(path, error.strerror or str(error), exit_code=2) from None


class RawLine(NamedTuple):
    """A JSON line not parsed yet: parsing is left to whichever process classifies it."""
    source: str
    number: int
    line: bytes


class RecordTally:
    """What happened to the records of a run: pages read and written, skipped by reason,
    and ``offset``, how far into the current file the reader is (bytes on disk)."""

    def __init__(self):
        self.read = 0
        self.written = 0
        self.skipped = Counter()
        self.offset = 0

    def summary(self):
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{count:,} {reason}" for reason, count in self.skipped.most_common())
        return (f"{self.read:,} page{'s' if self.read != 1 else ''} read, {self.written:,} written, {skipped:,} skipped"
                + (f" ({reasons})" if reasons else ""))


def read_records(path, tally=None, limits=PageLimits()):
    """The records of one record file, in file order: RawLine for JSON lines (turned into
    Record or Skipped by ``parse_record``), Record or Skipped for WARC; a record over
    ``limits``' size is Skipped. ``tally.offset`` (a RecordTally's) follows the byte offset
    read so far in the file on disk (for progress)."""
    fmt = record_format(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path, tally, limits)
    elif fmt == "warc":
        if not _warc_compression_supported(path):
            raise InputError(path, "WARC in zstd is not read: decompress it (zstd -d) or give it as .gz", exit_code=2)
        yield from _read_warc(path, tally, limits)
    else:
        raise InputError(path, "not a record file (.jsonl[.gz|.zst], .warc[.gz], .wet[.gz])", exit_code=2)


def parse_record(item, text_field=TEXT_FIELD, html_field=None):
    """A Record, or Skipped with the reason, for an item of ``read_records``."""
    if isinstance(item, RawLine):
        return _jsonl_record(item.source, item.number, item.line, text_field, html_field)
    return item


def _read_jsonl(path, tally, limits):
    with _open_raw(path) as raw, compressed_stream(raw, path) as handle:
        number = 0
        try:
            while line := handle.readline(limits.max_bytes + 1):
                number += 1
                if tally is not None and number % 64 == 0:
                    tally.offset = raw.tell()
                if len(line) > limits.max_bytes and not line.endswith(b"\n"):
                    size = len(line) + _skip_line(handle)
                    yield Skipped(str(path), number, OVER_SIZE, str(over_size(size, limits)))
                elif line.strip():
                    yield RawLine(str(path), number, line)
        except (OSError, EOFError) as error:   # a damaged or truncated gzip/zstd stream
            raise InputError(path, f"cannot read on: {error}", number + 1) from None
        if tally is not None:
            tally.offset = raw.tell()


def _skip_line(handle):
    """Read on to the end of the line, keeping nothing; the bytes passed over."""
    skipped = 0
    while piece := handle.readline(MB):
        skipped += len(piece)
        if piece.endswith(b"\n"):
            break
    return skipped


def _jsonl_record(path, number, line, text_field, html_field):
    try:
        # Bytes that are not UTF-8 are kept (as lone surrogates) and written back as they came;
        # numbers keep their text (rawjson).
        fields = rawjson.loads(line.decode("utf-8", "surrogateescape"))
    except rawjson.TooDeep as error:
        return Skipped(str(path), number, NESTED_TOO_DEEP, str(error))
    except ValueError as error:
        return Skipped(str(path), number, "not JSON", str(error))
    if not isinstance(fields, dict):
        return Skipped(str(path), number, "not a JSON object", f"a JSON {_json_kind(fields)}")
    record_id = fields["id"] if fields.get("id") is not None else f"{Path(path).name}:{number}"
    text = fields.get(text_field)
    if text is None and html_field is not None and fields.get(html_field) is not None:
        html = fields[html_field]
        if not isinstance(html, str):
            return Skipped(str(path), number, f"{html_field!r} is not a string", f"a JSON {_json_kind(html)}")
        return Record(str(path), number, record_id, None, html, fields, text_field)
    if text is None:
        named = f"no {text_field!r} field" + (f" and no {html_field!r} field" if html_field else "")
        return Skipped(str(path), number, named)
    if not isinstance(text, str):
        return Skipped(str(path), number, f"{text_field!r} is not a string", f"a JSON {_json_kind(text)}")
    return Record(str(path), number, record_id, text, None, fields, text_field)


def _json_kind(value):
    """What a value read by ``rawjson.loads`` is, in JSON's words."""
    if isinstance(value, rawjson.Raw):
        return "number"
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(type(value), "null")


def _read_warc(path, tally, limits):
    from fastwarc.warc import ArchiveIterator

    # A .gz file is decompressed by ISA-L, not by FastWARC: FastWARC stops quietly at a cut or
    # damaged gzip member, which would lose the rest of the file without a word. Every record
    # is counted, so FILE:N in a message is the N-th record of the file. Every record's block
    # is read here, not skipped by FastWARC, so that one the file ends inside is seen.
    with _open_raw(path) as raw, compressed_stream(raw, path) as handle:
        number, cut_short = 0, 0
        records = ArchiveIterator(handle, parse_http=False)
        try:
            while (record := next(records, None)) is not None:
                number += 1
                if tally is not None:
                    tally.offset = raw.tell()
                page = record.record_type in (record.record_type.conversion, record.record_type.response)
                block, size, next_at = _read_block(record.reader, record.content_length,
                                                   limits.max_bytes if page else -1)
                if size < record.content_length:
                    skipped, resume = _cut_short(path, number, record.content_length, size, next_at, handle)
                    cut_short += 1
                    if cut_short > MAX_CUT_SHORT:
                        raise InputError(path, f"{CUT_SHORT}: {skipped.detail}; more than {MAX_CUT_SHORT} "
                                               "records of this file are: it is damaged", number)
                    yield skipped
                    handle.seek(resume)
                    records = ArchiveIterator(handle, parse_http=False)
                elif page:
                    yield _warc_record(path, number, record, block, limits)
        except (OSError, EOFError) as error:
            raise InputError(path, f"not readable as WARC after {number} records: {error}", number + 1) from None
        if tally is not None:
            tally.offset = raw.tell()


def _read_block(reader, length, max_bytes):
    """(block, size, next_at) of a WARC record of ``length`` bytes (its Content-Length): its
    block (None when longer than ``max_bytes``: read through, not kept), how many bytes of
    it the file holds, and, when that is fewer than ``length``, where in them
    ``NEXT_WARC_RECORD`` first occurs (-1: nowhere)."""
    if length <= max_bytes:
        block = reader.read()
        return block, len(block), block.find(NEXT_WARC_RECORD) if len(block) < length else -1
    # Not kept, so looked through on the way: whether it is needed is known only at the end.
    size, next_at, tail = 0, -1, b""
    while chunk := reader.read(WARC_CHUNK):
        if next_at < 0:
            joined = tail + chunk   # the pattern may straddle two reads
            at = joined.find(NEXT_WARC_RECORD)
            next_at = size - len(tail) + at if at >= 0 else -1
            tail = joined[1 - len(NEXT_WARC_RECORD):]
        size += len(chunk)
    return None, size, next_at


def _cut_short(path, number, length, size, next_at, handle):
    """(Skipped, where the next record starts in ``handle``) for a record whose Content-Length
    (``length``) runs past the end of the file, which ended ``size`` bytes into it. When a
    record starts inside it (at ``next_at``), its Content-Length was wrong and reading goes
    on there; when none does, the file itself is cut short: an InputError."""
    if next_at < 0:
        raise InputError(path, f"{CUT_SHORT}: the file ends {size:,} bytes into its {length:,} bytes", number)
    block_start = handle.tell() - size   # the reader stopped at the end of the file
    detail = f"its Content-Length says {length:,} bytes, the next record starts {next_at:,} bytes into it"
    return Skipped(str(path), number, CUT_SHORT, detail), block_start + next_at + NEXT_WARC_RECORD.index(b"WARC")


def _warc_record(path, number, record, block, limits):
    if block is None:   # over the size limit: read through, not kept
        return Skipped(str(path), number, OVER_SIZE, str(over_size(record.content_length, limits)))
    fields = {"id": None, "url": None, TEXT_FIELD: None, "metadata": {}}
    for name, value in record.headers.items():
        if name in WARC_PROMOTED:
            fields[WARC_PROMOTED[name]] = value
        elif name not in WARC_DROPPED:
            fields["metadata"][name] = value
    record_id = fields["id"] or f"{Path(path).name}#{number}"
    if record.record_type == record.record_type.conversion:
        return Record(str(path), number, record_id, block.decode("utf-8", "surrogateescape"), None, fields,
                      TEXT_FIELD)
    headers, body = _http_message(block)
    content_type = headers.get("content-type", "").lower()
    if not content_type.startswith(HTML_CONTENT_TYPES):
        return Skipped(str(path), number, "response is not HTML", content_type or "no content type")
    try:
        body = _http_payload(headers, body, limits.max_bytes)
    except _Undecodable as error:
        return Skipped(str(path), number, error.reason, str(error))
    if len(body) > limits.max_bytes:   # the content encoding stopped at the limit
        return Skipped(str(path), number, OVER_SIZE, str(over_size(None, limits, decompressed=True)))
    return Record(str(path), number, record_id, None, body, fields, TEXT_FIELD)


def _http_message(block):
    """(headers with lower-case names, body) of an HTTP response as a WARC record holds it."""
    head, separator, body = block.partition(b"\r\n\r\n")
    if not separator:
        head, _, body = block.partition(b"\n\n")
    headers = {}
    for line in head.decode("latin-1").splitlines()[1:]:   # [0] is the status line
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers, body


class _Undecodable(ValueError):
    """A response body that cannot be undone to the page, with the reason it is skipped for."""

    def __init__(self, reason, detail):
        self.reason = reason
        super().__init__(detail)


def _http_payload(headers, body, max_bytes):
    """The body as the server meant it: chunked transfer undone, gzip/deflate undone (to
    at most ``max_bytes`` + 1 bytes: longer means over the limit); _Undecodable when it
    cannot be, or when the compressed data stops before its end (half a page is not the page)."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _unchunk(body)
    encoding = headers.get("content-encoding", "").lower().strip()
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(wbits=47 if encoding != "deflate" else 15)
        try:
            body = inflater.decompress(body, max_bytes + 1)
        except zlib.error as error:
            raise _Undecodable(DAMAGED_ENCODING, f"{encoding}: {error}") from None
        if not inflater.eof and len(body) <= max_bytes:
            raise _Undecodable(DAMAGED_ENCODING, f"the {encoding} data is cut short")
    elif encoding not in ("", "identity"):
        raise _Undecodable("response body not decodable", f"content encoding {encoding!r}")
    return body


def _unchunk(body):
    out, at = [], 0
    while True:
        end = body.find(b"\r\n", at)
        if end < 0:
            return b"".join(out) + body[at:]   # no proper end: keep what there is
        try:
            size = int(body[at:end].split(b";")[0].strip() or b"0", 16)
        except ValueError:
            return b"".join(out) + body[at:]   # not chunked after all
        if size == 0:
            return b"".join(out)
        out.append(body[end + 2:end + 2 + size])
        at = end + 2 + size + 2
