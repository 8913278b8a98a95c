"""Signals: a closed stdin, a killed worker, SIGTERM and the SIGKILL of the main process
each end a run in one line (or silently, for SIGKILL), leaving no temporary and no
process behind; a resumed run labels every page as the uninterrupted run did."""

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from linesift.api import classify_pages
from linesift.cli import main
from linesift.model_file import load_model
from linesift.parallel import available_cores

GONE_SECONDS = 10   # how long a killed run's processes may take to end
needs_two_cores = pytest.mark.skipif(available_cores() < 2, reason="--jobs is capped at the cores: no workers on one")
needs_proc = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="processes are found through /proc")

WORDS = ("the council said on monday that new rules for water use would start next month after a long dry summer "
         "in the valley where farmers and towns share one river").split()


def sentence(rng, low=6, high=24):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


@pytest.fixture(scope="module")
def many_pages(tmp_path_factory):
    """Enough pages for a run on two workers to last while it is signalled."""
    root = tmp_path_factory.mktemp("many") / "pages"
    (root / "site").mkdir(parents=True)
    rng = random.Random(5)
    for number in range(480):
        lines = ["Home | News | Contact"] + [sentence(rng) for _ in range(250)] + ["© 2024 Daily Town"]
        (root / "site" / f"p{number:03d}.txt").write_text("\n".join(lines) + "\n")
    return root


def start(*args, new_session=False):
    """``linesift ARGS`` started; with ``new_session``, in a process group of its own, to be
    signalled as a terminal or a scheduler signals one."""
    command = [sys.executable, "-m", "linesift", *map(str, args)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=new_session)


def children_of():
    """{pid: the pids whose parent it is}, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parents.setdefault(int(handle.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return parents


def children(pid):
    """Every process below ``pid``, from /proc."""
    parents = children_of()
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def wait_until(ready, process=None, timeout=60):
    deadline = time.monotonic() + timeout
    while not ready() and (process is None or process.poll() is None) and time.monotonic() < deadline:
        time.sleep(0.01)
    return ready()


def workers(pid):
    """The worker processes of a run: its children (forked, they carry its command line)."""
    return children_of().get(pid, [])


def left_alive(pids):
    """Those of ``pids`` still alive GONE_SECONDS on; killed, so no test leaves them behind."""
    wait_until(lambda: not any(map(alive, pids)), timeout=GONE_SECONDS)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def temporaries(folder):
    return [path.name for path in Path(folder).rglob(".*.tmp")]


def test_a_closed_stdin_is_one_line_exit_2(small_model_file):
    result = subprocess.run([sys.executable, "-m", "linesift", "predict", "-m", str(small_model_file)],
                            cwd=ROOT, capture_output=True, text=True, preexec_fn=lambda: os.close(0), timeout=120,
                            check=False)
    assert result.returncode == 2
    assert result.stderr == "linesift: -: stdin is closed: give the page as a file, or pipe it in\n"
    assert result.stdout == ""


@needs_two_cores
@needs_proc
def test_a_worker_killed_with_sigkill_ends_the_run_in_one_line_writing_nothing(small_model_file, many_pages,
                                                                               tmp_path):
    output = tmp_path / "all.jsonl"
    process = start("predict", "-m", small_model_file, "-q", "-j", 2, "-f", "jsonl", many_pages, "-o", output)
    assert wait_until(lambda: len(workers(process.pid)) >= 2, process), "no workers started"
    os.kill(workers(process.pid)[0], signal.SIGKILL)
    _, error = process.communicate(timeout=120)
    assert process.returncode == 1
    assert error.decode() == (f"linesift: {output}: a worker process died (exit SIGKILL(-9): killed, or out of "
                              "memory?); nothing written to this file\n")
    assert not output.exists() and not temporaries(tmp_path)


@needs_two_cores
@needs_proc
def test_sigterm_ends_the_run_like_ctrl_c_removing_its_temporary(small_model_file, many_pages, tmp_path):
    output = tmp_path / "all.jsonl"
    process = start("predict", "-m", small_model_file, "-q", "-j", 2, "-f", "jsonl", many_pages, "-o", output)
    assert wait_until(lambda: temporaries(tmp_path) and len(workers(process.pid)) >= 2, process), "never started"
    processes = children(process.pid)
    process.send_signal(signal.SIGTERM)
    _, error = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM
    assert error.decode() == "linesift: terminated (SIGTERM): outputs written are whole, unfinished ones removed\n"
    assert not output.exists() and not temporaries(tmp_path)
    assert not left_alive(processes)


@needs_two_cores
@needs_proc
@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_whole_group_ends_the_run_leaving_no_temporary(small_model_file, many_pages, tmp_path, sent):
    """Ctrl-C and a scheduler's SIGTERM reach the workers too (the process group). The main
    process spends much of a run making temporaries, so the signal often lands just as one
    was made: it must be known and removed all the same."""
    process = start("predict", "-m", small_model_file, "-q", "-j", 2, many_pages, "-o", tmp_path / "out",
                    new_session=True)
    assert wait_until(lambda: temporaries(tmp_path) and len(workers(process.pid)) >= 2, process), "never started"
    processes = children(process.pid)
    assert process.poll() is None, "the run ended before it could be signalled"
    os.killpg(process.pid, sent)
    try:
        _, error = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("the run hung after the signal") from None
    assert process.returncode == (128 + signal.SIGTERM if sent == signal.SIGTERM else 1), error.decode()
    assert len(error.decode().strip("\n").splitlines()) == 1   # Ctrl-C's line comes after a line break
    assert not temporaries(tmp_path)
    assert not left_alive(processes)


# Results larger than a pipe's buffer (64 KB), so a worker can be stopped in the middle of
# sending one: the pool's reader must never wait for the rest of it.
STOPS_EARLY = textwrap.dedent("""
    import sys
    from linesift.parallel import WorkerDied, ordered_map

    def big(batch):
        if batch == 5 and sys.argv[1] == "raise":
            raise ValueError("bad batch")
        return "x" * 2_000_000

    def size(batch):
        return len(batch)

    if sys.argv[1] == "close":
        for _ in range(5):
            results = ordered_map(big, range(40), 2)
            next(results), next(results)
            results.close()   # the consumer stops early
    elif sys.argv[1] == "close-big-batches":   # batches larger than a pipe's buffer, too
        for _ in range(5):
            results = ordered_map(size, ("x" * 2_000_000 for _ in range(40)), 2)
            next(results), next(results)
            results.close()
    elif sys.argv[1] == "raise":
        try:
            list(ordered_map(big, range(40), 2))
        except ValueError as error:
            print(error)
    print("ended")
""")


@needs_two_cores
@pytest.mark.parametrize("how", ["close", "close-big-batches", "raise"])
def test_a_pool_stopped_early_ends_at_once(how):
    done = subprocess.run([sys.executable, "-c", STOPS_EARLY, how], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "ended"
    assert ("bad batch" in done.stdout) == (how == "raise")


KILLED_WHILE_SENDING = textwrap.dedent("""
    import os, signal
    from linesift.parallel import WorkerDied, ordered_map

    def big(batch):
        return "x" * 20_000_000   # a worker spends most of its time sending this

    for _ in range(4):
        results = ordered_map(big, range(40), 2)
        next(results)
        with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children") as handle:
            os.kill(int(handle.read().split()[0]), signal.SIGKILL)
        try:
            for _ in results:
                pass
        except WorkerDied as died:
            print(died)
""")


@needs_two_cores
@needs_proc
def test_a_worker_killed_while_sending_a_result_ends_the_run_in_one_line():
    done = subprocess.run([sys.executable, "-c", KILLED_WHILE_SENDING], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["a worker process died (exit SIGKILL(-9): killed, or out of memory?)"] * 4


def test_resume_removes_the_temporaries_a_killed_run_left(small_model_file, tmp_path):
    pages = tmp_path / "pages"
    (pages / "site").mkdir(parents=True)
    (pages / "site" / "a.txt").write_text("Home\nA sentence long enough to be read as the content of a page.\n")
    (pages / "site" / "b.txt").write_text("Menu\nAnother sentence long enough to be the content of its page.\n")
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    left = [out / "site" / ".a.txt.k3j_x9q2.tmp", out / "site" / ".b.txt.0abcdefg.tmp"]
    for path in left:
        path.write_bytes(b"x" * 1000)
    kept = [out / "site" / ".keep", out / "site" / ".c.txt.0abcdefg.tmp", out / "site" / ".a.txt.tmp"]
    for path in kept:
        path.write_text("not ours\n")
    result = CliRunner().invoke(main, ["predict", "-m", str(small_model_file), str(pages), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert "removed 2 unfinished outputs of an earlier run" in result.output
    assert not any(path.exists() for path in left) and all(path.exists() for path in kept)
    assert (out / "site" / "a.txt").is_file() and (out / "site" / "b.txt").is_file()


# A parent that starts two workers which sit in a regular expression that backtracks for
# ages, holding the GIL: a thread of theirs that watches the parent cannot run.
HOLDS_THE_GIL = textwrap.dedent("""
    import os, re, sys
    from linesift.parallel import ordered_map

    def stuck(folder, batch):
        open(os.path.join(folder, str(os.getpid())), "w").close()
        re.fullmatch(r"(a|aa)+$", "a" * 80 + "b")

    next(ordered_map(stuck, iter([[1], [2], [3], [4]]), 2, sys.argv[1]))
""")


@needs_two_cores
@needs_proc
def test_workers_end_with_their_parent_even_while_holding_the_gil(tmp_path):
    marks = tmp_path / "started"
    marks.mkdir()
    parent = subprocess.Popen([sys.executable, "-c", HOLDS_THE_GIL, str(marks)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: len(os.listdir(marks)) >= 2, parent), "the workers never started their work"
        processes = children(parent.pid)
    finally:
        parent.kill()
        parent.wait(timeout=30)
    stuck = [int(name) for name in os.listdir(marks)]
    assert set(stuck) <= set(processes)
    assert not left_alive(processes), "processes outlived their parent's SIGKILL"


def site_pages(root, count=40):
    """``count`` pages of one site; two lines run on the first half and on page 25 only,
    so how often the site shows them depends on which pages are classified together."""
    rng = random.Random(3)
    shared = ["Read more about the new water rules for the town and what they mean for you",
              "Council to vote on the plan"]
    (root / "news").mkdir(parents=True)
    for number in range(count):
        body = [sentence(rng, 5, 25) for _ in range(8)]
        lines = ["Home", f"Story number {number}"] + body[:4] + (shared if number < 20 or number == 25 else []) + body[4:]
        (root / "news" / f"p{number:02d}.txt").write_text("\n".join(lines) + "\n")
    return [(root / "news" / f"p{number:02d}.txt").read_text().splitlines() for number in range(count)]


def test_a_resumed_run_labels_every_page_as_the_uninterrupted_run(small_model_file, tmp_path):
    pages = site_pages(tmp_path / "pages")
    # A threshold between what the site pass gives page 25 with all its site's pages and
    # with only the pages left after the first 20 were done: a resume that leaves the done
    # pages out of the site pass labels page 25 otherwise.
    model = load_model(small_model_file)
    whole = classify_pages(model, pages[:32], None, ["news"] * 32)[25]
    rest = classify_pages(model, pages[20:], None, ["news"] * 20)[5]
    moved = int(max(range(len(whole)), key=lambda at: abs(whole[at] - rest[at])))
    assert abs(whole[moved] - rest[moved]) > 1e-3, "the site pass does not move any line of the page"
    threshold = f"{(whole[moved] + rest[moved]) / 2:.6f}"
    run = CliRunner().invoke

    def predict(source, out, *more):
        result = run(main, ["predict", "-m", str(small_model_file), "-q", "-t", threshold, "-f", "labeled",
                            "--site-from", "folder", str(source), "-o", str(out), *more])
        assert result.exit_code == 0, result.output

    predict(tmp_path / "pages", tmp_path / "whole")
    predict(tmp_path / "pages", tmp_path / "resumed")
    for number in range(20, 40):   # a run killed after the first 20 pages
        (tmp_path / "resumed" / "news" / f"p{number:02d}.txt.tsv").unlink()
    predict(tmp_path / "pages", tmp_path / "resumed", "--resume")
    for number in range(40):
        name = f"news/p{number:02d}.txt.tsv"
        assert (tmp_path / "resumed" / name).read_text() == (tmp_path / "whole" / name).read_text(), name
    # The pages left, classified without the done ones (what a resume did that skipped them): page 25 differs.
    shutil.copytree(tmp_path / "pages", tmp_path / "left")
    for number in range(20):
        (tmp_path / "left" / "news" / f"p{number:02d}.txt").unlink()
    predict(tmp_path / "left", tmp_path / "alone")
    assert (tmp_path / "alone" / "news/p25.txt.tsv").read_text() != (tmp_path / "whole" / "news/p25.txt.tsv").read_text()
