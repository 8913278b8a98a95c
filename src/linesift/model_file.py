"""Model files: data only, never code.

A model is one ``.npz`` file (numpy's zip of arrays) read with ``allow_pickle=False``:
weights and scaler as float arrays, everything else (format and feature-set version,
hyperparameters, threshold, feature names, training-data digest, metrics, library
versions) as a JSON document stored as bytes. Loading checks the format and the
feature-set version and refuses anything else, so a file can never run code and a
stale model can never be read against the wrong feature columns. It also refuses, in one
line, what would pass those checks and still do harm: an array whose header promises
more than a model holds (read before its data, so a small file cannot inflate to
gigabytes), metadata nested past what the JSON reader recurses through, and weights that
are not finite or a scale of zero (every label null, with exit 0).
"""

import hashlib
import json
import zipfile
from importlib.resources import files
from pathlib import Path

import numpy as np

from linesift.atomic import atomic_writer
from linesift.errors import InputError
from linesift.features import FEATURE_SET_VERSION, dense_feature_names
from linesift.labels import PAGE_CUT, checked_threshold
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
# Past any model: the longest array is the hash cues' 2**hash_bits (2**18 by default).
MAX_HASH_BITS = 24
MAX_ARRAY_ITEMS = 1 << MAX_HASH_BITS
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
    """(metadata, arrays) of a file that is a linesift model, of whatever version. Every
    array's header (shape, type) is checked before its data is read: a small file can
    inflate to gigabytes, and numpy would allocate them all before a shape is looked at."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {name.removesuffix(".npy"): name for name in archive.namelist()}
            if sorted(members) not in (sorted(_ARRAYS), sorted(_ARRAYS + CORRECTION_ARRAYS)) \
                    or len(members) != len(archive.namelist()) or not all(n.endswith(".npy") for n in members.values()):
                _refuse(path, f"expected arrays {', '.join(_ARRAYS)}, found {', '.join(archive.namelist()) or 'none'}")
            arrays = {name: _read_array(path, archive, name, member) for name, member in members.items()}
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(path, "no such model file", exit_code=2) from None
    except zipfile.BadZipFile:
        _refuse(path, "not an .npz model (not a zip archive of arrays)")
    except Exception as error:  # noqa: BLE001 - whatever a damaged file makes numpy/zipfile raise
        _refuse(path, f"cannot read it as a data-only .npz model ({type(error).__name__}: {str(error)[:80]})")
    try:
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except RecursionError:
        _refuse(path, "its metadata is nested too deeply to be a model's")
    except (ValueError, UnicodeDecodeError):
        _refuse(path, "its metadata is not JSON")
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        _refuse(path, f"format is {meta.get('format') if isinstance(meta, dict) else None!r}, not {MODEL_FORMAT!r}")
    return meta, arrays


def _read_array(path, archive, name, member):
    """One array of the archive, its header checked first: one dimension, of floats (bytes
    for the metadata), at most MAX_ARRAY_ITEMS long."""
    with archive.open(member) as handle:
        version = np.lib.format.read_magic(handle)
        if version not in ((1, 0), (2, 0)):
            _refuse(path, f"array {name} has a header of .npy version {version}")
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(handle)
    wanted = "u" if name == "meta" else "f"
    if dtype.hasobject or dtype.kind != wanted or (wanted == "u" and dtype.itemsize != 1):
        _refuse(path, f"array {name} holds {dtype}, not {'bytes' if wanted == 'u' else 'floats'}")
    if len(shape) != 1 or shape[0] > MAX_ARRAY_ITEMS:
        _refuse(path, f"array {name} has shape {shape}: a model's arrays are one row of at most "
                      f"{MAX_ARRAY_ITEMS:,} values")
    with archive.open(member) as handle:
        return np.lib.format.read_array(handle, allow_pickle=False)


def _refuse_unusable_values(path, model):
    """Weights that are not finite, or a scale of zero (features divided by it), label every
    line alike or not at all: a file holding them is damaged, whatever its shapes."""
    try:
        model.threshold_ = checked_threshold(model.threshold_)
    except ValueError:
        _refuse(path, f"its threshold {model.threshold_!r} is not a probability (nor {PAGE_CUT!r})")
    arrays = {name: getattr(model, name, None) for name in ("scale_mean_", "scale_std_", "coef_dense_", "coef_hash_",
                                                            "context_coef_", "context_mean_", "context_std_",
                                                            "correction_coef_", "correction_cue_coef_",
                                                            "correction_mean_", "correction_std_")}
    numbers = {name: getattr(model, name, None)
               for name in ("intercept_", "context_intercept_", "correction_intercept_")}
    for name, values in [*arrays.items(), *numbers.items()]:
        if values is not None and not np.all(np.isfinite(values)):
            _refuse(path, f"it holds non-finite values (nan or inf) in {name.rstrip('_')}")
    for name in ("scale_std_", "context_std_", "correction_std_"):
        if arrays[name] is not None and np.any(arrays[name] == 0):
            _refuse(path, f"it holds a zero scale in {name.rstrip('_')} (features would be divided by it)")


def _check_versions(path, meta):
    if meta.get("format_version") != MODEL_FORMAT_VERSION:
        _refuse(path, f"model format version {meta.get('format_version')!r}; this linesift reads version "
                      f"{MODEL_FORMAT_VERSION}: retrain it with `linesift train`")
    context = meta.get("context_feature_names")
    if (meta.get("feature_set_version") != FEATURE_SET_VERSION or meta.get("dense_feature_names") != dense_feature_names()
            or (context and context != context_feature_names())):
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
        if not isinstance(model.hash_bits, int) or not 0 < model.hash_bits <= MAX_HASH_BITS:
            _refuse(path, f"its hash_bits {model.hash_bits!r} is not from 1 to {MAX_HASH_BITS}")
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
        model.threshold_ = meta["threshold"]
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
    _refuse_unusable_values(path, model)
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
