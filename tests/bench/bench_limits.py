"""Benchmark: memory of `linesift predict` on small compressed inputs that inflate to a lot
(docs/limits.md: a 1 MB compressed input must stay under 500 MB whatever it inflates to).

Builds, in a temporary folder (never in the project), inputs of at most about 1 MB
compressed: a gzip bomb of one paragraph (700 MB: what about 1 MB of gzip holds), the worst
pages still within the limits (the defaults, or those given) (a paragraph of just under --max-page-mb, a page
of --max-page-lines short lines, HTML of one short line per tag up to the tag limit),
a tag of 200,000 attributes, 3,000 and 100,000 nested <div>s, and record files holding such pages (JSON lines in gzip and zstd,
a WARC response whose gzip content encoding is a bomb). Runs the real command line on
each with --jobs 1 and --jobs 2 and prints, per input: its compressed and inflated size,
the exit code, what linesift said (first line of stderr), and the peak RSS of the whole
process tree (main process + workers, summed, polled every 20 ms) and the time taken.

    python tests/bench/bench_limits.py [--jobs 1 2] [--only NAME ...] [--max-page-mb M --max-page-lines N]
"""

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_records import tree_rss

from linesift.limits import MAX_PAGE_LINES, MAX_PAGE_MB, PageLimits

MB = 1 << 20
CHUNK = 4 * MB
BOMB = 700 * MB   # one paragraph of "word ", about 1 MB as gzip -9
PROSE = b"The council approved the new bridge on Tuesday after a long debate in the town hall. "


def repeated(unit, size):
    """Chunks of ``unit`` repeated to ``size`` bytes (whole units)."""
    block = unit * (CHUNK // len(unit))
    left = size // len(unit) * len(unit)
    while left > 0:
        yield block[:left]
        left -= len(block)


def write_gzip(path, parts):
    size = 0
    with gzip.open(path, "wb", compresslevel=9) as handle:
        for part in parts:
            for chunk in ([part] if isinstance(part, bytes) else part):
                handle.write(chunk)
                size += len(chunk)
    return size


def write_zstd(path, parts):
    import zstandard

    size = 0
    with open(path, "wb") as raw, zstandard.ZstdCompressor(level=19).stream_writer(raw) as handle:
        for part in parts:
            for chunk in ([part] if isinstance(part, bytes) else part):
                handle.write(chunk)
                size += len(chunk)
    return size


def write_plain(path, parts):
    path.write_bytes(b"".join(parts))
    return path.stat().st_size


def json_record(number, field, parts):
    """A JSON line {"id": number, field: the concatenated parts} (parts already JSON-safe ASCII)."""
    yield f'{{"id": {number}, "{field}": "'.encode()
    for part in parts:
        yield from ([part] if isinstance(part, bytes) else part)
    yield b'"}\n'


def warc_gzip_bomb(path, inflated):
    """A WARC with one HTML response whose body, gzip content encoding, inflates to ``inflated`` bytes."""
    body_file = path.with_suffix(".body")
    write_gzip(body_file, [b"<html><body><p>", repeated(b"word ", inflated), b"</p></body></html>"])
    body = body_file.read_bytes()
    body_file.unlink()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
            f"WARC-Target-URI: http://bomb.example/\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    with gzip.open(path, "wb") as handle:
        handle.write(head + http + b"\r\n\r\n")
    return inflated


def inputs(folder, limits):
    """(name, path, inflated bytes) of every input, built in ``folder`` for ``limits``."""
    from linesift.limits import HTML_TAGS_PER_LINE

    MAX_PAGE_LINES = limits.max_lines
    under = limits.max_bytes - 64 * 1024
    words = [b"word ", b"rates ", b"bridge "]
    made = []

    def add(name, suffix, writer, parts):
        path = folder / f"{name}{suffix}"
        made.append((name, path, writer(path, parts)))

    add("gzip bomb, 1 paragraph", ".html.gz", write_gzip,
        [b"<html><body><p>", repeated(b"word ", BOMB), b"</p></body></html>"])
    add("paragraph under size limit", ".html.gz", write_gzip,
        [b"<html><body><p>", repeated(b"word ", under), b"</p></body></html>"])
    dump = folder / "lines-at-limit.txt"
    dump.write_bytes(b"".join(w.strip() + b"\n" for w in words) * (MAX_PAGE_LINES // 3))
    made.append(("dump, line limit of words", dump, dump.stat().st_size))
    add("HTML, <p>x up to tag limit", ".html.gz", write_gzip,
        [b"<html><body>", repeated(b"<p>x", (MAX_PAGE_LINES * HTML_TAGS_PER_LINE - 10) * 4)])
    add("HTML, <p>x at line limit", ".html.gz", write_gzip,
        [b"<html><body>", repeated(b"<p>x", MAX_PAGE_LINES * 4)])
    add("tag of 200,000 attributes", ".html", write_plain,
        [b"<html><body><p", b"".join(b' a%d="x"' % n for n in range(200_000)), b">" + PROSE + b"</p>"])
    add("3,000 nested <div>s", ".html", write_plain,
        [b"<html><body><p>before</p>" + b"<div>" * 3_000 + b"<p>" + PROSE + b"</p>" + b"</div>" * 3_000])
    add("100,000 nested <div>s", ".html.gz", write_gzip,
        [b"<html><body>" + b"<div>" * 100_000 + b"<p>" + PROSE + b"</p>" + b"</div>" * 100_000])
    add("jsonl.gz: 700 MB record", ".jsonl.gz", write_gzip,
        [json_record(1, "text", [PROSE]), json_record(2, "text", [repeated(b"word ", BOMB)]),
         json_record(3, "text", [PROSE])])
    add("jsonl.zst: 700 MB record", ".jsonl.zst", write_zstd,
        [json_record(1, "text", [PROSE]), json_record(2, "text", [repeated(b"word ", BOMB)]),
         json_record(3, "text", [PROSE])])
    line = b"the bridge was approved on tuesday\\n"   # 36 bytes: a record of 3.6 MB, a batch of its own
    add("jsonl.gz: 4 at line limit", ".jsonl.gz", write_gzip,
        [json_record(n, "text", [repeated(line, MAX_PAGE_LINES * len(line))]) for n in range(4)])
    add("jsonl.gz: 4 under size limit", ".jsonl.gz", write_gzip,
        [json_record(n, "text", [repeated(b"word ", under - 100)]) for n in range(4)])
    path = folder / "warc-bomb.warc.gz"
    made.append(("warc.gz: gzip-encoded bomb", path, warc_gzip_bomb(path, BOMB)))
    return made


def run(path, jobs, output, limits):
    """(exit code, first line of stderr, peak tree RSS in bytes) of one `linesift predict`."""
    command = [sys.executable, "-m", "linesift", "predict", str(path), "-j", str(jobs), "-q", "-o", str(output),
               "--max-page-mb", str(limits.max_mb), "--max-page-lines", str(limits.max_lines)]
    process = subprocess.Popen(command, cwd=output.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, started = 0, time.perf_counter()
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    said = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
    process.stderr.close()
    return process.returncode, (said[0] if said else ""), peak, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", nargs="*", help="names (or parts of them) of the inputs to run")
    parser.add_argument("--max-page-mb", type=float, default=MAX_PAGE_MB, help="limit to run with (and build for)")
    parser.add_argument("--max-page-lines", type=int, default=MAX_PAGE_LINES, help="limit to run with (and build for)")
    args = parser.parse_args()
    limits = PageLimits(args.max_page_mb, args.max_page_lines)
    rows = []
    with tempfile.TemporaryDirectory(prefix="linesift-limits-") as folder:
        folder = Path(folder)
        for name, path, inflated in inputs(folder, limits):
            if args.only and not any(part in name for part in args.only):
                continue
            compressed = path.stat().st_size
            for jobs in args.jobs:
                out = folder / ("out.jsonl" if "jsonl" in name or "warc" in name else "out.txt")
                code, said, peak, seconds = run(path, jobs, out, limits)
                said = said.replace(str(path), path.name).replace("linesift: ", "")
                rows.append((name, compressed, inflated, jobs, code, peak, seconds, said))
                print(f"{name:30} {compressed / MB:6.2f} MB -> {inflated / MB:7.1f} MB  -j {jobs}  exit {code}  "
                      f"peak RSS {peak / MB:6.1f} MB  {seconds:6.1f} s  {said[:110]}", file=sys.stderr)
    keys = ("input", "compressed_bytes", "inflated_bytes", "jobs", "exit", "peak_rss_mb", "seconds", "said")
    print(json.dumps([dict(zip(keys, (n, c, i, j, e, round(p / MB, 1), round(t, 2), s)))
                      for n, c, i, j, e, p, t, s in rows], indent=1))


if __name__ == "__main__":
    main()
