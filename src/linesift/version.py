"""linesift's version: read by the package, by the build (pyproject.toml) and written into models."""

__version__ = "0.1.0"
