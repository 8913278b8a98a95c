"""train --target-precision / --target-recall: the threshold chosen on out-of-fold scores."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import LABELED
from linesift.cli import main
from linesift.model_file import load_model
from linesift.threshold import choose_threshold, labeled_scores, point_at, pr_curve
from linesift.train import page_probabilities

EPOCHS = "3"   # the threshold logic, not the model, is under test: keep training short


def test_curve_and_choice_on_known_scores():
    truth = np.array([1, 1, 0, 1, 0, 0], dtype=bool)
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.6, 0.1])
    curve = pr_curve(truth, scores)
    assert curve.thresholds.tolist() == [0.9, 0.8, 0.7, 0.6, 0.1]   # the tie at 0.6 is one point
    assert curve.precision.tolist() == pytest.approx([1, 1, 2 / 3, 3 / 5, 3 / 6])
    assert curve.recall.tolist() == pytest.approx([1 / 3, 2 / 3, 2 / 3, 1, 1])
    assert choose_threshold(curve, target_precision=0.6).threshold == 0.6   # lowest reaching it
    assert choose_threshold(curve, target_precision=0.7).threshold == 0.8
    assert choose_threshold(curve, target_recall=0.6).threshold == 0.8      # highest reaching it
    assert choose_threshold(curve, target_recall=1.0).threshold == 0.6
    assert point_at(curve, 0.65) == pytest.approx((2 / 3, 2 / 3))


def test_curve_counts_words_when_weighted():
    truth = np.array([1, 0, 1], dtype=bool)
    scores = np.array([0.9, 0.8, 0.7])
    curve = pr_curve(truth, scores, np.array([10, 1, 30]))   # a long paragraph, "Share", a longer one
    assert curve.precision.tolist() == pytest.approx([1, 10 / 11, 40 / 41])
    assert curve.recall.tolist() == pytest.approx([10 / 40, 10 / 40, 1])
    shuffled = pr_curve(truth[[2, 0, 1]], scores[[2, 0, 1]], np.array([30, 10, 1]))   # input order is no matter
    assert shuffled.precision.tolist() == pytest.approx(curve.precision.tolist())
    assert shuffled.recall.tolist() == pytest.approx(curve.recall.tolist())


def test_unreachable_target_names_the_best_reachable_value():
    curve = pr_curve(np.array([0, 1, 1], dtype=bool), np.array([0.9, 0.5, 0.4]))
    with pytest.raises(ValueError, match=r"best reachable is 0\.6667"):
        choose_threshold(curve, target_precision=0.9)


def _train(tmp_path, *options):
    path = tmp_path / "model.npz"
    result = CliRunner().invoke(main, ["train", str(LABELED), "-o", str(path), "--epochs", EPOCHS, "-q", "--json",
                                       *options])
    return result, path


def test_target_precision_is_reached_on_the_folds_and_recorded(tmp_path, labeled_pages):
    result, path = _train(tmp_path, "--target-precision", "0.9", "--cv", "3")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    selection = summary["threshold_selection"]
    model = load_model(path)
    assert model.info_["threshold_selection"] == selection
    assert model.threshold_ == selection["threshold"] and selection["target"] == {"precision": 0.9}
    assert selection["precision"] >= 0.9 and selection["folds"] == 3
    # The recorded numbers are what the same folds measure at that threshold...
    hyperparameters = {"alpha": 1e-5, "epochs": int(EPOCHS), "context": True, "word_weight": "log"}
    probabilities, _, _ = page_probabilities(labeled_pages, folds=3, hyperparameters=hyperparameters)
    curve = pr_curve(*labeled_scores(labeled_pages, probabilities))
    assert point_at(curve, selection["threshold"]) == pytest.approx((selection["precision"], selection["recall"]))
    # ... it is the lowest threshold that reaches the target, and --cv's metrics are at it.
    lower = curve.thresholds[curve.thresholds < selection["threshold"]]
    assert all(point_at(curve, t)[0] < 0.9 for t in lower)
    assert summary["metrics"]["linesift"]["tokens"]["precision"] == pytest.approx(selection["precision"])


def test_target_recall_and_default_folds(tmp_path):
    result, path = _train(tmp_path, "--target-recall", "0.8")
    assert result.exit_code == 0, result.output
    selection = json.loads(result.stdout)["threshold_selection"]
    assert selection["recall"] >= 0.8 and selection["folds"] == 5
    assert "metrics" not in json.loads(result.stdout)


def test_plain_training_records_the_default_threshold(tmp_path):
    result, path = _train(tmp_path)
    assert result.exit_code == 0, result.output
    assert load_model(path).info_["threshold_selection"] == {"method": "default", "threshold": "page"}
    assert load_model(path).threshold_ == "page"


@pytest.mark.parametrize("options", [["--target-precision", "0.9", "--target-recall", "0.9"],
                                     ["--target-precision", "0.9", "--threshold", "0.4"]])
def test_targets_and_threshold_exclude_each_other(tmp_path, options):
    result, path = _train(tmp_path, *options)
    assert result.exit_code == 2 and not path.exists()
    assert "exclude each other" in result.output and "Traceback" not in result.output


def test_text_summary_names_the_threshold_and_how_it_was_chosen(tmp_path):
    path = tmp_path / "model.npz"
    result = CliRunner().invoke(main, ["train", str(LABELED), "-o", str(path), "--epochs", EPOCHS, "-q",
                                       "--target-recall", "0.8"])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.stdout.splitlines() if row.startswith("threshold "))
    assert "target recall" in line and "out-of-fold precision" in line
