"""Model files: data only, never code.

A model is one ``.npz`` file (numpy's zip of arrays) read with ``allow_pickle=False``:
weights and scaler as float arrays, everything else (format and feature-set version,
hyperparameters, threshold, feature names, training-data digest, metrics, library
versions) as a JSON document stored as bytes. Loading checks the format and the
feature-set version and refuses anything else, so a file can never run code and a
stale model can never be read against the wrong feature columns.
"""

import hashlib
import json
from importlib.resources import files
from pathlib import Path

import numpy as np

from linesift.atomic import atomic_writer
from linesift.errors import InputError
from linesift.features import FEATURE_SET_VERSION, dense_feature_names
from linesift.model import LineClassifier, context_feature_names
from linesift.transfer import BasedLineClassifier, base_context_names, correction_feature_names
from linesift.version import __version__

MODEL_FORMAT = "linesift-model"
MODEL_FORMAT_VERSION = 1


def _shipped_model():
    """The shipped model: inside the package in a wheel (setup.py copies it there), the
    checkout's ``model/linesift.npz`` in an editable install."""
    packaged = Path(str(files("linesift"))) / "shipped_model" / "linesift.npz"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "model" / "linesift.npz"


SHIPPED_MODEL = _shipped_model()
_ARRAYS = ("scale_mean", "scale_std", "coef_dense", "coef_hash", "context_mean", "context_std", "context_coef", "meta")
CORRECTION_ARRAYS = ("correction_coef", "correction_cue_coef", "correction_mean", "correction_std")
_HYPERPARAMETERS = ("alpha", "epochs", "context", "context_folds", "word_weight", "hash_bits", "threshold", "max_iter", "random_state",
                    "site_dropout")


def save_model(model: LineClassifier, path, info=None):
    """Write ``model`` to ``path`` (atomically); ``info`` (training data, metrics, ...)
    goes into the metadata as it is."""
    import sklearn

    meta = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "feature_set_version": FEATURE_SET_VERSION,
        "hyperparameters": {name: getattr(model, name) for name in _HYPERPARAMETERS},
        "intercept": model.intercept_,
        "context_intercept": model.context_intercept_,
        "threshold": model.threshold_,
        "dense_feature_names": dense_feature_names(),
        "context_feature_names": context_feature_names() if len(model.context_coef_) else [],
        "versions": {"linesift": __version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__},
        **(info or {}),
    }
    correction_meta, correction_arrays = correction_file_parts(model)   # a model trained with --base
    meta.update(correction_meta)
    arrays = {
        "scale_mean": model.scale_mean_, "scale_std": model.scale_std_,
        "coef_dense": model.coef_dense_, "coef_hash": model.coef_hash_.astype(np.float32),
        "context_mean": model.context_mean_, "context_std": model.context_std_,
        "context_coef": model.context_coef_,
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        **correction_arrays,
    }
    with atomic_writer(path, binary=True) as handle:
        np.savez_compressed(handle, **arrays)


def _refuse(path, why):
    raise InputError(path, f"not a usable linesift model: {why}")


def read_model_file(path):
    """(metadata, arrays) of a model file, after checking it is one this version reads."""
    meta, arrays = _read_model_data(path)
    _check_versions(path, meta)
    return meta, arrays


def _read_model_data(path):
    """(metadata, arrays) of a file that is a linesift model, of whatever version."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            _refuse(path, "a single array, not an .npz model")
        with loaded as archive:
            if sorted(archive.files) not in (sorted(_ARRAYS), sorted(_ARRAYS + CORRECTION_ARRAYS)):
                _refuse(path, f"expected arrays {', '.join(_ARRAYS)}, found {', '.join(archive.files) or 'none'}")
            arrays = {name: archive[name] for name in archive.files}
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(path, "no such model file", exit_code=2) from None
    except Exception as error:  # noqa: BLE001 - whatever a damaged file makes numpy/zipfile raise
        # ValueError is what numpy raises for a pickled array when allow_pickle=False.
        _refuse(path, f"cannot read it as a data-only .npz model ({type(error).__name__}: {str(error)[:80]})")
    try:
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        _refuse(path, "its metadata is not JSON")
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        _refuse(path, f"format is {meta.get('format') if isinstance(meta, dict) else None!r}, not {MODEL_FORMAT!r}")
    return meta, arrays


def _check_versions(path, meta):
    if meta.get("format_version") != MODEL_FORMAT_VERSION:
        _refuse(path, f"model format version {meta.get('format_version')!r}; this linesift reads version "
                      f"{MODEL_FORMAT_VERSION}: retrain it with `linesift train`")
    if meta.get("feature_set_version") != FEATURE_SET_VERSION or meta.get("dense_feature_names") != dense_feature_names():
        _refuse(path, f"made for feature set {meta.get('feature_set_version')!r}; this linesift computes feature set "
                      f"{FEATURE_SET_VERSION}: retrain it with `linesift train`")


def _existing(path):
    """``path`` as a Path (the shipped model when None); a missing file is an InputError."""
    path = Path(path) if path is not None else SHIPPED_MODEL
    if not path.exists():
        hint = "; pass a model with -m MODEL" if path == SHIPPED_MODEL else ""
        raise InputError(path, f"no such model file{hint}", exit_code=2)
    return path


def model_summary(path=None):
    """What identifies a model file (the shipped model when None), from its metadata alone:
    its path, format and feature-set version, the digest of its training data (None when
    the file does not record one) and ``refused``: why this linesift cannot use it (another
    format or feature-set version), else None. A file that is no linesift model at all is
    an InputError."""
    path = _existing(path)
    meta, _ = _read_model_data(path)
    try:
        _check_versions(path, meta)
        refused = None
    except InputError as error:
        refused = error
    training = meta.get("training")
    return {"path": str(path.resolve()), "format_version": meta.get("format_version"),
            "feature_set_version": meta.get("feature_set_version"),
            "training_digest": training.get("digest") if isinstance(training, dict) else None, "refused": refused}


def load_model(path=None) -> LineClassifier:
    """Load a model file (the shipped model when ``path`` is None)."""
    path = _existing(path)
    meta, arrays = read_model_file(path)
    try:
        model = LineClassifier(**meta["hyperparameters"])
        dense = len(meta["dense_feature_names"])
        context = len(meta["context_feature_names"])
        shapes_ok = (arrays["scale_mean"].shape == (dense,) and arrays["scale_std"].shape == (dense,)
                     and arrays["coef_dense"].shape == (dense,)
                     and arrays["coef_hash"].shape == (1 << model.hash_bits,)
                     and arrays["context_coef"].shape == (context,)
                     and arrays["context_mean"].shape == (context,) and arrays["context_std"].shape == (context,))
        if not shapes_ok:
            _refuse(path, "its arrays do not have the shapes its metadata gives")
        model.scale_mean_ = arrays["scale_mean"].astype(np.float64)
        model.scale_std_ = arrays["scale_std"].astype(np.float64)
        model.coef_dense_ = arrays["coef_dense"].astype(np.float64)
        model.coef_hash_ = arrays["coef_hash"].astype(np.float64)
        model.context_coef_ = arrays["context_coef"].astype(np.float64)
        model.context_mean_ = arrays["context_mean"].astype(np.float64)
        model.context_std_ = arrays["context_std"].astype(np.float64)
        model.intercept_ = float(meta["intercept"])
        model.context_intercept_ = float(meta["context_intercept"])
        model.threshold_ = float(meta["threshold"])
        model.dense_feature_names_ = meta["dense_feature_names"]
    except (KeyError, TypeError, ValueError) as error:
        _refuse(path, f"its metadata lacks or mangles {error}")
    if CORRECTION_ARRAYS[0] in arrays:   # trained with --base: the base's arrays above, its correction here
        try:
            model = with_correction(model, meta, arrays)
        except (KeyError, TypeError) as error:
            _refuse(path, f"its metadata lacks or mangles {error}")
        except ValueError as error:
            _refuse(path, str(error))
    model.info_ = meta
    return model


# -- a model trained with --base: its base, and the correction beside the base's arrays --
def load_base(path=None):
    """The model to start from (the shipped model when ``path`` is None), with its file's
    sha256 in ``source_``. A file this linesift cannot read as a model (another feature-set
    version, another format) or a model that has a base itself is refused in one line."""
    path = Path(path) if path is not None else SHIPPED_MODEL
    try:
        base = load_model(path)
    except InputError as error:
        raise InputError(path, f"cannot be a --base: {error.message}", exit_code=error.exit_code) from None
    if isinstance(base, BasedLineClassifier):
        raise InputError(path, "cannot be a --base: it was itself trained with --base; give its base "
                               f"({base.info_['based_on'].get('file')}) and all your labeled pages")
    base.source_ = {"file": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    return base


def correction_file_parts(model):
    """(metadata, arrays) that a model file of ``model`` holds besides the base's: nothing for
    a plain LineClassifier."""
    if not isinstance(model, BasedLineClassifier):
        return {}, {}
    meta = {
        "based_on": model.based_on_,
        "correction": {"pull": model.pull, "cue_pull": model.cue_pull, "max_iter": model.max_iter,
                       "intercept": model.correction_intercept_, "feature_names": correction_feature_names()},
    }
    arrays = {"correction_coef": model.correction_coef_,
              "correction_cue_coef": model.correction_cue_coef_.astype(np.float32),
              "correction_mean": model.correction_mean_, "correction_std": model.correction_std_}
    return meta, arrays


def with_correction(base, meta, arrays):
    """The BasedLineClassifier a model file holds: ``base`` (the LineClassifier read from
    its base arrays) with the correction of ``meta`` / ``arrays``. Raises ValueError when
    they do not fit each other."""
    correction = meta["correction"]
    if correction["feature_names"] != correction_feature_names():
        raise ValueError("its correction was made for other feature columns: retrain it with `linesift train --base`")
    contexts = len(base_context_names())
    shapes_ok = (arrays["correction_coef"].shape == (len(correction["feature_names"]),)
                 and arrays["correction_cue_coef"].shape == (1 << base.hash_bits,)
                 and arrays["correction_mean"].shape == (contexts,) and arrays["correction_std"].shape == (contexts,))
    if not shapes_ok:
        raise ValueError("its correction arrays do not have the shapes its metadata gives")
    model = BasedLineClassifier(base, pull=correction["pull"], cue_pull=correction["cue_pull"],
                                word_weight=base.word_weight, threshold=base.threshold_,
                                max_iter=correction["max_iter"])
    model._take_base()
    model.base = base
    model.correction_coef_ = arrays["correction_coef"].astype(np.float64)
    model.correction_cue_coef_ = arrays["correction_cue_coef"].astype(np.float64)
    model.correction_mean_ = arrays["correction_mean"].astype(np.float64)
    model.correction_std_ = arrays["correction_std"].astype(np.float64)
    model.correction_intercept_ = float(correction["intercept"])
    model.based_on_ = meta["based_on"]
    return model
