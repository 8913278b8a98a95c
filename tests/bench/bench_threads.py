"""Threads against processes for classifying HTML pages: does the compiled core, which
releases the GIL while lexbor parses, let threads share one model and still use the cores?

The same pages (``page.html.gz`` of each corpus's first ``--pages`` folders, decompressed
before timing) are classified with the shipped model through ``linesift.api.classify_html``
in batches of 16, as ``predict`` batches them: in one thread, in ``--workers`` threads of
one process (one model in memory), and in ``--workers`` processes (a model each). Wall
time, best of ``--rounds``; BLAS on one thread. Run it on an otherwise idle machine.

    python tests/bench/bench_threads.py --pages 100 --workers 2
"""

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_html_speed import CORPORA, SHARED, pages_of  # noqa: E402

from linesift.api import classify_html  # noqa: E402
from linesift.model_file import SHIPPED_MODEL, load_model  # noqa: E402

BATCH = 16
_model = None


def _classify(batch):
    global _model
    if _model is None:
        _model = load_model(SHIPPED_MODEL)
    return len(classify_html(_model, batch))


def batches_of(pages):
    return [pages[at:at + BATCH] for at in range(0, len(pages), BATCH)]


def timed(run, rounds):
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-root", type=Path, default=SHARED)
    parser.add_argument("--pages", type=int, default=100, help="pages per corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = pages_of(args.corpus_root, CORPORA, args.pages)
    batches = batches_of(pages)
    _classify(batches[0])
    results = {"one thread": timed(lambda: [_classify(batch) for batch in batches], args.rounds)}
    with ThreadPoolExecutor(args.workers) as threads:
        results[f"{args.workers} threads"] = timed(lambda: list(threads.map(_classify, batches)), args.rounds)
    with ProcessPoolExecutor(args.workers) as processes:
        list(processes.map(_classify, batches[:args.workers]))   # started, model loaded: not counted
        results[f"{args.workers} processes"] = timed(lambda: list(processes.map(_classify, batches)), args.rounds)
    print(f"{len(pages)} HTML pages, wall time, best of {args.rounds}", file=sys.stderr)
    for name, seconds in results.items():
        print(f"{name:<14} {len(pages) / seconds:8.1f} pages/s")


if __name__ == "__main__":
    main()
