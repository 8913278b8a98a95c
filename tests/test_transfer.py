"""--base: a model that keeps a trained base and learns a correction from a user's pages."""

import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import LABELED
from linesift.cli import main
from linesift.explain import explain_line
from linesift.features import extract
from linesift.labeled import format_labeled
from linesift.labels import CHROME, CONTENT, UNLABELED
from linesift.model_file import load_model, save_model
from linesift.train import read_corpus, train_corpus
from linesift.transfer import BasedLineClassifier


@pytest.fixture
def runner():
    return CliRunner()


def _one_line_error(result, exit_code, *fragments):
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("linesift: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def based_model(small_model, labeled_pages):
    return BasedLineClassifier(small_model).fit([p.lines for p in labeled_pages], [p.labels for p in labeled_pages])


def _inverted(labels):
    return [CHROME if label == CONTENT else CONTENT if label == CHROME else UNLABELED for label in labels]


def test_train_with_base_writes_a_model_that_records_its_base(runner, small_model_file, tmp_path):
    out = tmp_path / "mine.npz"
    result = runner.invoke(main, ["train", str(LABELED), "--base", str(small_model_file), "--keep-correction",
                                  "-o", str(out), "--json", "-q"])
    assert result.exit_code == 0, result.output
    model = load_model(out)
    assert isinstance(model, BasedLineClassifier)
    based_on = model.info_["based_on"]
    assert based_on["sha256"] == hashlib.sha256(small_model_file.read_bytes()).hexdigest()
    assert based_on["file"] == small_model_file.name and based_on["feature_set_version"]


def test_evaluate_cv_with_base(runner, small_model_file):
    result = runner.invoke(main, ["evaluate", str(LABELED), "--cv", "2", f"--base={small_model_file}", "--json",
                                  "--no-baselines", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["setup"]["base"]["sha256"] == hashlib.sha256(small_model_file.read_bytes()).hexdigest()
    assert report["linesift"]["pages"] == len(list(LABELED.glob("*/*.tsv")))
    assert 0 < report["linesift"]["tokens_per_page"]["f1"] <= 1


def test_the_model_file_loads_and_predicts_without_its_base(runner, small_model_file, tmp_path, labeled_pages):
    base = tmp_path / "base.npz"
    shutil.copy(small_model_file, base)
    out = tmp_path / "mine.npz"
    assert runner.invoke(main, ["train", str(LABELED), f"--base={base}", "-o", str(out), "-q"]).exit_code == 0
    pages = [p.lines for p in labeled_pages[:3]]
    before = load_model(out).predict_proba(pages)
    base.unlink()
    after = load_model(out).predict_proba(pages)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)
    result = runner.invoke(main, ["predict", "-m", str(out), "--format", "labeled", str(sorted(LABELED.glob("*/*.tsv"))[0])])
    assert result.exit_code == 0, result.output


def test_a_saved_model_predicts_as_the_fitted_one(based_model, tmp_path, labeled_pages):
    path = tmp_path / "based.npz"
    save_model(based_model, path)
    pages = [p.lines for p in labeled_pages[:5]]
    for a, b in zip(based_model.predict_proba(pages), load_model(path).predict_proba(pages)):
        np.testing.assert_allclose(a, b, rtol=1e-6, equal_nan=True)


def test_a_base_of_another_feature_set_version_is_refused(runner, small_model_file, tmp_path):
    with np.load(small_model_file, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta["feature_set_version"] = -1
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    old = tmp_path / "old.npz"
    np.savez(old, **arrays)
    out = tmp_path / "mine.npz"
    result = runner.invoke(main, ["train", str(LABELED), f"--base={old}", "-o", str(out)])
    _one_line_error(result, 1, f"linesift: {old}: cannot be a --base", "feature set -1")
    assert not out.exists()


def test_a_model_trained_with_a_base_cannot_be_a_base(runner, based_model, tmp_path):
    based = tmp_path / "based.npz"
    save_model(based_model, based)
    result = runner.invoke(main, ["train", str(LABELED), f"--base={based}", "-o", str(tmp_path / "x.npz")])
    _one_line_error(result, 1, "itself trained with --base")


@pytest.mark.parametrize("args, fragment", [
    (["train", str(LABELED), "--alpha", "1e-4", "--base", "-o", "x.npz"], "--alpha: does not apply with --base"),
    (["train", str(LABELED), "--no-context", "--base", "-o", "x.npz"], "does not apply with --base"),
    (["evaluate", str(LABELED), "--base"], "--base: trains on your pages: measure it with --cv K"),
    (["train", "--base", str(LABELED), "-o", "x.npz"], "is a folder, not a model"),
    (["train", str(LABELED), "--base=no-such.npz", "-o", "x.npz"], "no-such.npz: cannot be a --base: no such model file"),
])
def test_misuse_of_base_is_a_usage_error(runner, tmp_path, args, fragment):
    out = tmp_path / "x.npz"
    result = runner.invoke(main, [str(out) if arg == "x.npz" else arg for arg in args])
    _one_line_error(result, 2, fragment)
    assert not out.exists()


def test_the_correction_learns_the_users_labels(small_model, labeled_pages):
    """A user whose notion is the opposite of the base's: the correction turns the model round."""
    pages = [p.lines for p in labeled_pages]
    inverted = [_inverted(p.labels) for p in labeled_pages]
    model = BasedLineClassifier(small_model).fit(pages, inverted)

    def agreement(m):
        predicted = m.predict(pages)
        hits = [(a == b) for p, q in zip(predicted, inverted) for a, b in zip(p, q) if b != UNLABELED]
        return np.mean(hits)

    assert agreement(small_model) < 0.3
    assert agreement(model) > 0.7


def test_the_pull_keeps_the_model_at_its_base(small_model, labeled_pages):
    """A pull past any data: the correction is its intercept alone, the base's logits shifted."""
    pages = [p.lines for p in labeled_pages[:10]]
    inverted = [_inverted(p.labels) for p in labeled_pages[:10]]
    model = BasedLineClassifier(small_model, pull=1e12, cue_pull=1e12).fit(pages, inverted)
    features = extract(pages)
    shift = model.row_logits(features) - small_model.row_logits(features)
    assert np.ptp(shift) < 1e-3


def test_page_weights_count_in_the_correction(small_model, labeled_pages):
    """A page of inverted labels counted 20 times moves the model on it more than counted once."""
    pages = [p.lines for p in labeled_pages[:6]]
    labels = [p.labels for p in labeled_pages[:5]] + [_inverted(labeled_pages[5].labels)]
    features = extract(pages[5:])
    once = BasedLineClassifier(small_model).fit(pages, labels).row_logits(features)
    heavy = BasedLineClassifier(small_model).fit(pages, labels, page_weights=[1] * 5 + [20]).row_logits(features)
    truth = np.array([label for label in labels[5] if label != UNLABELED])
    rows = extract([pages[5]]).line_index
    sign = np.where(np.array(labels[5])[rows] == CONTENT, 1, -1)
    assert len(truth) and (heavy * sign).mean() > (once * sign).mean()


def test_explain_sums_the_base_and_the_correction(based_model, labeled_pages):
    page = labeled_pages[0]
    for index, line in enumerate(page.lines):
        if not line.strip():
            continue
        e = explain_line(based_model, page.lines, index)
        assert e["baseline"] + math.fsum(t["contribution"] for t in e["terms"]) == pytest.approx(e["logit"], abs=1e-9)
        assert e["probability"] == pytest.approx(based_model.predict_proba([page.lines])[0][index], abs=1e-12)
    assert any(t["kind"] == "base" for t in e["terms"])


def test_a_corpus_of_symlinked_site_folders_is_read(runner, small_model_file, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sites = sorted(p for p in LABELED.iterdir() if p.is_dir())
    for site in sites:
        (corpus / site.name).symlink_to(site, target_is_directory=True)
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)   # a cycle: read once, not forever
    result = runner.invoke(main, ["evaluate", str(corpus), "-m", str(small_model_file), "--json", "--no-baselines"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["linesift"]["pages"] == len(list(LABELED.glob("*/*.tsv")))


def test_a_target_threshold_is_chosen_on_folds_that_start_from_the_base(runner, small_model_file, tmp_path):
    out = tmp_path / "mine.npz"
    result = runner.invoke(main, ["train", str(LABELED), f"--base={small_model_file}", "--target-recall", "0.9",
                                  "--cv", "2", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    model = load_model(out)
    assert model.info_["threshold_selection"]["recall"] >= 0.9
    assert model.threshold_ == model.info_["threshold_selection"]["threshold"]


def test_a_correction_of_the_wrong_shape_is_refused(runner, based_model, tmp_path):
    good = tmp_path / "based.npz"
    save_model(based_model, good)
    with np.load(good, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["correction_coef"] = np.zeros(2)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    result = runner.invoke(main, ["predict", "-m", str(bad), str(sorted(LABELED.glob("*/*.tsv"))[0])])
    _one_line_error(result, 1, f"linesift: {bad}: not a usable linesift model", "shapes")


# -- train --base is never silently worse -------------------------------------------------

def _write_inverted_copy(pages, folder):
    """The project's pages with every label flipped: a notion no base model has."""
    for page in pages:
        target = folder / page.site / Path(page.source).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(format_labeled(page.lines, _inverted(page.labels)), encoding="utf-8")


def test_a_correction_no_better_than_the_base_leaves_the_base_unchanged(runner, small_model_file, tmp_path,
                                                                        labeled_pages):
    """The base was trained on these very pages: a correction cannot beat it on them, so
    the base is written unchanged, and the summary says why."""
    out = tmp_path / "mine.npz"
    result = runner.invoke(main, ["train", str(LABELED), "--base", str(small_model_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "does not beat the base, so the base is written unchanged" in result.stdout
    written, base = load_model(out), load_model(small_model_file)
    assert not isinstance(written, BasedLineClassifier)
    assert written.info_["base_check"]["kept"] == "base"
    lines = [page.model_lines for page in labeled_pages[:5]]
    for a, b in zip(written.predict_proba(lines), base.predict_proba(lines)):
        assert np.array_equal(a, b, equal_nan=True)


def test_a_correction_that_beats_the_base_on_held_out_sites_is_kept(small_model, labeled_pages, tmp_path):
    _write_inverted_copy(labeled_pages, tmp_path / "inverted")
    pages = read_corpus([tmp_path / "inverted"])
    model, info = train_corpus(pages, [str(tmp_path / "inverted")], {"word_weight": "log"}, base=small_model)
    check = info["base_check"]
    assert check["better"] and check["kept"] == "correction" and check["folds"] == 5
    assert check["corrected"]["f1"] > check["base"]["f1"]
    assert isinstance(model, BasedLineClassifier)


def test_pages_of_one_site_cannot_be_checked_and_say_so(runner, small_model_file, tmp_path, labeled_pages):
    site = labeled_pages[0].site
    result = runner.invoke(main, ["train", str(LABELED / site), "--base", str(small_model_file),
                                  "-o", str(tmp_path / "one.npz")])
    assert result.exit_code == 0, result.output
    assert "not checked against the base" in result.stdout
    assert load_model(tmp_path / "one.npz").info_["base_check"] == {"better": None, "folds": 0, "kept": "correction"}
