"""Copy a shared corpus's labeled dumps with each page's headline labeled content.

linesift's notion of content keeps the page's headline (model/README.md). WCXB keeps the
title apart from its main text (``meta.json`` ``title``), so its labeled dumps label the
headline chrome. This copies ``CORPUS/dumps/<converter>/<site>/<page_id>.tsv`` to
``OUT/<site>/<page_id>.tsv`` and labels content the first line whose words are the
title's words (``pages/<page_id>/meta.json``); every other line keeps its label. The HTML
pages get the same notion when they are read (``linesift.reading.read_gold_page``).

    python model/headline_labels.py ../shared/corpus/wcxb md OUT_DIR
"""

import json
import sys
from pathlib import Path

from linesift.align import words_of
from linesift.lines import parse_line
from linesift.reading import CONTENT, format_labeled, parse_labeled


def relabel(dump: Path, title: str):
    page = parse_labeled(dump, dump.read_bytes(), dump.parent.name)
    wanted = words_of(title)
    for index, line in enumerate(page.lines):
        if wanted and words_of(parse_line(line).text) == wanted:
            page.labels[index] = CONTENT
            break
    return format_labeled(page.lines, page.labels)


def main(corpus, converter, out):
    corpus, out = Path(corpus), Path(out)
    copied = 0
    for dump in sorted((corpus / "dumps" / converter).glob("*/*.tsv")):
        meta = corpus / "pages" / dump.stem / "meta.json"
        title = json.loads(meta.read_text(encoding="utf-8")).get("title") if meta.is_file() else None
        target = out / dump.parent.name / dump.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(title, str):
            target.write_text(relabel(dump, title), encoding="utf-8", errors="surrogateescape")
        else:
            target.write_bytes(dump.read_bytes())
        copied += 1
    print(f"{copied} pages copied to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
