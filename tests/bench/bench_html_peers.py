"""Score the field's HTML main-text extractors on a shared corpus, by the shingle measure.

Each tool gets the raw HTML bytes of a page (``page.html.gz``, decompressed) and gives
text; the text is scored against ``gold.txt`` with the ScrapingHub shingle measure
(training/shingles.py), and the tools' averages are printed as a markdown table beside
their speed. Pages flagged in the corpus's ``index.tsv`` are left out, as the corpus
README asks. Everything runs in this one process, one tool after the other, so pages/s
are comparable (each tool is called once on the first page before timing, so imports and
caches are not counted; that call is scored like any other).

Peers are imported when their turn comes: a peer that is not installed shows as "not
installed" (install them with ``pip install -r tests/bench/peers.txt``). A tool that
raises on a page counts as a failure and as empty output there.

TOOLS maps a name to a function(html_bytes) -> text; add one there, or from the command
line with ``--add NAME=module:function`` (for example linesift's own HTML entry point).

    python tests/bench/bench_html_peers.py --corpus dragnet --pages 30
"""

import argparse
import gzip
import importlib
import logging
import sys
import time
from pathlib import Path

from linesift.html import decode_html, read_html
from linesift.shingles import average_scores, shingle_scores

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


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


_shipped = []


def linesift_shipped(html: bytes) -> str:
    """linesift with its shipped model, as `linesift predict page.html` runs it. The model
    was trained on these corpora, so this row's scores are in-sample: read it for speed,
    and tests/bench/measure_corpus.py's site-grouped cross-validation for accuracy."""
    if not _shipped:
        from linesift.model_file import load_model
        _shipped.append(load_model())
    model = _shipped[0]
    markup = read_html(html)
    (probabilities,) = model.predict_proba([markup])
    return "\n".join(line.text for line, p in zip(markup, probabilities) if p >= model.threshold_)


TOOLS = {
    "linesift (shipped model: speed only)": linesift_shipped,
    "trafilatura": trafilatura_default,
    "trafilatura (favor_recall)": trafilatura_recall,
    "readability-lxml": readability,
    "jusText (English)": justext_english,
    "boilerpy3 (ArticleExtractor)": boilerpy3_article,
    "resiliparse (main_content)": resiliparse_main,
    "keep everything": keep_everything,
}


def corpus_pages(corpus_dir: Path, count=None):
    """(page id, html bytes, gold text) of the unflagged pages, in page id order."""
    flagged = set()
    index = corpus_dir / "index.tsv"
    if index.is_file():
        rows = index.read_text(encoding="utf-8").splitlines()
        header = rows[0].split("\t")
        for row in rows[1:]:
            fields = dict(zip(header, row.split("\t")))
            if fields.get("flags"):
                flagged.add(fields["page_id"])
    folders = sorted(p for p in (corpus_dir / "pages").iterdir() if p.is_dir() and p.name not in flagged)
    pages = []
    for folder in folders[:count]:
        html = gzip.decompress((folder / "page.html.gz").read_bytes())
        pages.append((folder.name, html, (folder / "gold.txt").read_text(encoding="utf-8")))
    return pages


def run_tool(extract, pages):
    """Scores, pages/s and failures of one tool, or None when its package is missing."""
    try:
        extract(pages[0][1])   # warm up: imports, caches, compiled patterns
    except ImportError:
        return None
    except Exception:
        pass
    scores, failures = [], 0
    spent = 0.0
    for _, html, gold in pages:
        started = time.perf_counter()
        try:
            text = extract(html) or ""
        except ImportError:
            return None
        except Exception:
            text, failures = "", failures + 1
        spent += time.perf_counter() - started
        scores.append(shingle_scores(text, gold))
    result = average_scores(scores)
    result["pages_per_second"] = len(pages) / spent if spent else float("inf")
    result["failures"] = failures
    return result


def _load(spec):
    name, _, target = spec.partition("=")
    module, _, function = target.partition(":")
    if not (name and module and function):
        raise SystemExit(f"--add wants NAME=module:function, got {spec!r}")
    return name, getattr(importlib.import_module(module), function)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="dragnet", help="a corpus folder under shared/corpus (default dragnet)")
    parser.add_argument("--pages", type=int, default=None, help="the first N unflagged pages (default all)")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (default ../shared beside the repo)")
    parser.add_argument("--tools", nargs="+", metavar="NAME", help="only these tools (names of TOOLS)")
    parser.add_argument("--add", action="append", default=[], metavar="NAME=module:function",
                        help="one more tool: a function(html_bytes) -> text")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)   # peers log every page they find hard
    tools = dict(TOOLS)
    tools.update(_load(spec) for spec in args.add)
    if args.tools:
        unknown = [name for name in args.tools if name not in tools]
        if unknown:
            raise SystemExit(f"unknown tools {unknown}; known: {list(tools)}")
        tools = {name: tools[name] for name in args.tools}
    corpus_dir = args.shared / "corpus" / args.corpus
    if not (corpus_dir / "pages").is_dir():
        raise SystemExit(f"no pages under {corpus_dir}")
    pages = corpus_pages(corpus_dir, args.pages)
    if not pages:
        raise SystemExit(f"no unflagged pages under {corpus_dir}")
    print(f"{args.corpus}: {len(pages)} pages (flagged pages left out), shingle measure, one process\n")
    print("| tool | precision | recall | F1 | strict precision | pages/s | failures |")
    print("|---|---|---|---|---|---|---|")
    for name, extract in tools.items():
        print(f"  running {name}", file=sys.stderr)
        result = run_tool(extract, pages)
        if result is None:
            print(f"| {name} | not installed | | | | | |", flush=True)
            continue
        print(f"| {name} | {result['precision']:.3f} | {result['recall']:.3f} | **{result['f1']:.3f}** "
              f"| {result['strict_precision']:.3f} | {result['pages_per_second']:.1f} | {result['failures']} |", flush=True)


if __name__ == "__main__":
    main()
