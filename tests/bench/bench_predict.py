"""Speed of `predict`'s stages with a model, one process, in CPU seconds: where the time goes.

Reads every page under the given folders (labeled dumps with their labels ignored, or
the page.html.gz files of an HTML corpus) and times, in page batches as the CLI makes
them, each stage of the pipeline on its own:

- read: the files' bytes (and gunzip);
- lines: bytes to the lines the model sees (decoding and splitting a dump; for HTML,
  parsing and walking the page into block lines);
- features: ``features.extract`` (a fresh line cache each run: nothing remembered);
- model: the model's logits from those features (``row_logits``; ``predict_proba`` is
  these, a sigmoid and the rows put back in their pages);
- output: rendering the text output (not writing it: tests/bench/bench_cli.py runs the
  command line with outputs written).

CPU time (``time.process_time``), so another load on the machine changes it little; the
best of ``--repeat`` runs for each stage. One table row per folder.

    python tests/bench/bench_predict.py ../shared/corpus/dragnet/dumps/text ../shared/corpus/dragnet/pages
"""

import argparse
import time

from linesift.corpus import HTML_CORPUS_PAGES
from linesift.features import extract
from linesift.model_file import load_model
from linesift.output import render
from linesift.predict import BATCH_PAGES
from linesift.reading import find_files, read_bytes, read_input_page

STAGES = ("read", "lines", "features", "model", "output")


def stage_seconds(model, found):
    """(CPU seconds of each of STAGES, pages, lines) of one run over the files ``found``."""
    seconds = {}
    started = time.process_time()
    data = [read_bytes(f.path) for f in found]
    seconds["read"] = time.process_time() - started
    started = time.process_time()
    pages = [read_input_page(f.path, f.site, d) for f, d in zip(found, data)]
    seconds["lines"] = time.process_time() - started
    batches = [[p.model_lines for p in pages[i:i + BATCH_PAGES]] for i in range(0, len(pages), BATCH_PAGES)]
    cache = {}
    started = time.process_time()
    features = [extract(batch, model.hash_bits, cache) for batch in batches]
    seconds["features"] = time.process_time() - started
    started = time.process_time()
    for batch_features in features:
        model.row_logits(batch_features)
    seconds["model"] = time.process_time() - started
    probabilities = [p for batch in batches for p in model.predict_proba(batch)]
    started = time.process_time()
    for page, page_probabilities in zip(pages, probabilities):
        render("text", page.source, page.lines, page_probabilities, model.threshold_)
    seconds["output"] = time.process_time() - started
    return seconds, len(pages), sum(len(p.lines) for p in pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+")
    parser.add_argument("-m", "--model", default=None)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best of each stage is reported")
    args = parser.parse_args()
    model = load_model(args.model)
    print("| input | pages | lines | " + " | ".join(f"{stage} s" for stage in STAGES)
          + " | total s | ms/page | µs/line | pages/s |")
    print("|---|---|---|" + "---|" * (len(STAGES) + 4))
    for folder in args.folders:
        found = find_files([folder])
        if any(f.path.endswith(HTML_CORPUS_PAGES) for f in found):   # an HTML corpus: its pages, not gold.txt
            found = [f for f in found if f.path.endswith(HTML_CORPUS_PAGES)]
        best = {}
        for _ in range(args.repeat):
            seconds, pages, lines = stage_seconds(model, found)
            best = {stage: min(best.get(stage, float("inf")), seconds[stage]) for stage in STAGES}
        total = sum(best.values())
        print(f"| {folder} | {pages} | {lines} | " + " | ".join(f"{best[stage]:.2f}" for stage in STAGES)
              + f" | {total:.2f} | {1000 * total / pages:.2f} | {1e6 * total / lines:.1f} | {pages / total:,.0f} |")


if __name__ == "__main__":
    main()
