#!/usr/bin/env bash
# Reproduces the shipped model, model/linesift.npz, from a checkout with ../shared beside it:
#   bash training/train.sh
# It trains on the four corpora of ../shared/corpus (wcxb, dragnet, cleaneval, daniel), each
# as HTML pages (labeled by aligning them to gold.txt) and as plain and markdown dumps, and on
# labeled/, leaving out the pages a corpus index flags (low_alignment, dump_empty,
# gold_empty). Weights (--weight): wcxb counts twice, the only corpus of today's pages and of
# page types other than articles; the project's own pages 25 times (their share of the weight
# as when the recipe was dragnet and CleanEval with them counted ten times). The notion of content
# is model/README.md's: the main text with its headline. WCXB keeps the title apart from its
# main text, so its dumps are copied with the title line labeled content (its HTML pages get
# the same notion when they are read: linesift.corpus.read_gold_page); training/recipe_data.sh
# makes those copies and the list of flagged pages.
# The first pass is regularised more than `linesift train`'s default (--alpha 3e-5, not 1e-5):
# on this much data it generalises better to unseen sites (docs/benchmarks.md, "The second
# round, step by step").
#
# Other arguments are passed to `linesift train` (after the recipe's own, so `-o FILE` picks
# another output; a relative FILE is relative to the checkout's root).
#
#   bash training/train.sh --permissive -o /elsewhere/linesift-permissive.npz
# trains the same recipe without the copyleft corpora, dragnet (AGPL-3.0) and DAnIEL
# (GPL-3.0): wcxb (CC-BY-4.0, twice), cleaneval and labeled/ with the same weights. It needs
# -o: its model is not the shipped one. Its cost is measured in model/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
permissive=0
args=()
for arg in "$@"; do
    if [ "$arg" = --permissive ]; then permissive=1; else args+=("$arg"); fi
done
if [ $permissive = 1 ]; then
    corpora=(wcxb cleaneval)
    output_given=0
    for arg in ${args[@]+"${args[@]}"}; do
        case "$arg" in -o|--output|-o?*|--output=*) output_given=1 ;; esac
    done
    if [ $output_given = 0 ]; then
        echo "train.sh --permissive needs -o FILE (it must not replace the shipped model)" >&2
        exit 2
    fi
else
    corpora=(wcxb dragnet cleaneval daniel)
fi
shared=../shared/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash training/recipe_data.sh "$work" "${corpora[@]}"
folders=()
for corpus in "${corpora[@]}"; do
    if [ "$corpus" = wcxb ]; then
        folders+=("$shared/wcxb/pages" "$work/wcxb/text" "$work/wcxb/md")
    else
        folders+=("$shared/$corpus/pages" "$shared/$corpus/dumps/text" "$shared/$corpus/dumps/md")
    fi
done
linesift train \
    "${folders[@]}" \
    labeled \
    --weight "$shared/wcxb/pages=2" --weight "$work/wcxb/text=2" --weight "$work/wcxb/md=2" --weight labeled=25 \
    --alpha 3e-5 --exclude "$work/flagged" -o model/linesift.npz ${args[@]+"${args[@]}"}
