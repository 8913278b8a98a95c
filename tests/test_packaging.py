"""Issue 11: what a wheel holds. The code in training/ installs as the package linesift,
every subpackage listed (setuptools would leave an unlisted one out, or warn), and the
shipped model travels inside it. .ci/run builds a real wheel and runs it; this checks
the configuration quickly."""

import pytest

from conftest import ROOT

tomllib = pytest.importorskip("tomllib")   # Python 3.11+


def setuptools_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_subpackage_of_training_is_listed():
    config = setuptools_config()
    code = {"linesift"} | {"linesift." + ".".join(init.parent.relative_to(ROOT / "training").parts)
                           for init in (ROOT / "training").rglob("__init__.py") if init.parent != ROOT / "training"}
    assert code <= set(config["packages"]), code - set(config["packages"])
    assert not any(name == "training" or name.startswith("training.") for name in config["packages"])


def test_the_shipped_model_is_package_data_where_the_code_looks_for_it():
    from linesift.model_file import SHIPPED_MODEL

    config = setuptools_config()
    folder = ROOT / config["package-dir"]["linesift.shipped_model"]
    assert "linesift.npz" in config["package-data"]["linesift.shipped_model"]
    assert (folder / "linesift.npz").is_file() and (folder / "__init__.py").is_file()
    assert SHIPPED_MODEL.resolve() == (folder / "linesift.npz").resolve()   # an editable install reads the checkout's
