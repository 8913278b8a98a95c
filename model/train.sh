#!/usr/bin/env bash
# Reproduces the shipped model, model/linesift.npz, from a checkout with ../shared beside it:
#   bash model/train.sh
# It trains on ../shared/corpus/{dragnet,cleaneval}: the plain and markdown dumps and the
# HTML pages (labeled by aligning them to gold.txt), and on labeled/, leaving out the pages
# the corpus index flags (low_alignment, dump_empty, gold_empty). The project's own pages
# count ten times: they hold the notion of content linesift ships with (headline and body
# text; bylines, captions and comments are chrome), which the research corpora only share in part.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/corpus
flagged=$(mktemp)
for corpus in dragnet cleaneval; do
    # index.tsv columns: page_id site converter dump ... flags (12th); a flagged page is
    # left out as a dump and as HTML.
    awk -F'\t' -v root="$shared/$corpus/" 'NR > 1 && $12 != "" { print root $4; print root "pages/" $1 }' \
        "$shared/$corpus/index.tsv"
done | sort -u > "$flagged"
linesift train \
    "$shared/dragnet/dumps/text" "$shared/dragnet/dumps/md" "$shared/dragnet/pages" \
    "$shared/cleaneval/dumps/text" "$shared/cleaneval/dumps/md" "$shared/cleaneval/pages" \
    labeled \
    --weight labeled=10 --exclude "$flagged" -o model/linesift.npz "$@"
rm -f "$flagged"
