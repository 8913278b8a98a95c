"""linesift.spark in Spark local mode: the columns it adds are the library's own results."""

import shutil
import subprocess
import sys

import pytest

from conftest import LABELED, ROOT
from linesift.api import classify_html, classify_texts, clean_texts, cleaned_text, content_spans, load_model
from linesift.errors import InputError

SHIPPED = ROOT / "model" / "linesift.npz"
PAGES = sorted(LABELED.glob("*/*.tsv"))[::7]   # six pages of different sites and kinds
HTML = ("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<h1>A headline</h1><p>The first paragraph of the article says what happened and why it matters.</p>"
        "<p>A second paragraph goes on with more of the story, in whole sentences.</p>"
        "<footer>Copyright 2026. All rights reserved.</footer></body></html>")


def dump_of(path):
    """The page's dump: its labeled file with the labels cut off (`cut -f2-`)."""
    rows = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(row.split("\t", 1)[1] if row else "" for row in rows)


@pytest.fixture(scope="module")
def spark(spark_session, tmp_path_factory):
    # Shipped under a name that exists nowhere but in SparkFiles: the adapter must find it there.
    shipped_copy = tmp_path_factory.mktemp("model") / "linesift-shipped-copy.npz"
    shutil.copyfile(SHIPPED, shipped_copy)
    spark_session.sparkContext.addFile(str(shipped_copy))
    return spark_session


@pytest.fixture(scope="module")
def pages_df(spark):
    texts = [dump_of(path) for path in PAGES]
    rows = [(i, text) for i, text in enumerate(texts)] + [(len(texts), None)]
    # Three partitions for seven rows: the order has to survive more than one batch.
    return spark.createDataFrame(spark.sparkContext.parallelize(rows, 3), "id long, text string"), texts


def test_cleaned_text_and_spans_equal_the_library_and_rows_pass_through(pages_df):
    from linesift.spark import with_linesift

    df, texts = pages_df
    rows = with_linesift(df, "linesift-shipped-copy.npz", emit=("text", "spans")).collect()

    assert [row.id for row in rows] == list(range(len(texts) + 1))   # same rows, same order
    model = load_model(SHIPPED)
    by_id = {row.id: row for row in rows}
    cleaned = clean_texts(model, texts)
    results = classify_texts(model, texts)
    for i, text in enumerate(texts):
        row = by_id[i]
        assert row.text == text
        assert row.linesift_text == cleaned[i]
        assert row.linesift_spans == content_spans(results[i])
    assert by_id[len(texts)].text is None
    assert by_id[len(texts)].linesift_text is None and by_id[len(texts)].linesift_spans is None


def test_with_a_url_column_pages_of_one_site_are_classified_together(spark):
    from linesift.spark import with_linesift

    texts = [dump_of(path) for path in PAGES]
    rows = [(i, f"https://{'www.' if i % 3 else ''}site{i % 2}.example/{i}", text) for i, text in enumerate(texts)]
    odd = [(len(texts), "http://bad url/%%", texts[0]), (len(texts) + 1, None, texts[1])]   # no site, no failure
    df = spark.createDataFrame(spark.sparkContext.parallelize(rows + odd, 3), "id long, url string, text string")
    out = {row.id: row for row in with_linesift(df, str(SHIPPED), emit=("spans",), url_column="url").collect()}

    model = load_model(SHIPPED)
    assert sorted(out) == list(range(len(texts) + 2))
    assert out[len(texts) + 1].linesift_spans == content_spans(classify_texts(model, [texts[1]])[0])
    for site in (0, 1):
        ids = [i for i in range(len(texts)) if i % 2 == site]
        results = classify_texts(model, [texts[i] for i in ids], sites=[f"site{site}.example"] * len(ids))
        for i, result in zip(ids, results):
            expected = content_spans(result)
            assert [span[:2] for span in out[i].linesift_spans] == [span[:2] for span in expected]
            assert [span[2] for span in out[i].linesift_spans] == pytest.approx([span[2] for span in expected])


def test_html_column_threshold_and_page_text(spark):
    from linesift.spark import linesift_udf, output_schema

    df = spark.createDataFrame([("a", HTML), ("b", None)], "url string, html string")
    emit = ("text", "spans", "page_text")
    function = linesift_udf(str(SHIPPED), html_column="html", emit=emit, threshold=0.9)
    rows = df.mapInPandas(function, output_schema(df.schema, emit)).collect()

    result = classify_html(load_model(SHIPPED), [HTML])[0]
    assert [row.url for row in rows] == ["a", "b"]
    assert rows[0].linesift_text == cleaned_text(result, 0.9)
    assert rows[0].linesift_spans == content_spans(result)
    assert rows[0].linesift_page_text == result.text
    assert rows[1].linesift_text is None and rows[1].linesift_page_text is None


def test_user_mistakes_are_one_line_errors(spark):
    from linesift.spark import linesift_udf, output_schema, with_linesift

    df = spark.createDataFrame([(1, "x")], "id long, body string")
    with pytest.raises(ValueError, match="no column 'text'"):
        with_linesift(df, str(SHIPPED))
    with pytest.raises(ValueError, match="no column 'url'"):
        with_linesift(df, str(SHIPPED), text_column="body", url_column="url")
    with pytest.raises(InputError, match="no such model file"):
        linesift_udf("/nowhere/model.npz")
    with pytest.raises(ValueError, match="emit takes"):
        linesift_udf(str(SHIPPED), emit=("txt",))
    with pytest.raises(ValueError, match="already has a column 'linesift_text'"):
        output_schema(with_linesift(df, str(SHIPPED), text_column="body").schema)


def test_import_training_does_not_import_pyspark():
    code = "import sys, linesift, linesift.spark; sys.exit('pyspark' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
