"""Benchmark: reading a WET file with FastWARC (what linesift uses) and with warcio.

Writes a synthetic WET file (gzip member per record, as Common Crawl's) from the
../shared/corpus dumps in a temporary folder, then times iterating its conversion records
and reading each body, best of 3, with each library. Needs warcio (`pip install -e '.[bench]'`).

    python tests/bench/bench_warc_readers.py [--records 20000]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_records import corpus_dumps, write_wet  # noqa: E402


def read_fastwarc(path):
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    total = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle, record_types=WarcRecordType.conversion, parse_http=False):
            total += len(record.reader.read()) + len(record.headers.get("WARC-Record-ID", ""))
    return total


def read_warcio(path):
    from warcio.archiveiterator import ArchiveIterator

    total = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "conversion":
                total += len(record.content_stream().read()) + len(record.rec_headers.get_header("WARC-Record-ID"))
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="linesift-bench-") as folder:
        wet = Path(folder) / "bench.warc.wet.gz"
        write_wet(wet, corpus_dumps(), args.records)
        size = wet.stat().st_size
        print(f"{args.records:,} conversion records, {size / 2**20:.1f} MB gzipped")
        totals = {}
        for name, reader in (("fastwarc", read_fastwarc), ("warcio", read_warcio)):
            best = min(_timed(reader, wet, totals, name) for _ in range(3))
            print(f"{name:10}{best:8.2f} s  {args.records / best:10,.0f} records/s")
        assert totals["fastwarc"] == totals["warcio"], "the two readers disagree"


def _timed(reader, path, totals, name):
    started = time.perf_counter()
    totals[name] = reader(path)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
