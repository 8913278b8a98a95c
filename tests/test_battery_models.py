"""Models: a file whose weights cannot label anything, whose arrays would inflate past any
model, or whose metadata is nested past the JSON reader's depth is refused at load, in
one line, before it costs the memory or labels a page."""

import copy
import io
import json
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner

from linesift.cli import main
from linesift.errors import InputError
from linesift.model_file import MAX_ARRAY_ITEMS, load_model, save_model


def members(model_file):
    with zipfile.ZipFile(model_file) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def write_model(path, parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def with_array(model_file, path, name, change):
    parts = members(model_file)
    array = np.load(io.BytesIO(parts[f"{name}.npy"]))
    parts[f"{name}.npy"] = npy(change(array.copy()))
    return write_model(path, parts)


def refused(runner, model, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Home | News\nThe council approved the new bridge on Tuesday after a long debate.\n")
    out = tmp_path / "out.txt"
    result = runner.invoke(main, ["predict", "-m", str(model), str(page), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith(f"linesift: {model}: not a usable linesift model: ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists()
    return result.output


def set_at(value, at=3):
    def change(array):
        array[at] = value
        return array
    return change


@pytest.mark.parametrize("name, value", [("coef_dense", np.nan), ("coef_hash", np.inf), ("scale_mean", -np.inf),
                                         ("context_coef", np.nan)])
def test_a_model_holding_non_finite_weights_is_refused(small_model_file, tmp_path, name, value):
    bad = with_array(small_model_file, tmp_path / "bad.npz", name, set_at(value))
    message = refused(CliRunner(), bad, tmp_path)
    assert f"holds non-finite values (nan or inf) in {name}" in message


@pytest.mark.parametrize("name", ["scale_std", "context_std"])
def test_a_model_with_a_zero_scale_is_refused(small_model_file, tmp_path, name):
    bad = with_array(small_model_file, tmp_path / "bad.npz", name, set_at(0.0))
    assert f"holds a zero scale in {name}" in refused(CliRunner(), bad, tmp_path)


def test_a_model_whose_metadata_gives_a_nan_intercept_is_refused(small_model_file, tmp_path):
    def change(meta_bytes):
        meta = json.loads(meta_bytes.tobytes())
        meta["intercept"] = float("nan")
        return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)

    bad = with_array(small_model_file, tmp_path / "bad.npz", "meta", change)
    assert "non-finite values (nan or inf) in intercept" in refused(CliRunner(), bad, tmp_path)


@pytest.mark.parametrize("threshold", [float("nan"), 1.5, "pages", None, [0.5]])
def test_a_model_whose_threshold_is_neither_a_probability_nor_page_is_refused(small_model_file, tmp_path, threshold):
    def change(meta_bytes):
        meta = json.loads(meta_bytes.tobytes())
        meta["threshold"] = threshold
        return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)

    bad = with_array(small_model_file, tmp_path / "bad.npz", "meta", change)
    assert "is not a probability (nor 'page')" in refused(CliRunner(), bad, tmp_path)


@pytest.mark.parametrize("threshold", ["page", 0.35])
def test_a_model_keeps_the_threshold_it_was_saved_with(small_model, tmp_path, threshold):
    model = copy.copy(small_model)
    model.threshold_ = threshold
    save_model(model, tmp_path / "m.npz")
    assert load_model(tmp_path / "m.npz").threshold_ == threshold


def test_an_array_header_past_any_model_is_refused_before_its_data_is_read(small_model_file, tmp_path, monkeypatch):
    """A header that promises 2**31 floats (16 GB): refused from the header, the data never
    read (it is not even there)."""
    parts = members(small_model_file)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (1 << 31,)})
    parts["coef_hash.npy"] = b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + b"\x00" * 64
    bad = write_model(tmp_path / "huge.npz", parts)
    read = np.lib.format.read_array
    monkeypatch.setattr(np.lib.format, "read_array",
                        lambda handle, **options: pytest.fail("data read") if "coef_hash" in handle.name
                        else read(handle, **options))
    with pytest.raises(InputError, match=f"array coef_hash has shape \\(2147483648,\\): a model's arrays are one row "
                                         f"of at most {MAX_ARRAY_ITEMS:,} values"):
        load_model(bad)


def test_a_small_file_that_inflates_past_any_model_is_refused(small_model_file, tmp_path):
    """Zeros deflate a thousandfold: an array of 2**24 + 1 floats (64 MB) in a file under 1 MB."""
    parts = members(small_model_file)
    parts["coef_hash.npy"] = npy(np.zeros(MAX_ARRAY_ITEMS + 1, dtype=np.float32))
    bad = write_model(tmp_path / "inflates.npz", parts)
    assert bad.stat().st_size < 1_000_000
    assert "a model's arrays are one row of at most" in refused(CliRunner(), bad, tmp_path)


@pytest.mark.parametrize("name, array, what", [
    ("coef_dense", np.zeros((2, 3)), "has shape (2, 3)"),
    ("coef_dense", np.zeros(4, dtype=np.int64), "holds int64, not floats"),
    ("meta", np.zeros(4, dtype=np.float64), "holds float64, not bytes"),
])
def test_arrays_of_another_shape_or_type_are_refused_from_their_header(small_model_file, tmp_path, name, array, what):
    parts = members(small_model_file)
    parts[f"{name}.npy"] = npy(array)
    bad = write_model(tmp_path / "bad.npz", parts)
    assert what in refused(CliRunner(), bad, tmp_path)


def test_metadata_nested_two_thousand_deep_is_refused_in_one_line(small_model_file, tmp_path):
    parts = members(small_model_file)
    parts["meta.npy"] = npy(np.frombuffer(b"[" * 2000 + b"]" * 2000, dtype=np.uint8))
    bad = write_model(tmp_path / "deep.npz", parts)
    assert "its metadata is nested too deeply" in refused(CliRunner(), bad, tmp_path)


def test_hash_bits_past_any_model_are_refused_before_the_shapes_are_compared(small_model_file, tmp_path):
    def change(meta_bytes):
        meta = json.loads(meta_bytes.tobytes())
        meta["hyperparameters"]["hash_bits"] = 10 ** 12   # 1 << this would never finish
        return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)

    bad = with_array(small_model_file, tmp_path / "bad.npz", "meta", change)
    assert "its hash_bits 1000000000000 is not from 1 to" in refused(CliRunner(), bad, tmp_path)


def test_the_shipped_model_and_a_trained_one_pass_every_check(small_model_file):
    load_model()
    load_model(small_model_file)
