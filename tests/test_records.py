"""Record files (JSON lines, WARC/WET) in and out, --emit, --jobs, skipping, progress."""

import gzip
import io
import json
import time
import uuid

import pytest
from click.testing import CliRunner

from conftest import LABELED
from linesift.api import classify_html, classify_texts, clean_texts, content_spans
from linesift.cli import main
from linesift.labeled import format_labeled
from linesift.model_file import load_model
from linesift.parallel import IN_FLIGHT_PER_JOB, ordered_map
from linesift.progress import Progress


@pytest.fixture(scope="module")
def dumps():
    """The project's own labeled pages with their labels cut off: real-looking dumps."""
    from linesift.train import read_corpus

    return ["\n".join(page.lines) for page in read_corpus([LABELED])]


@pytest.fixture(scope="module")
def model(small_model_file):
    return load_model(small_model_file)


def run(small_model_file, *args, input=None):
    result = CliRunner().invoke(main, ["predict", "-m", str(small_model_file), *map(str, args)], input=input)
    return result


def write_jsonl(path, rows):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def read_jsonl(path):
    if str(path).endswith(".zst"):
        import zstandard

        data = zstandard.ZstdDecompressor().stream_reader(open(path, "rb")).read()
    else:
        data = (gzip.open if str(path).endswith(".gz") else open)(path, "rb").read()
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def warc_record(warc_type, url, block: bytes, extra=()):
    headers = [("WARC-Type", warc_type), ("WARC-Record-ID", f"<urn:uuid:{uuid.uuid4()}>"),
               ("WARC-Target-URI", url), ("WARC-Date", "2026-11-27T00:00:00Z"), *extra,
               ("Content-Length", str(len(block)))]
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode() + block + b"\r\n\r\n"


def write_wet(path, texts, html=(), other=()):
    """A WARC file as Common Crawl writes them: one gzip member per record."""
    records = [warc_record("warcinfo", "", b"software: test\r\n", [("Content-Type", "application/warc-fields")])]
    records += [warc_record("conversion", f"http://example.com/{i}", text.encode("utf-8"),
                            [("Content-Type", "text/plain")]) for i, text in enumerate(texts)]
    for i, (content_type, body) in enumerate(list(html) + list(other)):
        http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body
        records.append(warc_record("response", f"http://example.com/h{i}", http,
                                   [("Content-Type", "application/http; msgtype=response")]))
    with open(path, "wb") as handle:
        for record in records:
            handle.write(gzip.compress(record))
    return path


# -- JSON lines ----------------------------------------------------------------------------

def test_jsonl_text_is_cleaned_and_every_other_field_passes_through(tmp_path, small_model_file, model, dumps):
    rows = [{"id": f"p{i}", "text": text, "metadata": {"n": i}, "source": "x", "nested": [1, {"a": None}]}
            for i, text in enumerate(dumps[:5])]
    shard = write_jsonl(tmp_path / "shard.jsonl.gz", rows)
    result = run(small_model_file, shard, "-o", tmp_path / "out.jsonl.gz", "-q")
    assert result.exit_code == 0, result.output
    out = read_jsonl(tmp_path / "out.jsonl.gz")
    assert [o["id"] for o in out] == [r["id"] for r in rows]
    assert [o["text"] for o in out] == clean_texts(model, [r["text"] for r in rows])
    for o, r in zip(out, rows):
        assert {k: v for k, v in o.items() if k != "text"} == {k: v for k, v in r.items() if k != "text"}


def test_zstd_in_and_out(tmp_path, small_model_file, dumps):
    import zstandard

    shard = tmp_path / "shard.jsonl.zst"
    shard.write_bytes(zstandard.ZstdCompressor().compress(
        "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(dumps[:3])).encode()))
    assert run(small_model_file, shard, "-o", tmp_path / "out.jsonl.zst", "-q").exit_code == 0
    assert [o["id"] for o in read_jsonl(tmp_path / "out.jsonl.zst")] == ["0", "1", "2"]


def test_spans_are_character_offsets_into_the_input_text(tmp_path, small_model_file, model, dumps):
    text = "Menu\r\n\r\nÜber uns · Kontakt\n" + dumps[0]
    shard = write_jsonl(tmp_path / "s.jsonl", [{"id": "a", "text": text}])
    result = run(small_model_file, shard, "--emit", "spans", "-q")
    [out] = [json.loads(line) for line in result.stdout.splitlines()]
    spans = out["attributes"]["linesift__content"]
    assert out["id"] == "a" and set(out) == {"id", "attributes"}
    expected = classify_texts(model, [text])[0]
    assert [text[start:end] for start, end, _ in spans] == [line for line in expected.lines if line.strip()]
    assert [p for _, _, p in spans] == [p for _, _, p in content_spans(expected)]
    assert all(0 <= p <= 1 for _, _, p in spans)


def test_labels_give_one_label_per_line(tmp_path, small_model_file, model, dumps):
    shard = write_jsonl(tmp_path / "s.jsonl", [{"id": "a", "text": dumps[1]}])
    [out] = [json.loads(line) for line in run(small_model_file, shard, "--emit", "labels", "-q").stdout.splitlines()]
    lines = dumps[1].split("\n")
    assert out["text"] == dumps[1] and len(out["linesift_labels"]) == len(lines)
    assert all((label is None) == (not line.strip()) for label, line in zip(out["linesift_labels"], lines))
    result = classify_texts(model, [dumps[1]])[0]
    assert format_labeled(lines, result.labels(model.threshold_)) == "".join(
        f"{label}\t{line}\n" if label else "\n" if not line else f"chrome\t{line}\n"
        for label, line in zip(out["linesift_labels"], lines))


def test_html_field_is_used_when_the_text_field_is_absent(tmp_path, small_model_file, model):
    html = "<html><body><nav><a href='/'>Home</a></nav><p>" + "A sentence of the article. " * 8 + "</p></body></html>"
    shard = write_jsonl(tmp_path / "s.jsonl", [{"id": "h", "html": html}, {"id": "t", "text": "Some text here."}])
    out = read_jsonl_stdout(run(small_model_file, shard, "--html-field", "html", "-q"))
    assert "html" not in out[0] and out[0]["text"] == clean_texts_html(model, html)   # the HTML, once read, left out
    assert out[1]["id"] == "t"
    kept = read_jsonl_stdout(run(small_model_file, shard, "--html-field", "html", "--keep-fields", "html", "-q"))
    assert kept[0]["html"] == html and kept[0]["text"] == out[0]["text"]
    spans = read_jsonl_stdout(run(small_model_file, shard, "--html-field", "html", "--emit", "spans", "-q"))[0]
    assert spans["text"] == classify_html(model, [html])[0].text    # spans point into the text taken out of HTML


def read_jsonl_stdout(result):
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def clean_texts_html(model, html):
    from linesift.api import cleaned_text

    return cleaned_text(classify_html(model, [html])[0], model.threshold_)


def test_bad_records_are_skipped_and_counted(tmp_path, small_model_file):
    shard = write_jsonl(tmp_path / "s.jsonl", [{"id": "1", "text": "A line of text."}, "{not json", "[1, 2]",
                                               {"id": "4", "body": "x"}, {"id": "5", "text": 7}, "",
                                               {"id": "6", "text": "More text on a line."}])
    result = run(small_model_file, shard, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 0
    assert [o["id"] for o in read_jsonl(tmp_path / "out.jsonl")] == ["1", "6"]
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("linesift: 2 pages read, 2 written, 4 skipped (")
    for reason in ("1 not JSON", "1 not a JSON object", "1 no 'text' field", "1 'text' is not a string"):
        assert reason in summary


def test_strict_stops_at_the_first_bad_record_with_its_line_and_writes_nothing(tmp_path, small_model_file):
    shard = write_jsonl(tmp_path / "s.jsonl", [{"id": "1", "text": "A line."}, "{not json"])
    result = run(small_model_file, shard, "--strict", "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"linesift: {shard}:2: not JSON") and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out.jsonl").exists() and list(tmp_path.iterdir()) == [shard]


def test_truncated_gzip_is_one_line_error_and_no_output(tmp_path, small_model_file, dumps):
    shard = write_jsonl(tmp_path / "s.jsonl.gz", [{"id": str(i), "text": t} for i, t in enumerate(dumps)])
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    result = run(small_model_file, shard, "-o", tmp_path / "out.jsonl.gz")
    assert result.exit_code == 1 and result.stderr.startswith(f"linesift: {shard}:")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not (tmp_path / "out.jsonl.gz").exists()


def test_records_and_pages_options_are_kept_apart(tmp_path, small_model_file):
    shard = write_jsonl(tmp_path / "s.jsonl", [{"text": "x"}])
    page = tmp_path / "page.txt"
    page.write_text("Home\n")
    for args, message in [((shard, page), "cannot be mixed"), ((shard, "--format", "labeled"), "--format is for pages"),
                          ((page, "--emit", "spans"), "--emit is for record files"),
                          ((page, "--html-field", "html"), "--html-field is for record files"),
                          ((shard, "-o", str(tmp_path) + "/"), "is a folder"),
                          ((shard, "-o", shard), "would overwrite an input")]:
        result = run(small_model_file, *args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.stderr)


# -- WARC / WET ----------------------------------------------------------------------------

def test_wet_conversion_and_html_response_records(tmp_path, small_model_file, model, dumps):
    html = b"<html><body><p>" + b"A sentence of the article. " * 8 + b"</p><footer>Imprint</footer></body></html>"
    wet = write_wet(tmp_path / "crawl.warc.wet.gz", dumps[:3], html=[("text/html; charset=utf-8", html)],
                    other=[("image/png", b"\x89PNG")])
    result = run(small_model_file, wet, "-o", tmp_path / "out.jsonl.gz")
    assert result.exit_code == 0, result.output
    out = read_jsonl(tmp_path / "out.jsonl.gz")
    assert [o["url"] for o in out] == ["http://example.com/0", "http://example.com/1", "http://example.com/2",
                                       "http://example.com/h0"]
    assert all(o["id"].startswith("<urn:uuid:") for o in out)
    # three pages of one host, classified together: the site pass counts their lines
    assert [o["text"] for o in out[:3]] == clean_texts(model, dumps[:3], sites=["example.com"] * 3)
    assert out[3]["text"] == clean_texts_html(model, html)
    assert out[0]["metadata"]["WARC-Date"] == "2026-11-27T00:00:00Z" and "Content-Length" not in out[0]["metadata"]
    assert "4 pages read, 4 written, 1 skipped (1 response is not HTML)" in result.stderr


# -- all cores, in order, bounded ---------------------------------------------------------

def test_jobs_keep_input_order_and_give_the_same_output(tmp_path, small_model_file, dumps):
    rows = [{"id": str(i), "text": dumps[i % len(dumps)] + f"\nRecord number {i} of the shard."} for i in range(300)]
    shard = write_jsonl(tmp_path / "s.jsonl", rows)
    one = run(small_model_file, shard, "-j", "1", "-q")
    two = run(small_model_file, shard, "-j", "2", "-q")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert [json.loads(line)["id"] for line in two.stdout.splitlines()] == [str(i) for i in range(300)]


def test_folder_of_pages_with_jobs_keeps_order(tmp_path, small_model_file, dumps):
    folder = tmp_path / "pages"
    for i in range(150):
        (folder / f"site{i % 3}").mkdir(parents=True, exist_ok=True)
        (folder / f"site{i % 3}" / f"{i:03d}.txt").write_text(dumps[i % len(dumps)] + "\n")
    one = run(small_model_file, folder, "-j", "1", "-q")
    two = run(small_model_file, folder, "-j", "2", "-q")
    assert one.exit_code == two.exit_code == 0 and one.stdout == two.stdout and one.stdout.count("==> ") == 150


def _slow_square(delay, batch):
    time.sleep(delay * (batch % 3))
    return batch * batch


def test_ordered_map_keeps_order_and_reads_ahead_only_a_few_batches():
    pulled = []

    def batches():
        for number in range(40):
            pulled.append(number)
            yield number

    results = []
    for result in ordered_map(_slow_square, batches(), 2, 0.005):
        results.append(result)
        # what was read and not handed on is bounded, however long the input
        assert len(pulled) - len(results) <= 2 * IN_FLIGHT_PER_JOB + 1
    assert results == [n * n for n in range(40)]


def test_worker_errors_reach_the_user_as_one_line(tmp_path, small_model_file):
    folder = tmp_path / "pages" / "site"
    folder.mkdir(parents=True)
    for i in range(200):
        (folder / f"{i:03d}.txt").write_text("Home\n")
    (folder / "150.tsv").write_text("content\tfine\nnot a label line\n")
    result = run(small_model_file, tmp_path / "pages", "-j", "2", "--strict", "-o", tmp_path / "out")
    assert result.exit_code == 1 and result.stderr.strip().endswith("150.tsv:2: missing tab: expected "
                                                                    "'content<TAB>text' or 'chrome<TAB>text', got "
                                                                    "'not a label line'")


def test_progress_draws_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    progress = Progress(stream=screen)
    progress.update(120, 0.25, force=True)
    progress.close()
    assert "120 pages" in screen.getvalue() and "pages/s" in screen.getvalue() and "left" in screen.getvalue()
    pipe = io.StringIO()
    Progress(stream=pipe).update(5, 0.5, force=True)
    assert pipe.getvalue() == ""


def test_a_shard_with_no_usable_record_gives_a_valid_empty_output(tmp_path, small_model_file):
    shard = write_jsonl(tmp_path / "s.jsonl", ["{not json"])
    result = run(small_model_file, shard, "-o", tmp_path / "out.jsonl.gz")
    assert result.exit_code == 0 and read_jsonl(tmp_path / "out.jsonl.gz") == []
    assert "0 pages read, 0 written, 1 skipped (1 not JSON)" in result.stderr


@pytest.mark.parametrize("damage", ["cut gzip", "garbage", "cut record"])
def test_damaged_warc_is_one_line_error_and_no_output(tmp_path, small_model_file, dumps, damage):
    """FastWARC alone stops quietly at a damaged file: the rest of a crawl would be lost unsaid."""
    wet = write_wet(tmp_path / "crawl.warc.wet.gz", dumps[:20])
    if damage == "cut gzip":
        wet.write_bytes(wet.read_bytes()[: wet.stat().st_size * 2 // 3])
    elif damage == "garbage":
        wet.write_bytes(b"\x1f\x8b" + bytes(range(256)) * 20)
    else:
        plain = tmp_path / "crawl.warc"
        plain.write_bytes(gzip.decompress(wet.read_bytes())[:-2000])
        wet.unlink()
        wet = plain
    result = run(small_model_file, wet, "-o", tmp_path / "out.jsonl.gz")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"linesift: {wet}:") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output and not (tmp_path / "out.jsonl.gz").exists()


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st

_PIECES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(["\n", "\r\n", "\r", "\t"])
_TEXTS = st.lists(st.lists(_PIECES, max_size=12).map("".join), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=_TEXTS)
def test_no_record_or_line_is_lost_or_reordered(tmp_path_factory, small_model_file, texts):
    """--emit labels gives back every record, in order, with its text as it was and a label
    for each of its lines; --emit spans points only inside that text."""
    folder = tmp_path_factory.mktemp("records")
    shard = write_jsonl(folder / "s.jsonl", [{"id": str(i), "text": text} for i, text in enumerate(texts)])
    labels = read_jsonl_stdout(run(small_model_file, shard, "--emit", "labels", "-q", "-j", "1"))
    assert [o["id"] for o in labels] == [str(i) for i in range(len(texts))]
    assert [o["text"] for o in labels] == texts
    for record, text in zip(labels, texts):
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        lines = lines[:-1] if text.endswith(("\n", "\r")) else lines if text else []
        assert len(record["linesift_labels"]) == len(lines)
    spans = read_jsonl_stdout(run(small_model_file, shard, "--emit", "spans", "-q", "-j", "1"))
    for record, text in zip(spans, texts):
        for start, end, _ in record["attributes"]["linesift__content"]:
            piece = text[start:end]
            assert piece.strip() and "\n" not in piece and "\r" not in piece


# -- damaged zstd, HTTP bodies, bytes and ids kept -----------------------------------------

def test_cut_zstd_shard_is_an_error_not_a_quiet_stop(tmp_path, small_model_file, dumps):
    import zstandard

    data = "".join(json.dumps({"id": str(i), "text": dumps[i % len(dumps)]}) + "\n" for i in range(200)).encode()
    shard = tmp_path / "s.jsonl.zst"
    compressed = zstandard.ZstdCompressor().compress(data)
    shard.write_bytes(compressed[: len(compressed) // 2])
    result = run(small_model_file, shard, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and "ends inside a frame" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_http_response_bodies_are_unchunked_and_ungzipped(tmp_path, small_model_file, model):
    html = b"<html><body><p>" + b"A sentence of the article. " * 8 + b"</p></body></html>"
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (html[:50], html[50:])) + b"0\r\n\r\n"
    records = []
    for extra, body in ((b"Transfer-Encoding: chunked\r\n", chunked), (b"Content-Encoding: gzip\r\n", gzip.compress(html))):
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + extra + b"\r\n" + body
        records.append(warc_record("response", "http://example.com/", http))
    warc = tmp_path / "crawl.warc"
    warc.write_bytes(b"".join(records))
    out = read_jsonl_stdout(run(small_model_file, warc, "-q"))
    assert [o["text"] for o in out] == [clean_texts_html(model, html)] * 2


def test_response_record_cut_short_is_an_error(tmp_path, small_model_file):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>" + b"words " * 400 + b"</p>"
    warc = tmp_path / "crawl.warc"
    warc.write_bytes(warc_record("response", "http://example.com/", http)[:-1000])
    result = run(small_model_file, warc, "-o", tmp_path / "out.jsonl")
    assert result.exit_code == 1 and f"{warc}:1: record cut short" in result.stderr


def test_bytes_that_are_not_utf8_and_ids_come_back_as_they_were(tmp_path, small_model_file):
    shard = tmp_path / "s.jsonl"
    shard.write_bytes(b'{"id": 7, "text": "Caf\xff and a long sentence of the article that goes on."}\n'
                      b'{"id": null, "text": "Another line of the page."}\n')
    text = read_jsonl_stdout(run(small_model_file, shard, "--emit", "labels", "-q"))
    assert text[0]["id"] == 7 and text[0]["text"].encode("utf-8", "surrogateescape").startswith(b"Caf\xff")
    spans = read_jsonl_stdout(run(small_model_file, shard, "--emit", "spans", "-q"))
    assert [s["id"] for s in spans] == [7, "s.jsonl:2"]


def test_line_separators_inside_text_are_escaped_so_every_record_is_one_line(tmp_path, small_model_file):
    shard = write_jsonl(tmp_path / "s.jsonl", [{"id": "a", "text": "one\x85two\u2028three\u2029four"}])
    result = run(small_model_file, shard, "--emit", "labels", "-q")
    assert len(result.stdout.splitlines()) == 1 and json.loads(result.stdout)["text"] == "one\x85two\u2028three\u2029four"


def test_a_full_disk_is_one_line(tmp_path, small_model_file):
    import subprocess
    import sys

    shard = write_jsonl(tmp_path / "s.jsonl", [{"id": "a", "text": "Some text of a page. " * 2000}])
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "linesift", "predict", "-m", str(small_model_file), "-q", str(shard)],
                              stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1 and done.stderr.strip() == "linesift: output: No space left on device"
