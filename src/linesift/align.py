"""Align stage: a page's lines + the gold main text -> a content/chrome label per line.

Research corpora give the main text of a page (what a person copied), not labels for
its lines. The labels are made by the rule the shared corpora were made with:

1. Words are the ``\\w+`` runs of the text, compared case-folded.
2. Whole lines first: a page line whose words equal a gold line's words is paired with
   it, the pairs in the same order on both sides (a longest-block line diff). So a
   headline that stands once in the gold text and twice on the page (in the article
   and in a "more stories" list) is paired once, where it fits the order of the rest,
   and the other copy stays chrome. Before the first pair, ties go to the copy nearest
   the paired lines, not the first one on the page.
3. Then words: between two consecutive line pairs, the words of the unpaired page lines
   are aligned to the words of the unpaired gold lines, in order (a diff of the two word
   lists, see _matching_pairs).
4. A line is content (1) when at least half of its words are aligned; otherwise chrome
   (0). A line with no words is content only when the nearest lines with words before
   and after it are both content (so a rule inside the article stays with it, and the
   first and last lines of a page take chrome).

Speed: difflib's SequenceMatcher with autojunk=False is quadratic on the long word lists
of big pages, where common words occur hundreds of times. _matching_pairs runs a
patience diff first (words occurring once on each side, kept where they are in order,
split the lists into short stretches) and calls SequenceMatcher only on the stretches
that have no such anchor, which are short.
"""

import re
from bisect import bisect_left
from collections import Counter
from difflib import SequenceMatcher

from linesift.labels import CHROME, CONTENT  # 0 and 1, the labels of labeled pages

MIN_ALIGNED_SHARE = 0.5     # a line is content when at least this share of its words align
_WORD = re.compile(r"\w+")
_NOT_IN_GOLD = -1


def words_of(text: str) -> list:
    """The words the alignment compares: ``\\w+`` runs, case-folded."""
    return [word.casefold() for word in _WORD.findall(text)]


def _unique_anchors(a, b, alo, ahi, blo, bhi):
    """Pairs (i, j) of items occurring exactly once in a[alo:ahi] and in b[blo:bhi],
    the longest run of them in the same order on both sides (patience sorting)."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    position_b = {}
    for j in range(blo, bhi):
        if count_b[b[j]] == 1:
            position_b[b[j]] = j
    candidates = [(i, position_b[a[i]]) for i in range(alo, ahi)
                  if count_a[a[i]] == 1 and a[i] in position_b]
    if not candidates:
        return []
    tails, tail_index, previous = [], [], [None] * len(candidates)
    for k, (_, j) in enumerate(candidates):
        slot = bisect_left(tails, j)
        if slot == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[slot] = j
            tail_index[slot] = k
        previous[k] = tail_index[slot - 1] if slot else None
    chain, k = [], tail_index[-1]
    while k is not None:
        chain.append(candidates[k])
        k = previous[k]
    return chain[::-1]


def _match_stretch(a, b, alo, ahi, blo, bhi, prefer_end, out):
    # Common prefix and suffix are pairs as they stand; the end first when it is preferred.
    prefix_first = not prefer_end
    if prefix_first:
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            out.append((alo, blo))
            alo += 1
            blo += 1
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi -= 1
        bhi -= 1
        out.append((ahi, bhi))
    if not prefix_first:
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            out.append((alo, blo))
            alo += 1
            blo += 1
    if alo < ahi and blo < bhi:
        anchors = _unique_anchors(a, b, alo, ahi, blo, bhi)
        if anchors:
            last_a, last_b = alo, blo
            for i, j in anchors:
                _match_stretch(a, b, last_a, i, last_b, j, prefer_end and last_a == alo, out)
                out.append((i, j))
                last_a, last_b = i + 1, j + 1
            _match_stretch(a, b, last_a, ahi, last_b, bhi, False, out)
        else:
            _match_with_difflib(a[alo:ahi], b[blo:bhi], alo, blo, prefer_end, out)


def _match_with_difflib(a, b, a_offset, b_offset, prefer_end, out):
    if prefer_end:   # matched backwards, so ties go to the copy nearest the end
        n, m = len(a), len(b)
        blocks = SequenceMatcher(None, a[::-1], b[::-1], autojunk=False).get_matching_blocks()
        for i, j, size in blocks:
            for k in range(size):
                out.append((a_offset + n - 1 - (i + k), b_offset + m - 1 - (j + k)))
    else:
        for i, j, size in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            out.extend((a_offset + i + k, b_offset + j + k) for k in range(size))


def _matching_pairs(a: list, b: list, prefer_end: bool = True) -> list:
    """Pairs (i, j) with a[i] == b[j], increasing on both sides, as a diff finds them.

    ``prefer_end``: where an item before the first anchor could pair with several
    copies, take the one nearest the anchors (the end of that stretch).
    """
    out = []
    _match_stretch(a, b, 0, len(a), 0, len(b), prefer_end, out)
    out.sort()
    return out


def align_labels(lines: list, gold: str) -> list:
    """CONTENT (1) or CHROME (0) for each of ``lines``, by the rule in the module docstring."""
    line_words = [words_of(line) for line in lines]
    gold_lines = [words for words in map(words_of, gold.splitlines()) if words]
    labels = [CHROME] * len(lines)
    if not gold_lines:
        return labels
    # 1. Whole lines.
    line_ids = {}
    gold_keys = [line_ids.setdefault(" ".join(words), len(line_ids)) for words in gold_lines]
    page_keys = [line_ids.get(" ".join(words), _NOT_IN_GOLD) if words else _NOT_IN_GOLD for words in line_words]
    aligned = [0] * len(lines)
    line_pairs = _matching_pairs(page_keys, gold_keys)
    for i, _ in line_pairs:
        aligned[i] = len(line_words[i])
    # 2. Words between consecutive line pairs.
    word_ids = {}
    for words in gold_lines:
        for word in words:
            word_ids.setdefault(word, len(word_ids))
    bounds = [(-1, -1)] + line_pairs + [(len(lines), len(gold_lines))]
    for (page_start, gold_start), (page_end, gold_end) in zip(bounds, bounds[1:]):
        if page_end - page_start < 2 or gold_end - gold_start < 2:
            continue
        page_seq, owner = [], []
        for i in range(page_start + 1, page_end):
            for word in line_words[i]:
                page_seq.append(word_ids.get(word, _NOT_IN_GOLD))
                owner.append(i)
        gold_seq = [word_ids[word] for g in range(gold_start + 1, gold_end) for word in gold_lines[g]]
        for i, _ in _matching_pairs(page_seq, gold_seq, prefer_end=page_start < 0):
            aligned[owner[i]] += 1
    # 3. Labels.
    for i, words in enumerate(line_words):
        if words and aligned[i] >= MIN_ALIGNED_SHARE * len(words):
            labels[i] = CONTENT
    next_wordy = [None] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        next_wordy[i] = i if line_words[i] else next_wordy[i + 1]
    previous = None
    for i, words in enumerate(line_words):
        if words:
            previous = i
            continue
        following = next_wordy[i]
        if previous is not None and following is not None and labels[previous] == labels[following] == CONTENT:
            labels[i] = CONTENT
    return labels
