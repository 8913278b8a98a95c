"""Score linesift and the field's extractors on trafilatura's evaluation pages by snippets.

The shared corpus ``trafilatura`` (990 pages: trafilatura's own evaluation set, mostly
2019-21 news, blogs and shop pages in many languages) has partial labels only: per page a
few "with" snippets (``gold.txt``, one a line: text that must be in the main content) and
a few "without" snippets (``without.txt``: text that must not be). It is scored here the
way trafilatura's evaluation (its ``tests/comparison.py``) scores it:

- a "with" snippet found in the output is a true positive, one not found a false negative;
- a "without" snippet found in the output is a false positive (not found: a true negative);
- counts are pooled over all pages, then P = TP / (TP + FP), R = TP / (TP + FN) and F1 their
  harmonic mean; an empty output finds nothing (all its "with" snippets are misses).

"Found" is a substring test after whitespace is collapsed (every run of whitespace, line
breaks included, becomes one space, on both sides), so a tool is not penalised for where
it breaks lines; the same for every tool. ``--exact`` tests the raw strings instead.

Every tool gets the raw HTML bytes of a page, one page at a time, in this one process, with
default settings; pages/s counts CPU time per page (``time.process_time``), as
``bench_html_peers.py`` does, whose peer functions and cache this script reuses
(``--cache DIR``: each tool's text per page in ``DIR/trafilatura/<tool>.json``). linesift is
run through its public API with a model file (``--model``, default the shipped one): each
page alone, its site unknown, as ``linesift predict page.html`` runs it.

None of the corpus's pages are in the shipped model's training data, so linesift's numbers
here are held out; trafilatura was tuned on these pages (its home ground).

    python tests/bench/bench_snippets.py --cache ../peer-cache
    python tests/bench/bench_snippets.py --cache ../peer-cache --tools linesift --model other.npz
"""

import argparse
import hashlib
import json
import logging
import re
import sys
from pathlib import Path

import bench_html_peers as peers

from linesift import classify_html, cleaned_text, load_model

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SHIPPED_MODEL = Path(__file__).resolve().parents[2] / "model" / "linesift.npz"
CORPUS = "trafilatura"
PEERS = ("trafilatura", "readability-lxml", "resiliparse (main_content)", "jusText (English)",
         "boilerpy3 (ArticleExtractor)", "keep everything")
_SPACE = re.compile(r"\s+")

_models = {}
model_path = SHIPPED_MODEL   # --model


def linesift_html(html: bytes) -> str:
    """linesift's content text of one HTML page, alone (no site), with the model's threshold."""
    if model_path not in _models:
        _models[model_path] = load_model(model_path)
    model = _models[model_path]
    (result,) = classify_html(model, [html])
    return cleaned_text(result, model.threshold_)


def snippets(path: Path):
    """The non-blank lines of a snippet file, stripped; [] when there is none."""
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_pages(corpus_dir: Path, count=None):
    """[{"id", "folder", "with", "without"}] in page id order."""
    folders = sorted(p for p in (corpus_dir / "pages").iterdir() if p.is_dir())[:count]
    return [{"id": f.name, "folder": f, "with": snippets(f / "gold.txt"), "without": snippets(f / "without.txt")}
            for f in folders]


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def page_counts(text: str, with_snippets, without_snippets, exact=False):
    """(TP, FN, FP, TN) of one page's output."""
    norm = (lambda s: s) if exact else _normal
    output = norm(text or "")
    found_with = sum(1 for s in with_snippets if output and norm(s) in output)
    found_without = sum(1 for s in without_snippets if output and norm(s) in output)
    return found_with, len(with_snippets) - found_with, found_without, len(without_snippets) - found_without


def score(pages, texts, exact=False):
    """Pooled counts and P, R, F1 over the pages (texts: one per page, in order)."""
    tp = fn = fp = tn = 0
    for page, text in zip(pages, texts):
        a, b, c, d = page_counts(text, page["with"], page["without"], exact)
        tp, fn, fp, tn = tp + a, fn + b, fp + c, tn + d
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fn": fn, "fp": fp, "tn": tn, "precision": precision, "recall": recall, "f1": f1,
            "accuracy": (tp + tn) / (tp + fn + fp + tn) if tp + fn + fp + tn else 0.0}


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main():
    global model_path
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default ../shared beside the repo)")
    parser.add_argument("--pages", type=int, default=None, help="the first N pages (default all)")
    parser.add_argument("--tools", nargs="*", metavar="NAME", default=None,
                        help=f"linesift and/or peers of bench_html_peers.py [default: linesift {' '.join(PEERS)}]")
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL, help="linesift's model file (default the shipped one)")
    parser.add_argument("--cache", type=Path, default=None, help="folder of each tool's output per page (outside the repo)")
    parser.add_argument("--refresh", action="store_true", help="run every page again, replacing the cache")
    parser.add_argument("--exact", action="store_true", help="test snippets as raw strings, whitespace not collapsed")
    parser.add_argument("--json", type=Path, default=None, help="also write every score to this JSON file")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)   # peers log every page they find hard
    model_path = peers.linesift_model_path = args.model
    chosen = ["linesift", *PEERS] if args.tools is None else args.tools
    tools = {**peers.TOOLS, "linesift": (linesift_html, "linesift")}
    unknown = [name for name in chosen if name not in tools]
    if unknown:
        raise SystemExit(f"unknown tools {unknown}; known: {list(tools)}")
    corpus_dir = args.shared / "corpus" / CORPUS
    if not (corpus_dir / "pages").is_dir():
        raise SystemExit(f"no pages under {corpus_dir}")
    pages = corpus_pages(corpus_dir, args.pages)
    results = {}
    for name in chosen:
        extract, depends_on = tools[name]
        version = peers.tool_version(depends_on)
        label = f"linesift ({args.model.name}, sha256 {_digest(args.model)[:12]})" if name == "linesift" else name
        if version is None:
            results[label] = None
            continue
        # linesift: its own cache file per model (and not bench_html_peers' linesift cache,
        # which holds another function's output)
        cached_name = f"linesift-public-api {version.split(',')[0]}" if name == "linesift" else name
        cache = peers._cache_path(args.cache, CORPUS, cached_name) if args.cache else None
        outputs = {} if args.refresh else peers.load_cache(cache, version)
        missing = sum(1 for page in pages if page["id"] not in outputs)
        print(f"  {name} {version}: {missing} pages to run, {len(pages) - missing} cached", file=sys.stderr)
        save = (lambda: peers.save_cache(cache, name, version, outputs)) if cache else (lambda: None)
        if not peers.run_tool(extract, pages, outputs, save):
            results[label] = None
            continue
        if missing:
            save()
        texts = [outputs.get(page["id"], {}).get("text", "") for page in pages]
        result = score(pages, texts, args.exact)
        result["failures"] = sum(1 for page in pages if outputs.get(page["id"], {"failed": True})["failed"])
        result["empty"] = sum(1 for text in texts if not text.strip())
        cpu = sum(outputs[page["id"]]["cpu_seconds"] for page in pages if page["id"] in outputs)
        result["pages_per_second"] = len(pages) / cpu if cpu else None
        results[label] = result
    with_count = sum(len(page["with"]) for page in pages)
    without_count = sum(len(page["without"]) for page in pages)
    print(f"{CORPUS}: {len(pages)} pages, {with_count} 'with' and {without_count} 'without' snippets; HTML in, "
          f"one page at a time; snippet found = substring{' (exact)' if args.exact else ' (whitespace collapsed)'}; "
          "P, R, F1 pooled over pages\n")
    print("| tool | F1 | precision | recall | TP / FN / FP / TN | empty outputs | failures | pages/s (CPU) |")
    print("|---|---|---|---|---|---|---|---|")
    for label, r in results.items():
        if r is None:
            print(f"| {label} | not installed | | | | | | |")
            continue
        speed = f"{r['pages_per_second']:.1f}" if r["pages_per_second"] else "—"
        print(f"| {label} | **{r['f1']:.3f}** | {r['precision']:.3f} | {r['recall']:.3f} | "
              f"{r['tp']} / {r['fn']} / {r['fp']} / {r['tn']} | {r['empty']} | {r['failures']} | {speed} |")
    if args.json:
        args.json.write_text(json.dumps({"corpus": CORPUS, "pages": len(pages), "exact": args.exact,
                                         "model_sha256": _digest(args.model), "results": results}, indent=2),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
