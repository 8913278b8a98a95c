"""Check the word lists (src/linesift/data/stopwords.txt, cjk_function_chars.txt, chrome_words.txt)
on the shared corpora's labeled plain-text dumps, per language of the page.

For each language it prints, over the lines of at least MIN_WORDS words, the mean stopword
density of content lines and of chrome lines and their difference (the separation, which
should be clearly positive), with the lists of a git revision (``--before``, default
``main``) and with the lists of this checkout; then the share of lines with a chrome-list
hit, content vs chrome. Words, stopwords and chrome hits are counted by
``linesift.features.text.text_stats`` itself, run once with each list, so a CJK line counts
its characters as words and the CJK function characters as stopwords, as the model sees it.

Languages: DAnIEL's ``meta.json`` gives each page's; WCXB has none, so its pages are told
by py3langid on their gold text (without py3langid they count as "wcxb ?"). Flagged pages
of each corpus's index.tsv are left out.

Most languages of the lists have no labeled pages here, so a proxy follows (needs
wordfreq): per language, the stopword density its running text is expected to have (its
PROXY_WORDS commonest words, each counted by text_stats and weighted by its wordfreq
frequency), against the mean density of the user-interface strings of the software
installed here (the translated .mo catalogues under /usr/share/locale, place and language
names left out): labels and messages, the nearest thing to page chrome a machine holds in
40 languages. English is the calibration: its UI strings are the catalogues' source
strings. Korean has no proxy (wordfreq splits its particles off). The proxy also lists
the listed words that are rare in their language (wordfreq Zipf below RARE_ZIPF): likely
mistakes.

``--words`` also lists, per language, the listed words that come at least as often in
chrome lines as in content lines (per 1000 words) and the chrome-list entries that hit
content lines more often than chrome lines: entries to reconsider. ``--candidates a,b,c``
rates words that are not in the list the same way. Only list words are printed, never
corpus text.

    pip install -e '.[bench]'                            # py3langid, wordfreq
    python tests/bench/check_word_lists.py                 # ../shared beside the checkout
    python tests/bench/check_word_lists.py --words --candidates о,все,o
"""

import argparse
import csv
import gettext
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from linesift.corpus import read_labeled_corpus
from linesift.features import _stats
from linesift.features.text import KEYWORD_WORDS, STAT_FIELDS, text_stats
from linesift.features.words import CHROME_WORDS, STOPWORDS
from linesift.labels import CHROME, CONTENT
from linesift.lines import parse_line

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "linesift" / "data"
LIST_FILES = ("stopwords.txt", "cjk_function_chars.txt", "chrome_words.txt")
MIN_WORDS = 5            # lines shorter than this are left out of the density means
MIN_WORD_HITS = 20       # a word is reported by --words only past this many hits
PROXY_WORDS = 20_000     # the commonest words of a language, whose frequencies make its running text
RARE_ZIPF = 3.0          # a listed word rarer than this in its language (~1 per million tokens) is reported
LOCALE = Path("/usr/share/locale")
WCXB_LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "bg": "Bulgarian",
                  "id": "Indonesian", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "pl": "Polish"}
# Sections of stopwords.txt (their comment line) -> wordfreq languages.
SECTION_LANGUAGES = {
    "English, German, French, Spanish, Italian, Portuguese, Dutch": ["en", "de", "fr", "es", "it", "pt", "nl"],
    "Russian": ["ru"], "Ukrainian": ["uk"], "Bulgarian": ["bg"],
    "Serbian, Croatian and Bosnian (Latin and Cyrillic)": ["sh"], "Polish": ["pl"], "Czech": ["cs"],
    "Slovak": ["sk"], "Romanian": ["ro"], "Hungarian": ["hu"], "Greek": ["el"], "Turkish": ["tr"],
    "Swedish": ["sv"], "Danish and Norwegian": ["da", "nb"], "Finnish": ["fi"],
    "Indonesian and Malay": ["id", "ms"], "Vietnamese": ["vi"], "Arabic": ["ar"], "Persian": ["fa"],
    "Hebrew": ["he"], "Hindi": ["hi"], "Catalan": ["ca"], "Korean": ["ko"],
}
PROXY_LANGUAGES = [code for codes in SECTION_LANGUAGES.values() for code in codes if code != "ko"] + ["zh", "ja"]
CATALOGUES = {"sh": ["sr", "hr", "bs"], "pt": ["pt", "pt_BR"], "zh": ["zh_CN", "zh_TW"]}   # wordfreq -> locale folders
_FORMAT = re.compile(r"%[-+ #0-9.]*[a-zA-Z]|\{[^}]*\}|[_&]")   # printf/brace placeholders, mnemonics
_STOP, _WORDS, _CHROME = (STAT_FIELDS.index(name) for name in ("stop", "words", "chrome"))


def parse_list(text):
    """The entries of a list file, read by the rule of linesift.features.text."""
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def as_features_read(stopwords, cjk_chars, chrome_words):
    # features/text.py: the CJK function characters are stopwords of a CJK line.
    return stopwords | cjk_chars, chrome_words


def lists_at(revision):
    """(stopwords, chrome words) as the features read them at a git revision; a missing file is empty."""
    def read(name):
        shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:src/linesift/data/{name}"],
                               capture_output=True, text=True)
        return parse_list(shown.stdout) if shown.returncode == 0 else frozenset()
    return as_features_read(*map(read, LIST_FILES))


def lists_here():
    return as_features_read(*(parse_list((DATA / name).read_text(encoding="utf-8")) for name in LIST_FILES))


def flagged(corpus):
    with open(corpus / "index.tsv", encoding="utf-8", newline="") as handle:
        return [str(corpus / row["dump"]) for row in csv.DictReader(handle, delimiter="\t") if row["flags"]]


def page_languages(corpus):
    """page_id -> language name, from meta.json (DAnIEL) or py3langid on gold.txt (WCXB)."""
    try:
        import py3langid
    except ImportError:
        py3langid = None
    languages = {}
    for meta_path in (corpus / "pages").glob("*/meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if "language" in meta:
            languages[meta_path.parent.name] = meta["language"]
            continue
        gold = (meta_path.parent / "gold.txt").read_text(encoding="utf-8")[:5000]
        if py3langid is None or not gold.strip():
            languages[meta_path.parent.name] = f"{corpus.name} ?"
        else:
            code = py3langid.classify(gold)[0]
            languages[meta_path.parent.name] = WCXB_LANGUAGES.get(code, code)
    return languages


def labeled_lines(shared):
    """(language, label, line) of every labeled line of the corpora's plain-text dumps."""
    for name in ("daniel", "wcxb"):
        corpus = shared / "corpus" / name
        if not corpus.exists():
            continue
        languages = page_languages(corpus)
        for page in read_labeled_corpus([corpus / "dumps" / "text"], exclude=flagged(corpus)):
            language = languages.get(Path(page.source).stem, f"{name} ?")
            for line, label in zip(page.lines, page.labels):
                if label in (CONTENT, CHROME) and line.strip():
                    yield language, label, line


def counts_with(lines, lists):
    """(stopwords, words, chrome hits) of each line, as the features count them with these lists."""
    _stats.set_word_lists(*lists)
    try:
        counts = text_stats(list(lines)).counts
        return [tuple(row) for row in counts[:, [_STOP, _WORDS, _CHROME]].tolist()]
    finally:
        _stats.set_word_lists(STOPWORDS, CHROME_WORDS)


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def words_of(line):
    # The feature's tokens: \w+ runs, a CJK character each (the same as \w+ on other text).
    return _stats.split_words(parse_line(line).text.lower())


def density_rows(lines, before, after):
    """Per language: line counts, stopword densities and chrome-hit flags by label, before and after."""
    rows = defaultdict(lambda: {"lines": Counter(), "before": defaultdict(list), "after": defaultdict(list),
                                "chrome_before": defaultdict(list), "chrome_after": defaultdict(list)})
    for (language, label, _), old, new in zip(lines, before, after):
        row = rows[language]
        row["chrome_before"][label].append(old[2] > 0)
        row["chrome_after"][label].append(new[2] > 0)
        if new[1] >= MIN_WORDS:
            row["lines"][label] += 1
            row["before"][label].append(old[0] / old[1])
            row["after"][label].append(new[0] / new[1])
    return rows


def print_table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|---" * len(header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def print_densities(rows, title, before="before", after="after", counts=True):
    print(f"\n{title}\n")
    header = ["language"] + (["content lines", "chrome lines"] if counts else [])
    for when in ("before", "after"):
        header += [f"content {when}", f"chrome {when}", f"separation {when}"]
    table = []
    for language in sorted(rows, key=lambda name: -sum(rows[name]["lines"].values())):
        row = rows[language]
        cells = [language] + ([str(row["lines"][CONTENT]), str(row["lines"][CHROME])] if counts else [])
        for key in (before, after):
            content, chrome = mean(row[key][CONTENT]), mean(row[key][CHROME])
            cells += [f"{content:.3f}", f"{chrome:.3f}", f"{content - chrome:+.3f}"]
        table.append(cells)
    print_table(header, table)


def sections(path):
    """word -> the wordfreq languages of the stopwords.txt section that lists it."""
    found, languages = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            languages = SECTION_LANGUAGES.get(line[2:], languages)
        elif line.strip() and not line.startswith("#"):
            found[line.strip()] = languages
    return found


def ui_strings(folders, source=False):
    """The translated strings (with ``source``, the English source strings) of the .mo
    catalogues in these locale folders, one per line, placeholders and mnemonics removed."""
    strings = []
    for folder in folders:
        for path in sorted((LOCALE / folder / "LC_MESSAGES").glob("*.mo")):
            if path.name.startswith("iso_"):
                continue   # names of places, languages, currencies: not interface text
            with open(path, "rb") as handle:
                try:
                    catalogue = gettext.GNUTranslations(handle)._catalog
                except (OSError, UnicodeDecodeError):
                    continue
            for key, value in catalogue.items():
                original = key[0] if isinstance(key, tuple) else key
                if original:   # the empty msgid is the catalogue's header
                    strings += [_FORMAT.sub(" ", part) for part in (original if source else value).splitlines()
                                if part.strip()]
    return strings


def proxy(before, after, section_of):
    """Per language: expected running-text density (wordfreq) vs mean density of UI strings."""
    try:
        import wordfreq
    except ImportError:
        print("\n(proxy skipped: pip install wordfreq)")
        return
    print(f"\nProxy for languages without labeled pages: expected stopword density of running text (its "
          f"{PROXY_WORDS} commonest words by wordfreq) vs mean density of the installed UI strings (.mo "
          f"catalogues), all and those of >= {MIN_WORDS} words\n")
    header = ["language", "UI strings"]
    for when in ("before", "after"):
        header += [f"text {when}", f"UI {when}", f"UI >= {MIN_WORDS} {when}", f"separation {when}"]
    table, rare = [], {}
    for code in PROXY_LANGUAGES:
        frequencies = wordfreq.get_frequency_dict(code)
        # wordfreq writes a Greek final sigma as σ.
        top = [(frequencies[word], re.sub(r"σ\b", "ς", word)) for word in wordfreq.top_n_list(code, PROXY_WORDS)]
        # English: the source strings of the French catalogues (the best covered here).
        strings = ui_strings(["fr"], source=True) if code == "en" else ui_strings(CATALOGUES.get(code, [code]))
        cells = [code, str(len(strings))]
        for lists in (before, after):
            counted = counts_with([word for _, word in top], lists)
            text = (sum(f * stop for (f, _), (stop, _, _) in zip(top, counted))
                    / sum(f * words for (f, _), (_, words, _) in zip(top, counted)))
            ui = [(stop, words) for stop, words, _ in counts_with(strings, lists) if words]
            ui_all = mean([stop / words for stop, words in ui])
            ui_long = mean([stop / words for stop, words in ui if words >= MIN_WORDS])
            cells += [f"{text:.3f}", f"{ui_all:.3f}", f"{ui_long:.3f}", f"{text - ui_all:+.3f}"]
        table.append(cells)
        rare[code] = sorted(word for word, codes in section_of.items() if code in codes
                            and all(wordfreq.zipf_frequency(word, c) < RARE_ZIPF for c in codes if c != "ko"))
    print_table(header, table)
    print(f"\nListed words rarer than Zipf {RARE_ZIPF} in every language of their section (wordfreq): "
          + ("; ".join(f"{code}: {', '.join(words)}" for code, words in rare.items() if words) or "none"))


def word_report(lines, lists, candidates):
    """Listed words and chrome entries that push the wrong way, per language."""
    stopwords, chrome_words = lists
    wanted = stopwords | candidates
    words = defaultdict(lambda: {CONTENT: Counter(), CHROME: Counter()})
    totals = defaultdict(Counter)
    chrome_hits = defaultdict(lambda: {CONTENT: Counter(), CHROME: Counter()})
    line_totals = defaultdict(Counter)
    for language, label, line in lines:
        tokens = words_of(line)
        line_totals[language][label] += 1
        head = tokens[:KEYWORD_WORDS]
        chrome_hits[language][label].update(entry for entry in set(head) | {a + " " + b for a, b in zip(head, head[1:])}
                                            if entry in chrome_words)
        if len(tokens) >= MIN_WORDS:
            totals[language][label] += len(tokens)
            words[language][label].update(t for t in tokens if t in wanted)
    print(f"\nWords to reconsider (>= {MIN_WORD_HITS} hits; per 1000 words of content / chrome lines)")
    for language in sorted(totals):
        content, chrome = words[language][CONTENT], words[language][CHROME]
        n_content, n_chrome = max(totals[language][CONTENT], 1), max(totals[language][CHROME], 1)
        found = []
        for word in sorted(set(content) | set(chrome)):
            rate_content, rate_chrome = 1000 * content[word] / n_content, 1000 * chrome[word] / n_chrome
            if content[word] + chrome[word] >= MIN_WORD_HITS and (rate_chrome >= rate_content or word in candidates):
                found.append(f"{word} {rate_content:.1f}/{rate_chrome:.1f}" + ("" if word in stopwords else " (candidate)"))
        if found:
            print(f"- {language}: " + ", ".join(found))
    print("\nChrome entries hitting content lines more often than chrome lines (share of lines, content / chrome)")
    for language in sorted(line_totals):
        hits = chrome_hits[language]
        n_content, n_chrome = max(line_totals[language][CONTENT], 1), max(line_totals[language][CHROME], 1)
        found = [f"{entry} {hits[CONTENT][entry] / n_content:.4f}/{hits[CHROME][entry] / n_chrome:.4f}"
                 for entry in sorted(set(hits[CONTENT]) | set(hits[CHROME]))
                 if hits[CONTENT][entry] + hits[CHROME][entry] >= MIN_WORD_HITS // 2
                 and hits[CONTENT][entry] / n_content > hits[CHROME][entry] / n_chrome]
        if found:
            print(f"- {language}: " + ", ".join(found))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared folder (default: beside the checkout)")
    parser.add_argument("--before", default="main", help="git revision whose lists are 'before' (default: main)")
    parser.add_argument("--no-proxy", action="store_true", help="leave out the wordfreq / UI-strings proxy")
    parser.add_argument("--words", action="store_true", help="also list the words that push the wrong way")
    parser.add_argument("--candidates", default="", help="comma-separated words not in the list to rate with --words")
    args = parser.parse_args()
    shared = Path(args.shared)
    if not (shared / "corpus").exists():
        sys.exit(f"check_word_lists: {shared}: no corpus folder")
    lines = list(labeled_lines(shared))
    print(f"{len(lines)} labeled lines", file=sys.stderr)
    before, after = lists_at(args.before), lists_here()
    print(f"stopwords (CJK function characters included) {len(before[0])} -> {len(after[0])}, "
          f"chrome words {len(before[1])} -> {len(after[1])}; before: {args.before}, after: this checkout")
    texts = [line for _, _, line in lines]
    rows = density_rows(lines, counts_with(texts, before), counts_with(texts, after))
    print_densities(rows, f"Stopword density, lines of >= {MIN_WORDS} words")
    print_densities(rows, "Share of lines with a chrome-list hit, all lines with text (the separation should be negative)",
                    "chrome_before", "chrome_after", counts=False)
    if not args.no_proxy:
        proxy(before, after, sections(DATA / "stopwords.txt"))
    if args.words:
        word_report(lines, after, frozenset(word for word in args.candidates.split(",") if word))


if __name__ == "__main__":
    main()
