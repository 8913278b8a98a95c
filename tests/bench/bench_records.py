"""Benchmark: `linesift predict` on record files at corpus scale.

Builds synthetic shards from the ../shared/corpus dumps (labels cut off; pages repeated
until there are enough records) as JSON lines (.jsonl.gz) and as Common Crawl WET
(.warc.wet.gz, a gzip member per record), in a temporary folder (never in the project),
then runs the real command line on them and prints:

- pages/s at --jobs 1 and --jobs 2 (and the speed-up), for JSON lines and for WET;
- peak RSS and PSS of the whole process tree (main process + workers, summed, polled every
  50 ms) at two sizes, to show memory does not grow with the input.

A JSON line record carries the URL ``https://SITE/PAGE`` of its dump's site folder, and the
shard holds the dumps in corpus order, a site's pages one after another: the site pass
(features.site) counts their lines as it would on a shard grouped by domain.

    python tests/bench/bench_records.py [--speed-records 50000 (0: none)] [--sizes 5000 50000] [--kinds jsonl wet]
                                        [--model FILE] [--json]
    python tests/bench/bench_records.py --timeline 100000     # one process's memory over a long shard
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_dumps():
    dumps = []
    for path in sorted(CORPUS.glob("*/dumps/text/*/*.tsv")):
        lines = [line.partition("\t")[2] for line in path.read_text(encoding="utf-8").split("\n")]
        dumps.append((path.stem, "\n".join(lines).strip("\n"), path.parent.name))
    if not dumps:
        sys.exit(f"no dumps under {CORPUS}: this benchmark needs ../shared")
    return dumps


def write_jsonl(path, dumps, count):
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
        for number in range(count):
            name, text, site = dumps[number % len(dumps)]
            handle.write(json.dumps({"id": f"{name}-{number}", "url": f"https://{site}/{name}", "text": text,
                                     "metadata": {"n": number}}) + "\n")


def write_wet(path, dumps, count):
    with open(path, "wb") as handle:
        for number in range(count):
            name, text, _ = dumps[number % len(dumps)]
            block = text.encode("utf-8")
            head = (f"WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
                    f"WARC-Target-URI: http://{name}.example/{number}\r\nWARC-Date: 2026-11-27T00:00:00Z\r\n"
                    f"Content-Type: text/plain\r\nContent-Length: {len(block)}\r\n\r\n")
            handle.write(gzip.compress(head.encode() + block + b"\r\n\r\n", compresslevel=1))


def tree_memory(pid):
    """(RSS, PSS) in bytes of ``pid`` and all its descendants. Forked workers share the main
    process's pages until they write them: summed RSS counts a shared page once per process
    that maps it, summed PSS (each page divided among the processes sharing it) once in all
    (where /proc/PID/smaps_rollup is there to tell; else PSS is given as RSS)."""
    rss, pss, stack = 0, 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        own_rss = int(line.split()[1]) * 1024
            own_pss = own_rss
            try:
                with open(f"/proc/{current}/smaps_rollup") as rollup:
                    for line in rollup:
                        if line.startswith("Pss:"):
                            own_pss = int(line.split()[1]) * 1024
                            break
            except (FileNotFoundError, PermissionError):
                pass
            rss, pss = rss + own_rss, pss + own_pss
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


def start_predict(shard, jobs, output, model=None):
    """(the running `linesift predict` on ``shard``, its command)."""
    command = [sys.executable, "-m", "linesift", "predict", str(shard), "-j", str(jobs), "-q", "-o", str(output)]
    command += ["-m", str(model)] if model else []
    return subprocess.Popen(command, cwd=ROOT), command


def run_predict(shard, jobs, output, model=None):
    """(seconds, peak tree RSS, peak tree PSS in bytes) of one `linesift predict` run."""
    started = time.perf_counter()
    process, command = start_predict(shard, jobs, output, model)
    peak, peak_pss = 0, 0
    while process.poll() is None:
        rss, pss = tree_memory(process.pid)
        peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode:
        sys.exit(f"linesift predict failed ({process.returncode}): {' '.join(command)}")
    return seconds, peak, peak_pss


def print_timeline(shard, output, model=None, every=10.0):
    """RSS of one `linesift predict --jobs 1` process every ``every`` seconds, and when its
    peak came: memory that grows with the input keeps setting new peaks; memory that is flat
    sets its peak early. (A sum over several workers is not flat in that sense even when each
    is: its peak is the highest coincidence of their ups and downs, which a longer run is
    likelier to meet.)"""
    started = time.perf_counter()
    process, command = start_predict(shard, 1, output, model)
    peak, peak_at, printed = 0, 0.0, 0.0
    while process.poll() is None:
        rss, _ = tree_memory(process.pid)
        now = time.perf_counter() - started
        if rss > peak:
            peak, peak_at = rss, now
        if now - printed >= every:
            printed = now
            print(f"{now:7.1f} s  RSS {rss / 2**20:6.1f} MB  peak so far {peak / 2**20:6.1f} MB", flush=True)
        time.sleep(0.05)
    if process.returncode:
        sys.exit(f"linesift predict failed ({process.returncode}): {' '.join(command)}")
    print(f"{time.perf_counter() - started:7.1f} s  ended; peak {peak / 2**20:.1f} MB, reached at {peak_at:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed-records", type=int, default=50_000)
    parser.add_argument("--sizes", type=int, nargs=2, default=[5_000, 50_000])
    parser.add_argument("--kinds", nargs="+", choices=("jsonl", "wet"), default=["jsonl", "wet"])
    parser.add_argument("--model", help="model file (default: the shipped model)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--timeline", type=int, metavar="RECORDS",
                        help="instead: RSS over time of one process (--jobs 1) on a JSON lines shard this long")
    args = parser.parse_args()
    dumps = corpus_dumps()
    if args.timeline:
        with tempfile.TemporaryDirectory(prefix="linesift-bench-") as folder:
            shard = Path(folder) / "timeline.jsonl.gz"
            write_jsonl(shard, dumps, args.timeline)
            print_timeline(shard, Path(folder) / "out.jsonl.gz", args.model)
        return
    report = {"dumps": len(dumps), "cores": os.cpu_count(), "speed": {}, "memory": {}}
    with tempfile.TemporaryDirectory(prefix="linesift-bench-") as folder:
        folder = Path(folder)
        for kind, writer, suffix in (("jsonl", write_jsonl, ".jsonl.gz"), ("wet", write_wet, ".warc.wet.gz")):
            if kind not in args.kinds:
                continue
            if args.speed_records:
                shard = folder / f"speed{suffix}"
                writer(shard, dumps, args.speed_records)
                speeds = {}
                for jobs in (1, 2):
                    seconds, _, _ = run_predict(shard, jobs, folder / "out.jsonl.gz", args.model)
                    speeds[jobs] = args.speed_records / seconds
                    print(f"{kind:6} {args.speed_records:>7,} records  --jobs {jobs}: {speeds[jobs]:7.0f} pages/s",
                          file=sys.stderr)
                report["speed"][kind] = {"records": args.speed_records, "pages_per_s_jobs1": round(speeds[1]),
                                         "pages_per_s_jobs2": round(speeds[2]),
                                         "speedup": round(speeds[2] / speeds[1], 2)}
            for size in args.sizes:
                shard = folder / f"size{size}{suffix}"
                writer(shard, dumps, size)
                seconds, peak, peak_pss = run_predict(shard, 2, folder / "out.jsonl.gz", args.model)
                report["memory"].setdefault(kind, {})[size] = {"peak_rss_mb": round(peak / 2**20, 1),
                                                               "peak_pss_mb": round(peak_pss / 2**20, 1),
                                                               "pages_per_s": round(size / seconds)}
                print(f"{kind:6} {size:>7,} records  --jobs 2: peak RSS {peak / 2**20:6.1f} MB, "
                      f"PSS {peak_pss / 2**20:6.1f} MB ({size / seconds:.0f} pages/s)", file=sys.stderr)
                shard.unlink()
    if args.json:
        print(json.dumps(report, indent=2))
        return
    if report["speed"]:
        print(f"\n{'input':8}{'jobs 1':>10}{'jobs 2':>10}{'speed-up':>10}   pages/s, {args.speed_records:,} records")
        for kind, s in report["speed"].items():
            print(f"{kind:8}{s['pages_per_s_jobs1']:>10}{s['pages_per_s_jobs2']:>10}{s['speedup']:>9.2f}x")
    small, large = args.sizes
    for measure, key in (("RSS", "peak_rss_mb"), ("PSS", "peak_pss_mb")):
        print(f"\n{'input':8}{f'{small:,}':>12}{f'{large:,}':>12}{'growth':>10}   peak {measure} (MB), --jobs 2")
        for kind, m in report["memory"].items():
            a, b = m[small][key], m[large][key]
            print(f"{kind:8}{a:>12.1f}{b:>12.1f}{(b / a - 1):>+10.1%}")


if __name__ == "__main__":
    main()
