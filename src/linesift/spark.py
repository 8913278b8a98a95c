"""Apache Spark adapter: add linesift's cleaned text and/or spans to a DataFrame of pages.

::

    from linesift.spark import with_linesift
    spark.sparkContext.addFile("/path/to/linesift.npz")         # ships the model to every executor
    cleaned = with_linesift(df, "linesift.npz", text_column="text", emit=("text", "spans"))

or, with the two pieces ``with_linesift`` is made of::

    fn = linesift_udf("linesift.npz", text_column="text", emit=("text", "spans"))
    cleaned = df.mapInPandas(fn, output_schema(df.schema, emit=("text", "spans")))

Every input column passes through unchanged; the new columns are (``emit`` picks them):

- ``linesift_text`` (string): the content lines, as ``linesift.api.cleaned_text`` gives them;
- ``linesift_spans`` (array<array<double>>): ``[start, end, P(content)]`` per classified line,
  as ``linesift.api.content_spans`` gives them; start and end are character offsets into the
  page's text, held as doubles (whole numbers, exact) so the column is a plain nested array
  every Spark version since 3.4 converts through Arrow;
- ``linesift_page_text`` (string): the text the spans point into: the input text itself for
  a dump, the block lines linesift read out of the document for HTML.

With ``url_column`` (a column of the pages' URLs), pages of one site (the URL's host, as
``linesift.site_of_url`` gives it) are classified together and count each other's lines
(the site pass, ``linesift.features.site``): ``with_linesift`` first repartitions the
DataFrame by host and sorts each partition by it, so a site's rows arrive one after
another; with ``linesift_udf`` alone, group them so yourself.

A null (or non-text) input gives null in every new column. The model is a path on each
executor: an existing path is used as it is (the shipped model when None, where linesift is
installed on the executors: inside a ``--py-files`` zip it cannot be read as a file);
otherwise it is looked up by its file name among the files shipped with
``SparkContext.addFile`` (``SparkFiles.get``). pyspark is imported only inside the functions
that need it: ``import linesift`` never loads it.
"""

import functools
from pathlib import Path

from linesift.api import classify_html, classify_texts, cleaned_text, content_spans, site_of_url
from linesift.errors import InputError
from linesift.labels import resolve_threshold
from linesift.workers import classify_grouped, process_model

# The host of a URL as site_of_url reads it (lower-cased first): scheme, user, "www.", then the host.
_HOST = r"^[a-z][a-z0-9+.-]*://(?:[^@/?#]*@)?(?:www\.)?([^/:?#]+)"
# emit name -> output column; the column types are in _column_types (they need pyspark).
COLUMNS = {"text": "linesift_text", "spans": "linesift_spans", "page_text": "linesift_page_text"}


def linesift_udf(model_path=None, text_column="text", html_column=None, emit=("text",), threshold=None,
                 url_column=None):
    """A function for ``DataFrame.mapInPandas``: pandas batches in, the same batches out with
    the ``emit`` columns added. Pages are read from ``text_column`` (dumps, one block per line)
    or, when given, from ``html_column`` (HTML, string or binary). ``threshold`` defaults to the
    model's own. ``url_column``: the pages' URLs, for the site pass (module docstring). The
    model path is checked here, on the driver, so a wrong one fails at once."""
    emit = _checked_emit(emit)
    resolve_model_path(model_path)
    # A partial of a module-level function pickles by reference: each worker imports this
    # module and so shares its process-wide model cache (a closure would be pickled by value).
    return functools.partial(_classify_batches, model_path, html_column or text_column, html_column is not None,
                             emit, threshold, url_column)


def output_schema(input_schema, emit=("text",)):
    """The schema ``mapInPandas`` needs: ``input_schema`` plus the ``emit`` columns."""
    from pyspark.sql.types import StructField, StructType

    emit = _checked_emit(emit)
    types = _column_types()
    for name in emit:
        if COLUMNS[name] in input_schema.fieldNames():
            raise ValueError(f"the DataFrame already has a column {COLUMNS[name]!r}: rename or drop it first")
    return StructType(list(input_schema.fields) + [StructField(COLUMNS[name], types[name], True) for name in emit])


def with_linesift(df, model_path=None, text_column="text", html_column=None, emit=("text",), threshold=None,
                  url_column=None):
    """``df`` with the ``emit`` columns added (``linesift_udf`` + ``output_schema``); checks on
    the driver that the page column (and ``url_column``) exists. With ``url_column``, the rows
    are first repartitioned and sorted by host, so that a site's pages are classified together."""
    for column in (html_column or text_column, url_column):
        if column is not None and column not in df.columns:
            raise ValueError(f"no column {column!r} in the DataFrame (its columns: {', '.join(df.columns)})")
    function = linesift_udf(model_path, text_column, html_column, emit, threshold, url_column)
    schema = output_schema(df.schema, emit)
    if url_column is not None:
        from pyspark.sql import functions as F

        # A regular expression, not parse_url: Spark 4's parse_url fails the job on a
        # malformed URL. Rows without a host are spread by a hash of their page, not
        # piled into one partition.
        host = F.regexp_extract(F.lower(F.trim(F.col(url_column))), _HOST, 1)
        key = F.when(host != "", host).otherwise(F.xxhash64(F.col(html_column or text_column)).cast("string"))
        df = df.repartition(key).sortWithinPartitions(key)
    return df.mapInPandas(function, schema)


def resolve_model_path(model_path):
    """The local path of the model: ``model_path`` itself when it exists (None: the shipped
    model), else the file of that name shipped with ``SparkContext.addFile``."""
    if model_path is None or Path(model_path).exists():
        return None if model_path is None else str(model_path)
    shipped = _spark_file(Path(model_path).name)
    if shipped is None:
        raise InputError(model_path, "no such model file here, nor among the files shipped with SparkContext.addFile",
                         exit_code=2)
    return shipped


def _spark_file(name):
    try:
        from pyspark import SparkFiles

        path = SparkFiles.get(name)
    except Exception:   # no pyspark, or no SparkContext on the driver: nothing was shipped
        return None
    return path if Path(path).exists() else None


def _checked_emit(emit):
    emit = (emit,) if isinstance(emit, str) else tuple(emit)
    unknown = [name for name in emit if name not in COLUMNS]
    if unknown or not emit:
        raise ValueError(f"emit takes one or more of {', '.join(COLUMNS)}; got {', '.join(map(str, emit)) or 'none'}")
    return emit


def _column_types():
    from pyspark.sql.types import ArrayType, DoubleType, StringType

    return {"text": StringType(), "spans": ArrayType(ArrayType(DoubleType(), False), False),
            "page_text": StringType()}


# What each emitted column holds for one classified page.
_RENDER = {
    "text": lambda result, threshold: cleaned_text(result, threshold),
    "spans": lambda result, threshold: [[float(start), float(end), p] for start, end, p in content_spans(result)],
    "page_text": lambda result, threshold: result.text,
}


def _classify_batches(model_path, column, html, emit, threshold, url_column, frames):
    """Runs in the Python worker: ``frames`` is an iterator of pandas DataFrames."""
    import pandas as pd

    model, cache = process_model(resolve_model_path(model_path))
    cut = resolve_threshold(model, threshold)
    classify = classify_html if html else classify_texts
    usable = (str, bytes) if html else str
    for frame in frames:
        if column not in frame.columns:
            raise ValueError(f"no column {column!r} in the DataFrame (its columns: {', '.join(frame.columns)})")
        values = frame[column].tolist()
        # Nulls arrive as None (object columns) or NaN (pandas' string dtype): neither is a page.
        present = [i for i, value in enumerate(values) if isinstance(value, usable)]
        sites = [None] * len(values) if url_column is None else list(map(site_of_url, frame[url_column].tolist()))
        results = [None] * len(values)
        for i, result in classify_grouped(model, present, classify, values.__getitem__, sites.__getitem__, cache):
            results[i] = result
        out = frame.copy(deep=False)
        for name in emit:
            cells = [None if result is None else _RENDER[name](result, cut) for result in results]
            # An object Series keeps each cell a list: a list of equal-length lists given to
            # a DataFrame column directly would be read as a 2-D array.
            out[COLUMNS[name]] = pd.Series(cells, index=frame.index, dtype=object)
        yield out
