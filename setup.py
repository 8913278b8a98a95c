"""The wheel carries the shipped model: ``model/linesift.npz`` and its card are copied into
the package as ``linesift/shipped_model/`` when the package is built. An editable install
reads them from the checkout's ``model/`` (``linesift.model_file.SHIPPED_MODEL``)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODEL_FILES = ("linesift.npz", "README.md")


class BuildWithModel(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "linesift" / "shipped_model"
        target.mkdir(parents=True, exist_ok=True)
        for name in MODEL_FILES:
            shutil.copyfile(Path("model") / name, target / name)


setup(cmdclass={"build_py": BuildWithModel})
