"""Score the field's HTML main-text extractors, and linesift, on a shared corpus by both measures.

Each tool gets the raw HTML bytes of a page (``page.html.gz``, decompressed) and gives
text; the text is scored against ``gold.txt`` by the field's two measures, computed by
linesift's own code (``linesift.evaluation.gold_measures``): ScrapingHub's shingle measure
(linesift/shingles.py: P and R averaged over pages, F1 their harmonic mean) and WCXB's word
measure (linesift/wordbag.py: the mean of per-page F1s). When the pages' meta.json has a
``page_type`` (wcxb; ``--by KEY`` for another key, e.g. ``language`` on daniel), both are also
given per type; ``--by site_pages`` groups the pages by how many pages their site (meta.json
``site``) has among those scored: 1, 2, or 3 and more (what the site pass can use). Pages
flagged in the corpus's ``index.tsv`` are left out, as the corpus
README asks (``--all-pages`` keeps them: the shared README's peer table counts them).

Speed is measured on real runs only: every tool runs in this one process, one page at a
time, one tool after the other (each is called once on the first page it runs before
timing, so imports and caches are not counted). pages/s counts the process's CPU time
per page (``time.process_time``; none of the tools uses threads), so that other jobs on a
shared machine do not slow a tool down on paper; --json also has the wall-clock rate. With ``--cache DIR`` each tool's text and
seconds per page are stored in ``DIR/<corpus>/<tool>.json`` (keyed by the tool's package
version, or the model file's digest for linesift), so a rerun runs only the pages not in the
cache and re-scoring is instant; pages/s is then the sum of the seconds measured when each
page was run (``--refresh`` runs every page again). Keep the cache outside the repository.

linesift's out-of-fold predictions (cross-validation by site: ``measure_corpus.py --texts``)
are scored in the same table by the same code: ``--predictions NAME=FILE.json``, a JSON
object {page_id: predicted text} (page_id = the page's folder name; the format of WCXB's
``evaluate.py --results``). A page missing from the file is scored as empty output and
counted as a failure.

Peers are imported when their turn comes: a peer that is not installed shows as "not
installed" (``pip install -r tests/bench/peers.txt``). A tool that raises on a page counts as
a failure and as empty output there. TOOLS maps a name to a function(html_bytes) -> text;
``--add NAME=module:function`` adds one from the command line.

    python tests/bench/bench_html_peers.py --corpus wcxb --cache /work/peer-cache
    python tests/bench/bench_html_peers.py --corpus wcxb --cache /work/peer-cache --tools linesift --model my.npz
    python tests/bench/bench_html_peers.py --corpus wcxb --cache /work/peer-cache --predictions "linesift CV"=cv-wcxb.json
"""

import argparse
import gzip
import hashlib
import importlib
import importlib.metadata
import json
import logging
import os
import re
import sys
import time
from pathlib import Path

from measure_corpus import site_sizes

from linesift.evaluation import content_text, gold_measures, gold_measures_by_group
from linesift.html import decode_html, read_html
from linesift.labels import labels_from_probabilities

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SHIPPED_MODEL = Path(__file__).resolve().parents[2] / "model" / "linesift.npz"
CHECKPOINT_PAGES = 200


def keep_everything(html: bytes) -> str:
    """Every line linesift reads from the page: the baseline a line classifier starts from."""
    return "\n".join(line.text for line in read_html(html))


def _html_to_text(html: str) -> str:
    # Tools that answer with HTML are turned into text by the same reader, so block
    # boundaries are kept and no two words are glued across them.
    return "\n".join(line.text for line in read_html(html.encode("utf-8"))) if html else ""


def trafilatura_default(html: bytes) -> str:
    import trafilatura
    return trafilatura.extract(html) or ""


def trafilatura_recall(html: bytes) -> str:
    import trafilatura
    return trafilatura.extract(html, favor_recall=True) or ""


def readability(html: bytes) -> str:
    from readability import Document
    return _html_to_text(Document(html).summary(html_partial=True))


_stoplists = {}


def justext_english(html: bytes) -> str:
    import justext
    if "English" not in _stoplists:
        _stoplists["English"] = justext.get_stoplist("English")
    paragraphs = justext.justext(html, _stoplists["English"])
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def boilerpy3_article(html: bytes) -> str:
    from boilerpy3 import extractors
    return extractors.ArticleExtractor(raise_on_failure=False).get_content(decode_html(html)) or ""


def resiliparse_main(html: bytes) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    return extract_plain_text(bytes_to_str(html, detect_encoding(html)), main_content=True) or ""


_models = {}
linesift_model_path = SHIPPED_MODEL   # --model


def linesift_model(html: bytes) -> str:
    """linesift with a model file (--model, default the shipped one), as `linesift predict
    page.html` runs it. The shipped model was trained on dragnet, cleaneval and labeled/:
    on those its scores are in-sample (read them for speed; measure_corpus.py's
    cross-validation for accuracy); on wcxb and daniel it is zero-shot."""
    if linesift_model_path not in _models:
        from linesift.model_file import load_model
        _models[linesift_model_path] = load_model(linesift_model_path)
    model = _models[linesift_model_path]
    markup = read_html(html)
    (probabilities,) = model.predict_proba([markup])
    labels = labels_from_probabilities(probabilities, model.threshold_, markup)
    return content_text([line.text for line in markup], labels)


# name -> (function(html_bytes) -> text, what its output depends on: a distribution whose
# version keys the cache; "reader" adds linesift's HTML reader (html.py), "linesift" all
# of linesift's code and the model file)
TOOLS = {
    "trafilatura": (trafilatura_default, "trafilatura"),
    "trafilatura (favor_recall)": (trafilatura_recall, "trafilatura"),
    "readability-lxml": (readability, "readability-lxml+reader"),
    "resiliparse (main_content)": (resiliparse_main, "resiliparse"),
    "jusText (English)": (justext_english, "justext"),
    "boilerpy3 (ArticleExtractor)": (boilerpy3_article, "boilerpy3"),
    "keep everything": (keep_everything, "reader"),
    "linesift": (linesift_model, "linesift"),
}
DEFAULT_TOOLS = ("trafilatura", "readability-lxml", "resiliparse (main_content)", "jusText (English)",
                 "boilerpy3 (ArticleExtractor)", "keep everything", "linesift")
CODE = Path(__file__).resolve().parents[2] / "src" / "linesift"


def _digest(paths):
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def tool_version(depends_on):
    """What a tool's cached output depends on (see TOOLS), as a string; None when its
    package is not installed."""
    if depends_on is None:
        return "not cached"
    if depends_on == "linesift":
        return f"model {_digest([linesift_model_path])}, code {_digest(sorted(CODE.glob('*.py')))}"
    distribution, _, reader = depends_on.partition("+")
    if distribution == "reader":
        distribution, reader = None, "reader"
    parts = []
    if distribution:
        try:
            parts.append(importlib.metadata.version(distribution))
        except importlib.metadata.PackageNotFoundError:
            return None
    if reader:
        parts.append(f"reader {_digest([CODE / 'html.py'])}")
    return ", ".join(parts)


SITE_PAGES = "site_pages"   # --by: not a meta.json key, the number of pages of the page's site


def flagged_pages(corpus_dir: Path):
    """Page ids with any flag in the corpus's index.tsv (for any of its dumps)."""
    flagged = set()
    index = corpus_dir / "index.tsv"
    if index.is_file():
        rows = index.read_text(encoding="utf-8").splitlines()
        header = rows[0].split("\t")
        for row in rows[1:]:
            fields = dict(zip(header, row.split("\t")))
            if fields.get("flags"):
                flagged.add(fields["page_id"])
    return flagged


def corpus_pages(corpus_dir: Path, count=None, keep_flagged=False, group_key="page_type"):
    """[{"id", "folder", "gold", "group"}] of the corpus's pages (flagged ones left out
    unless keep_flagged), in page id order; "group" is meta.json's group_key or None.
    The HTML is read when a tool runs, not here: re-scoring from the cache needs none."""
    flagged = set() if keep_flagged else flagged_pages(corpus_dir)
    folders = sorted(p for p in (corpus_dir / "pages").iterdir() if p.is_dir() and p.name not in flagged)
    pages, sites = [], []
    for folder in folders[:count]:
        meta_path = folder / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        group = meta.get(group_key)
        sites.append(meta.get("site"))
        pages.append({"id": folder.name, "folder": folder, "gold": (folder / "gold.txt").read_text(encoding="utf-8"),
                      "group": None if group is None else str(group)})
    if group_key == SITE_PAGES:
        for page, site, size in zip(pages, sites, site_sizes(sites)):
            page["group"] = None if site is None else size
    return pages


def _cache_path(cache_dir, corpus, name):
    return Path(cache_dir) / corpus / (re.sub(r"[^A-Za-z0-9.-]+", "_", name).strip("_") + ".json")


def load_cache(path, version):
    """{page_id: {"text", "seconds", "failed"}} stored for this version of the tool, or {}."""
    if path is None or not path.is_file():
        return {}
    stored = json.loads(path.read_text(encoding="utf-8"))
    return stored["pages"] if stored.get("version") == version else {}


def save_cache(path, name, version, outputs):
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"tool": name, "version": version, "pages": outputs}), encoding="utf-8")
    os.replace(temporary, path)


def _html_of(page):
    return gzip.decompress((page["folder"] / "page.html.gz").read_bytes())


def run_tool(extract, pages, outputs, checkpoint=lambda: None):
    """Run ``extract`` on the pages not in ``outputs`` (a page id -> output dict it fills),
    each timed alone, calling ``checkpoint`` every CHECKPOINT_PAGES pages (the cache is
    saved there, so a killed run resumes); returns False when the tool's package is missing."""
    todo = [page for page in pages if page["id"] not in outputs]
    if not todo:
        return True
    try:
        extract(_html_of(todo[0]))   # warm up: imports, caches, compiled patterns
    except ImportError:
        return False
    except Exception:
        pass
    for number, page in enumerate(todo, 1):
        html = _html_of(page)
        failed = False
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            text = extract(html) or ""
        except ImportError:
            return False
        except Exception:
            text, failed = "", True
        outputs[page["id"]] = {"text": text, "seconds": time.perf_counter() - started,
                               "cpu_seconds": time.process_time() - started_cpu, "failed": failed}
        if number % CHECKPOINT_PAGES == 0:
            print(f"    {number}/{len(todo)} pages", file=sys.stderr)
            checkpoint()
    return True


def score_texts(pages, texts):
    """Both measures over all pages, and per group when the pages have groups."""
    golds = [page["gold"] for page in pages]
    groups = gold_measures_by_group(texts, golds, [page["group"] for page in pages])
    return {**gold_measures(texts, golds), **({"groups": groups} if groups else {})}


def score_tool(pages, outputs, timed=True):
    """Both measures, failures, and speed: pages per second of CPU time (what a tool costs,
    whatever else the shared machine runs meanwhile) and of wall-clock time."""
    texts = [outputs.get(page["id"], {}).get("text", "") for page in pages]
    result = score_texts(pages, texts)
    result["failures"] = sum(1 for page in pages if outputs.get(page["id"], {"failed": True})["failed"])
    for key, clock in (("pages_per_second", "cpu_seconds"), ("pages_per_wall_second", "seconds")):
        seconds = sum(outputs[page["id"]][clock] for page in pages if page["id"] in outputs) if timed else 0.0
        result[key] = len(pages) / seconds if seconds else None
    return result


def read_predictions(spec):
    """(name, {page_id: {"text", "failed": False}}) from NAME=FILE.json."""
    name, _, path = spec.rpartition("=")
    if not name or not path:
        raise SystemExit(f"--predictions wants NAME=FILE.json, got {spec!r}")
    texts = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(texts, dict):
        raise SystemExit(f"{path}: expected a JSON object {{page_id: text}}")
    return name, {page_id: {"text": text or "", "failed": False} for page_id, text in texts.items()}


def _load(spec):
    name, _, target = spec.partition("=")
    module, _, function = target.partition(":")
    if not (name and module and function):
        raise SystemExit(f"--add wants NAME=module:function, got {spec!r}")
    return name, (getattr(importlib.import_module(module), function), None)   # None: never cached


def tables(corpus, pages, results, group_key):
    """The markdown tables: both measures and speed per tool, then F1 per group per measure."""
    out = [f"{corpus}: {len(pages)} pages, HTML in, one process; word F1 = WCXB's measure (mean of per-page F1), "
           "shingle = ScrapingHub's (F1 of mean P and mean R)\n",
           "| tool | word F1 | word P / R | shingle F1 | shingle P / R | shingle strict P | pages/s (CPU) | failures |",
           "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        if r is None:
            out.append(f"| {name} | not installed | | | | | | |")
            continue
        w, s = r["words"], r["shingles"]
        speed = f"{r['pages_per_second']:.1f}" if r["pages_per_second"] else "—"
        out.append(f"| {name} | **{w['f1']:.3f}** | {w['precision']:.3f} / {w['recall']:.3f} | **{s['f1']:.3f}** "
                   f"| {s['precision']:.3f} / {s['recall']:.3f} | {s['strict_precision']:.3f} | {speed} | {r['failures']} |")
    scored = [r for r in results.values() if r and "groups" in r]
    if scored:
        groups = list(scored[0]["groups"])
        counts = " ".join(f"{g} {scored[0]['groups'][g]['pages']}," for g in groups).rstrip(",")
        for measure, label in (("words", "word F1 (WCXB)"), ("shingles", "shingle F1")):
            out += ["", f"{label} per {group_key} (pages: {counts})\n",
                    "| tool | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
            for name, r in results.items():
                if r:
                    out.append(f"| {name} | " + " | ".join(f"{r['groups'][g][measure]['f1']:.3f}" for g in groups) + " |")
    return "\n".join(out)


def main():
    global linesift_model_path
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="dragnet", help="a corpus folder under shared/corpus (default dragnet)")
    parser.add_argument("--pages", type=int, default=None, help="the first N pages (default all)")
    parser.add_argument("--all-pages", action="store_true", help="keep the pages flagged in index.tsv")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default ../shared beside the repo)")
    parser.add_argument("--tools", nargs="*", metavar="NAME",
                        help=f"these tools (names of TOOLS; none: only --predictions) [default: {', '.join(DEFAULT_TOOLS)}]")
    parser.add_argument("--add", action="append", default=[], metavar="NAME=module:function",
                        help="one more tool: a function(html_bytes) -> text")
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL, help="the model file of the 'linesift' tool")
    parser.add_argument("--predictions", action="append", default=[], metavar="NAME=FILE.json",
                        help="score texts given per page ({page_id: text}), e.g. linesift's out-of-fold predictions")
    parser.add_argument("--cache", type=Path, default=None,
                        help="folder of each tool's output per page (outside the repository): reruns run only new pages")
    parser.add_argument("--refresh", action="store_true", help="run every page again, replacing the cache")
    parser.add_argument("--by", default="page_type", metavar="KEY", help="meta.json key to break the scores down by")
    parser.add_argument("--json", type=Path, default=None, help="also write every score to this JSON file")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)   # peers log every page they find hard
    linesift_model_path = args.model
    added = dict(_load(spec) for spec in args.add)
    tools = {**TOOLS, **added}
    chosen = [*DEFAULT_TOOLS, *added] if args.tools is None else args.tools
    unknown = [name for name in chosen if name not in tools]
    if unknown:
        raise SystemExit(f"unknown tools {unknown}; known: {list(tools)}")
    corpus_dir = args.shared / "corpus" / args.corpus
    if not (corpus_dir / "pages").is_dir():
        raise SystemExit(f"no pages under {corpus_dir}")
    pages = corpus_pages(corpus_dir, args.pages, args.all_pages, args.by)
    if not pages:
        raise SystemExit(f"no pages under {corpus_dir}")
    results = {}
    for name in chosen:
        extract, depends_on = tools[name]
        version = tool_version(depends_on)
        label = f"{name} ({Path(args.model).name})" if name == "linesift" else name
        if version is None:
            results[label] = None
            continue
        # one cache file per model for linesift, so scoring two models does not rerun either
        cached_name = f"{label} {version.split(',')[0]}" if name == "linesift" else name
        cache = _cache_path(args.cache, args.corpus, cached_name) if args.cache and depends_on else None
        outputs = {} if args.refresh else load_cache(cache, version)
        missing = sum(1 for page in pages if page["id"] not in outputs)
        print(f"  {name} {version}: {missing} pages to run, {len(pages) - missing} cached", file=sys.stderr)
        save = (lambda: save_cache(cache, name, version, outputs)) if cache else (lambda: None)
        if not run_tool(extract, pages, outputs, save):
            results[label] = None
            continue
        if missing:
            save()
        results[label] = score_tool(pages, outputs)
    for spec in args.predictions:
        name, outputs = read_predictions(spec)
        results[name] = score_tool(pages, outputs, timed=False)
    print(tables(args.corpus, pages, results, args.by))
    if args.json:
        args.json.write_text(json.dumps({"corpus": args.corpus, "pages": len(pages), "flagged_kept": args.all_pages,
                                         "results": results}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
