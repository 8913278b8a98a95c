"""Folders: every page of a folder run is written, skipped and named, or the run says
why not; none is lost unseen, none is written twice, no depth breaks the walk."""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from linesift.cli import main
from linesift.reading import find_files


def page(number):
    return (f"Home | News | Contact\nStory {number}: the council said on Monday that new rules for water use "
            f"start next month, after a long dry summer.\n© 2024\n")


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def pages(tmp_path):
    """pages/site/p0.txt .. p2.txt and pages/site/sub/p3.txt."""
    root = tmp_path / "pages"
    (root / "site" / "sub").mkdir(parents=True)
    for number in range(3):
        (root / "site" / f"p{number}.txt").write_text(page(number))
    (root / "site" / "sub" / "p3.txt").write_text(page(3))
    return root


def outputs(folder):
    return sorted(str(path.relative_to(folder)) for path in Path(folder).rglob("*") if path.is_file())


def test_a_folder_that_cannot_be_listed_stops_the_run_naming_it(runner, small_model_file, pages, tmp_path,
                                                               monkeypatch):
    unreadable = pages / "site" / "sub"
    listing = os.scandir

    def scandir(path="."):
        if Path(path) == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), str(pages), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output == f"linesift: {unreadable}: cannot read this folder: Permission denied\n"
    assert not (tmp_path / "out").exists()


def test_a_folder_and_a_file_in_it_give_each_page_once(runner, small_model_file, pages, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), str(pages), str(pages / "site" / "p1.txt"),
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 pages done" in result.output
    assert outputs(out) == ["site/p0.txt", "site/p1.txt", "site/p2.txt", "site/sub/p3.txt"]


def test_a_file_given_twice_or_through_a_link_is_found_once(pages, tmp_path):
    (tmp_path / "link").symlink_to(pages / "site")
    found = find_files([str(pages), str(pages / "site" / "p0.txt"), str(tmp_path / "link" / "p2.txt"),
                        str(pages / "site" / "p0.txt")])
    assert [f.relative for f in found] == ["site/p0.txt", "site/p1.txt", "site/p2.txt", "site/sub/p3.txt"]


def test_a_page_that_cannot_be_read_is_skipped_named_and_the_rest_written(runner, small_model_file, pages, tmp_path):
    (pages / "site" / "p1.txt").unlink()
    (pages / "site" / "p1.txt").symlink_to(tmp_path / "gone.txt")   # listed, but cannot be opened
    out = tmp_path / "out"
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-q", str(pages), "-o", str(out)])
    assert result.exit_code == 1
    assert f"linesift: {pages / 'site' / 'p1.txt'}: No such file or directory (skipped)" in result.output
    assert "3 pages done, 1 skipped" in result.output and str(pages / "site" / "p1.txt") in result.output.splitlines()[-1]
    assert outputs(out) == ["site/p0.txt", "site/p2.txt", "site/sub/p3.txt"]
    assert (out / "site" / "p2.txt").read_text() in page(2)


def test_a_page_over_the_limit_is_skipped_in_a_folder_run(runner, small_model_file, pages, tmp_path):
    (pages / "site" / "p2.txt").write_text(page(2) * 10_000)
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "--max-page-mb", "0.1", "-f", "jsonl",
                                  str(pages), "-o", str(tmp_path / "all.jsonl")])
    assert result.exit_code == 1
    assert "over the limit of 0.1 MB" in result.output and "(skipped)" in result.output
    assert len((tmp_path / "all.jsonl").read_text().splitlines()) == 3


def test_strict_stops_at_the_first_page_that_cannot_be_read(runner, small_model_file, pages, tmp_path):
    (pages / "site" / "p1.txt").unlink()
    (pages / "site" / "p1.txt").symlink_to(tmp_path / "gone.txt")
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "--strict", "-f", "jsonl", str(pages),
                                  "-o", str(tmp_path / "all.jsonl")])
    assert result.exit_code == 2
    assert result.output == f"linesift: {pages / 'site' / 'p1.txt'}: No such file or directory\n"
    assert not (tmp_path / "all.jsonl").exists()


def test_the_help_of_predict_gives_the_exit_code_of_skipped_pages(runner):
    text = " ".join(runner.invoke(main, ["predict", "--help"]).output.split())
    assert "the exit code is then 1" in text and "--strict" in text


def test_a_single_page_that_cannot_be_read_is_still_an_error(runner, small_model_file, tmp_path):
    (tmp_path / "p.txt").symlink_to(tmp_path / "gone.txt")
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), str(tmp_path / "p.txt")])
    assert result.exit_code == 2 and result.output.startswith(f"linesift: {tmp_path / 'p.txt'}: ")


def remove_deep(root):
    """Remove a tree of one folder per level from the bottom up: shutil.rmtree recurses, past
    Python's limit here (and pytest's clean-up of old temporary folders would too)."""
    chain = [Path(root)]
    while chain[-1].is_dir() and (below := [p for p in chain[-1].iterdir() if p.is_dir() and not p.is_symlink()]):
        chain.append(below[0])
    for folder in reversed(chain):
        if folder.is_dir():
            for entry in folder.iterdir():
                if not entry.is_dir() or entry.is_symlink():
                    entry.unlink()
            folder.rmdir()


def test_folders_nested_twelve_hundred_deep_are_read_and_mirrored(runner, small_model_file, tmp_path):
    root = tmp_path / "deep"
    root.mkdir()
    folder = root
    try:
        for _ in range(1200):   # one by one: os.makedirs recurses, past Python's limit here
            folder = folder / "d"
            folder.mkdir()
        (folder / "page.txt").write_text(page(0))
        result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", str(root),
                                      "-o", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output[-500:]
        written = tmp_path / "out" / folder.relative_to(root) / "page.txt.tsv"
        assert [line.split("\t", 1)[1] for line in written.read_text().splitlines()] == page(0).splitlines()
    finally:
        remove_deep(root)
        remove_deep(tmp_path / "out")
