"""Two things the declarative configuration cannot say:

- the compiled core: ``linesift._blocks``, Cython over lexbor's HTML5 parser, whose C
  sources (``vendor/lexbor``, the parts the HTML parser needs) are compiled into the same
  extension module, so nothing but a C compiler is needed to build it; and
  ``linesift._lines`` (a dump line's markup), ``linesift.features._stats`` (a line's
  text statistics), ``linesift.features._structure`` (a page's containers) and
  ``linesift.features._page`` (a row's neighbours and windows in its page), Cython alone;
- the shipped model: ``model/linesift.npz`` and its card are copied into the package as
  ``linesift/shipped_model/`` when the package is built. An editable install reads them
  from the checkout's ``model/`` (``linesift.model_file.SHIPPED_MODEL``).
"""

import shutil
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_py import build_py

MODEL_FILES = ("linesift.npz", "README.md")
LEXBOR = Path("vendor/lexbor/source")


class BuildWithModel(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "linesift" / "shipped_model"
        target.mkdir(parents=True, exist_ok=True)
        for name in MODEL_FILES:
            shutil.copyfile(Path("model") / name, target / name)


blocks = Extension(
    "linesift._blocks",
    sources=["src/linesift/_blocks.pyx", *sorted(str(path) for path in LEXBOR.rglob("*.c"))],
    include_dirs=[str(LEXBOR)],
    define_macros=[("LEXBOR_STATIC", None)],
    extra_compile_args=["-O2", "-w"],   # lexbor's sources are built as they come, their warnings unread
)

lines = Extension("linesift._lines", sources=["src/linesift/_lines.pyx"], extra_compile_args=["-O2"])
stats = Extension(
    "linesift.features._stats",
    sources=["src/linesift/features/_stats.pyx"],
    extra_compile_args=["-O2"],
)

structure = Extension(
    "linesift.features._structure",
    sources=["src/linesift/features/_structure.pyx"],
    extra_compile_args=["-O2"],
)

page = Extension("linesift.features._page", sources=["src/linesift/features/_page.pyx"], extra_compile_args=["-O2"])

setup(
    cmdclass={"build_py": BuildWithModel},
    ext_modules=cythonize([blocks, lines, stats, structure, page], language_level=3, quiet=True),
)
