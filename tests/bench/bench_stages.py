"""Benchmark: where a page's time goes, stage by stage, without a profiler's cost per call.

Each stage function of the pipeline is wrapped by a timer (wall time, perf_counter) and the
pages are classified in batches of `linesift predict`'s size with one line cache for the
run (dumps: ``predict_proba`` on their lines; HTML: ``classify_html`` on the bytes, so the
HTML read is timed too); nested stages are inside their callers' time. The first pass over
the pages warms caches and imports; the second is reported. Pages come from a ../shared
corpus: its labeled dumps, read as training reads them, or its page.html.gz files.

    python tests/bench/bench_stages.py --kind plain|markdown|html [--corpus dragnet] [--pages 400]

A machine's load moves these times; compare two builds in one session, taking turns.
"""

import argparse
import collections
import gzip
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPUS = BENCH.parents[1].parent / "shared" / "corpus"

# (module, function) pairs timed, callers before callees.
STAGES = (
    ("linesift.html", "_prepared"), ("linesift.html", "walk_html"),
    ("linesift.model", "extract"), ("linesift.model", "context_features"),
    *(("linesift.features", name) for name in (
        "own_features", "neighbour_columns", "region_features", "container_ranges",
        "structure_columns", "site_columns", "shape_crosses", "keyword_buckets", "_as_matrix")),
    ("linesift.features.store", "text_stats"), ("linesift.features.text", "line_table"),
    ("linesift.features.text", "parse_lines"), ("linesift.features.text", "_html_parsed"),
    ("linesift.features.structure", "page_structure"), ("linesift.features.structure", "path_peers"),
)
LABELS = {("linesift.features.store", "text_stats"): "text_stats (the batch's new lines)"}


def wrap(spent, module_name, name):
    """Replace ``module.name`` by a timer around it (the name as the module's callers see it)."""
    import importlib

    module = importlib.import_module(module_name)
    function = getattr(module, name)
    label = LABELS.get((module_name, name), name)

    def timed(*arguments, **keywords):
        started = time.perf_counter()
        try:
            return function(*arguments, **keywords)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(module, name, timed)


def read_pages(corpus, kind, limit):
    if kind == "html":
        paths = sorted((corpus / "pages").glob("*/page.html.gz"))[:limit]
        return [gzip.decompress(path.read_bytes()) for path in paths]
    from linesift.corpus import read_labeled_corpus

    folder = corpus / "dumps" / ("text" if kind == "plain" else "md")
    return [page.model_lines for page in read_labeled_corpus([str(folder)])[:limit]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", choices=("plain", "markdown", "html"), default="plain")
    parser.add_argument("--corpus", default="dragnet")
    parser.add_argument("--pages", type=int, default=400)
    args = parser.parse_args()
    corpus = CORPUS / args.corpus
    if not corpus.is_dir():
        sys.exit(f"bench_stages: {corpus} not found (the shared corpora sit beside the checkout)")
    spent = collections.Counter()
    for module_name, name in STAGES:
        wrap(spent, module_name, name)
    from linesift.api import classify_html
    from linesift.model_file import load_model
    from linesift.predict import BATCH_PAGES

    model = load_model()
    pages = read_pages(corpus, args.kind, args.pages)
    classify = (lambda batch, cache: classify_html(model, batch, cache)) if args.kind == "html" else model.predict_proba
    for _ in range(2):
        spent.clear()
        cache = {}
        started = time.perf_counter()
        for at in range(0, len(pages), BATCH_PAGES):
            classify(pages[at:at + BATCH_PAGES], cache)
        total = time.perf_counter() - started
    per_page = 1e3 / len(pages)
    print(f"{args.kind}, {len(pages)} pages of {args.corpus}: {total * per_page:.3f} ms a page\n")
    print("| stage | ms a page |\n|---|---|")
    for label, seconds in spent.most_common():
        print(f"| {label} | {seconds * per_page:.3f} |")


if __name__ == "__main__":
    main()
