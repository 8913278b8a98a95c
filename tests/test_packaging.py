"""What a wheel holds: the package from src/linesift (found, not listed by hand) with its
data files and py.typed, and the shipped model copied in from model/. .ci/run builds a
real wheel and runs it; this checks the configuration quickly."""

import os
import subprocess
import sys

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


def _without_thread_variables():
    return {name: value for name, value in os.environ.items()
            if name not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def test_importing_the_package_leaves_numpy_unloaded():
    done = subprocess.run([sys.executable, "-c", "import sys, linesift; print('numpy' in sys.modules)"],
                          capture_output=True, text=True, timeout=120, env=_without_thread_variables())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_command_loads_numpy_with_one_blas_thread():
    code = ("import sys\nfrom linesift.command import main\nsys.argv = ['linesift', '--version']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "from threadpoolctl import threadpool_info\n"
            "print('threads', max(info['num_threads'] for info in threadpool_info()))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=_without_thread_variables())
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "threads 1"


def test_the_package_names_its_api_lazily():
    import linesift
    from linesift import api

    assert linesift.classify_texts is api.classify_texts
    assert "load_model" in dir(linesift)
    with pytest.raises(AttributeError):
        linesift.no_such_name
