"""Check the word lists (training/data/stopwords.txt, chrome_words.txt, cjk_function_chars.txt)
on the shared corpora's labeled plain-text dumps, per language of the page.

For each language it prints, over the lines of at least MIN_WORDS words, the mean stopword
density of content lines and of chrome lines and their difference (the separation, which
should be clearly positive), with the lists of a git revision (``--before``, default
``main``) and with the lists of this checkout; then the share of lines with a chrome-list
hit (counted as ``line_stats`` counts them), content vs chrome; and for lines with CJK
text, the share of function characters among their CJK characters. Stopword and chrome
counts come from ``linesift.features.text.line_stats`` itself, run once with each list.

Languages: DAnIEL's ``meta.json`` gives each page's; WCXB has none, so its pages are told
by py3langid on their gold text (``pip install py3langid``; without it they count as
"wcxb ?"). Flagged pages of each corpus's index.tsv are left out.

Most added languages have no labeled pages here, so a proxy follows (needs ``pip install
wordfreq``): per language, the stopword density that its running text is expected to have
(its PROXY_WORDS commonest words, weighted by their wordfreq frequency and cut into tokens
as line_stats cuts a line; for Chinese and Japanese, the share of function characters
among their CJK characters), against the
mean density of the user-interface strings of the software installed here (the
translated .mo catalogues under /usr/share/locale, place and language names left out):
short labels and messages, the nearest thing to page chrome a machine holds in 40
languages. English is the calibration: its UI strings are the catalogues' source strings.
The proxy also lists each language's listed words that are rare in it (wordfreq Zipf below
RARE_ZIPF): likely mistakes. Korean has no proxy (wordfreq splits its particles off).

``--words`` also lists, per language, the listed words that come at least as often in
chrome lines as in content lines (per 1000 words), the chrome-list entries that hit
content lines more often than chrome lines, and the CJK function characters that are
commoner in chrome: words to reconsider. ``--candidates a,b,c`` rates words that are not
in the list the same way. Only list words are printed, never corpus text.

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

import linesift.features.text as text_features
from linesift.features.text import STAT_FIELDS, line_stats
from linesift.lines import parse_line
from linesift.reading import CHROME, CONTENT, read_labeled_corpus

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "training" / "data"
MIN_WORDS = 5            # lines shorter than this are left out of the density means
MIN_WORD_HITS = 20       # a word is reported by --words only past this many hits
CJK_FUNCTION_FILE = "cjk_function_chars.txt"
WCXB_LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "bg": "Bulgarian",
                  "id": "Indonesian", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "pl": "Polish"}
LOCALE = Path("/usr/share/locale")
PROXY_WORDS = 50_000     # the commonest words of a language whose frequencies make its running text
RARE_ZIPF = 3.0          # a listed word rarer than this in its language (~1 per million tokens) is reported
# Sections of stopwords.txt (their comment line) -> wordfreq languages -> .mo catalogue folders.
SECTION_LANGUAGES = {
    "English, German, French, Spanish, Italian, Portuguese, Dutch": ["en", "de", "fr", "es", "it", "pt", "nl"],
    "Russian": ["ru"], "Ukrainian": ["uk"], "Bulgarian": ["bg"],
    "Serbian, Croatian and Bosnian (Latin and Cyrillic)": ["sh"], "Polish": ["pl"], "Czech": ["cs"],
    "Slovak": ["sk"], "Romanian": ["ro"], "Hungarian": ["hu"], "Greek": ["el"], "Turkish": ["tr"],
    "Swedish": ["sv"], "Danish and Norwegian": ["da", "nb"], "Finnish": ["fi"],
    "Indonesian and Malay": ["id", "ms"], "Vietnamese": ["vi"], "Arabic": ["ar"], "Persian": ["fa"],
    "Hebrew": ["he"], "Hindi": ["hi"], "Catalan": ["ca"], "Korean": ["ko"],
}
CATALOGUES = {"sh": ["sr", "hr", "bs"], "pt": ["pt", "pt_BR"], "zh": ["zh_CN", "zh_TW"]}
CJK_LANGUAGES = ("zh", "ja")
_FORMAT = re.compile(r"%[-+ #0-9.]*[a-zA-Z]|\{[^}]*\}|[_&]")   # printf/brace placeholders, mnemonics
_STOP, _WORDS, _CHROME = (STAT_FIELDS.index(name) for name in ("stop", "words", "chrome"))


def parse_list(text):
    """The entries of a list file, read by the rule of linesift.features.text."""
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def lists_at(revision):
    """(stopwords, chrome words, CJK function chars) of a git revision; a file it lacks is empty."""
    def read(name):
        shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:training/data/{name}"],
                               capture_output=True, text=True)
        return parse_list(shown.stdout) if shown.returncode == 0 else frozenset()
    return read("stopwords.txt"), read("chrome_words.txt"), read(CJK_FUNCTION_FILE)


def lists_here():
    def read(name):
        path = DATA / name
        return parse_list(path.read_text(encoding="utf-8")) if path.exists() else frozenset()
    return read("stopwords.txt"), read("chrome_words.txt"), read(CJK_FUNCTION_FILE)


def is_cjk(char):
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x3040 <= code <= 0x30FF
            or 0xF900 <= code <= 0xFAFF)


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


def counts_with(lines, stopwords, chrome_words):
    """(stopwords, words, chrome hits) of each line, as line_stats counts them with these lists."""
    saved = text_features.STOPWORDS, text_features.CHROME_WORDS
    text_features.STOPWORDS, text_features.CHROME_WORDS = stopwords, chrome_words
    try:
        return [(s[_STOP], s[_WORDS], s[_CHROME]) for s in (line_stats(line)[0] for _, _, line in lines)]
    finally:
        text_features.STOPWORDS, text_features.CHROME_WORDS = saved


def mean(values):
    return sum(values) / len(values) if values else float("nan")


def density_table(lines, before, after):
    """Rows per language: lines, then content/chrome mean density and separation, before and after."""
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


def cjk_table(lines, before_chars, after_chars):
    """Per language: the mean share of function characters among the CJK characters of lines
    with at least MIN_WORDS of them, content vs chrome, before and after."""
    rows = defaultdict(lambda: {"lines": Counter(), "before": defaultdict(list), "after": defaultdict(list)})
    for language, label, line in lines:
        chars = [c for c in parse_line(line).text if is_cjk(c)]
        if len(chars) < MIN_WORDS:
            continue
        row = rows[language]
        row["lines"][label] += 1
        row["before"][label].append(sum(c in before_chars for c in chars) / len(chars))
        row["after"][label].append(sum(c in after_chars for c in chars) / len(chars))
    return rows


def print_density(rows, title, key_before="before", key_after="after", count=True):
    print(f"\n{title}\n")
    head = "| language | content lines | chrome lines |" if count else "| language |"
    print(head + " content before | chrome before | separation before | content after | chrome after | separation after |")
    print("|---" * (head.count("|") - 1 + 6) + "|")
    for language in sorted(rows, key=lambda name: -sum(rows[name]["lines"].values())):
        row = rows[language]
        cells = [language]
        if count:
            cells += [str(row["lines"][CONTENT]), str(row["lines"][CHROME])]
        for key in (key_before, key_after):
            content, chrome = mean(row[key][CONTENT]), mean(row[key][CHROME])
            cells += [f"{content:.3f}", f"{chrome:.3f}", f"{content - chrome:+.3f}"]
        print("| " + " | ".join(cells) + " |")


def word_report(lines, stopwords, chrome_words, function_chars, candidates):
    """Listed words that push the wrong way, per language (see the module docstring)."""
    words = defaultdict(lambda: {CONTENT: Counter(), CHROME: Counter()})
    totals = defaultdict(Counter)
    chrome_hits = defaultdict(lambda: {CONTENT: Counter(), CHROME: Counter()})
    line_totals = defaultdict(Counter)
    chars = defaultdict(lambda: {CONTENT: Counter(), CHROME: Counter()})
    char_totals = defaultdict(Counter)
    wanted = stopwords | candidates
    for language, label, line in lines:
        text = parse_line(line).text
        tokens = text_features._WORD.findall(text.lower())
        line_totals[language][label] += 1
        head = tokens[:text_features.KEYWORD_WORDS]
        for entry in set(head) | {a + " " + b for a, b in zip(head, head[1:])}:
            if entry in chrome_words:
                chrome_hits[language][label][entry] += 1
        cjk = [c for c in text if is_cjk(c)]
        if len(cjk) >= MIN_WORDS:
            char_totals[language][label] += len(cjk)
            chars[language][label].update(c for c in cjk if c in function_chars)
        if len(tokens) < MIN_WORDS:
            continue
        totals[language][label] += len(tokens)
        words[language][label].update(t for t in tokens if t in wanted)
    print(f"\nWords to reconsider (>= {MIN_WORD_HITS} hits; rates per 1000 words of content / chrome lines)")
    for language in sorted(totals):
        content, chrome = words[language][CONTENT], words[language][CHROME]
        n_content, n_chrome = max(totals[language][CONTENT], 1), max(totals[language][CHROME], 1)
        bad = []
        for word in sorted(set(content) | set(chrome)):
            if content[word] + chrome[word] < MIN_WORD_HITS:
                continue
            rate_content, rate_chrome = 1000 * content[word] / n_content, 1000 * chrome[word] / n_chrome
            if rate_chrome >= rate_content or word in candidates:
                mark = "" if word in stopwords else " (candidate)"
                bad.append(f"{word} {rate_content:.1f}/{rate_chrome:.1f}{mark}")
        if bad:
            print(f"- {language}: " + ", ".join(bad))
    print("\nChrome entries hitting content lines more often than chrome lines (share of lines, content / chrome)")
    for language in sorted(line_totals):
        hits = chrome_hits[language]
        n_content, n_chrome = max(line_totals[language][CONTENT], 1), max(line_totals[language][CHROME], 1)
        bad = [f"{entry} {hits[CONTENT][entry] / n_content:.4f}/{hits[CHROME][entry] / n_chrome:.4f}"
               for entry in sorted(set(hits[CONTENT]) | set(hits[CHROME]))
               if hits[CONTENT][entry] + hits[CHROME][entry] >= MIN_WORD_HITS // 2
               and hits[CONTENT][entry] / n_content > hits[CHROME][entry] / n_chrome]
        if bad:
            print(f"- {language}: " + ", ".join(bad))
    print("\nCJK function characters commoner in chrome (per 1000 CJK characters, content / chrome)")
    for language in sorted(char_totals):
        n_content, n_chrome = max(char_totals[language][CONTENT], 1), max(char_totals[language][CHROME], 1)
        found = chars[language]
        rates = {c: (1000 * found[CONTENT][c] / n_content, 1000 * found[CHROME][c] / n_chrome)
                 for c in set(found[CONTENT]) | set(found[CHROME])}
        bad = [f"{c} {a:.1f}/{b:.1f}" for c, (a, b) in sorted(rates.items(), key=lambda kv: kv[1][0] - kv[1][1])
               if b >= a and found[CONTENT][c] + found[CHROME][c] >= MIN_WORD_HITS]
        if bad:
            print(f"- {language}: " + ", ".join(bad))


def sections(path):
    """word -> the wordfreq languages of the stopwords.txt section that lists it."""
    found, languages = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            languages = SECTION_LANGUAGES.get(line[2:], languages)
        elif line.strip() and not line.startswith("#"):
            found[line.strip()] = languages or []
    return found


def ui_strings(folders, source=False):
    """The translated strings (or with ``source``, the English source strings) of the .mo
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
                text_of = key[0] if isinstance(key, tuple) else key
                if not text_of:
                    continue       # the catalogue's header
                strings += [_FORMAT.sub(" ", part) for part in (text_of if source else value).splitlines()]
    return strings


def cjk_share(text, function_chars):
    chars = [c for c in text if is_cjk(c)]
    return sum(c in function_chars for c in chars) / len(chars) if len(chars) >= MIN_WORDS else None


def text_density(weighted_words, is_function, tokens_of):
    """Expected share of function tokens in running text, from (frequency, word) pairs."""
    function = total = 0.0
    for frequency, word in weighted_words:
        tokens = tokens_of(word)
        function += frequency * sum(map(is_function, tokens))
        total += frequency * len(tokens)
    return function / total


def proxy_table(before, after, section_of):
    """Per language: expected running-text density (wordfreq) vs mean density of UI strings."""
    try:
        import wordfreq
    except ImportError:
        print("\n(proxy skipped: pip install wordfreq)")
        return
    languages = [code for codes in SECTION_LANGUAGES.values() for code in codes if code != "ko"] + list(CJK_LANGUAGES)
    print(f"\nProxy for languages without labeled pages: expected density of running text (its {PROXY_WORDS} "
          "commonest words by wordfreq, cut into tokens as line_stats cuts a line) vs mean density of the installed "
          f"UI strings (.mo catalogues) of >= 1 word and of >= {MIN_WORDS} words; for zh and ja, CJK characters\n")
    print("| language | UI strings | text before | UI before | UI >=5 before | separation before | text after "
          "| UI after | UI >=5 after | separation after |")
    print("|---" * 10 + "|")
    rare = {}
    for code in languages:
        frequencies = wordfreq.get_frequency_dict(code)
        # wordfreq writes a Greek final sigma as σ.
        weighted = [(frequencies[word], re.sub(r"σ\b", "ς", word)) for word in wordfreq.top_n_list(code, PROXY_WORDS)]
        # English: the source strings of the French catalogues (the best covered here).
        strings = ui_strings(["fr"], source=True) if code == "en" else ui_strings(CATALOGUES.get(code, [code]))
        cells = [code, str(len(strings))]
        for stopwords, chrome_words, function_chars in (before, after):
            if code in CJK_LANGUAGES:
                text = text_density(weighted, function_chars.__contains__, lambda word: [c for c in word if is_cjk(c)])
                ui = mean([x for x in (cjk_share(s, function_chars) for s in strings) if x is not None])
                ui_long = float("nan")
            else:
                text = text_density(weighted, stopwords.__contains__, lambda word: text_features._WORD.findall(word.lower()))
                counted = [(s[0], s[1]) for s in counts_with([(None, None, line) for line in strings if line.strip()],
                                                              stopwords, chrome_words) if s[1]]
                ui = mean([stop / words for stop, words in counted])
                ui_long = mean([stop / words for stop, words in counted if words >= MIN_WORDS])
            cells += [f"{text:.3f}", f"{ui:.3f}", f"{ui_long:.3f}", f"{text - ui:+.3f}"]
        print("| " + " | ".join(cells) + " |")
        if code not in CJK_LANGUAGES:
            rare[code] = sorted(word for word, codes in section_of.items() if code in codes
                                and all(wordfreq.zipf_frequency(word, c) < RARE_ZIPF for c in codes if c != "ko"))
    print(f"\nListed words rarer than Zipf {RARE_ZIPF} in every language of their section (wordfreq):")
    for code, words in rare.items():
        if words:
            print(f"- {code}: {', '.join(words)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"), help="the shared folder (default: beside the checkout)")
    parser.add_argument("--before", default="main", help="git revision whose lists are 'before' (default: main)")
    parser.add_argument("--words", action="store_true", help="also list the words that push the wrong way")
    parser.add_argument("--candidates", default="", help="comma-separated words not in the list to rate with --words")
    args = parser.parse_args()
    shared = Path(args.shared)
    if not (shared / "corpus").exists():
        sys.exit(f"check_word_lists: {shared}: no corpus folder")
    lines = list(labeled_lines(shared))
    print(f"{len(lines)} labeled lines; lists before: {args.before}, after: this checkout", file=sys.stderr)
    stop_before, chrome_before, cjk_before = lists_at(args.before)
    stop_after, chrome_after, cjk_after = lists_here()
    print(f"stopwords {len(stop_before)} -> {len(stop_after)}, chrome words {len(chrome_before)} -> "
          f"{len(chrome_after)}, CJK function characters {len(cjk_before)} -> {len(cjk_after)}")
    rows = density_table(lines, counts_with(lines, stop_before, chrome_before), counts_with(lines, stop_after, chrome_after))
    print_density(rows, f"Stopword density, lines of >= {MIN_WORDS} words (words as line_stats counts them)")
    print_density(rows, "Share of lines with a chrome-list hit, all lines with text (here the separation should be negative)", "chrome_before", "chrome_after", count=False)
    print_density(cjk_table(lines, cjk_before, cjk_after),
                  f"Function characters / CJK characters, lines of >= {MIN_WORDS} CJK characters")
    proxy_table((stop_before, chrome_before, cjk_before), (stop_after, chrome_after, cjk_after),
                sections(DATA / "stopwords.txt"))
    if args.words:
        candidates = frozenset(word for word in args.candidates.split(",") if word)
        word_report(lines, stop_after, chrome_after, cjk_after, candidates)


if __name__ == "__main__":
    main()
