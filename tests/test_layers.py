"""The package's floors: every module imports only from floors below its own (or from
modules of its own floor that come before it), so the pipeline reads top to bottom —
bytes -> lines -> features -> model -> output — and no import circle can form. A new
module (Python or Cython) must be given a floor here; an upward import fails this test."""

import ast
import re

from conftest import ROOT

PACKAGE = ROOT / "src" / "linesift"

# Lowest first. Within a floor, a module may import the ones listed before it.
FLOORS = [
    ("vocabulary", ["version", "errors", "limits", "sites", "progress", "atomic", "rawjson"]),
    ("text", ["_blocks", "_lines", "decoding", "lines", "labels", "page", "labeled", "html", "canonical", "linemap",
              "align", "shingles", "wordbag", "metadata"]),
    ("features", ["features.rows", "features.words", "features._page", "features.page", "features.cues", "features._stats",
                  "features._structure", "features.site", "features.structure", "features.regions", "features.text",
                  "features.store", "features"]),
    ("model", ["model", "transfer", "model_file"]),
    ("reading", ["reading", "corpus", "records"]),
    ("output", ["markdown", "output", "api"]),
    ("measures", ["evaluation", "threshold", "report", "tables", "explain", "train"]),
    ("engines", ["parallel", "workers", "predict", "labelview", "labeling", "spark", "datatrove_step"]),
    ("interface", ["cli", "command", "__main__", "__init__"]),
]
ORDER = {module: (floor, at) for floor, (_, modules) in enumerate(FLOORS) for at, module in enumerate(modules)}


def module_name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path):
    """The linesift modules ``path`` imports, anywhere in it (inside functions too)."""
    if path.suffix == ".pyx":   # Cython: not Python's grammar, but its imports are written the same
        return {match.group(1).lstrip(".") or "__init__"
                for match in re.finditer(r"^\s*(?:from|c?import)\s+linesift((?:\.\w+)*)", path.read_text(), re.M)}
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "linesift":
            target = node.module.removeprefix("linesift").lstrip(".")
            for alias in node.names:   # `from linesift import api` imports the module api
                candidate = f"{target}.{alias.name}".lstrip(".")
                found.add(candidate if candidate in ORDER else target or "__init__")
        elif isinstance(node, ast.Import):
            found |= {alias.name.removeprefix("linesift").lstrip(".") or "__init__"
                      for alias in node.names if alias.name.split(".")[0] == "linesift"}
    return found


def modules():
    return {module_name(path): path for pattern in ("*.py", "*.pyx") for path in PACKAGE.rglob(pattern)}


def test_every_module_has_a_floor():
    assert set(modules()) == set(ORDER), {"without a floor": set(modules()) - set(ORDER),
                                          "gone": set(ORDER) - set(modules())}


def test_imports_only_go_down():
    upward = []
    for name, path in modules().items():
        for target in imports_of(path):
            if target == name or target not in ORDER:
                continue
            if ORDER[target] >= ORDER[name] and name != "__init__":
                upward.append(f"{name} ({FLOORS[ORDER[name][0]][0]}) imports {target} ({FLOORS[ORDER[target][0]][0]})")
    assert not upward, "\n".join(upward)


def test_the_package_root_imports_only_the_library_api():
    assert imports_of(PACKAGE / "__init__.py") <= {"api", "version"}
