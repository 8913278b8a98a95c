"""Options: a number past what a run can use is refused in one line (exit 2) before any
work, or, for --jobs, held to the cores there are."""

import pytest
from click.testing import CliRunner

import linesift.cli
from linesift.cli import main
from linesift.parallel import available_cores

PAGE = "Home | News\nThe council approved the new bridge on Tuesday after a long debate.\n"


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def page(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE)
    return path


def corpus(root):
    (root / "site").mkdir(parents=True)
    (root / "site" / "a.tsv").write_text("chrome\tHome\ncontent\tA sentence that is long enough to be content.\n")
    (root / "other").mkdir()
    (root / "other" / "b.tsv").write_text("chrome\tLogin\ncontent\tA second page with its own sentence in it.\n")
    return root


def assert_usage_error(result, option):
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"linesift: Invalid value for '{option}'") and result.output.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value", ["99999999999999999999", "10001", "0"])
def test_epochs_past_the_bound_are_a_usage_error_and_no_model_is_written(runner, tmp_path, value):
    model = tmp_path / "m.npz"
    result = runner.invoke(main, ["train", str(corpus(tmp_path / "corpus")), "-o", str(model), "--epochs", value])
    assert_usage_error(result, "--epochs")
    assert not model.exists()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "0"])
def test_alpha_that_is_not_a_finite_positive_number_is_a_usage_error(runner, tmp_path, value):
    model = tmp_path / "m.npz"
    result = runner.invoke(main, ["train", str(corpus(tmp_path / "corpus")), "-o", str(model), f"--alpha={value}"])
    assert_usage_error(result, "--alpha")
    assert not model.exists()


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_a_weight_that_is_not_a_finite_positive_number_is_refused(runner, tmp_path, value):
    root = corpus(tmp_path / "corpus")
    model = tmp_path / "m.npz"
    result = runner.invoke(main, ["train", str(root), "-o", str(model), "--weight", f"{root}={value}"])
    assert result.exit_code == 2
    assert result.output == f"linesift: {root}={value}: --weight takes CORPUS=W with W a positive finite number\n"
    assert not model.exists()


@pytest.mark.parametrize("value", ["nan", "inf", "1e300", "4097", "0", "-1"])
def test_max_page_mb_past_the_bound_is_a_usage_error_and_nothing_is_written(runner, small_model_file, page, tmp_path,
                                                                          value):
    out = tmp_path / "out.txt"
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), f"--max-page-mb={value}", str(page),
                                  "-o", str(out)])
    assert_usage_error(result, "--max-page-mb")
    assert not out.exists()


@pytest.mark.parametrize("value", ["99999999999999999999", "0"])
def test_max_page_lines_past_the_bound_is_a_usage_error(runner, small_model_file, page, value):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "--max-page-lines", value, str(page)])
    assert_usage_error(result, "--max-page-lines")


def test_jobs_past_the_cores_run_as_many_as_there_are_cores(runner, small_model_file, page, monkeypatch):
    used = []
    write_pages = linesift.cli.write_pages
    monkeypatch.setattr(linesift.cli, "write_pages",
                        lambda inputs, found, output, options, *rest: used.append(options.jobs)
                        or write_pages(inputs, found, output, options, *rest))
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-q", "-j", "1000", str(page)])
    assert result.exit_code == 0, result.output
    assert used == [available_cores()]
    assert result.stdout.strip() in PAGE
    help_text = " ".join(runner.invoke(main, ["predict", "--help"]).output.split())
    assert "0 for all cores (never more than this process may use)" in help_text


def test_a_good_max_page_mb_still_works(runner, small_model_file, page):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "--max-page-mb", "0.5", "-q", str(page)])
    assert result.exit_code == 0 and result.stdout.strip() in PAGE
