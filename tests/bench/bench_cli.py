"""Benchmark: `linesift predict FOLDER -o FOLDER` through the command line, outputs written,
on plain dumps, markdown dumps and HTML pages; and, in the same run on the same HTML
pages, trafilatura and resiliparse's main-content extraction (in this process, one page at
a time, as tests/bench/bench_html_peers.py runs them).

The inputs are copied from a ../shared corpus into a temporary folder (never into the
project): its labeled dumps with the labels cut off (`.txt` for dumps/text, `.md` for
dumps/md), its page.html.gz files as `<page>.html.gz`. Each run is a fresh process; its
start-up (`linesift predict` on one short page) is measured apart and taken out. Pages/s
is given by wall-clock time and by CPU time (the process tree's user + system: the
machine may be shared, and CPU time is what another load does not change much).

    python tests/bench/bench_cli.py [--corpus dragnet] [--jobs 1 0] [--model FILE] [--json]

Timings on a shared machine drift: the same code can measure a fifth faster or slower an
hour later. ``--instructions`` counts instead what a change does not drift on: the
instructions `linesift predict --jobs 1` executes (valgrind's callgrind, start-up taken
out; about 50 times slower, so use --limit), the same for the same code and inputs
whatever else the machine does.

    python tests/bench/bench_cli.py --instructions --limit 150 --no-peers
"""

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def copy_inputs(corpus, folder, limit=None):
    """{input kind: (folder, pages)} of the corpus' dumps and HTML pages, copied into ``folder``."""
    inputs = {}
    for kind, dumps, suffix in (("plain", "text", ".txt"), ("markdown", "md", ".md")):
        target = folder / kind
        paths = sorted((corpus / "dumps" / dumps).glob("*/*.tsv"))[:limit]
        for path in paths:
            lines = [line.partition("\t")[2] for line in path.read_text(encoding="utf-8").split("\n")]
            out = target / path.parent.name / (path.stem + suffix)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("\n".join(lines), encoding="utf-8")
        inputs[kind] = (target, len(paths))
    target = folder / "html"
    target.mkdir()
    pages = sorted((corpus / "pages").glob("*/page.html.gz"))[:limit]
    for page in pages:
        shutil.copyfile(page, target / f"{page.parent.name}.html.gz")
    inputs["html"] = (target, len(pages))
    return inputs


def run_cli(arguments):
    """(wall seconds, CPU seconds of the child) of one `linesift` run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "linesift", *arguments], check=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_counted(arguments):
    """Instructions executed by one `linesift` run (all its threads), by callgrind."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           sys.executable, "-m", "linesift", *arguments],
                          check=True, cwd=ROOT, capture_output=True, text=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def predict_seconds(source, outputs, jobs, model, startup, repeat):
    """Best (wall, CPU) seconds of `linesift predict source -o OUT`, start-up taken out. Each
    run writes a new folder under ``outputs``, removed only when the benchmark ends: on a
    file system without a journal, ext4 steps over the inodes freed in the last 30 seconds
    when it makes a file, so outputs removed just before a run would make its writing
    slower than a user's (docs/benchmarks.md, "Speed")."""
    best = None
    for _ in range(repeat):
        output = Path(tempfile.mkdtemp(prefix="out-", dir=outputs))
        wall, cpu = run_cli(["predict", str(source), "-o", str(output), "-q", "-j", str(jobs), *model])
        times = (wall - startup[0], cpu - startup[1])
        best = times if best is None or times[0] < best[0] else best
    return best


def peer_seconds(extract, pages):
    """(wall, CPU) seconds of ``extract`` on every page's bytes, one at a time, after one warm-up page."""
    extract(pages[0])
    started, started_cpu = time.perf_counter(), time.process_time()
    for html in pages:
        try:
            extract(html)
        except Exception:   # a peer's failure on a page is its business; the time still counts
            pass
    return time.perf_counter() - started, time.process_time() - started_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="dragnet", help="a corpus under ../shared/corpus")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 0], help="--jobs values to run (0: all cores)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many pages of each kind")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the fastest is reported")
    parser.add_argument("-m", "--model", default=None)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions of `predict --jobs 1` (valgrind) instead of timing")
    args = parser.parse_args()
    corpus = CORPUS / args.corpus
    if not corpus.is_dir():
        sys.exit(f"no corpus at {corpus}: this benchmark needs ../shared")
    model = ["-m", args.model] if args.model else []
    rows = []
    with tempfile.TemporaryDirectory(prefix="linesift-bench-cli-") as temporary:
        folder = Path(temporary)
        inputs = copy_inputs(corpus, folder, args.limit)
        probe = folder / "probe.txt"
        probe.write_text("Start-up probe.\n", encoding="utf-8")
        if args.instructions:
            print_instructions(inputs, folder, model, run_counted(["predict", str(probe), "-q", *model]))
            return
        startup = min((run_cli(["predict", str(probe), "-o", str(folder / "probe.out"), "-q", *model])
                       for _ in range(3)), key=lambda times: times[0])
        for kind, (source, pages) in inputs.items():
            for jobs in args.jobs:
                wall, cpu = predict_seconds(source, folder, jobs, model, startup, args.repeat)
                rows.append({"input": kind, "tool": f"linesift --jobs {jobs}", "pages": pages, "wall_s": wall,
                             "cpu_s": cpu})
        if not args.no_peers:
            sys.path.insert(0, str(BENCH))
            from bench_html_peers import resiliparse_main, trafilatura_default

            html_pages = [gzip.decompress(path.read_bytes()) for path in sorted(inputs["html"][0].iterdir())]
            peers = (("trafilatura", trafilatura_default), ("resiliparse (main_content)", resiliparse_main))
            for name, extract in peers:
                wall, cpu = peer_seconds(extract, html_pages)
                rows.append({"input": "html", "tool": name, "pages": len(html_pages), "wall_s": wall, "cpu_s": cpu})
    for row in rows:
        row["pages_per_s"] = row["pages"] / row["wall_s"]
        row["pages_per_cpu_s"] = row["pages"] / row["cpu_s"]
    if args.json:
        print(json.dumps({"corpus": args.corpus, "startup_s": startup[0], "rows": rows}, indent=1))
        return
    print(f"start-up (taken out): {startup[0]:.2f} s wall, {startup[1]:.2f} s CPU; {os.cpu_count()} cores")
    print("| input | tool | pages | wall s | pages/s | CPU s | pages/CPU s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['input']} | {row['tool']} | {row['pages']} | {row['wall_s']:.2f} | {row['pages_per_s']:,.0f} | "
              f"{row['cpu_s']:.2f} | {row['pages_per_cpu_s']:,.0f} |")


def print_instructions(inputs, folder, model, startup):
    print(f"start-up (taken out): {startup / 1e6:,.0f} M instructions")
    print("| input | pages | instructions (M) | M instructions/page |")
    print("|---|---|---|---|")
    for kind, (source, pages) in inputs.items():
        counted = run_counted(["predict", str(source), "-o", str(folder / "out"), "-q", "-j", "1", *model]) - startup
        shutil.rmtree(folder / "out", ignore_errors=True)
        print(f"| {kind} | {pages} | {counted / 1e6:,.0f} | {counted / 1e6 / pages:.2f} |")


if __name__ == "__main__":
    main()
