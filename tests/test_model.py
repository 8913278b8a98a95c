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
    lines = ["x"] * 5
    assert labels_from_probabilities(probabilities, 0.5, lines).tolist() == [0, -1, 1, 1, 0]   # 0.35 >= 0.8 x 0.4
    assert labels_from_probabilities(probabilities, 0.5, lines, keep_best=0).tolist() == [0, -1, 0, 0, 0]
    assert labels_from_probabilities(np.array([0.9, 0.4]), 0.5, lines[:2]).tolist() == [1, 0]   # the threshold rules
    hopeless = np.array([KEEP_BEST_FLOOR / 2, 0.01])
    assert labels_from_probabilities(hopeless, 0.5, lines[:2]).tolist() == [0, 0]
    assert labels_from_probabilities(np.array([np.nan]), 0.5, [""]).tolist() == [-1]


def _cut(probabilities, lengths):
    from linesift.labels import PAGE_CUT, labels_from_probabilities

    lines = ["w" * n for n in lengths]
    return labels_from_probabilities(np.array(probabilities, dtype=float), PAGE_CUT, lines).tolist()


def test_the_page_cut_keeps_the_likeliest_lines_while_they_raise_the_expected_f():
    # A sure article: its lines kept; a line at 0.5 beside them is not worth its risk (its P is
    # under F / (1 + b**2) of what is kept), nor the chrome.
    assert _cut([0.95, 0.9, 0.5, 0.05, np.nan], [300, 300, 100, 20, 0]) == [1, 1, 0, 0, -1]
    # The same line on a page where every line is doubtful: the page keeps its best lines, and
    # those nearly as likely, where a threshold of 0.5 would keep next to nothing.
    assert _cut([0.45, 0.4, 0.35, 0.05], [200, 200, 200, 50]) == [1, 1, 1, 0]
    # Lengths weigh: a long line carries its P further than a short one of the same P.
    assert _cut([0.9, 0.3, 0.05], [10, 1000, 10])[1] == 1
    assert _cut([0.9, 0.3, 0.05], [1000, 10, 10])[1] == 0


def test_a_markdown_link_weighs_its_text_not_its_url():
    from linesift.labels import PAGE_CUT, labels_from_probabilities, line_lengths

    link = "[Home](https://example.com/" + "x" * 1000 + ")"
    # The stripped line less each link's markup and URL, by the link rule of parse_line ("b (c)"
    # is no URL); a list marker and an image's "!" are a few characters that stay.
    lines = [link, "  * [Some](/list) item  ", "plain", '[a](b(c)) [d](e "f") ![g](h)', "[a](b (c)) x"]
    assert line_lengths(lines).tolist() == [4, 11, 5, 6, 12]
    # Weighed by its 1,000-character URL the link would carry its P of 0.3 into the page's text.
    probabilities = np.array([0.9, 0.3, 0.05])
    assert labels_from_probabilities(probabilities, PAGE_CUT, ["w" * 10, link, "w" * 10]).tolist() == [1, 0, 0]
    assert labels_from_probabilities(probabilities, PAGE_CUT, ["w" * 10, "w" * 1000, "w" * 10]).tolist() == [1, 1, 0]


def test_the_page_cut_keeps_nothing_when_even_the_best_line_is_hopeless():
    from linesift.labels import KEEP_BEST_FLOOR

    assert _cut([KEEP_BEST_FLOOR / 2, 0.01], [100, 100]) == [0, 0]
    assert _cut([np.nan, np.nan], [0, 0]) == [-1, -1]
    assert _cut([], []) == []


def test_a_page_of_bare_link_markup_is_cut_without_a_warning():
    """Lines whose visible text is empty ("[](url)") weigh a character each: no 0 / 0."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _cut([0.9, 0.8, 0.01], [0, 0, 0]) == [1, 1, 0]
        lines = ["[](http://a.example/1)", "[](http://a.example/2)"]
        assert _cut_lines([0.9, 0.1], lines) == [1, 0]


def _cut_lines(probabilities, lines):
    from linesift.labels import PAGE_CUT, labels_from_probabilities

    return labels_from_probabilities(np.array(probabilities, dtype=float), PAGE_CUT, lines).tolist()


def test_the_page_cut_reads_html_lines_by_their_text():
    from linesift.html import HtmlLine
    from linesift.labels import PAGE_CUT, labels_from_probabilities

    probabilities = np.array([0.9, 0.3, 0.05])
    texts = ["w" * 10, "w" * 1000, "w" * 10]
    markup = [HtmlLine(text, 0, (), ()) for text in texts]
    assert (labels_from_probabilities(probabilities, PAGE_CUT, markup).tolist()
            == labels_from_probabilities(probabilities, PAGE_CUT, texts).tolist() == [1, 1, 0])


@pytest.mark.parametrize("value, expected", [("page", "page"), (0, 0.0), ("0.25", 0.25), (1, 1.0)])
def test_a_threshold_is_a_probability_or_the_page_cut(value, expected):
    from linesift.labels import checked_threshold

    assert checked_threshold(value) == expected


@pytest.mark.parametrize("value", [float("nan"), -0.1, 1.5, "pages", None, [0.5]])
def test_anything_else_is_not_a_threshold(value):
    from linesift.labels import checked_threshold

    with pytest.raises(ValueError, match="a threshold is a probability or 'page'"):
        checked_threshold(value)
