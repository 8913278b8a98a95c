import json
import os

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import LABELED
from linesift.cli import main
from linesift.decoding import decode_lines

PAGE = sorted(LABELED.glob("*/*.tsv"))[0]


def dump_of(path):
    """The page's dump: its labeled file with the labels cut off (`cut -f2-`)."""
    return [row.split("\t", 1)[1] if row else "" for row in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def dump_file(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("\n".join(dump_of(PAGE)) + "\n", encoding="utf-8")
    return path


def is_subsequence(part, whole):
    it = iter(whole)
    return all(any(line == candidate for candidate in it) for line in part)


def test_every_command_has_help_with_an_example(runner):
    for command in ([], ["train"], ["evaluate"], ["predict"], ["explain"]):
        result = runner.invoke(main, command + ["--help"])
        assert result.exit_code == 0
        assert "Example" in result.output


def test_predict_text_is_a_subsequence_of_the_input(runner, small_model_file, dump_file):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), str(dump_file)])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out and is_subsequence(out, dump_of(PAGE))


def test_predict_labeled_gives_back_every_input_line(runner, small_model_file, dump_file):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "--format", "labeled", str(dump_file)])
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert [row.split("\t", 1)[1] if row else "" for row in rows] == dump_of(PAGE)
    assert {row.split("\t", 1)[0] for row in rows if row} <= {"content", "chrome"}


def test_predict_reads_stdin(runner, small_model_file, dump_file):
    from_file = runner.invoke(main, ["predict", "-m", str(small_model_file), str(dump_file)]).stdout
    from_stdin = runner.invoke(main, ["predict", "-m", str(small_model_file), "-"], input=dump_file.read_bytes())
    assert from_stdin.exit_code == 0 and from_stdin.stdout == from_file


def test_predict_jsonl_has_a_record_per_page_with_line_numbers(runner, small_model_file, dump_file):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "--format", "jsonl",
                                  str(dump_file), str(PAGE)])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(dump_file), str(PAGE)]
    lines = records[0]["lines"]
    assert [line["n"] for line in lines] == list(range(1, len(dump_of(PAGE)) + 1))
    assert all((line["label"] is None) == (line["text"].strip() == "") for line in lines)
    assert all(line["p"] is None or 0 <= line["p"] <= 1 for line in lines)


def test_threshold_moves_lines_between_classes(runner, small_model_file, dump_file):
    def content_lines(threshold):
        result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-t", threshold, "-f", "labeled", str(dump_file)])
        return sum(row.startswith("content\t") for row in result.stdout.splitlines())

    assert content_lines("0") > content_lines("0.5") > content_lines("1")


def test_predict_a_folder_to_a_folder_writes_one_file_per_input(runner, small_model_file, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", str(LABELED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out) for p in out.rglob("*.tsv"))
    assert written == sorted(p.relative_to(LABELED) for p in LABELED.rglob("*.tsv"))
    first = out / PAGE.relative_to(LABELED)
    assert [r.split("\t", 1)[1] if r else "" for r in first.read_text().splitlines()] == dump_of(PAGE)


def test_several_inputs_in_labeled_format_need_an_output_folder(runner, small_model_file, dump_file):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", str(dump_file), str(PAGE)])
    assert result.exit_code == 2
    assert "-o FOLDER" in result.output


def test_missing_input_is_one_line_and_exit_2(runner, small_model_file, tmp_path):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "nope.txt: no such file" in result.output
    assert "Traceback" not in result.output


def test_train_then_evaluate_with_json(runner, tmp_path):
    model = tmp_path / "m.npz"
    trained = runner.invoke(main, ["train", str(LABELED), "-o", str(model), "--epochs", "3", "--json", "-q"])
    assert trained.exit_code == 0, trained.output
    summary = json.loads(trained.stdout)
    assert summary["training"]["pages"] >= 40 and summary["training"]["digest"].startswith("sha256:")
    evaluated = runner.invoke(main, ["evaluate", str(LABELED), "-m", str(model), "--json"])
    assert evaluated.exit_code == 0
    report = json.loads(evaluated.stdout)
    m = report["linesift"]
    assert 0 < m["content"]["f1"] <= 1 and set(m["confusion"]) == {"tp", "fp", "fn", "tn"}
    assert set(report["baselines"]) == {"every line content", "C4 line rule"}
    assert report["baselines"]["every line content"]["content"]["recall"] == 1.0


def test_evaluate_cross_validation_by_site(runner):
    result = runner.invoke(main, ["evaluate", str(LABELED), "--cv", "3", "--epochs", "2", "--no-context", "--json", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["setup"]["mode"] == "3-fold cross-validation by site"
    assert report["linesift"]["pages"] == len(list(LABELED.glob("*/*.tsv")))


def test_evaluate_human_table(runner, small_model_file):
    result = runner.invoke(main, ["evaluate", str(LABELED), "-m", str(small_model_file)])
    assert result.exit_code == 0
    assert "content, tokens (per page)" in result.output and "confusion" in result.output


@pytest.mark.parametrize("content, error", [
    (b"content\tTitle\nchrome\tok\nchrom\tbad\n", "page.tsv:3: unknown label 'chrom'"),
    (b"content\tTitle\nno tab\n", "page.tsv:2: missing tab"),
])
def test_malformed_corpus_is_one_line_exit_1(runner, tmp_path, content, error):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.tsv").write_bytes(content)
    result = runner.invoke(main, ["train", str(tmp_path), "-o", str(tmp_path / "m.npz")])
    assert result.exit_code == 1
    assert error in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m.npz").exists()


def test_corpus_of_one_class_is_refused(runner, tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.tsv").write_bytes(b"chrome\ta\nchrome\tb\n")
    result = runner.invoke(main, ["train", str(tmp_path), "-o", str(tmp_path / "m.npz"), "-q"])
    assert result.exit_code == 1 and "both classes" in result.output


def test_invalid_utf8_passes_through_predict_unchanged(runner, small_model_file, tmp_path):
    raw = b"Caf\xe9 menu\n\nThe long paragraph of the article with many words in it is here.\n"
    path = tmp_path / "latin1.txt"
    path.write_bytes(raw)
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", str(path)])
    assert result.exit_code == 0
    rows = result.stdout_bytes.split(b"\n")
    assert rows[0].split(b"\t", 1)[1] == b"Caf\xe9 menu"
    assert decode_lines(raw)[2] in result.output


ARTICLE_HTML = """<!doctype html><html><head><title>t</title><script>var x = 1;</script></head><body>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Harbour bridge opens to traffic</h1>
<p>The new harbour bridge opened to traffic on Monday after three years of work by the city.</p>
<p>Drivers crossed in both directions from early morning, and the ferry will keep running.</p></article>
<footer class="site-footer"><p>Copyright 2024 Example News</p></footer></body></html>"""


def test_predict_reads_html_by_name_and_by_content(runner, small_model_file, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE_HTML, encoding="utf-8")
    by_name = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", str(page)])
    by_content = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", "-"],
                               input=ARTICLE_HTML.encode())
    assert by_name.exit_code == 0 and by_name.stdout == by_content.stdout
    texts = [row.split("\t", 1)[1] for row in by_name.stdout.splitlines() if row]
    assert "Harbour bridge opens to traffic" in texts and "var x = 1;" not in by_name.stdout
    assert texts[0] == "Home"


def test_train_and_evaluate_on_an_html_corpus_with_gold_text(runner, tmp_path):
    for number in range(4):
        folder = tmp_path / "pages" / f"p{number}"
        folder.mkdir(parents=True)
        (folder / "page.html").write_text(ARTICLE_HTML, encoding="utf-8")
        (folder / "gold.txt").write_text("Harbour bridge opens to traffic\nThe new harbour bridge opened to traffic on "
                                         "Monday after three years of work by the city.\nDrivers crossed in both "
                                         "directions from early morning, and the ferry will keep running.\n")
        (folder / "meta.json").write_text(json.dumps({"site": f"site{number % 2}.example",
                                                      "page_type": ("article", "forum")[number % 2]}))
    model = tmp_path / "html.npz"
    corpus = [str(tmp_path / "pages"), str(LABELED)]
    trained = runner.invoke(main, ["train", *corpus, "-o", str(model), "--epochs", "3", "--json", "-q"])
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.stdout)["training"]["sites"] == len(list(LABELED.iterdir())) + 2
    evaluated = runner.invoke(main, ["evaluate", str(tmp_path / "pages"), "-m", str(model), "--json"])
    report = json.loads(evaluated.stdout)
    assert report["linesift"]["shingles"]["pages"] == 4
    assert report["linesift"]["shingles"]["f1"] > 0.9
    assert report["linesift"]["words"]["f1"] > 0.9
    assert {t: m["pages"] for t, m in report["linesift"]["page_types"].items()} == {"article": 2, "forum": 2}
    table = runner.invoke(main, ["evaluate", str(tmp_path / "pages"), "-m", str(model)]).stdout
    assert "content, WCXB words vs gold" in table and "shingles vs gold" in table
    assert [row.split()[:2] for row in table.splitlines() if row.startswith(("article", "forum"))] == [
        ["article", "2"], ["forum", "2"]]


def test_html_corpus_page_without_gold_is_an_error(runner, tmp_path):
    (tmp_path / "p1").mkdir()
    (tmp_path / "p1" / "page.html").write_text(ARTICLE_HTML)
    result = runner.invoke(main, ["evaluate", str(tmp_path), "-q"])
    assert result.exit_code == 1 and "no gold.txt beside this page" in result.output


def test_resume_skips_inputs_whose_output_is_complete(runner, small_model_file, tmp_path):
    out = tmp_path / "out"
    args = ["predict", "-m", str(small_model_file), "-f", "labeled", str(LABELED), "-o", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    done = out / PAGE.relative_to(LABELED)
    done.write_text("content\tkept from the first run\n")
    missing = sorted(out.rglob("*.tsv"))[-1]
    missing.unlink()
    rerun = runner.invoke(main, args + ["--resume"])
    assert rerun.exit_code == 0, rerun.output
    assert done.read_text() == "content\tkept from the first run\n"   # skipped
    assert missing.exists()                                             # redone
    assert "already done, skipped" in rerun.stderr
    again = runner.invoke(main, args)                                   # without --resume: everything redone
    assert again.exit_code == 0 and done.read_text() != "content\tkept from the first run\n"


def test_resume_needs_an_output_folder(runner, small_model_file, dump_file):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "--resume", str(dump_file)])
    assert result.exit_code == 2 and "--resume needs -o FOLDER" in result.output


def test_folder_output_never_overwrites_an_input_or_another_output(runner, small_model_file, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("Home\nA sentence of text that is long enough to matter here.\n")
    (pages / "a.md").write_text("# Title\nAnother sentence of text for the page.\n")
    same = runner.invoke(main, ["predict", "-m", str(small_model_file), str(pages), "-o", str(pages)])
    assert same.exit_code == 2 and "would overwrite an input" in same.output
    assert (pages / "a.txt").read_text().startswith("Home")
    out = tmp_path / "out"
    apart = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", str(pages), "-o", str(out)])
    assert apart.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.md.tsv", "a.txt.tsv"]
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "p.txt").write_text("one\n")
    (tmp_path / "y" / "p.txt").write_text("two\n")
    clash = runner.invoke(main, ["predict", "-m", str(small_model_file), str(tmp_path / "x" / "p.txt"),
                                 str(tmp_path / "y" / "p.txt"), "-o", str(tmp_path / "two")])
    assert clash.exit_code == 2 and "two inputs" in clash.output


def test_output_named_with_a_trailing_slash_is_a_folder(runner, small_model_file, dump_file, tmp_path):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), str(dump_file), "-o", f"{tmp_path}/new/"])
    assert result.exit_code == 0
    assert (tmp_path / "new" / "page.txt").is_file()


def test_unwritable_output_is_one_line_exit_2(runner, small_model_file, dump_file):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), str(dump_file), "-o", f"{dump_file}/x.txt"])
    assert result.exit_code == 2 and "cannot write here" in result.output and "Traceback" not in result.output


def test_resume_redoes_an_input_newer_than_its_output(runner, small_model_file, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    page = pages / "p.txt"
    page.write_text("Home\nA sentence of text that is long enough to matter here.\n")
    out = tmp_path / "out"
    args = ["predict", "-m", str(small_model_file), "-f", "labeled", str(pages), "-o", str(out), "--resume"]
    assert runner.invoke(main, args).exit_code == 0
    target = out / "p.txt.tsv"
    target.write_text("stale\n")
    os.utime(page, (target.stat().st_mtime + 10, target.stat().st_mtime + 10))
    assert runner.invoke(main, args).exit_code == 0
    assert target.read_text() != "stale\n"


def test_nan_threshold_is_refused(runner, small_model_file, dump_file):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-t", "nan", str(dump_file)])
    assert result.exit_code == 2 and "nan" in result.output


@pytest.mark.parametrize("value", ["pages", "-0.1", "1.5", ""])
def test_a_threshold_that_is_neither_a_probability_nor_page_is_refused(runner, small_model_file, dump_file, value):
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-t", value, str(dump_file)])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "must be a number from 0 to 1 or 'page'" in result.output


def test_the_page_cut_is_the_default_and_a_number_a_fixed_threshold(runner, small_model_file, dump_file):
    """The model's own decision (the page cut, for a model trained by default) is what
    `-t page` gives; a number labels every line against it alone."""
    from linesift.labels import LABEL_NAMES, labels_from_probabilities
    from linesift.model_file import load_model

    def labels(*options):
        result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", *options,
                                      str(dump_file)])
        assert result.exit_code == 0, result.output
        return [row.split("\t", 1)[0] for row in result.stdout.splitlines() if row]

    model = load_model(small_model_file)
    assert model.threshold_ == "page"
    lines = dump_file.read_text(encoding="utf-8").splitlines()
    (probabilities,) = model.predict_proba([lines])
    for options, cut in (((), "page"), (("-t", "page"), "page"), (("-t", "0.3"), 0.3)):
        expected = [LABEL_NAMES[int(label)] for label in labels_from_probabilities(probabilities, cut, lines)
                    if label >= 0]
        assert labels(*options) == expected, options


def test_a_dump_that_mentions_tags_stays_a_dump(runner, small_model_file):
    dump = b"Home | News\n\nWrap each paragraph in a <p> tag and each block in a <div> to style it.\nShare\n"
    result = runner.invoke(main, ["predict", "-m", str(small_model_file), "-f", "labeled", "-"], input=dump)
    assert [row.split(b"\t", 1)[1] if row else b"" for row in result.stdout_bytes.splitlines()] == dump.splitlines()


def test_weight_makes_a_corpus_count_more(runner, tmp_path):
    light, heavy = tmp_path / "light.npz", tmp_path / "heavy.npz"
    base = ["train", str(LABELED), "--epochs", "2", "--no-context", "-q"]
    assert runner.invoke(main, base + ["-o", str(light)]).exit_code == 0
    assert runner.invoke(main, base + ["-o", str(heavy), "--weight", f"{LABELED}=5"]).exit_code == 0
    from linesift.model_file import load_model

    assert load_model(heavy).info_["training"]["weights"] == {str(LABELED): 5.0}
    assert not np.allclose(load_model(light).coef_dense_, load_model(heavy).coef_dense_)
    bad = runner.invoke(main, base + ["-o", str(heavy), "--weight", "elsewhere=5"])
    assert bad.exit_code == 2 and "not among the CORPUS" in bad.output


def test_version_names_the_default_model_from_its_metadata(runner, small_model_file, monkeypatch):
    import linesift
    import linesift.model_file as model_file

    monkeypatch.setattr(model_file, "SHIPPED_MODEL", small_model_file)
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    info = model_file.load_model(small_model_file).info_
    assert result.stdout.splitlines() == [
        f"linesift {linesift.__version__}",
        f"default model: {small_model_file.resolve()}",
        f"  model format {info['format_version']}, feature set {info['feature_set_version']}",
        "  training data digest not recorded",   # the test model's info has no digest
    ]


def test_version_names_a_stale_default_model_and_says_why_it_is_refused(runner, small_model, tmp_path, monkeypatch):
    import linesift.model_file as model_file

    stale = tmp_path / "stale.npz"
    model_file.save_model(small_model, stale, {"feature_set_version": 3, "training": {"digest": "sha256:00ff"}})
    monkeypatch.setattr(model_file, "SHIPPED_MODEL", stale)
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [f"default model: {stale.resolve()}", "  model format 1, feature set 3",
                                              "  training data sha256:00ff"]
    assert result.stderr.startswith(f"linesift: {stale}: not a usable linesift model: made for feature set 3")


def test_version_with_the_shipped_model_gives_its_training_digest(runner):
    """Whether or not the shipped model is of this feature set (between a change of features
    and the retraining it is not), --version names it and its training data."""
    from linesift.model_file import SHIPPED_MODEL

    with np.load(SHIPPED_MODEL, allow_pickle=False) as archive:
        meta = json.loads(archive["meta"].tobytes())
    result = runner.invoke(main, ["--version"])
    assert result.exit_code in (0, 1), result.output
    assert f"default model: {SHIPPED_MODEL.resolve()}\n" in result.stdout
    assert f"  training data {meta['training']['digest']}\n" in result.stdout


def test_version_says_when_the_default_model_is_missing(runner, tmp_path, monkeypatch):
    import linesift.model_file as model_file

    missing = tmp_path / "linesift.npz"
    monkeypatch.setattr(model_file, "SHIPPED_MODEL", missing)
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 2   # as predict without -m then
    assert result.stderr == f"linesift: {missing}: no such model file; pass a model with -m MODEL\n"
