"""The shipped model as package data: this folder is installed as ``linesift.shipped_model``
(pyproject.toml maps it), so an editable install, a wheel and pipx all find
``linesift.npz`` and its card through the package (``linesift.model_file.SHIPPED_MODEL``)."""
