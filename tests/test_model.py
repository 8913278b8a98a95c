import json
import pickle
import zipfile

import numpy as np
import pytest

from linesift.errors import InputError
from linesift.model import LineClassifier
from linesift.model_file import load_model, read_model_file, save_model

ARTICLE = ["Home | News | Sport", "Share", "",
           "The council approved the new bridge on Tuesday after a long debate.",
           "Work is expected to start in the spring and to last for two years.",
           "", "Related stories", "Copyright 2024 Example News"]
LABELS = [0, 0, -1, 1, 1, -1, 0, 0]


def test_fitted_state_ends_in_underscore_and_probabilities_fit_the_page(small_model):
    assert hasattr(small_model, "coef_dense_") and hasattr(small_model, "threshold_")
    (probabilities,) = small_model.predict_proba([ARTICLE])
    assert probabilities.shape == (len(ARTICLE),)
    assert np.isnan(probabilities[2]) and np.isnan(probabilities[5])
    classified = probabilities[~np.isnan(probabilities)]
    assert np.all((classified >= 0) & (classified <= 1))


def test_model_learns_the_article_from_the_chrome(small_model):
    (labels,) = small_model.predict([ARTICLE])
    assert list(labels[3:5]) == [1, 1]
    assert labels[1] == 0 and labels[7] == 0


def test_training_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        LineClassifier(epochs=1, context=False).fit([["a", "b"]], [[0, 0]])


def test_save_and_load_give_the_same_probabilities(small_model, small_model_file):
    loaded = load_model(small_model_file)
    (a,) = small_model.predict_proba([ARTICLE])
    (b,) = loaded.predict_proba([ARTICLE])
    np.testing.assert_allclose(a, b, rtol=1e-5, equal_nan=True)
    assert loaded.info_["training"] == {"note": "test"}
    assert loaded.info_["versions"]["linesift"]


def _rewrite(path, target, change):
    """Copy a model file to ``target`` with its metadata changed by ``change(meta)``."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays["meta"].tobytes())
    change(meta)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(target, **arrays)
    return target


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(feature_set_version=0), "retrain"),
    (lambda m: m.update(format_version=99), "retrain"),
    # a context pass over other columns (made by a linesift whose feature set was not bumped)
    (lambda m: m.update(context_feature_names=m["context_feature_names"][:-1]), "retrain"),
    (lambda m: m.update(format="something-else"), "format"),
])
def test_models_of_another_version_or_format_are_refused(small_model_file, tmp_path, change, message):
    bad = _rewrite(small_model_file, tmp_path / "bad.npz", change)
    with pytest.raises(InputError, match=message):
        load_model(bad)


def test_truncated_and_foreign_files_are_refused(small_model_file, tmp_path):
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(small_model_file.read_bytes()[:1000])
    foreign = tmp_path / "foreign.npz"
    foreign.write_text("not a model")
    for path in (truncated, foreign):
        with pytest.raises(InputError, match="not a usable linesift model"):
            load_model(path)


class _Boom:
    def __reduce__(self):
        import os

        return (os.system, ("touch ran-code-from-model",))


def test_a_pickle_in_a_model_file_is_refused_and_never_run(small_model_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = tmp_path / "evil.npz"
    with np.load(small_model_file, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["coef_dense"] = np.array([_Boom()], dtype=object)   # saved as a pickle inside the zip
    np.savez(evil, **arrays)
    with zipfile.ZipFile(evil) as archive:
        assert b"ran-code-from-model" in archive.read("coef_dense.npy")
    with pytest.raises(InputError, match="not a usable linesift model"):
        load_model(evil)
    assert not (tmp_path / "ran-code-from-model").exists()
    raw_pickle = tmp_path / "model.pkl"
    raw_pickle.write_bytes(pickle.dumps(_Boom()))
    with pytest.raises(InputError):
        read_model_file(raw_pickle)
    assert not (tmp_path / "ran-code-from-model").exists()


def test_missing_model_file_is_a_usage_error(tmp_path):
    with pytest.raises(InputError) as caught:
        load_model(tmp_path / "nope.npz")
    assert caught.value.exit_code == 2


def test_save_is_atomic_and_leaves_no_temporary_files(small_model, tmp_path):
    target = tmp_path / "m.npz"
    save_model(small_model, target)
    save_model(small_model, target)
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_fast_scoring_equals_the_scaled_two_pass_definition(small_model):
    from linesift.features import extract
    from linesift.model import LineClassifier

    features = extract([ARTICLE])
    first = LineClassifier._first_pass_logits(small_model, features)
    dense = (features.dense - small_model.scale_mean_) / small_model.scale_std_
    keywords = np.bincount(features.hash_row, weights=small_model.coef_hash_[features.hash_bucket], minlength=len(dense))
    np.testing.assert_allclose(first, dense @ small_model.coef_dense_ + keywords + small_model.intercept_, atol=1e-9)
    slow = small_model._context_inputs(first, features) @ small_model.context_coef_ + small_model.context_intercept_
    np.testing.assert_allclose(small_model.row_logits(features), slow, atol=1e-9)


def test_a_page_with_no_line_over_the_threshold_keeps_its_best_lines():
    from linesift.labels import KEEP_BEST_FLOOR, labels_from_probabilities

    probabilities = np.array([0.1, np.nan, 0.4, 0.35, 0.2])
    assert labels_from_probabilities(probabilities, 0.5).tolist() == [0, -1, 1, 1, 0]      # 0.35 >= 0.8 x 0.4
    assert labels_from_probabilities(probabilities, 0.5, keep_best=0).tolist() == [0, -1, 0, 0, 0]
    assert labels_from_probabilities(np.array([0.9, 0.4]), 0.5).tolist() == [1, 0]        # the threshold rules
    hopeless = np.array([KEEP_BEST_FLOOR / 2, 0.01])
    assert labels_from_probabilities(hopeless, 0.5).tolist() == [0, 0]
    assert labels_from_probabilities(np.array([np.nan]), 0.5).tolist() == [-1]
