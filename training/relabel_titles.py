"""WCXB's dumps with the page's headline labeled content, as the shipped model's notion has it.

WCXB keeps a page's title apart from its main text (meta.json ``title``), so its labeled
dumps mark the headline chrome; the recipe copies them with the first line whose words are
the title's labeled content (its HTML pages get the same notion when they are read:
``linesift.corpus.read_gold_page``). training/recipe_data.sh runs it:

    python training/relabel_titles.py ../shared/corpus/wcxb WORK   # writes WORK/wcxb/{text,md}/<site>/<page>.tsv
"""

import json
import sys
from pathlib import Path

from linesift.align import words_of
from linesift.labeled import format_labeled, parse_labeled
from linesift.labels import CONTENT
from linesift.lines import parse_line

CONVERTERS = ("text", "md")


def with_headline(page, title):
    """``page`` (a labeled page) with its first line whose words are ``title``'s labeled
    content; unchanged when no line is, or the title has no words."""
    wanted = words_of(title or "")
    if not wanted:
        return page
    for index, line in enumerate(page.lines):
        if words_of(parse_line(line).text) == wanted:
            page.labels[index] = CONTENT
            break
    return page


def relabel_corpus(corpus: Path, work: Path):
    """Every dump of ``corpus`` (WCXB's folder) copied under ``work/wcxb`` with its headline."""
    written = 0
    for converter in CONVERTERS:
        for dump in sorted((corpus / "dumps" / converter).glob("*/*.tsv")):
            page = parse_labeled(dump, dump.read_bytes(), dump.parent.name)
            meta = json.loads((corpus / "pages" / dump.stem / "meta.json").read_text(encoding="utf-8"))
            with_headline(page, meta.get("title") if isinstance(meta.get("title"), str) else "")
            target = work / "wcxb" / converter / dump.parent.name / dump.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(format_labeled(page.lines, page.labels), encoding="utf-8", errors="surrogateescape")
            written += 1
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python training/relabel_titles.py WCXB_CORPUS WORK")
    relabel_corpus(Path(sys.argv[1]), Path(sys.argv[2]))
