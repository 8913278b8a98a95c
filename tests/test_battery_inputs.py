"""Inputs that never end, dumps that look like HTML, and every regular expression that
sees a user's text fed its worst case: refused at once, read line for line, linear."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from linesift.cli import main
from linesift.html import is_html

SRC = Path(__file__).resolve().parents[1] / "src" / "linesift"


@pytest.mark.parametrize("shell", ["{cli} predict -q /dev/zero", "{cli} predict -q - < /dev/zero",
                                   "yes | {cli} predict -q -"])
def test_an_endless_input_is_refused_at_the_limit(shell, tmp_path):
    cli = f"{sys.executable} -m linesift"
    result = subprocess.run(shell.format(cli=cli), shell=True, capture_output=True, timeout=60, cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.decode().endswith("page is more than 16 MB, over the limit of 16 MB (--max-page-mb)\n")
    assert result.stdout == b"" and result.stderr.count(b"\n") == 1


DUMPS = [
    b"<div>Home</div>\nNews\nThe council approved the bridge.\n",
    b"<p>First paragraph of a dump.</p>\nSecond line\n<p>third</p>\n",
    b"  <div class=x>menu</div>\n[Home](/) | [News](/news)\n",
    b"<br>\n<span>a</span>\nplain\n",
]


@pytest.mark.parametrize("dump", DUMPS)
def test_a_dump_that_starts_with_a_tag_keeps_its_lines(tmp_path, small_model_file, dump):
    assert not is_html(dump)
    page = tmp_path / "page"
    page.write_bytes(dump)
    result = CliRunner().invoke(main, ["predict", "-m", str(small_model_file), "--format", "labeled", str(page)])
    assert result.exit_code == 0, result.output
    assert [line.split("\t", 1)[1] for line in result.stdout.splitlines()] == dump.decode().splitlines()


@pytest.mark.parametrize("html", [
    b"<!DOCTYPE html><p>The council approved the bridge.</p><p>Second</p>",
    b"<!-- saved -->\n<html><body><p>The council approved the bridge.</p><p>Second</p>",
    b"<?xml version='1.0'?>\n<html><body><p>The council approved the bridge.</p><p>Second</p>",
    b"<meta charset=utf-8><title>t</title><p>The council approved the bridge.</p><p>Second</p>",
    b"\n<head><title>t</title></head><body><p>The council approved the bridge.</p><p>Second</p>",
])
def test_html_without_a_name_is_still_read_as_html(tmp_path, small_model_file, html):
    assert is_html(html)
    page = tmp_path / "page"
    page.write_bytes(html)
    result = CliRunner().invoke(main, ["predict", "-m", str(small_model_file), "--format", "labeled", str(page)])
    assert [line.split("\t", 1)[1] for line in result.stdout.splitlines()] == ["The council approved the bridge.",
                                                                               "Second"]


# Each regular expression of the package that reads a user's text, and what the code that
# runs it is fed: its worst case (a run that a backtracking engine reads again from every
# start). A new pattern fails test_every_regex_has_its_worst_case until it is added here.
N = 200_000
WORST = {
    # The lines stage has no regular expression; its scans get the inputs that would make one quadratic.
    "lines: images": f"parse_line('![a](' * {N // 5}); parse_lines(['![' * {N // 2}, 'x'])",
    "lines: links": f"parse_line('[' * {N}); parse_line('[a](x \"' * {N // 7}); parse_lines(['[a](' * {N // 4}, 'x'])",
    "lines: link titles": f"parse_line('[a](x \"' + '[b](y ' * {N // 6} + '\"')",
    "lines: bare URLs": f"parse_lines(['www.' * {N // 4}, 'http://' * {N // 7}, 'http:// ' * {N // 8}])",
    "lines: lynx references": f"parse_lines(['[1' * {N // 2}, '[' + '1' * {N}, '[' * {N} + '1' * {N}])",
    "lines: list markers": f"parse_lines(['*' + ' ' * {N} + 'x', '1.' * {N // 2}])",
    "lines: headings": f"parse_lines(['#' * {N}, '# ' * {N // 2}])",
    "lines: emphasis": f"parse_line('*_`' * {N // 3})",
    "lines: plain": f"parse_line('a' + 'w' * {N})",
    "html._HTML_START": "is_html(b'<!---->' * 2000); is_html(b'<!--' + b'-' * 2000)",
    "html._CHARSET": "decode_html(b'<meta' * 1000 + b'\\xff'); decode_html(b'<?xml encoding' * 500 + b'\\xff')",
    "_blocks._HIDDEN_STYLE": f"read_html(b'<p style=\"' + b'display :' * {N // 9} + b' ' * {N} + b'\">x</p>')",
    "_blocks._CLASS_WORD": f"read_html(b'<p class=\"' + b'A' * {N} + b'1\">x</p>')",
    "html._ATTRIBUTE": f"read_html(b'<p ' + b'a=\"' * {N // 3} + b'>x'); read_html(b'<p a=' + b'<a ' * {N // 3})",
    "html._START_TAG_ATTRIBUTES": f"read_html(b'<a' * {N // 2}); read_html(b'<p' + b' x' * {N // 2})",
    "html._TAG": f"read_html(b'<div>' * 3000 + b'<!--' * {N // 4} + b'<script>' * 1000)",
    "reading._TAG_NAME": f"read_html_within(b'<' + b'a' * {N} + b' text')",
    "decoding._LINE_BREAK": f"decode_lines(b'\\r' * {N})",
    "features: a line's statistics": f"features_of(['word ' * {N // 5}, 'photo' + ' ' * {N}, '1' * {N}, "
                                     f"' | ' * {N // 3}, 'A' * {N}, '12:' * {N // 3}, '\\u4e00' * {N}])",
}
# Patterns that cannot backtrack, by their shape, and where each is fed by the cases above
# or needs none: one character class repeated (\w+, \d+, [...]), a literal, or bounded.
LINEAR_BY_SHAPE = {
    "evaluation._WORD", "align._WORD", "wordbag._WORD", "shingles._TOKEN", "labeling._PAGE_PATH",
    "output._ESCAPED_IN_JSON", "records._URL_FIELD",   # {1,2048}: bounded
    "markdown._LANGUAGE", "markdown._STARTS_AS_MARKUP", "markdown._SPACES", "markdown._START",
    "linemap._SPACE", "canonical._SPACE", "labeling._VIEW_PATH", "atomic._TEMPORARY",   # one run of one class; anchored literals
    # metadata: literals, one class, anchored, or fed bounded text (a date value cut at 200
    # characters, a byline piece at 120, a URL's path at 1,000); a whole page in WORST below
    "metadata._ARTICLE_TYPE", "metadata._PAGE_TYPE", "metadata._CLASS_WORD", "metadata._BYLINE_LABEL",
    "metadata._DIGIT", "metadata._WORD", "metadata._SPACE", "metadata._URLISH", "metadata._BY", "metadata._LANGUAGE",
    "metadata._NUMERIC_DATE", "metadata._DAY_FIRST_DATE", "metadata._BY_LABEL", "metadata._URL_DATE",
    "metadata._UPDATED",
}
WORST["metadata._SEPARATED"] = (   # every metadata pattern, through page_metadata on one hostile page
    "from linesift.metadata import page_metadata; page_metadata(b'<title>T</title><h1>T</h1><p class=\"'"
    f" + b'related-' * {N // 8} + b'\">' + b'by ' * {N // 3} + b'</p><p>' + b'Written by 1. 1. ' * {N // 17}"
    f" + b'May 1 ' * {N // 6} + b'</p><b>by :</b>' * {N // 11}, 'http://e.com/' + '2012/' * {N // 5})")


def test_every_regex_has_its_worst_case():
    missing = []
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.pyx")]:
        module = path.relative_to(SRC).with_suffix("").as_posix().replace("/", ".")
        for name in re.findall(r"^(_?[A-Z][A-Z_0-9]*) = re\.compile", path.read_text(), re.MULTILINE):
            if f"{module}.{name}" not in WORST and f"{module}.{name}" not in LINEAR_BY_SHAPE:
                missing.append(f"{module}.{name}")
    assert not missing, f"add the worst case of each to WORST: {missing}"


SETUP = """
from linesift.lines import parse_line, parse_lines
from linesift.html import is_html, decode_html, read_html
from linesift.reading import read_html_within
from linesift.decoding import decode_lines
from linesift.limits import PageRefused

def features_of(texts):   # every feature pattern, over the lines of one page
    from linesift.api import classify_texts, load_model
    classify_texts(load_model(), ["\\n".join(texts)])
try:
    {case}
except PageRefused:
    pass
"""


@pytest.mark.parametrize("name", [name for name, case in WORST.items() if case])
def test_each_regex_is_linear_on_its_worst_case(name):
    """Finishes within 60 s where a quadratic pattern took minutes."""
    subprocess.run([sys.executable, "-c", SETUP.format(case=WORST[name])], check=True, timeout=60)
