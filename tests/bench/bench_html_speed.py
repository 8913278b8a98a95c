"""HTML pages per second, one process, linesift beside the field's extractors on the same pages.

Every tool gets the same HTML bytes (``page.html.gz`` of each page, decompressed before
timing) and runs one page at a time in this one process; the tools take turns round by
round (``--rounds``), so a slow spell of a shared machine falls on all of them, and each
tool's rate is its median round. pages/s counts CPU time (``time.process_time``), with BLAS
kept to one thread. Tools:

- ``linesift read``: ``linesift.html.read_html``, the compiled core (parse and line walk);
- ``linesift``: read, features and the shipped model, the text it keeps, as ``linesift
  predict page.html`` does per page (``--model`` for another model file);
- ``resiliparse (main_content)`` and ``trafilatura``, as tests/bench/bench_html_peers.py
  calls them (``pip install -r tests/bench/peers.txt``).

    python tests/bench/bench_html_speed.py --pages 100 --rounds 3
    python tests/bench/bench_html_speed.py --corpus trafilatura --pages 300 --skip trafilatura --json
    PYTHONPATH=../before python tests/bench/bench_html_speed.py --add "old reader=old_reader:read"
"""

import argparse
import gzip
import importlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_html_peers as peers  # noqa: E402

from linesift.html import read_html  # noqa: E402

CORPORA = ("wcxb", "dragnet", "cleaneval", "daniel", "trafilatura")
SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def pages_of(corpus_root: Path, corpora, per_corpus):
    """The decompressed HTML of the first ``per_corpus`` pages (by folder name) of each corpus."""
    pages = []
    for corpus in corpora:
        folders = sorted((corpus_root / corpus / "pages").iterdir())[:per_corpus]
        pages += [gzip.decompress((folder / "page.html.gz").read_bytes()) for folder in folders]
    return pages


def linesift_read(html: bytes) -> int:
    return len(read_html(html))


TOOLS = {
    "linesift read": linesift_read,
    "linesift": peers.linesift_model,
    "resiliparse (main_content)": peers.resiliparse_main,
    "trafilatura": peers.trafilatura_default,
}


def seconds_per_round(tool, pages):
    start = time.process_time()
    for page in pages:
        tool(page)
    return time.process_time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-root", type=Path, default=SHARED)
    parser.add_argument("--corpus", nargs="+", default=list(CORPORA))
    parser.add_argument("--pages", type=int, default=100, help="pages per corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], help="tools not to run")
    parser.add_argument("--add", action="append", default=[], metavar="NAME=MODULE:FUNCTION",
                        help="another tool, a function(html_bytes) (an older reader, say)")
    parser.add_argument("--model", type=Path, help="model file for the linesift row (default: the shipped one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.model:
        peers.linesift_model_path = args.model
    pages = pages_of(args.corpus_root, args.corpus, args.pages)
    tools = {name: tool for name, tool in TOOLS.items() if name not in args.skip}
    for added in args.add:
        name, target = added.split("=", 1)
        module, function = target.split(":")
        tools[name] = getattr(importlib.import_module(module), function)
    for tool in tools.values():
        tool(pages[0])   # imports, model loading, caches: not counted
    rounds = {name: [] for name in tools}
    for number in range(args.rounds):
        for name, tool in tools.items():
            rounds[name].append(seconds_per_round(tool, pages))
        print(f"round {number + 1}/{args.rounds} done", file=sys.stderr)
    rates = {name: len(pages) / statistics.median(seconds) for name, seconds in rounds.items()}
    if args.json:
        print(json.dumps({"pages": len(pages), "corpora": args.corpus, "pages_per_second": rates,
                          "rounds_seconds": rounds}, indent=1))
        return
    print(f"{len(pages)} pages ({', '.join(args.corpus)}), one process, CPU time, median of {args.rounds} rounds")
    for name, rate in rates.items():
        print(f"{name:<28} {rate:8.1f} pages/s")


if __name__ == "__main__":
    main()
