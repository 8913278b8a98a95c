"""Speed of `predict` with the shipped model, one process: pages/s and lines/s.

Reads every page under the given folders (labeled dumps with their labels ignored, or
the page.html.gz files of an HTML corpus), then times classification plus rendering of
the text output, in page batches as the CLI makes them. Reading (and, for HTML, parsing
into lines) is timed separately, since it is the same work whatever classifies the lines.
Prints one table row per folder.

    python tests/bench/bench_predict.py ../shared/corpus/dragnet/dumps/text ../shared/corpus/dragnet/pages
"""

import argparse
import time

from linesift.model_file import load_model
from linesift.output import render
from linesift.predict import BATCH_PAGES
from linesift.reading import HTML_CORPUS_PAGES, find_files, read_input_page


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+")
    parser.add_argument("-m", "--model", default=None)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    args = parser.parse_args()
    model = load_model(args.model)
    print("| input | pages | lines | read s | classify+render s | pages/s | lines/s |")
    print("|---|---|---|---|---|---|---|")
    for folder in args.folders:
        started = time.perf_counter()
        found = find_files([folder])
        if any(f.path.endswith(HTML_CORPUS_PAGES) for f in found):   # an HTML corpus: its pages, not gold.txt
            found = [f for f in found if f.path.endswith(HTML_CORPUS_PAGES)]
        pages = [read_input_page(f.path, f.site) for f in found]
        read_seconds = time.perf_counter() - started
        lines = sum(len(p.lines) for p in pages)
        best = float("inf")
        for _ in range(args.repeat):
            cache = {}  # a fresh process's state: nothing remembered from an earlier run
            started = time.perf_counter()
            written = 0
            for i in range(0, len(pages), BATCH_PAGES):
                batch = pages[i:i + BATCH_PAGES]
                for page, probabilities in zip(batch, model.predict_proba([p.model_lines for p in batch], cache)):
                    written += len(render("text", page.source, page.lines, probabilities, model.threshold_))
            best = min(best, time.perf_counter() - started)
        print(f"| {folder} | {len(pages)} | {lines} | {read_seconds:.2f} | {best:.2f} | "
              f"{len(pages) / best:,.0f} | {lines / best:,.0f} |")


if __name__ == "__main__":
    main()
