#!/usr/bin/env bash
# The training recipe's derived inputs, written into a folder WORK (made if missing):
#   WORK/flagged      the pages and dumps the corpus indexes flag (low_alignment, dump_empty,
#                     gold_empty), as paths under ../shared/corpus, for `--exclude`;
#   WORK/wcxb/text, WORK/wcxb/md
#                     WCXB's plain and markdown dumps copied with the headline labeled
#                     content (the first line whose words are meta.json's title), flagged like
#                     the originals (their paths are in WORK/flagged too).
# Usage, from anywhere (paths are relative to the checkout, as training/train.sh passes them):
#   bash training/recipe_data.sh WORK [CORPUS ...]     # default: wcxb dragnet cleaneval daniel
# training/train.sh calls it with a temporary WORK; tests/bench/measure_corpus.py's
# cross-validation of the recipe needs the same folder (docs/benchmarks.md).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bash training/recipe_data.sh WORK [CORPUS ...]" >&2; exit 2; }
mkdir -p "$1"
work=$(cd "$1" && pwd)
shift
cd "$(dirname "$0")/.."
shared=../shared/corpus
if [ $# -eq 0 ]; then set -- wcxb dragnet cleaneval daniel; fi
for corpus in "$@"; do
    # index.tsv columns: page_id site converter dump ... flags (12th); a flagged page is
    # left out as a dump and as HTML.
    awk -F'\t' -v root="$shared/$corpus/" 'NR > 1 && $12 != "" { print root $4; print root "pages/" $1 }' \
        "$shared/$corpus/index.tsv"
done | sort -u > "$work/flagged"
# WCXB's dumps with the headline labeled content: the first line whose words are the title's
# (training/relabel_titles.py, tested in tests/test_recipe.py).
python training/relabel_titles.py "$shared/wcxb" "$work"
# The copies are flagged like the originals.
# (sed reads one file and appends to another: appending to the file being read never ends.)
sed "s|^$shared/wcxb/dumps/|$work/wcxb/|" "$work/flagged" > "$work/flagged-copies"
cat "$work/flagged-copies" >> "$work/flagged"
