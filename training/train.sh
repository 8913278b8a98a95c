#!/usr/bin/env bash
# Reproduces the shipped model, model/linesift.npz, from a checkout with ../shared beside it:
#   bash model/train.sh
# It trains on the four corpora of ../shared/corpus (wcxb, dragnet, cleaneval, daniel), each
# as HTML pages (labeled by aligning them to gold.txt) and as plain and markdown dumps, and on
# labeled/, leaving out the pages a corpus index flags (low_alignment, dump_empty,
# gold_empty). Weights (--weight): wcxb counts twice, the only corpus of today's pages and of
# page types other than articles; the project's own pages 25 times (their share of the weight
# as when the recipe was dragnet and CleanEval with them counted ten times). The notion of content
# is model/README.md's: the main text with its headline. WCXB keeps the title apart from its
# main text, so its dumps are copied with the title line labeled content (its HTML pages get
# the same notion when they are read: linesift.reading.read_gold_page).
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for corpus in wcxb dragnet cleaneval daniel; do
    # index.tsv columns: page_id site converter dump ... flags (12th); a flagged page is
    # left out as a dump and as HTML.
    awk -F'\t' -v root="$shared/$corpus/" 'NR > 1 && $12 != "" { print root $4; print root "pages/" $1 }' \
        "$shared/$corpus/index.tsv"
done | sort -u > "$work/flagged"
# WCXB's dumps with the headline labeled content: the first line whose words are the title's.
python - "$shared/wcxb" "$work" <<'PY'
import json, sys
from pathlib import Path
from linesift.align import words_of
from linesift.lines import parse_line
from linesift.reading import CONTENT, format_labeled, parse_labeled
corpus, work = Path(sys.argv[1]), Path(sys.argv[2])
for converter in ("text", "md"):
    for dump in sorted((corpus / "dumps" / converter).glob("*/*.tsv")):
        page = parse_labeled(dump, dump.read_bytes(), dump.parent.name)
        meta = json.loads((corpus / "pages" / dump.stem / "meta.json").read_text(encoding="utf-8"))
        title = words_of(meta.get("title") or "")
        for index, line in enumerate(page.lines):
            if title and words_of(parse_line(line).text) == title:
                page.labels[index] = CONTENT
                break
        target = work / "wcxb" / converter / dump.parent.name / dump.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(format_labeled(page.lines, page.labels), encoding="utf-8", errors="surrogateescape")
PY
# The copies are flagged like the originals.
# (sed reads one file and appends to another: appending to the file being read never ends.)
sed "s|^$shared/wcxb/dumps/|$work/wcxb/|" "$work/flagged" > "$work/flagged-copies"
cat "$work/flagged-copies" >> "$work/flagged"
linesift train \
    "$shared/wcxb/pages" "$work/wcxb/text" "$work/wcxb/md" \
    "$shared/dragnet/pages" "$shared/dragnet/dumps/text" "$shared/dragnet/dumps/md" \
    "$shared/cleaneval/pages" "$shared/cleaneval/dumps/text" "$shared/cleaneval/dumps/md" \
    "$shared/daniel/pages" "$shared/daniel/dumps/text" "$shared/daniel/dumps/md" \
    labeled \
    --weight "$shared/wcxb/pages=2" --weight "$work/wcxb/text=2" --weight "$work/wcxb/md=2" --weight labeled=25 \
    --exclude "$work/flagged" -o model/linesift.npz "$@"
