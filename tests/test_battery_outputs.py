"""Outputs: no output is ever an input or a file an input folder would read, and an
output path is written as what it is (a regular file atomically, a device or FIFO in
place, a symbolic link through to its target)."""

import os
import stat
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from linesift.cli import main

PAGE = "Home | News | Contact\nThe council said on Monday that new rules for water use start next month.\n© 2024\n"


@pytest.fixture()
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(main, [*map(str, args)])


def assert_refused_as_input(result):
    assert result.exit_code == 2, result.output
    assert "output would overwrite an input" in result.output
    assert result.output.startswith("linesift: ") and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["text", "labeled", "jsonl"])
def test_predict_refuses_an_output_that_is_its_input(runner, small_model_file, tmp_path, fmt):
    page = tmp_path / "f.txt"
    page.write_text(PAGE)
    result = run(runner, "predict", "-m", small_model_file, "-f", fmt, page, "-o", page)
    assert_refused_as_input(result)
    assert page.read_text() == PAGE


def test_predict_refuses_an_output_that_is_one_of_several_inputs(runner, small_model_file, tmp_path):
    first, second = tmp_path / "p1.txt", tmp_path / "p2.txt"
    first.write_text(PAGE)
    second.write_text(PAGE.upper())
    result = run(runner, "predict", "-m", small_model_file, "-f", "jsonl", first, second, "-o", first)
    assert_refused_as_input(result)
    assert first.read_text() == PAGE and second.read_text() == PAGE.upper()


def test_predict_refuses_an_output_reached_through_a_link_to_the_input(runner, small_model_file, tmp_path):
    page = tmp_path / "f.txt"
    page.write_text(PAGE)
    (tmp_path / "link.txt").symlink_to(page)
    result = run(runner, "predict", "-m", small_model_file, page, "-o", tmp_path / "link.txt")
    assert_refused_as_input(result)
    assert page.read_text() == PAGE


def test_predict_refuses_an_output_folder_inside_its_input_folder(runner, small_model_file, tmp_path):
    (tmp_path / "pages" / "site").mkdir(parents=True)
    (tmp_path / "pages" / "site" / "a.txt").write_text(PAGE)
    result = run(runner, "predict", "-m", small_model_file, tmp_path / "pages", "-o", tmp_path / "pages" / "out")
    assert_refused_as_input(result)
    assert not (tmp_path / "pages" / "out").exists()


def test_predict_refuses_its_model_file_as_output(runner, small_model_file, tmp_path):
    page = tmp_path / "f.txt"
    page.write_text(PAGE)
    before = small_model_file.read_bytes()
    result = run(runner, "predict", "-m", small_model_file, page, "-o", small_model_file)
    assert_refused_as_input(result)
    assert small_model_file.read_bytes() == before


def labeled_corpus(root):
    (root / "site").mkdir(parents=True)
    (root / "site" / "a.tsv").write_text("chrome\tHome\ncontent\tA sentence that is long enough to be content.\n")
    (root / "site" / "b.tsv").write_text("chrome\tMenu\ncontent\tAnother sentence of text for this page here.\n")
    (root / "other").mkdir()
    (root / "other" / "c.tsv").write_text("chrome\tLogin\ncontent\tA third page with its own sentence in it.\n")
    return {path: path.read_bytes() for path in root.rglob("*.tsv")}


def test_train_refuses_to_write_its_model_over_a_labeled_page(runner, tmp_path):
    corpus = tmp_path / "corpus"
    before = labeled_corpus(corpus)
    result = run(runner, "train", corpus, "-o", corpus / "site" / "a.tsv", "--epochs", 1)
    assert_refused_as_input(result)
    assert {path: path.read_bytes() for path in corpus.rglob("*.tsv")} == before


def test_train_refuses_a_model_named_like_a_page_it_would_read_next_time(runner, tmp_path):
    corpus = tmp_path / "corpus"
    before = labeled_corpus(corpus)
    result = run(runner, "train", corpus, "-o", corpus / "site" / "new.tsv", "--epochs", 1)
    assert_refused_as_input(result)
    assert {path: path.read_bytes() for path in corpus.rglob("*.tsv")} == before


def test_train_may_write_a_model_file_beside_its_pages(runner, tmp_path):
    """A model (.npz) in the corpus folder is never read as a page: no clash."""
    corpus = tmp_path / "corpus"
    labeled_corpus(corpus)
    result = run(runner, "train", corpus, "-o", corpus / "m.npz", "--epochs", 1, "-q")
    assert result.exit_code == 0, result.output
    assert (corpus / "m.npz").is_file()


def test_evaluate_refuses_to_write_its_report_over_a_labeled_page(runner, small_model_file, tmp_path):
    corpus = tmp_path / "corpus"
    before = labeled_corpus(corpus)
    result = run(runner, "evaluate", corpus, "-m", small_model_file, "--report", corpus / "site" / "b.tsv")
    assert_refused_as_input(result)
    assert {path: path.read_bytes() for path in corpus.rglob("*.tsv")} == before


def test_output_to_dev_null_leaves_the_device_a_device(runner, small_model_file, tmp_path):
    page = tmp_path / "f.txt"
    page.write_text(PAGE)
    result = run(runner, "predict", "-m", small_model_file, page, "-o", os.devnull)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not [name for name in os.listdir(os.path.dirname(os.devnull)) if name.startswith(".null.")]


def test_output_to_dev_stdout_writes_to_the_file_stdout_is(small_model_file, tmp_path):
    """`-o /dev/stdout >> log`: the shell's file, appended to, not replaced by another."""
    page = tmp_path / "f.txt"
    page.write_text(PAGE)
    log = tmp_path / "log.txt"
    log.write_text("before\n")
    inode = log.stat().st_ino
    with open(log, "ab") as stdout:
        done = subprocess.run([sys.executable, "-m", "linesift", "predict", "-m", str(small_model_file), "-q",
                               "-f", "labeled", str(page), "-o", "/dev/stdout"],
                              stdout=stdout, stderr=subprocess.PIPE, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = log.read_text().splitlines()
    assert lines[0] == "before" and [line.split("\t", 1)[1] for line in lines[1:]] == PAGE.splitlines()
    assert log.stat().st_ino == inode and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_to_a_fifo_is_written_in_place(runner, small_model_file, tmp_path):
    page = tmp_path / "f.txt"
    page.write_text(PAGE)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    result = run(runner, "predict", "-m", small_model_file, "-f", "labeled", page, "-o", fifo)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert [line.split("\t", 1)[1] for line in received[0].splitlines()] == PAGE.splitlines()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_through_a_symbolic_link_writes_its_target_and_keeps_the_link(runner, small_model_file, tmp_path):
    page = tmp_path / "f.txt"
    page.write_text(PAGE)
    (tmp_path / "results").mkdir()
    target = tmp_path / "results" / "real.tsv"
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    result = run(runner, "predict", "-m", small_model_file, "-f", "labeled", page, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert [line.split("\t", 1)[1] for line in target.read_text().splitlines()] == PAGE.splitlines()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640   # the file replaced keeps its mode
    assert sorted(os.listdir(tmp_path / "results")) == ["real.tsv"]   # no temporary left beside it


# -- a batch of files written together (predict -o FOLDER) --------------------------------

def test_a_batch_of_files_is_written_whole_with_the_modes_a_file_would_get(tmp_path):
    from linesift.atomic import write_files

    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    write_files([(tmp_path / "a" / "new.txt", "new text\n"), (kept, "replaced\n"), (tmp_path / "raw.html", b"<p>\xff")])
    assert (tmp_path / "a" / "new.txt").read_text() == "new text\n" and kept.read_text() == "replaced\n"
    assert (tmp_path / "raw.html").read_bytes() == b"<p>\xff"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "a" / "new.txt").stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_batch_that_fails_before_its_renames_leaves_every_file_as_it_was(tmp_path, monkeypatch):
    from linesift import atomic
    from linesift.errors import InputError

    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        atomic.write_files([(kept, "new"), (tmp_path / "first.txt", "x"), (tmp_path / "folder.txt", "y")])
    assert kept.read_text() == "old" and not (tmp_path / "first.txt").exists()

    def failing_disk(descriptors):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic, "_sync_all", failing_disk)
    with pytest.raises(OSError):
        atomic.write_files([(kept, "new"), (tmp_path / "second.txt", "x")])
    assert kept.read_text() == "old" and not (tmp_path / "second.txt").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["folder.txt", "kept.txt"]   # no temporary left


def test_predict_to_a_folder_writes_every_page_whole_when_pages_come_in_several_batches(runner, small_model_file,
                                                                                        tmp_path):
    pages = tmp_path / "pages"
    for number in range(40):   # more than a batch of outputs
        (pages / f"site{number % 3}").mkdir(parents=True, exist_ok=True)
        (pages / f"site{number % 3}" / f"p{number:02d}.txt").write_text(PAGE.replace("water", f"water {number}"))
    result = run(runner, "predict", "-m", small_model_file, pages, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    for number in range(40):
        single = run(runner, "predict", "-m", small_model_file, pages / f"site{number % 3}" / f"p{number:02d}.txt")
        written = (tmp_path / "out" / f"site{number % 3}" / f"p{number:02d}.txt").read_text()
        assert written == single.output
    assert not list((tmp_path / "out").rglob(".*.tmp"))


def test_a_batch_writes_its_streams_only_after_its_files_are_in_place(tmp_path, capfd):
    from linesift.atomic import write_files
    from linesift.errors import InputError

    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_files([("-", "streamed\n"), (tmp_path / "a.txt", "a"), (tmp_path / "folder.txt", "x")])
    assert capfd.readouterr().out == "" and not (tmp_path / "a.txt").exists()
    write_files([("-", "streamed\n"), (tmp_path / "a.txt", "a")])
    assert capfd.readouterr().out == "streamed\n" and (tmp_path / "a.txt").read_text() == "a"


def test_a_close_that_fails_leaves_no_temporary_and_its_own_error(tmp_path, monkeypatch):
    from linesift import atomic

    real_close, closed = os.close, []

    def failing_once(fd):
        real_close(fd)   # Linux frees the descriptor even when close reports an error
        closed.append(fd)
        if len(closed) == 2:
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic.os, "close", failing_once)
    with pytest.raises(OSError) as raised:
        atomic.write_files([(tmp_path / f"f{number}.txt", "x") for number in range(4)])
    monkeypatch.undo()
    assert raised.value.errno == 5
    assert sorted(path.name for path in tmp_path.iterdir()) == ["f0.txt"]   # renamed before it; no temporary


def test_a_temporary_is_named_before_it_is_made(tmp_path):
    """A signal may end the run between the temporary's making and the return of the call
    that made it: its name must be known already, or it is never removed."""
    from linesift import atomic

    seen = []
    fd = atomic._temporary(tmp_path / "out.txt", None, lambda name: seen.append((name, name.exists())))
    os.close(fd)
    assert [existed for _, existed in seen] == [False]
    assert seen[0][0].exists()


def test_the_threads_that_flush_outputs_never_keep_the_process_alive(tmp_path):
    """Threads joined at exit would keep a run waiting for ever when a signal came as they
    started: the threads that flush outputs are daemons."""
    from linesift import atomic

    atomic.write_files([(tmp_path / f"{n}.txt", "text\n") for n in range(4)])
    syncing = [thread for thread in threading.enumerate() if thread.name == "linesift-sync"]
    assert syncing and all(thread.daemon for thread in syncing)
