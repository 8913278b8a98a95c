"""`linesift label`: the session (page order, resume, save) and its HTTP API, without a
browser; bad inputs through the CLI. The browser itself is in test_label_browser.py."""

import http.client
import json
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import LABELED, ROOT
from linesift import labeling
from linesift.cli import main
from linesift.labeled import parse_labeled
from linesift.labeling import LabelSession, make_server, page_name
from linesift.reading import find_files

SOURCES = sorted(LABELED.glob("*/*.tsv"))[:3]


def dump_of(path):
    """A labeled page's dump (`cut -f2-`)."""
    return [row.split("\t", 1)[1] if row else "" for row in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def dumps(tmp_path):
    """Three dumps in a corpus folder, DUMPS/<site>/<page>.txt, from the project's labeled pages."""
    root = tmp_path / "dumps"
    for source in SOURCES:
        target = root / source.parent.name / (source.stem + ".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(dump_of(source)) + "\n", encoding="utf-8")
    return root


class FixedModel:
    """A stand-in model: P(content) of every line of a page is fixed by the page's order,
    so which page is least confident is known."""

    threshold_ = 0.5

    def __init__(self, per_page):
        self.per_page = per_page

    def predict_proba(self, pages, cache=None, sites=None):
        out = []
        for lines, p in zip(pages, self.per_page):
            out.append(np.array([p if line.strip() else np.nan for line in lines]))
        return out


@contextmanager
def serving(session):
    server = make_server(session, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def request(server, method, path, body=None, headers=None):
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response.status, (json.loads(payload) if response.getheader("Content-Type", "").startswith("application/json") else payload)


def test_page_name_is_the_path_below_the_site_with_tsv():
    assert page_name("site-a/news/1.html.gz", "site-a") == "news/1.tsv"
    assert page_name("site-a/a.md", "site-a") == "a.tsv"
    assert page_name("page.txt", "folder") == "page.tsv"
    assert page_name("site-a/README", "site-a") == "README.tsv"
    assert page_name("site-a/p.TSV", "site-a") == "p.tsv"


def test_pages_are_listed_least_confident_first(dumps, tmp_path):
    found = find_files([dumps])
    # the second page's lines sit on the threshold, the third's near it, the first's far away
    session = LabelSession(found, tmp_path / "out", FixedModel([0.99, 0.5, 0.4]), order="uncertain")
    with serving(session) as server:
        status, answer = request(server, "GET", "/api/pages")
    assert status == 200
    assert [page["source"] for page in answer["pages"]] == [found[1].path, found[2].path, found[0].path]
    given = LabelSession(found, tmp_path / "out", FixedModel([0.99, 0.5, 0.4]), order="given")
    assert [page["source"] for page in given.page_list()] == [f.path for f in found]


def test_the_shipped_model_orders_pages_by_their_unsure_lines(dumps, tmp_path):
    session = LabelSession(find_files([dumps]), tmp_path / "out", labeling_model(), order="uncertain")
    listed = session.page_list()
    shares = [page["uncertain_lines"] / sum(1 for line in session.page_data(page["index"])["lines"] if line["p"] is not None)
              for page in listed]
    assert shares == sorted(shares, reverse=True)


def labeling_model():
    from linesift.model_file import load_model
    return load_model()


def test_a_post_saves_the_page_atomically_and_it_parses_back(dumps, tmp_path, monkeypatch):
    written = []
    real_writer = labeling.atomic_writer

    def recording_writer(path, *args, **kwargs):
        written.append(path)
        return real_writer(path, *args, **kwargs)

    monkeypatch.setattr(labeling, "atomic_writer", recording_writer)
    out = tmp_path / "out"
    session = LabelSession(find_files([dumps]), out, FixedModel([0.9, 0.9, 0.9]), order="given")
    with serving(session) as server:
        status, page = request(server, "GET", "/api/page/0")
        assert status == 200 and page["saved"] is False
        labels = [line["label"] for line in page["lines"]]
        first = next(i for i, label in enumerate(labels) if label)
        labels[first] = "chrome"
        status, answer = request(server, "POST", "/api/page/0", {"labels": labels})
        assert status == 200, answer
        target = out / page["site"] / page["name"]
        assert answer["saved"] == str(target) and written == [target]
        parsed = parse_labeled(target, target.read_bytes(), page["site"])
        assert parsed.lines == [line["text"] for line in page["lines"]]
        assert [{1: "content", 0: "chrome"}.get(label) for label in parsed.labels] == labels
        assert [p.name for p in target.parent.iterdir()] == [target.name]   # no temporary file left
        # the server keeps the saved labels: a reloaded tab shows them
        status, again = request(server, "GET", "/api/page/0")
        assert [line["label"] for line in again["lines"]] == labels and again["saved"] is True
        assert request(server, "GET", "/api/pages")[1]["pages"][0]["saved"] is True


def test_bad_posts_are_refused_and_write_nothing(dumps, tmp_path):
    out = tmp_path / "out"
    session = LabelSession(find_files([dumps]), out, FixedModel([0.9, 0.9, 0.9]), order="given")
    with serving(session) as server:
        count = len(request(server, "GET", "/api/page/0")[1]["lines"])
        assert request(server, "POST", "/api/page/0", {"labels": ["content"]})[0] == 400
        assert request(server, "POST", "/api/page/0", {"labels": ["maybe"] * count})[0] == 400
        assert request(server, "POST", "/api/page/0", {"nothing": 1})[0] == 400
        assert request(server, "POST", "/api/page/9", {"labels": []})[0] == 404
        # a form on another site can send text/plain without a preflight: refused
        status, _ = request(server, "POST", "/api/page/0", {"labels": ["content"] * count},
                            headers={"Content-Type": "text/plain"})
        assert status == 415
        status, _ = request(server, "POST", "/api/page/0", {"labels": ["content"] * count},
                            headers={"Origin": "http://evil.example"})
        assert status == 403
    assert not out.exists()


def test_a_foreign_host_header_is_refused(dumps, tmp_path):
    session = LabelSession(find_files([dumps]), tmp_path / "out", FixedModel([0.9, 0.9, 0.9]))
    with serving(session) as server:
        port = server.server_address[1]
        for host in (f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}"):
            assert request(server, "GET", "/api/pages", headers={"Host": host})[0] == 403, host
            assert request(server, "GET", "/", headers={"Host": host})[0] == 403, host
        assert request(server, "GET", "/api/pages", headers={"Host": f"localhost:{port}"})[0] == 200


def test_the_page_and_its_files_are_served_with_a_strict_policy(dumps, tmp_path):
    session = LabelSession(find_files([dumps]), tmp_path / "out", FixedModel([0.9, 0.9, 0.9]))
    with serving(session) as server:
        port = server.server_address[1]
        for path, kind in (("/", "text/html"), ("/label.js", "text/javascript"), ("/label.css", "text/css")):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert response.status == 200 and response.getheader("Content-Type").startswith(kind)
            assert "script-src 'self'" in response.getheader("Content-Security-Policy")
            assert b"http://" not in body and b"https://" not in body   # nothing fetched from elsewhere
        assert request(server, "GET", "/../pyproject.toml")[0] == 404
        script = (ROOT / "src" / "linesift" / "data" / "label.js").read_text(encoding="utf-8")
        for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write"):
            assert sink not in script   # page text reaches the DOM only as textContent


def test_an_existing_labeled_page_is_resumed(dumps, tmp_path):
    out = tmp_path / "out"
    found = find_files([dumps])
    session = LabelSession(found, out, FixedModel([0.9, 0.9, 0.9]), order="given")
    page = session.page_data(0)
    # every labelable line chrome, though the model says content
    target = out / page["site"] / page["name"]
    target.parent.mkdir(parents=True)
    target.write_text("".join(f"chrome\t{line['text']}\n" if line["text"] else "\n" for line in page["lines"]),
                      encoding="utf-8")
    resumed = LabelSession(found, out, FixedModel([0.9, 0.9, 0.9]), order="given")
    again = resumed.page_data(0)
    assert again["resumed"] and again["saved"]
    assert {line["label"] for line in again["lines"] if line["text"].strip()} == {"chrome"}
    assert resumed.page_data(1)["resumed"] is False


def test_a_labeled_input_can_be_corrected_in_place(tmp_path):
    corpus = tmp_path / "mine"
    page_file = corpus / SOURCES[0].parent.name / SOURCES[0].name
    page_file.parent.mkdir(parents=True)
    page_file.write_bytes(SOURCES[0].read_bytes())
    session = LabelSession(find_files([corpus]), corpus, FixedModel([0.1]))
    data = session.page_data(0)
    assert data["resumed"] and data["target"] == str(page_file)
    original = parse_labeled(SOURCES[0], SOURCES[0].read_bytes(), "x")
    assert [line["label"] for line in data["lines"] if line["text"].strip()] == \
        [{1: "content", 0: "chrome"}[label] for text, label in zip(original.lines, original.labels) if text.strip()]


def run_cli(args):
    result = CliRunner().invoke(main, ["label", *args, "--no-browser"])
    return result.exit_code, result.output


def assert_one_line_error(code, output, expected_code, *words):
    lines = output.strip().splitlines()
    assert code == expected_code, output
    assert len(lines) == 1 and lines[0].startswith("linesift: "), output
    assert "Traceback" not in output
    for word in words:
        assert word in lines[0], output


def test_bad_inputs_are_one_line_errors(dumps, tmp_path):
    assert_one_line_error(*run_cli([str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out")]), 2,
                          "missing.txt", "no such file")
    bad = tmp_path / "bad" / "site" / "page.tsv"
    bad.parent.mkdir(parents=True)
    bad.write_text("content\tfine\nnot a labeled line\n", encoding="utf-8")
    assert_one_line_error(*run_cli([str(bad), "-o", str(tmp_path / "out")]), 1, "page.tsv:2", "missing tab")
    assert_one_line_error(*run_cli(["-", "-o", str(tmp_path / "out")]), 2, "stdin")
    assert_one_line_error(*run_cli([str(dumps), "-o", str(tmp_path / "out"), "--order", "random"]), 2, "--order")
    twins = tmp_path / "twins" / "site"
    twins.mkdir(parents=True)
    (twins / "a.md").write_text("one\n", encoding="utf-8")
    (twins / "a.txt").write_text("one\n", encoding="utf-8")
    assert_one_line_error(*run_cli([str(twins.parent), "-o", str(tmp_path / "out")]), 2, "a.tsv", "two inputs")


def test_a_saved_page_whose_lines_differ_is_a_one_line_error(dumps, tmp_path):
    out = tmp_path / "out"
    found = find_files([dumps])
    target = out / found[0].site / page_name(found[0].relative, found[0].site)
    target.parent.mkdir(parents=True)
    target.write_text("content\tsome other page\n", encoding="utf-8")
    assert_one_line_error(*run_cli([str(dumps), "-o", str(out)]), 1, str(target), "not this page's", "line 1")


def test_a_port_in_use_is_a_one_line_error(dumps, tmp_path):
    session = LabelSession(find_files([dumps]), tmp_path / "out", FixedModel([0.9, 0.9, 0.9]))
    with serving(session) as server:
        port = server.server_address[1]
        assert_one_line_error(*run_cli([str(dumps), "-o", str(tmp_path / "out"), "--port", str(port)]), 2,
                              f"--port {port}", "cannot listen")


def test_the_command_serves_until_ctrl_c_and_exits_quietly(dumps, tmp_path):
    # Ctrl-C in a terminal reaches a process whose SIGINT is at its default; a test run
    # started in the background (`cmd &` in a script) ignores SIGINT, and children inherit
    # that, so the child gets the default back before it starts.
    process = subprocess.Popen([sys.executable, "-m", "linesift", "label", str(dumps), "-o", str(tmp_path / "out"),
                                "--no-browser"], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first = process.stderr.readline()
        assert first.startswith("linesift: labeling 3 pages at http://127.0.0.1:"), first
        url = first.split(" at ", 1)[1].split()[0]
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/api/pages")
        assert len(json.loads(connection.getresponse().read())["pages"]) == 3
        connection.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()


def test_label_has_help_with_an_example():
    result = CliRunner().invoke(main, ["label", "--help"])
    assert result.exit_code == 0 and "Example" in result.output
