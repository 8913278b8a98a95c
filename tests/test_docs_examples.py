"""The examples of README.md and docs/integrations.md run as written and do what they say.

The code blocks are read out of the markdown, so a changed example is the one that runs. Each
runs in a folder of small made-up inputs named as the examples name them (page.txt, page.html,
pages/<site>/, crawl.warc.wet.gz, shard.jsonl.zst, my-labels/<site>/, ...): a shell command
through bash with this interpreter's `linesift` first on PATH, a Python block executed as it
is. Each must exit 0 and write what its comment says: the file it names, holding the pages'
article lines where it holds text. Install lines are not run here (.ci/run installs from a
clone and from a wheel built from an sdist); their extras are checked against pyproject.toml.
"""

import ast
import gzip
import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import LABELED, ROOT

markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py is not installed (pip install -e '.[test]')")

README = ROOT / "README.md"
INTEGRATIONS = ROOT / "docs" / "integrations.md"
SHIPPED = ROOT / "model" / "linesift.npz"

# Commands the examples show but this module does not run, by name, and why.
SKIPPED = {
    "linesift label": "serves the labeling page until stopped, and opens a browser",
    "python -m pytest": "the test suite itself (.ci/run runs it): here it would run this module again",
}
# Install steps: not run here (.ci/run does: an editable install, and a wheel built from an
# sdist run outside the checkout); their extras are checked against pyproject.toml.
INSTALL = {"pip", "pipx", "python -m pip", "python -m build", "python -m venv", "."}

# The made-up pages: labeled pages of the project's own, a site each (page A is page.txt).
PAGES = [LABELED / "norvelle-robotics.example" / "castellan-freight-agreement.tsv",
         LABELED / "corvane-wire.example" / "container-rates-port-talks.tsv",
         LABELED / "lahntal-bote.example" / "sperrung-lahnbruecke.tsv",
         LABELED / "saltandember.example" / "cardamom-plum-cake.tsv"]
# my-labels/: six sites, enough for evaluate's five folds by site.
LABEL_SITES = ["norvelle-robotics.example", "corvane-wire.example", "lahntal-bote.example", "saltandember.example",
               "quietkiln.example", "tidewatercourier.example"]
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


# -- the examples, out of the markdown -------------------------------------------------------

def code_blocks(path):
    """(language, code, section heading) of each fenced block of a markdown file, in order."""
    tokens = markdown_it.MarkdownIt().parse(path.read_text(encoding="utf-8"))
    blocks, section = [], ""
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            section = tokens[i + 1].content
        elif token.type == "fence":
            blocks.append((token.info.strip(), token.content, section))
    return blocks


def _outside_quotes(line):
    """The positions of ``line`` outside single or double quotes."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        else:
            yield i


def shell_commands(code):
    """The commands of a sh block: its lines without their comments, split at ``&&``."""
    commands = []
    for line in code.splitlines():
        free = list(_outside_quotes(line))
        cut = next((i for i in free if line[i] == "#" and (i == 0 or line[i - 1].isspace())), len(line))
        starts = [0] + [i + 2 for i in free if i < cut and line.startswith("&&", i)]
        ends = [i for i in free if i < cut and line.startswith("&&", i)] + [cut]
        commands += [line[a:b].strip() for a, b in zip(starts, ends) if line[a:b].strip()]
    return commands


def command_name(command):
    """What a command is, as SKIPPED and INSTALL name it: `linesift predict`, `python -m build`,
    `pip`, ... (the last stage of a pipeline)."""
    words = shlex.split(command.split(" | ")[-1])
    if words[0] == "linesift" and len(words) > 1:
        return f"linesift {words[1]}"
    if words[0] in ("python", "python3") and words[1:2] == ["-m"]:
        return f"python -m {words[2]}"
    return words[0]


def sh_commands(path):
    return [command for language, code, _ in code_blocks(path) if language in ("sh", "bash", "console")
            for command in shell_commands(code)]


def python_blocks(path):
    return [(code, section) for language, code, section in code_blocks(path) if language == "python"]


# -- the made-up inputs -----------------------------------------------------------------------

def rows_of(tsv):
    """(label, text) per line of a labeled page ('' for a blank line)."""
    return [tuple(row.split("\t", 1)) if row else ("", "") for row in tsv.read_text(encoding="utf-8").splitlines()]


def dump_of(tsv):
    """The page's dump: its labeled file with the labels cut off (`cut -f2-`)."""
    return "\n".join(text for _, text in rows_of(tsv)) + "\n"


def url_of(tsv):
    return f"https://www.{tsv.parent.name}/{tsv.stem}"


def html_of(tsv):
    """The page as HTML: chrome lines as a navigation list, content lines as headings and
    paragraphs, markdown links as anchors."""
    def inline(text):
        return LINK.sub(lambda m: f'<a href="#">{m.group(1)}</a>', html.escape(text, quote=False))

    body = []
    for label, text in rows_of(tsv):
        if not text:
            continue
        heading = re.match(r"(#+) (.*)", text)
        if label == "content" and heading:
            level = len(heading.group(1))
            body.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif label == "content":
            body.append(f"<p>{inline(text)}</p>")
        else:
            body.append(f"<ul><li>{inline(text.lstrip('* '))}</li></ul>")
    title = html.escape(tsv.stem)
    return f"<!doctype html><html><head><title>{title}</title></head><body>\n" + "\n".join(body) + "\n</body></html>\n"


def article_lines(tsv, visible=False):
    """The page's long content lines (its article's paragraphs); ``visible``: as they show
    in page.html (html_of), links reduced to their text, headings without their marks."""
    lines = [text for label, text in rows_of(tsv) if label == "content" and len(text) >= 100]
    return [re.sub(r"^#+ ", "", LINK.sub(r"\1", line)) for line in lines] if visible else lines


def squeeze(text):
    return " ".join(text.split())


def assert_holds_article(text, tsv, what, visible=False):
    """``text`` holds every paragraph of the page's article, and not its share bar."""
    flat = squeeze(text)
    missing = [line for line in article_lines(tsv, visible) if squeeze(line) not in flat]
    assert not missing, f"{what}: {len(missing)} article lines of {tsv.name} missing, the first: {missing[0][:80]!r}"
    chrome = [LINK.sub(r"\1", line) if visible else line for label, line in rows_of(tsv)
              if label == "chrome" and line.startswith("[Share on")]
    assert chrome or tsv != PAGES[0], "page A has no share bar any more: pick another chrome line"
    assert not any(squeeze(line) in flat for line in chrome), f"{what}: kept the share bar of {tsv.name}"


def warc_record(warc_type, url, block, content_type):
    head = (f"WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Target-URI: {url}\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def write_jsonl(path, records, opener=open):
    with opener(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def make_inputs(folder):
    """The inputs the examples name, in ``folder``."""
    import zstandard

    (folder / "page.txt").write_text(dump_of(PAGES[0]), encoding="utf-8")
    (folder / "page.html").write_text(html_of(PAGES[0]), encoding="utf-8")
    for tsv in PAGES:
        (folder / "pages" / tsv.parent.name).mkdir(parents=True, exist_ok=True)
        (folder / "pages" / tsv.parent.name / f"{tsv.stem}.txt").write_text(dump_of(tsv), encoding="utf-8")
    for site in LABEL_SITES:
        shutil.copytree(LABELED / site, folder / "my-labels" / site)
    # The README's first command runs in a clone: its labeled/ pages.
    shutil.copytree(LABELED, folder / "labeled")
    # WET as Common Crawl writes it: a warcinfo record, then conversion records, a gzip member each.
    records = [warc_record("warcinfo", "", b"software: made up\r\n", "application/warc-fields")]
    records += [warc_record("conversion", url_of(tsv), dump_of(tsv).encode("utf-8"), "text/plain") for tsv in PAGES]
    (folder / "crawl.warc.wet.gz").write_bytes(b"".join(gzip.compress(record) for record in records))
    shard = [{"id": f"doc-{i}", "text": dump_of(tsv), "metadata": {"url": url_of(tsv)}} for i, tsv in enumerate(PAGES)]
    write_jsonl(folder / "shard.jsonl.gz", shard, gzip.open)
    write_jsonl(folder / "shard.jsonl.zst", shard, zstandard.open)
    # Spark's pages: "id", "url" and "text"; datatrove's dumps/: {"id", "text"}, two files for two tasks.
    write_jsonl(folder / "pages.jsonl",
                [{"id": i, "url": url_of(tsv), "text": dump_of(tsv)} for i, tsv in enumerate(PAGES)])
    (folder / "dumps").mkdir()
    for part in (0, 1):
        write_jsonl(folder / "dumps" / f"part-{part}.jsonl",
                    [{"id": f"doc-{i}", "text": dump_of(tsv), "metadata": {"url": url_of(tsv)}}
                     for i, tsv in enumerate(PAGES) if i % 2 == part])
    return folder


def records_of(path):
    """The JSON objects of a .jsonl, .jsonl.gz or .jsonl.zst file."""
    import zstandard

    opener = {".gz": gzip.open, ".zst": zstandard.open}.get(path.suffix, open)
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# -- running a command and checking what it wrote ------------------------------------------

def run_shell(command, folder):
    """Runs ``command`` as written, through bash, in ``folder``, with this interpreter's
    scripts (its `linesift`) first on PATH."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=folder, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, f"{command!r} exited {result.returncode}:\n{result.stderr[-2000:]}"
    return result.stdout


def output_of(command):
    """The file or folder a command says it writes: `-o X`, `--report X`, `> X`,
    `python -m zipfile -c X`; None when it prints."""
    words = shlex.split(command.split(" | ")[-1])
    for option in ("-o", "--output", "--report", ">", "-c"):
        if option in words:
            return words[words.index(option) + 1]
    return None


def page_of(command):
    """The labeled page behind a command's input: a labeled/ file it names, else page A
    (page.txt, page.html and every made-up record file hold it)."""
    named = [LABELED.parent / word for word in shlex.split(command.replace("|", " ")) if word.startswith("labeled/")]
    return named[0] if named else PAGES[0]


def check_output(command, stdout, folder):
    """What ``command`` wrote is what it says it writes."""
    name = command_name(command)
    words = shlex.split(command.replace("|", " "))
    target = output_of(command)
    if target is None:
        assert stdout.strip(), f"{command!r} printed nothing"
        if name == "linesift predict":
            assert_holds_article(stdout, page_of(command), command, visible="page.html" in words)
        if "--line" in words:
            number = int(words[words.index("--line") + 1])
            line = dump_of(page_of(command)).splitlines()[number - 1]
            assert f":{number}:" in stdout.splitlines()[0] and line.strip() in stdout, \
                f"{command!r} is not about line {number}"
        return
    path = folder / target
    assert path.exists(), f"{command!r} wrote no {target}"
    if path.is_dir():
        sources = [word for word in words if (folder / word).is_dir() and word != target]
        assert sources, f"{command!r}: no input folder"
        inputs = sorted(p.relative_to(folder / sources[0]) for p in (folder / sources[0]).rglob("*") if p.is_file())
        outputs = sorted(p.relative_to(path) for p in path.rglob("*") if p.is_file())
        # Paths mirrored: an output per page, where the page was.
        assert [p.with_suffix("") for p in outputs] == [p.with_suffix("") for p in inputs], command
        assert all((path / p).stat().st_size for p in outputs), f"{command!r} wrote an empty page"
        for tsv in PAGES:
            page = Path(tsv.parent.name, f"{tsv.stem}.txt")
            if page in inputs:
                assert_holds_article((path / outputs[inputs.index(page)]).read_text(encoding="utf-8"), tsv, command)
        return
    assert path.stat().st_size, f"{command!r} wrote an empty {target}"
    if target.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")):
        records = records_of(path)
        assert len(records) == len(PAGES), f"{command!r}: {len(records)} records of {len(PAGES)} pages"
        if "spans" in words:
            spans = records[0]["attributes"]["linesift__content"]
            kept = "\n".join(dump_of(PAGES[0])[int(start):int(end)] for start, end, p in spans if p >= 0.5)
            assert_holds_article(kept, PAGES[0], command)
        else:
            assert_holds_article(records[0]["text"], PAGES[0], command)
    elif target.endswith(".tsv"):
        rows = path.read_text(encoding="utf-8").splitlines()
        assert [row.split("\t", 1)[-1] for row in rows] == dump_of(PAGES[0]).splitlines(), command
        assert {row.split("\t", 1)[0] for row in rows if row} <= {"content", "chrome"}, command
        assert_holds_article("\n".join(row for row in rows if row.startswith("content\t")), PAGES[0], command)
    elif target.endswith(".npz"):
        from linesift import load_model

        assert load_model(path).threshold_ == "page", command   # README's train: the default cut
    elif target.endswith(".html"):
        assert path.read_text(encoding="utf-8").lstrip().lower().startswith(("<!doctype html", "<html")), command
    elif target.endswith(".zip"):
        # "The zip must hold the installed package (`linesift/` at its root)".
        assert "linesift/__init__.py" in zipfile.ZipFile(path).namelist(), command


# -- running a Python block --------------------------------------------------------------------

def run_python(code, namespace):
    """Executes ``code`` statement by statement in ``namespace``; the values of its bare
    expressions (what the example's comments say they are), with their source."""
    tree = ast.parse(code)
    values = []
    for node in tree.body:
        if isinstance(node, ast.Expr):
            expression = compile(ast.Expression(node.value), "<example>", "eval")
            values.append((ast.get_source_segment(code, node), eval(expression, namespace)))
        else:
            exec(compile(ast.Module([node], []), "<example>", "exec"), namespace)  # noqa: S102
    return values


def bound_by_calls(code):
    """The names a block binds to a call's result."""
    return [target.id for node in ast.parse(code).body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
            for target in node.targets if isinstance(target, ast.Name)]


def check_value(value, what, page=PAGES[0]):
    """A value an example computes, from pages given in PAGES' order (dump_a, dump_b, ...),
    is what it says: cleaned text holding the page's article, spans into its text whose
    content lines hold the article, labels per line, a result per page."""
    from linesift import PageResult, cleaned_text

    if hasattr(value, "threshold_"):
        return   # a model
    if isinstance(value, str):
        assert_holds_article(value, page, what)
    elif isinstance(value, PageResult):
        assert len(value.lines) == len(value.starts) == len(value.probabilities), what
        html_page = value.text != dump_of(page)
        assert_holds_article(cleaned_text(value, 0.5), page, what, visible=html_page)
    elif isinstance(value, np.ndarray):
        assert value.size and set(np.unique(value)) <= {-1, 0, 1} and 1 in value, f"{what}: not labels per line"
    elif isinstance(value, list) and value and all(isinstance(item, list) and len(item) == 3 for item in value):
        source = dump_of(page)
        assert all(0 <= start < end <= len(source) and "\n" not in source[int(start):int(end)] and 0 <= p <= 1
                   for start, end, p in value), f"{what}: not [start, end, P(content)] spans of lines"
        check_value("\n".join(source[int(start):int(end)] for start, end, p in value if p >= 0.5), what, page)
    elif isinstance(value, list) and value:
        assert len(value) <= len(PAGES), what
        for item, tsv in zip(value, PAGES):
            check_value(item, what, tsv)
    else:
        pytest.fail(f"{what}: {type(value).__name__} {value!r:.80} is nothing the example says")


def placeholders(folder):
    """The pages the Python examples name but do not define: dump_a and dump_b (page
    dumps), dumps (a list of them, in the order of the example's urls), html_bytes (an HTML
    document); page A, page B, ... of PAGES."""
    dumps = [dump_of(tsv) for tsv in PAGES]
    return {"__name__": "__main__", "dump_a": dumps[0], "dump_b": dumps[1], "dumps": dumps[:3],
            "html_bytes": (folder / "page.html").read_bytes()}


# -- the tests ---------------------------------------------------------------------------------

def defined_extras():
    try:
        import tomllib
    except ImportError:   # Python 3.10: the installed metadata's list
        from importlib.metadata import metadata

        return set(metadata("linesift").get_all("Provides-Extra") or [])
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"])


def test_install_lines_name_only_extras_pyproject_defines():
    extras = defined_extras()
    install = [command for path in (README, INTEGRATIONS) for command in sh_commands(path)
               if command_name(command) in INSTALL]
    assert any(command.startswith("pipx install") for command in install), "the README's install lines are gone"
    # The prose names extras too ('.[datatrove]' in a comment, '.[test,spark,datatrove]').
    prose = [path.read_text(encoding="utf-8") for path in (README, INTEGRATIONS)]
    named = [(command, name) for command in install + prose
             for group in re.findall(r"\.\[([^\]]*)\]", command) for name in group.split(",")]
    assert named
    assert not [(command[:80], name) for command, name in named if name.strip() not in extras]


def test_only_the_serving_command_and_the_suite_are_skipped():
    names = [command_name(command) for path in (README, INTEGRATIONS) for command in sh_commands(path)]
    assert {name for name in names if name in SKIPPED} == set(SKIPPED)
    ran = [name for name in names if name not in SKIPPED and name not in INSTALL]
    assert "linesift predict" in ran and "spark-submit" in ran, ran


def test_readme_commands(tmp_path):
    folder = make_inputs(tmp_path)
    commands = [command for command in sh_commands(README) if command_name(command) not in {*SKIPPED, *INSTALL}]
    assert len(commands) >= 10, commands
    for command in commands:
        check_output(command, run_shell(command, folder), folder)


def test_readme_python(tmp_path, monkeypatch):
    monkeypatch.chdir(make_inputs(tmp_path))
    blocks = python_blocks(README)
    assert blocks
    namespace = placeholders(tmp_path)   # dump_a, dump_b, ...: the pages the example names but does not define
    for code, _ in blocks:
        for source, value in run_python(code, namespace):
            check_value(value, source)
        assert bound_by_calls(code)
        for name in bound_by_calls(code):
            check_value(namespace[name], f"{name} of the README's example")


def test_integrations_python_api(tmp_path, monkeypatch):
    from threadpoolctl import threadpool_info, threadpool_limits

    monkeypatch.chdir(make_inputs(tmp_path))
    blocks = [(code, section) for code, section in python_blocks(INTEGRATIONS) if section not in ("Spark", "datatrove")]
    assert blocks and blocks[0][1] == "The Python API", blocks
    # One namespace, in the document's order: "Pages of one site" goes on from the API's
    # block (its model and imports).
    namespace = placeholders(tmp_path)   # dump_a, dump_b, dumps, html_bytes: named, not defined, by the examples
    for code, section in blocks:
        # threadpool_limits(limits=1) holds for the rest of the process: undone after the block.
        with threadpool_limits(limits=None):
            values = run_python(code, namespace)
            if "threadpool_limits" in code:
                assert {pool["num_threads"] for pool in threadpool_info()} == {1}, section
                continue
        for source, value in values:
            check_value(value, f"{section}: {source}")
        for name in bound_by_calls(code):
            check_value(namespace[name], f"{section}: {name}")


def test_integrations_spark(spark_session, tmp_path, monkeypatch):
    folder = make_inputs(tmp_path)
    monkeypatch.chdir(folder)
    [script_code] = [code for code, section in python_blocks(INTEGRATIONS) if section == "Spark"]
    commands = [command for language, code, section in code_blocks(INTEGRATIONS) if section == "Spark"
                and language == "sh" for command in shell_commands(code)]
    shutil.copyfile(SHIPPED, folder / "mine.npz")   # "your model"
    # What `pip install --target build/pyfiles .` would put there: the installed package.
    import linesift

    shutil.copytree(Path(linesift.__file__).parent, folder / "build" / "pyfiles" / "linesift",
                    ignore=shutil.ignore_patterns("__pycache__"))
    submitted = 0
    for command in commands:
        name = command_name(command)
        if name in INSTALL:
            continue
        if name != "spark-submit":
            check_output(command, run_shell(command, folder), folder)
            continue
        # Each spark-submit runs its script here, in this module's one Spark session (the
        # script's getOrCreate finds it), with the command's arguments; file arguments are
        # made absolute, as the JVM may not share this folder as its working folder. The
        # executors import the installed linesift, so --py-files is checked (the zip above),
        # not used.
        words = shlex.split(command)[1:]
        options = {}
        while words[0].startswith("--"):
            options[words[0]], words = words[1], words[2:]
        assert options["--master"].startswith("local"), command
        # The zip route passes a model file of the clone the zip was built in; without a
        # zip, the commands must do with what any install has.
        if "--py-files" in options:
            assert (folder / options["--py-files"]).is_file(), command
            (folder / "model").mkdir(exist_ok=True)
            shutil.copyfile(SHIPPED, folder / "model" / "linesift.npz")
        else:
            shutil.rmtree(folder / "model", ignore_errors=True)
        script, args = words[0], words[1:]
        assert script in script_code.splitlines()[0], f"the Spark example does not say it is {script}"
        (folder / script).write_text(script_code, encoding="utf-8")
        monkeypatch.setattr(sys, "argv", [script] + [str(folder / arg) for arg in args])
        exec(compile(script_code, script, "exec"), {"__name__": "__main__"})  # noqa: S102
        out = spark_session.read.parquet(str(folder / args[1])).collect()
        assert sorted(row.id for row in out) == list(range(len(PAGES))), command
        by_id = {row.id: row for row in out}
        assert_holds_article(by_id[0].linesift_text, PAGES[0], command)
        check_value([list(span) for span in by_id[0].linesift_spans], command)
        submitted += 1
    assert submitted, commands


def test_integrations_datatrove(tmp_path):
    pytest.importorskip("datatrove", reason="datatrove is not installed (pip install -e '.[datatrove]')")
    folder = make_inputs(tmp_path)
    [(code, _)] = [(code, section) for code, section in python_blocks(INTEGRATIONS) if section == "datatrove"]
    (folder / "clean_dumps.py").write_text(code, encoding="utf-8")
    run_shell("python clean_dumps.py", folder)
    written = sorted((folder / "cleaned").glob("*.jsonl.gz"))
    assert written
    documents = {record["id"]: record for path in written for record in records_of(path)}
    assert sorted(documents) == [f"doc-{i}" for i in range(len(PAGES))]
    assert_holds_article(documents["doc-0"]["text"], PAGES[0], "the datatrove example")
    check_value(documents["doc-0"]["metadata"]["linesift_spans"], "the datatrove example's spans")
    assert documents["doc-0"]["metadata"]["url"] == url_of(PAGES[0])
