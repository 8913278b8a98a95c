"""What linesift promises (docs/limits.md), checked through the command line.

1. ``predict`` never drops, reorders or alters a line (property-based, over arbitrary bytes).
2. Bad training/evaluation input is one line ``linesift: FILE[:LINE]: what``, exit 2 for a
   usage mistake and 1 for bad data, never a traceback, and no model file is written.
3. Outputs are atomic: a ``predict`` killed with SIGKILL leaves the old file or the new
   one, never half of one; and none of its processes (workers, resource trackers) outlives
   it by more than a few seconds.
4. Model files are data only: anything but a model this linesift wrote is refused with one
   line, and a pickle in one is never run.
"""

import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
import zipfile
from typing import NamedTuple

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import LABELED, ROOT
from linesift.cli import main
from linesift.decoding import decode_lines
from linesift.html import is_html
from linesift.model_file import save_model
from linesift.train import read_corpus, train_model

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- shared fixtures and helpers ---------------------------------------------------------

@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    """A tiny model, trained once for this module."""
    model = train_model(read_corpus([LABELED]), {"epochs": 2, "context_folds": 2})
    path = tmp_path_factory.mktemp("promises-model") / "tiny.npz"
    save_model(model, path)
    return path


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def predict(runner, model_file, *args, input=None):
    result = runner.invoke(main, ["predict", "-m", str(model_file), "-q", *map(str, args)], input=input)
    assert result.exception is None and result.exit_code == 0, (result.output, result.exception)
    return result.stdout_bytes


def expected_lines(data: bytes) -> list:
    """The input's lines as the decoding policy reads them, as bytes."""
    return [line.encode("utf-8", "surrogateescape") for line in decode_lines(data)]


def output_rows(out: bytes) -> list:
    """Output lines: every one ends in ``\\n``, and nothing else ends one."""
    assert out == b"" or out.endswith(b"\n"), out[-80:]
    return out.split(b"\n")[:-1]


def cut_labels(out: bytes) -> list:
    """``cut -f2-`` of labeled output, checking every non-empty line has a label."""
    cut = []
    for row in output_rows(out):
        if row:
            label, tab, text = row.partition(b"\t")
            assert tab and label in (b"content", b"chrome"), row[:80]
            cut.append(text)
        else:
            cut.append(b"")
    return cut


def is_subsequence(part, whole):
    it = iter(whole)
    return all(any(line == candidate for candidate in it) for line in part)


def assert_one_line_error(result, exit_code, prefix):
    """A user's mistake: exactly one line on stderr starting with ``prefix``, nothing on
    stdout, the given exit code, and no exception escaping (CliRunner swallows
    tracebacks, so an escaped exception is checked for, not just the text)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(prefix), result.stderr


# -- 1. predict never drops, reorders or alters a line -----------------------------------

ODD_PIECES = [
    b"\t", b"\t\t", b"\x00", b"\xef\xbb\xbf", b"\xff", b"\xfe", b"\xe9", b"\xc3", b"\x80",
    b"\xed\xa0\x80", b"\xf0\x9f\x98", b" ", b"   ", b"\x0b", b"\x0c", b"\x1c", b"\x1e",
    "\u2028".encode(), "\u0085".encode(), "\u00a0".encode(), b"\xc2\x85",
    b"Share", b"Home | News", b"The council approved the new bridge on Tuesday after a long debate.",
]
LINE_BREAKS = [b"\n", b"\r\n", b"\r", b"\n\n", b"\r\r\n", b"\n\r"]
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(lambda s: s.encode("utf-8"))
_line = st.lists(st.one_of(_text, st.sampled_from(ODD_PIECES)), max_size=6).map(b"".join)


@st.composite
def page_bytes(draw):
    """Bytes of a page dump: lines of text and odd bytes between every kind of line break,
    sometimes a BOM, sometimes no final break; now and then just arbitrary bytes."""
    if draw(st.integers(0, 7)) == 0:
        return draw(st.binary(max_size=400))
    parts = [draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf"]))]
    lines = draw(st.lists(_line, max_size=20))
    for line in lines:
        parts += [line, draw(st.sampled_from(LINE_BREAKS))]
    if lines and draw(st.booleans()):
        parts.pop()
    return b"".join(parts)


EDGE_CASES = [
    b"", b"\n", b"\n\n\n", b"\r\n\r\n", b"\r", b"\t", b"  \t \n\t\n", b"\xef\xbb\xbf",
    b"\xef\xbb\xbf\xef\xbb\xbfa\n", b"\x00", b"a\x00b\n\x00\n", b"\xff\xfe\n\xe9t\xe9\r\n",
    b"a\rb\r\nc\nd", b"tab\there\tand\there\n\n\tleading tab\n",
    b"Home | News\n\nThe council approved the new bridge on Tuesday after a long debate.\r\n\r\nShare\n",
]


def with_edge_cases(test):
    for case in EDGE_CASES:
        test = example(data=case)(test)
    return test


@PROPERTY
@given(data=page_bytes())
@with_edge_cases
def test_labeled_output_is_the_input_lines_with_labels(runner, model_file, data):
    # stdin is sniffed for HTML by design (an HTML page's lines are its blocks); the
    # generated dumps are not HTML, but make sure, so the promise is about dumps.
    assume(not is_html(data))
    out = predict(runner, model_file, "-f", "labeled", "-", input=data)
    assert cut_labels(out) == expected_lines(data)


@PROPERTY
@given(data=page_bytes())
@with_edge_cases
def test_text_output_is_a_subsequence_of_the_input_lines(runner, model_file, data):
    assume(not is_html(data))
    out = predict(runner, model_file, "-f", "text", "-", input=data)
    assert is_subsequence(output_rows(out), expected_lines(data))


@PROPERTY
@given(data=page_bytes())
@with_edge_cases
def test_jsonl_output_is_valid_utf8_json_holding_every_line(runner, model_file, data):
    assume(not is_html(data))
    out = predict(runner, model_file, "-f", "jsonl", "-", input=data)
    (record,) = [json.loads(row.decode("utf-8")) for row in output_rows(out)]   # strict UTF-8
    lines = record["lines"]
    assert [line["n"] for line in lines] == list(range(1, len(lines) + 1))
    assert [line["text"].encode("utf-8", "surrogateescape") for line in lines] == expected_lines(data)
    assert all((line["label"] is None) == (line["p"] is None) for line in lines)
    assert all(line["label"] in (None, "content", "chrome") for line in lines)


def test_jsonl_of_bytes_that_are_not_utf8_is_valid_json_and_gives_the_bytes_back(runner, model_file, tmp_path):
    raw = b"Caf\xe9 menu\n\xed\xa0\x80 \xff\xfe\nThe long paragraph of the article, with many words in it, is here.\n"
    path = tmp_path / "latin1.txt"
    path.write_bytes(raw)
    out = predict(runner, model_file, "-f", "jsonl", path)
    record = json.loads(out.decode("utf-8"))
    assert [line["text"].encode("utf-8", "surrogateescape") for line in record["lines"]] == raw.split(b"\n")[:-1]


@pytest.mark.parametrize("data", [b"", b"\n", b"\n\n\n", b"   \n\t\n", b"\xef\xbb\xbf", b"\r\n\r\n",
                                  "\x0c\n\x1c\u2028\u00a0\n".encode()],
                         ids=["empty", "one break", "blank lines", "whitespace", "BOM only", "CRLFs",
                              "unicode spaces"])
def test_a_page_without_text_is_given_back_as_it_is(runner, model_file, tmp_path, data):
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    assert cut_labels(predict(runner, model_file, "-f", "labeled", path)) == expected_lines(data)
    assert predict(runner, model_file, "-f", "text", path) == b""
    (record,) = [json.loads(row) for row in output_rows(predict(runner, model_file, "-f", "jsonl", path))]
    assert all(line["label"] is None for line in record["lines"])


def test_a_text_dump_that_mentions_html_tags_is_still_a_dump(runner, model_file, tmp_path):
    """A .txt dump is a dump: writing about <p> and <div> does not make it an HTML page."""
    data = (b"# How to write HTML\n\nWrap each paragraph in a <p> tag, like <p>this</p>.\n"
            b"A <div class=\"box\"> groups blocks; <body> holds them all.\n\nShare | Tweet\n")
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    assert cut_labels(predict(runner, model_file, "-f", "labeled", path)) == expected_lines(data)


def _varied_lines(count, seed):
    rng = random.Random(seed)
    words = ("the council approved new bridge after long debate share home news sport copyright "
             "menu login subscribe article paragraph caf\xe9 na\xefve \u00fcber \u65e5\u672c").split()
    lines = []
    for i in range(count):
        kind = rng.random()
        if kind < 0.1:
            lines.append("")
        elif kind < 0.15:
            lines.append(" \t ")
        else:
            lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 18))) + f" {i}")
    return lines


def test_a_one_megabyte_line_comes_back_whole(runner, model_file, tmp_path):
    line = (b"lorem ipsum dolor \xff sit amet\t" * 40_000)[:1_000_000]
    data = b"Title\n" + line + b"\r\nShare\n"
    path = tmp_path / "long.txt"
    path.write_bytes(data)
    assert cut_labels(predict(runner, model_file, "-f", "labeled", path)) == expected_lines(data)
    assert is_subsequence(output_rows(predict(runner, model_file, "-f", "text", path)), expected_lines(data))


def test_a_page_of_a_hundred_thousand_lines_comes_back_whole(runner, model_file, tmp_path):
    lines = _varied_lines(100_000, seed=1)
    breaks = ["\n", "\r\n", "\r"]   # a lone \r before an empty line would be half of a \r\n
    data = "".join(line + (breaks[i % 3] if i + 1 < len(lines) and lines[i + 1] else "\n")
                   for i, line in enumerate(lines)).encode("utf-8")
    path = tmp_path / "many.txt"
    path.write_bytes(data)
    out = predict(runner, model_file, "-f", "labeled", path)
    assert cut_labels(out) == [line.encode("utf-8") for line in lines]


def test_labeled_output_written_to_a_file_is_the_input_lines(runner, model_file, tmp_path):
    data = b"\xef\xbb\xbfCaf\xe9\r\n\r\nThe council approved the new bridge.\tTab\rShare\n\x00\n"
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    out = tmp_path / "out" / "page.tsv"
    predict(runner, model_file, "-f", "labeled", path, "-o", out)
    assert cut_labels(out.read_bytes()) == expected_lines(data)


# -- 2. bad training and evaluation input: one line, exit code, no model ----------------

GOOD_PAGE = b"content\tThe council approved the new bridge on Tuesday after a long debate.\nchrome\tShare\n"

# id: (files of the corpus, exit code, where the message points (below the corpus; "" is
# the corpus folder itself), line number or None, words the message must hold)
BAD_CORPORA = {
    "unknown label": ({"site/page.tsv": b"content\tTitle\nchrome\tok\nchrom\tbad\n"}, 1, "site/page.tsv", 3,
                      "unknown label"),
    "missing tab": ({"site/page.tsv": b"content\tTitle\nno tab here\n"}, 1, "site/page.tsv", 2, "missing tab"),
    "binary file": ({"site/page.tsv": GOOD_PAGE + b"chrome\tbin\x00ary\n"}, 1, "site/page.tsv", None, "binary"),
    "empty corpus folder": ({}, 2, "", None, ""),
    "folder with no .tsv": ({"site/page.txt": GOOD_PAGE, "site/notes.md": b"# notes\n"}, 2, "", None, ""),
    "only an empty labeled file": ({"site/page.tsv": b""}, 1, "", None, ""),
    "only blank labeled files": ({"a/page.tsv": b"\n\n", "b/page.tsv": b"\r\n"}, 1, "", None, ""),
    "non-existent path": (None, 2, "", None, "no such file"),
}
COMMANDS = {
    "train": lambda corpus, out, model: ["train", corpus, "-o", out, "-q", "--epochs", "1"],
    "evaluate": lambda corpus, out, model: ["evaluate", corpus, "-m", model, "-q"],
    "evaluate --cv": lambda corpus, out, model: ["evaluate", corpus, "--cv", "2", "--epochs", "1", "-q"],
}


def make_corpus(root, files):
    root.mkdir(parents=True, exist_ok=True)
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def run_command(runner, command, corpus, out_dir, model_file, extra=()):
    out_dir.mkdir(exist_ok=True)
    args = COMMANDS[command](str(corpus), str(out_dir / "model.npz"), str(model_file)) + list(extra)
    return runner.invoke(main, args)


def assert_no_model_written(out_dir):
    assert sorted(p.name for p in out_dir.iterdir()) == []   # no model, no temporary file


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(BAD_CORPORA))
def test_bad_corpus_is_one_line_with_exit_code_and_no_model(runner, model_file, tmp_path, case, command):
    files, exit_code, where, line, words = BAD_CORPORA[case]
    corpus = tmp_path / "nope" if files is None else make_corpus(tmp_path / "corpus", files)
    result = run_command(runner, command, corpus, tmp_path / "out", model_file)
    location = str(corpus / where) if where else str(corpus)
    prefix = f"linesift: {location}:{line}: " if line else f"linesift: {location}: "
    assert_one_line_error(result, exit_code, prefix)
    assert words in result.stderr
    assert_no_model_written(tmp_path / "out")


@pytest.mark.parametrize("command", ["train", "evaluate --cv"])
def test_a_corpus_of_one_class_is_refused(runner, model_file, tmp_path, command):
    corpus = make_corpus(tmp_path / "corpus", {"a/page.tsv": b"chrome\tHome\nchrome\tShare\n",
                                               "b/page.tsv": b"chrome\tMenu\n\nchrome\tLogin\n"})
    result = run_command(runner, command, corpus, tmp_path / "out", model_file)
    assert_one_line_error(result, 1, f"linesift: {corpus}: ")
    assert "both classes" in result.stderr
    assert_no_model_written(tmp_path / "out")


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_an_exclude_file_that_does_not_exist_is_one_line_exit_2(runner, model_file, tmp_path, command):
    corpus = make_corpus(tmp_path / "corpus", {"site/page.tsv": GOOD_PAGE})
    missing = tmp_path / "no-such-list.txt"
    result = run_command(runner, command, corpus, tmp_path / "out", model_file, ["--exclude", str(missing)])
    assert_one_line_error(result, 2, f"linesift: {missing}: ")
    assert_no_model_written(tmp_path / "out")


def test_an_exclude_list_that_is_not_utf8_is_read_like_any_input(runner, model_file, tmp_path):
    """An --exclude list naming a page whose file name is not UTF-8 excludes that page."""
    corpus = make_corpus(tmp_path / "corpus", {"a/page.tsv": GOOD_PAGE})
    bad_name = os.fsdecode(b"caf\xe9.tsv")
    (corpus / "b").mkdir()
    (corpus / "b" / bad_name).write_bytes(b"chrom\tnot a label\n")
    exclude = tmp_path / "exclude.txt"
    exclude.write_bytes(b"# pages to leave out\n" + os.fsencode(str(corpus / "b" / bad_name)) + b"\n")
    result = run_command(runner, "train", corpus, tmp_path / "out", model_file, ["--exclude", str(exclude)])
    assert result.exception is None and result.exit_code == 0, (result.output, repr(result.exception))
    assert (tmp_path / "out" / "model.npz").exists()


@pytest.mark.parametrize("listed_as", ["relative", "absolute"])
def test_an_exclude_list_matches_a_page_however_its_path_is_written(runner, model_file, tmp_path, monkeypatch,
                                                                      listed_as):
    """The list's relative path excludes the page of a corpus given by its absolute path, and
    the other way round: a flagged page is never trained on silently for how a path was written."""
    corpus = make_corpus(tmp_path / "corpus", {"a/page.tsv": GOOD_PAGE})
    (corpus / "b").mkdir()
    (corpus / "b" / "flagged.tsv").write_bytes(b"chrom\tnot a label\n")
    monkeypatch.chdir(tmp_path)
    exclude = tmp_path / "exclude.txt"
    exclude.write_text("corpus/b/flagged.tsv\n" if listed_as == "relative" else f"{corpus / 'b' / 'flagged.tsv'}\n")
    given = corpus if listed_as == "relative" else corpus.relative_to(tmp_path)
    result = run_command(runner, "train", given, tmp_path / "out", model_file, ["--exclude", str(exclude)])
    assert result.exception is None and result.exit_code == 0, (result.output, repr(result.exception))
    assert (tmp_path / "out" / "model.npz").exists()


# -- 3. outputs are written atomically ---------------------------------------------------

PAGES_IN_FOLDER = 150   # more than a batch of 64 pages, so a run is killed between batches


@pytest.fixture(scope="module")
def big_inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("big")
    (root / "big.txt").write_bytes("\n".join(_varied_lines(150_000, seed=2)).encode("utf-8") + b"\n")
    pages = root / "pages"
    pages.mkdir()
    for number in range(PAGES_IN_FOLDER):
        lines = _varied_lines(600, seed=100 + number)
        (pages / f"p{number:03d}.txt").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return root


ORPHAN_SECONDS = 10   # after a SIGKILL of predict, none of its processes may be alive this long
HAS_PROC = os.path.exists("/proc/self/stat")   # how the run's processes are found (Linux)


def start_predict(model_file, *args):
    """predict on 2 worker processes (whatever the machine's cores), so a kill has workers to orphan."""
    command = [sys.executable, "-m", "linesift", "predict", "-m", str(model_file), "-q", "-j", "2", *map(str, args)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _stat_fields(pid):
    """/proc/PID/stat after the command name: [state, ppid, ...]; None when gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def descendants(pid):
    """Every process below ``pid`` (its workers, their resource trackers, ...)."""
    children = {}
    for entry in os.listdir("/proc") if HAS_PROC else ():
        fields = _stat_fields(entry) if entry.isdigit() else None
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")   # a zombie has ended


class Killed(NamedTuple):
    while_running: bool   # predict was still running when it was killed
    processes: list       # the run's other processes at the kill (workers, resource trackers)
    left: list            # those of them still alive ORPHAN_SECONDS after the kill


def kill_when(process, ready, timeout=60):
    """SIGKILL ``process`` as soon as ``ready()``, then give its processes ORPHAN_SECONDS to end."""
    deadline = time.monotonic() + timeout
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    processes = descendants(process.pid)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    deadline = time.monotonic() + ORPHAN_SECONDS
    while any(alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in processes if alive(pid)]
    for pid in left:   # do not leave them for the next test, but fail this one
        os.kill(pid, signal.SIGKILL)
    return Killed(running and process.returncode == -signal.SIGKILL, processes, left)


def assert_killed_leaving_nothing(killed, workers=True):
    assert killed.while_running, "predict ended before it was killed"
    assert not killed.left, f"processes of the killed run alive {ORPHAN_SECONDS} s later: {killed.left}"
    if workers and HAS_PROC:
        assert len(killed.processes) >= 2, "the run had no worker processes to check"


def temporaries(folder, name):
    return [p for p in folder.iterdir() if p.name.startswith(f".{name}.") and p.name.endswith(".tmp")]


def test_a_killed_predict_leaves_the_old_output_file(model_file, big_inputs, tmp_path):
    source = big_inputs / "big.txt"
    target = tmp_path / "out.tsv"
    old = b"content\tthe old, complete output\n"
    target.write_bytes(old)
    # 150,000 lines: over the default --max-page-lines, raised so that the page is worked on
    process = start_predict(model_file, "-f", "labeled", "--max-page-lines", 200_000, source, "-o", target)
    # one page is classified in the main process: no workers to orphan, but none may be left
    assert_killed_leaving_nothing(kill_when(process, lambda: temporaries(tmp_path, target.name)), workers=False)
    content = target.read_bytes()
    assert content == old or cut_labels(content) == expected_lines(source.read_bytes())


def test_a_predict_killed_while_writing_leaves_the_old_output_file(model_file, big_inputs, tmp_path):
    """Killed when part of the output is written (to the temporary file, not the target)."""
    target = tmp_path / "scores.jsonl"
    old = b'{"old": "complete"}\n'
    target.write_bytes(old)
    process = start_predict(model_file, "-f", "jsonl", big_inputs / "pages", "-o", target)

    def partly_written():
        try:
            return any(p.stat().st_size > 0 for p in temporaries(tmp_path, target.name))
        except FileNotFoundError:   # renamed meanwhile
            return False

    assert_killed_leaving_nothing(kill_when(process, partly_written))
    assert target.read_bytes() == old
    # what is left behind is only the temporary file, hidden, beside the target
    assert {p.name for p in tmp_path.iterdir()} - {t.name for t in temporaries(tmp_path, target.name)} == {target.name}


def test_a_killed_predict_to_a_folder_leaves_only_complete_files(model_file, big_inputs, tmp_path):
    pages = big_inputs / "pages"
    out = tmp_path / "out"
    process = start_predict(model_file, "-f", "labeled", pages, "-o", out)

    def some_written():
        return out.is_dir() and any(p.suffix == ".tsv" for p in out.iterdir())

    assert_killed_leaving_nothing(kill_when(process, some_written))
    complete = 0
    for path in out.rglob("*"):
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            continue   # a temporary file the kill left behind: not an output
        source = pages / str(path.relative_to(out)).removesuffix(".tsv")   # p001.txt -> p001.txt.tsv
        assert cut_labels(path.read_bytes()) == expected_lines(source.read_bytes()), path
        complete += 1
    assert 0 < complete < PAGES_IN_FOLDER


# -- 4. model files are data only ----------------------------------------------------------

MARKER_NAME = "code-ran-from-a-model-file"


class _RunsCode:
    """Unpickling this runs a shell command (``touch`` of a marker file)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _arrays(model_file):
    with np.load(model_file, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _with_meta(model_file, target, change):
    arrays = _arrays(model_file)
    meta = json.loads(arrays["meta"].tobytes())
    change(meta)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez_compressed(target, **arrays)


def _flip_middle(data, count=16):
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + count]) + data[middle + count:]


def _uncompressed_then_flipped(model_file, target):
    np.savez(target, **_arrays(model_file))
    target.write_bytes(_flip_middle(target.read_bytes()))


def _zip_of_text(target):
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("readme.txt", "not a model")


def _pickle_in_npz(name):
    def make(model_file, target, marker):
        arrays = _arrays(model_file)
        arrays[name] = np.array([_RunsCode(marker)], dtype=object)
        np.savez(target, **arrays)
        with zipfile.ZipFile(target) as archive:
            assert MARKER_NAME.encode() in archive.read(f"{name}.npy")
    return make


# id: make(model_file, target) writing a file that is not a usable model
BAD_MODELS = {
    "empty": lambda m, t: t.write_bytes(b""),
    "truncated to 100 bytes": lambda m, t: t.write_bytes(m.read_bytes()[:100]),
    "truncated to half": lambda m, t: t.write_bytes(m.read_bytes()[:len(m.read_bytes()) // 2]),
    "truncated by a byte": lambda m, t: t.write_bytes(m.read_bytes()[:-1]),
    "edited in the middle": lambda m, t: t.write_bytes(_flip_middle(m.read_bytes())),
    "edited in the middle, uncompressed": _uncompressed_then_flipped,
    "a zip of other arrays": lambda m, t: np.savez(t, weights=np.zeros(3), names=np.array(["a", "b"])),
    "a zip of a text file": lambda m, t: _zip_of_text(t),
    "a .npy array": lambda m, t: t.write_bytes(_npy_bytes(np.arange(5.0))),
    "a JSON file": lambda m, t: t.write_text(json.dumps({"format": "linesift-model", "weights": [1, 2]})),
    "random bytes": lambda m, t: t.write_bytes(random.Random(7).randbytes(5000)),
    "meta that is not JSON": lambda m, t: np.savez(t, **{**_arrays(m), "meta": np.frombuffer(b"\xff{", np.uint8)}),
    "another format": lambda m, t: _with_meta(m, t, lambda meta: meta.update(format="other-model")),
    "another format version": lambda m, t: _with_meta(m, t, lambda meta: meta.update(format_version=99)),
    "another feature-set version": lambda m, t: _with_meta(m, t, lambda meta: meta.update(feature_set_version=-1)),
    "other feature names": lambda m, t: _with_meta(m, t, lambda meta: meta["dense_feature_names"].reverse()),
    "no hyperparameters": lambda m, t: _with_meta(m, t, lambda meta: meta.pop("hyperparameters")),
    "arrays of the wrong shape": lambda m, t: np.savez(t, **{**_arrays(m), "coef_dense": np.zeros(2)}),
}
RETRAIN = {"another format version", "another feature-set version", "other feature names"}


def _npy_bytes(array):
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def assert_refused(runner, model, page, exit_code=1):
    result = runner.invoke(main, ["predict", "-m", str(model), str(page)])
    assert_one_line_error(result, exit_code, f"linesift: {model}: ")
    return result


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.txt"
    path.write_bytes(b"Home | News\n\nThe council approved the new bridge on Tuesday after a long debate.\nShare\n")
    return path


@pytest.mark.parametrize("case", list(BAD_MODELS))
def test_a_file_that_is_not_a_model_of_this_version_is_refused(runner, model_file, tmp_path, page, case):
    bad = tmp_path / "bad.npz"
    BAD_MODELS[case](model_file, bad)
    result = assert_refused(runner, bad, page)
    if case in RETRAIN:
        assert "retrain" in result.stderr


@pytest.mark.parametrize("case", ["a raw pickle", "a pickled coef_dense array", "a pickled meta array",
                                  "an extra pickled array"])
def test_a_model_file_holding_a_pickle_is_refused_without_running_it(runner, model_file, tmp_path, page, case):
    marker = tmp_path / MARKER_NAME
    bad = tmp_path / ("model.pkl" if case == "a raw pickle" else "evil.npz")
    if case == "a raw pickle":
        bad.write_bytes(pickle.dumps(_RunsCode(marker)))
        assert MARKER_NAME.encode() in bad.read_bytes()
    else:
        name = {"a pickled coef_dense array": "coef_dense", "a pickled meta array": "meta",
                "an extra pickled array": "payload"}[case]
        _pickle_in_npz(name)(model_file, bad, marker)
    assert not marker.exists()   # writing the pickle ran nothing
    assert_refused(runner, bad, page)
    assert not marker.exists()
    # control: the payload is live, so the check above means something
    if case == "a raw pickle":
        pickle.loads(bad.read_bytes())
    else:
        with np.load(bad, allow_pickle=True) as archive:
            [archive[name] for name in archive.files]
    assert marker.exists()


def test_no_single_byte_edit_of_a_model_file_gets_past_unnoticed(runner, model_file, tmp_path, page):
    """Flip one byte at a time across the file: each edit is refused in one line, or (a byte
    no reader looks at, like a zip timestamp) the model predicts exactly as before."""
    good = model_file.read_bytes()
    expected = runner.invoke(main, ["predict", "-m", str(model_file), "-f", "jsonl", str(page)]).stdout_bytes
    bad = tmp_path / "edited.npz"
    problems = []
    for position in range(0, len(good), max(1, len(good) // 300)):
        edited = bytearray(good)
        edited[position] ^= 0xFF
        bad.write_bytes(edited)
        result = runner.invoke(main, ["predict", "-m", str(bad), "-f", "jsonl", str(page)])
        if result.exit_code == 0 and result.exception is None:
            if result.stdout_bytes != expected:
                problems.append(f"byte {position}: accepted, and predicts differently")
        elif not (isinstance(result.exception, SystemExit) and result.exit_code == 1
                  and result.stderr.startswith(f"linesift: {bad}: ") and result.stderr.count("\n") == 1):
            problems.append(f"byte {position}: exit {result.exit_code}, {result.exception!r}")
    assert not problems, f"{len(problems)} edits not refused cleanly:\n" + "\n".join(problems[:20])
