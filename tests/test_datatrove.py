"""linesift.datatrove_step: the step's text and spans are the library's own results."""

import json
import subprocess
import sys

import pytest

pytest.importorskip("datatrove", reason="datatrove is not installed (pip install -e '.[datatrove]')")

from datatrove.data import Document  # noqa: E402

from conftest import LABELED, ROOT  # noqa: E402
from linesift.api import classify_texts, clean_texts, content_spans, load_model  # noqa: E402
from linesift.datatrove_step import LinesiftCleaner  # noqa: E402
from linesift.errors import InputError  # noqa: E402

SHIPPED = ROOT / "model" / "linesift.npz"
PAGES = sorted(LABELED.glob("*/*.tsv"))[::7]
BLANK = "\n\n"   # blank lines only: nothing to keep


def dump_of(path):
    rows = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(row.split("\t", 1)[1] if row else "" for row in rows)


def documents(texts, hosts=None):
    """A Document per text, each of its own site (``hosts``: the host of each)."""
    hosts = hosts or [f"site{i}.example.org" for i in range(len(texts))]
    return [Document(text=text, id=str(i), metadata={"url": f"https://{host}/{i}"})
            for i, (text, host) in enumerate(zip(texts, hosts))]


def test_text_replaced_by_cleaned_text_other_fields_kept_spans_in_metadata():
    texts = [dump_of(path) for path in PAGES]
    out = list(LinesiftCleaner(SHIPPED, spans_key="linesift_spans", batch_size=4)(documents(texts)))

    model = load_model(SHIPPED)
    assert [document.id for document in out] == [str(i) for i in range(len(texts))]
    assert [document.text for document in out] == clean_texts(model, texts)
    assert [document.metadata["linesift_spans"] for document in out] == [
        content_spans(result) for result in classify_texts(model, texts)]
    assert all(document.metadata["url"] == f"https://site{document.id}.example.org/{document.id}" for document in out)


def test_documents_of_one_site_in_a_row_count_each_others_lines():
    texts = [dump_of(path) for path in PAGES]
    hosts = ["www.example.org"] * 5 + ["other.example.org"] * (len(texts) - 5)
    out = list(LinesiftCleaner(SHIPPED, spans_key="spans", batch_size=4)(documents(texts, hosts)))

    model = load_model(SHIPPED)
    expected = classify_texts(model, texts[:5], sites=["example.org"] * 5)   # 5 > batch_size: kept together
    assert [document.metadata["spans"] for document in out[:5]] == [content_spans(result) for result in expected]


def test_empty_results_dropped_unless_asked_and_threshold():
    texts = [BLANK, dump_of(PAGES[0])]
    assert [document.id for document in LinesiftCleaner(SHIPPED)(documents(texts))] == ["1"]
    kept = list(LinesiftCleaner(SHIPPED, drop_empty=False, threshold=0.99)(documents(texts)))
    assert [document.text for document in kept] == clean_texts(load_model(SHIPPED), texts, threshold=0.99)


def test_in_a_pipeline_from_jsonl_to_jsonl(tmp_path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    texts = [dump_of(path) for path in PAGES]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "pages.jsonl").write_text(
        "".join(json.dumps({"id": str(i), "text": text}) + "\n" for i, text in enumerate(texts)), encoding="utf-8")
    LocalPipelineExecutor([JsonlReader(str(tmp_path / "in")), LinesiftCleaner(SHIPPED),
                           JsonlWriter(str(tmp_path / "out"), compression=None)],
                          tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()

    written = [json.loads(line) for line in (tmp_path / "out" / "00000.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = [(str(i), text) for i, text in enumerate(clean_texts(load_model(SHIPPED), texts)) if text]
    assert [(record["id"], record["text"]) for record in written] == expected


def test_user_mistakes_are_one_line_errors():
    with pytest.raises(InputError, match="no such model file"):
        LinesiftCleaner("/nowhere/model.npz")
    with pytest.raises(ValueError, match="spans_key is for dumps only"):
        LinesiftCleaner(SHIPPED, html=True, spans_key="spans")


def test_import_training_does_not_import_datatrove():
    code = "import sys, linesift; sys.exit('datatrove' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
