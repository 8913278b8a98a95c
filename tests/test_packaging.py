"""What a wheel holds: the package from src/linesift (found, not listed by hand) with its
data files and py.typed, and the shipped model copied in from model/. .ci/run builds a
real wheel and runs it; this checks the configuration quickly."""

import pytest

from conftest import ROOT

tomllib = pytest.importorskip("tomllib")   # Python 3.11+


def setuptools_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_the_package_is_found_under_src_with_no_mapping():
    config = setuptools_config()
    assert config["packages"]["find"]["where"] == ["src"]
    assert "package-dir" not in config   # a mapping makes an editable install an import hook
    assert (ROOT / "src" / "linesift" / "py.typed").is_file()


def test_an_editable_install_reads_the_checkouts_shipped_model():
    from linesift.model_file import SHIPPED_MODEL

    assert SHIPPED_MODEL.resolve() == (ROOT / "model" / "linesift.npz").resolve()
    assert "model/linesift.npz" in (ROOT / "MANIFEST.in").read_text(encoding="utf-8")   # the sdist carries it


def test_the_version_has_one_source():
    from importlib.metadata import version

    import linesift

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" in project["dynamic"] and "version" not in project
    assert version("linesift") == linesift.__version__
