"""The package resolves as an ordinary one: a type checker finds it from an editable
install, and ``import linesift`` works from a folder that holds a folder named ``linesift``
(a clone of the project under its own name). The public API carries type annotations that
mypy checks."""

import subprocess
import sys

import pytest

API_MODULES = ["linesift", "linesift.api"]


@pytest.fixture
def folder_with_a_linesift_folder(tmp_path):
    (tmp_path / "linesift").mkdir()
    (tmp_path / "linesift" / "README.md").write_text("not the package\n", encoding="utf-8")
    return tmp_path


def test_import_linesift_works_beside_a_folder_named_linesift(folder_with_a_linesift_folder):
    done = subprocess.run([sys.executable, "-c", "from linesift import load_model, classify_texts; "
                                                 "import linesift; print(linesift.__version__)"],
                          cwd=folder_with_a_linesift_folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_mypy_checks_the_public_api_with_the_package_resolved(folder_with_a_linesift_folder):
    pytest.importorskip("mypy")
    command = [sys.executable, "-m", "mypy", "--disallow-untyped-defs", "--disallow-incomplete-defs",
               "--cache-dir", str(folder_with_a_linesift_folder / ".mypy_cache")]
    for module in API_MODULES:
        command += ["-m", module]
    done = subprocess.run(command, cwd=folder_with_a_linesift_folder, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout
