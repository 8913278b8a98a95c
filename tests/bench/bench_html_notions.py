"""Learning curve on HTML pages for notions of content the shipped model does not have:
what k labeled HTML pages buy through `linesift train --base`, and that they never cost.

Notions, built from the shared corpora's gold texts (HTML in, labels by aligning each
page's block lines to the notion's text, as `linesift` reads an HTML corpus):
- ``comments``: dragnet's pages with reader comments, comments IN (gold.txt + gold_comments.txt;
  the shipped model keeps them out);
- ``no-headline``: WCXB's articles with the headline OUT (gold.txt without meta.json's title;
  the shipped model keeps the headline).

Per random draw, a third of the sites (all their pages) is held out; from the other sites k
pages are labeled, one page per site, each k's pages a prefix of the next k's. On the
held-out sites, the word F1 of WCXB's measure (the mean of per-page F1s, ``linesift.wordbag``)
of the content text against the notion's text, of
- the shipped model alone (zero-shot; it has seen these corpora under its own notion),
- from scratch: `linesift train MY_LABELS` on the k pages,
- `--base`: `linesift train MY_LABELS --base` (``train.train_corpus``: the correction is checked
  on the k pages' held-out sites first and the base kept when it does not beat it).
Prints, per notion and k, the mean ± standard deviation over the draws, the worst paired
difference of --base against the base alone, and how often the check kept the base.

    python tests/bench/bench_html_notions.py                          # both notions, 3 draws
    python tests/bench/bench_html_notions.py --notions comments --ks 5,20 --draws 2
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from linesift.align import align_labels, words_of
from linesift.evaluation import content_text, page_labels, predict_with_sites
from linesift.model_file import load_base
from linesift.reading import read_bytes, read_html_page
from linesift.train import train_corpus, train_model
from linesift.wordbag import average_word_scores, word_scores

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpus"
MIN_COMMENT_CHARS = 200   # a dragnet page "with comments": its comments hold at least this much text


def _flagged(corpus):
    flagged = set()
    for row in (corpus / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) > 11 and fields[11].strip():
            flagged.add(fields[0])
    return flagged


def _page(folder, notion_gold):
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    path = folder / "page.html.gz"
    page = read_html_page(str(path), read_bytes(path), meta.get("site") or folder.name)
    page.gold = notion_gold
    page.labels = align_labels(page.lines, notion_gold)
    return page


def comments_pages():
    corpus = CORPORA / "dragnet"
    flagged, pages = _flagged(corpus), []
    for folder in sorted((corpus / "pages").iterdir()):
        comments = folder / "gold_comments.txt"
        if folder.name in flagged or not comments.is_file() or comments.stat().st_size < MIN_COMMENT_CHARS:
            continue
        gold = (folder / "gold.txt").read_text(encoding="utf-8", errors="replace")
        pages.append(_page(folder, gold + "\n" + comments.read_text(encoding="utf-8", errors="replace")))
    return pages


def no_headline_pages():
    corpus = CORPORA / "wcxb"
    flagged, pages = _flagged(corpus), []
    for folder in sorted((corpus / "pages").iterdir()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if folder.name in flagged or meta.get("page_type") != "article":
            continue
        gold = (folder / "gold.txt").read_text(encoding="utf-8", errors="replace")
        title = words_of(meta.get("title") or "")
        lines = [line for line in gold.splitlines() if not (title and words_of(line) == title)]
        pages.append(_page(folder, "\n".join(lines)))
    return pages


NOTIONS = {"comments": comments_pages, "no-headline": no_headline_pages}


def word_f1(model, pages):
    probabilities = predict_with_sites(model, pages)
    texts = [content_text(page.lines, labels)
             for page, labels in zip(pages, page_labels(pages, probabilities, model.threshold_))]
    return average_word_scores([word_scores(text, page.gold) for text, page in zip(texts, pages)])["f1"]


def draw_split(pages, seed, test_share):
    """(test pages, training pool: one page per site of the other sites, in a random order)."""
    rng = np.random.default_rng(seed)
    sites = sorted({page.site for page in pages})
    order = [sites[i] for i in rng.permutation(len(sites))]
    held_out = set(order[:int(test_share * len(sites))])
    by_site = {}
    for page in pages:
        by_site.setdefault(page.site, []).append(page)
    pool = [by_site[site][rng.integers(len(by_site[site]))] for site in order[len(held_out):]]
    return [page for page in pages if page.site in held_out], pool


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notions", default=",".join(NOTIONS))
    parser.add_argument("--ks", default="5,10,20,50")
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--test-share", type=float, default=1 / 3)
    parser.add_argument("--base", default=None, help="base model [default: the shipped one]")
    args = parser.parse_args()
    ks = [int(k) for k in args.ks.split(",")]
    say = lambda message: print(message, file=sys.stderr, flush=True)   # noqa: E731
    base = load_base(args.base)
    print(f"base {base.source_['file']} sha256 {base.source_['sha256']}; {args.draws} draws, "
          f"{args.test_share:.0%} of the sites held out; word F1 (WCXB's measure) against the notion's text\n")
    for notion in args.notions.split(","):
        pages = NOTIONS[notion]()
        say(f"{notion}: {len(pages)} pages from {len({p.site for p in pages})} sites")
        rows = {k: {"base": [], "scratch": [], "--base": [], "kept base": 0} for k in ks}
        for draw in range(args.draws):
            test, pool = draw_split(pages, draw, args.test_share)
            alone = word_f1(base, test)
            for k in ks:
                labeled = pool[:k]
                scratch = train_model(labeled, {})
                based, info = train_corpus(labeled, [notion], {}, base=base)
                row = rows[k]
                row["base"].append(alone)
                row["scratch"].append(word_f1(scratch, test))
                row["--base"].append(word_f1(based, test))
                row["kept base"] += info["base_check"].get("kept") == "base"
                say(f"  draw {draw + 1}, {len(test)} test pages, k={k}: base {alone:.3f}, scratch "
                    f"{row['scratch'][-1]:.3f}, --base {row['--base'][-1]:.3f} (kept {info['base_check'].get('kept')})")
        print(f"### {notion}: {len(pages)} pages, {len({p.site for p in pages})} sites\n")
        print("| labeled pages | base alone | from scratch | --base | --base minus base (mean; worst draw) "
              "| check kept the base |")
        print("|---|---|---|---|---|---|")
        for k in ks:
            row = rows[k]
            gain = np.array(row["--base"]) - np.array(row["base"])
            print(f"| {k} | {np.mean(row['base']):.3f} | {np.mean(row['scratch']):.3f} ± {np.std(row['scratch']):.3f} "
                  f"| {np.mean(row['--base']):.3f} ± {np.std(row['--base']):.3f} | {gain.mean():+.3f}; "
                  f"{gain.min():+.3f} | {row['kept base']} of {args.draws} |")
        print()


if __name__ == "__main__":
    main()
