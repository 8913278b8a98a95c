"""How close linesift's HTML reader comes to the text a browser shows: the words of
``read_html``'s lines against headless Chromium's ``document.body.innerText`` of the same
page, as a bag of words (WCXB's word measure, ``linesift.wordbag``: P, R and F1 per page,
averaged).

Each page's HTML (``page.html.gz``, decompressed) is written to a temporary file and loaded
from it with scripts on (the pages were saved with scripts on; the network is not reached,
so what a script would fetch is not there). innerText leaves out what CSS hides, which
only inline styles tell the reader; both sides are what a reader can get from the bytes.
``--reader module:function`` measures another reader beside it (a function(html_bytes) -> text)
on the same browser text.

    python tests/bench/bench_browser_text.py --pages 10        # 10 pages of each corpus
"""

import argparse
import gzip
import importlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from browser import headless_browser, missing  # noqa: E402
from linesift.html import read_html  # noqa: E402
from linesift.wordbag import average_word_scores, word_scores  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_html_speed import CORPORA, SHARED  # noqa: E402


def linesift_text(html: bytes) -> str:
    return "\n".join(line.text for line in read_html(html))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-root", type=Path, default=SHARED)
    parser.add_argument("--corpus", nargs="+", default=list(CORPORA))
    parser.add_argument("--pages", type=int, default=10, help="pages per corpus (every 20th folder)")
    parser.add_argument("--reader", action="append", default=[], help="module:function, another reader to measure")
    args = parser.parse_args()
    if missing():
        sys.exit(f"no browser: {missing()}")
    readers = {"linesift": linesift_text}
    for name in args.reader:
        module, function = name.split(":")
        readers[name] = getattr(importlib.import_module(module), function)
    with tempfile.TemporaryDirectory() as scratch, headless_browser(Path(scratch) / "profile") as browser:
        browser.set_page_load_timeout(20)
        for corpus in args.corpus:
            triples = {name: [] for name in readers}
            for folder in sorted((args.corpus_root / corpus / "pages").iterdir())[::20][:args.pages]:
                html = gzip.decompress((folder / "page.html.gz").read_bytes())
                page = Path(scratch) / "page.html"
                page.write_bytes(html)
                try:
                    browser.get(page.as_uri())
                except Exception:   # a page still loading at the timeout: take what is shown
                    pass
                shown = browser.execute_script("return document.body ? document.body.innerText : ''") or ""
                for name, reader in readers.items():
                    triples[name].append(word_scores(reader(html), shown))
            for name, measured in triples.items():
                scores = average_word_scores(measured)
                print(f"{corpus:<12} {name:<20} {len(measured):4d} pages  " + "  ".join(
                    f"{key} {value:.3f}" for key, value in scores.items() if isinstance(value, float)), flush=True)


if __name__ == "__main__":
    main()
