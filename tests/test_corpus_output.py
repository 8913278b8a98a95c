"""What a corpus builder expects of predict: Markdown and metadata out, a page's site from
its URL (never from unrelated files beside it), and the small things: bare `linesift`,
-o that looks like a file, the HTML field left out of record outputs, --jobs by input size."""

import gzip
import json
import math

import pytest
from click.testing import CliRunner

from linesift.canonical import stated_url
from linesift.cli import main
from linesift.predict import PAGE_SECONDS, PARALLEL_FROM_SECONDS, default_jobs
from linesift.reading import find_files

ARTICLE = [
    "The river authority opened the new flood barrier on Monday after four years of building work.",
    "Engineers say the barrier can hold back a surge two metres higher than the one that flooded the town.",
    "Residents who lost their homes in the last flood were invited to the opening ceremony by the mayor.",
]


def page(title, paragraphs=ARTICLE, canonical=None, extra=""):
    head = f"<title>{title}</title>" + (f'<link rel="canonical" href="{canonical}">' if canonical else "")
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (f"<!doctype html><html lang='en'><head>{head}</head><body><nav><a href='/'>Home</a> "
            f"<a href='/news'>News</a></nav><article><h1>{title}</h1>{body}{extra}</article>"
            "<footer><p>Contact us</p></footer></body></html>").encode()


@pytest.fixture
def runner():
    return CliRunner()


def test_the_url_a_page_states_is_found_in_its_head():
    assert stated_url(page("a", canonical="https://news.example.org/a")) == "https://news.example.org/a"
    assert stated_url(b'<html><head><meta property="og:url" content="https://x.example/p"></head>') == \
        "https://x.example/p"
    assert stated_url(page("a", canonical="/a"), base="https://x.example/b") == "https://x.example/a"
    assert stated_url(page("a", canonical="/a")) is None and stated_url(page("a")) is None
    assert stated_url(b"<html><head><link rel=canonical href='javascript:x'></head>") is None
    assert stated_url(b"<" * 300_000) is None


@pytest.mark.parametrize("head, url", [
    (b'<link href="https://x.example/a" rel="canonical">', "https://x.example/a"),   # href before rel
    (b'<LINK REL="Canonical Alternate" HREF="https://x.example/a">', "https://x.example/a"),
    (b'<meta name="og:url" content="https://x.example/m"><link rel=canonical href="https://x.example/c">',
     "https://x.example/c"),   # the canonical link first, wherever it stands
    (b'<!-- <link rel=canonical href="https://x.example/no"> -->', None),
    (b'<script>"<link rel=canonical href=https://x.example/no>"</script>', None),
    (b'<title>T &amp; <link rel=canonical href="https://x.example/no"></title>', None),
    (b'<link rel=canonical href="https://x.example/a?b=1&amp;c=2">', "https://x.example/a?b=1&c=2"),
    (b'<p>text first<link rel=canonical href="https://x.example/a">', "https://x.example/a"),
    (b'<body><link rel=canonical href="https://x.example/no">', None),
])
def test_the_stated_url_is_read_as_a_browser_reads_the_head(head, url):
    assert stated_url(b"<html><head>" + head) == url
    assert stated_url("<html><head>" + head.decode()) == url


def test_a_pages_output_is_the_same_alone_and_beside_unrelated_pages(runner, tmp_path):
    """The site pass counts a page's lines on the other pages of its site: pages of no known
    site, or of other sites, lying in the same folder change nothing."""
    folder = tmp_path / "mixed" / "pages"
    folder.mkdir(parents=True)
    (folder / "a.html").write_bytes(page("Barrier opens"))
    repeated = ["Subscribe to our newsletter for the latest stories from the valley every week"]
    for n in range(4):   # pages of another site sharing a template line with nothing of a.html
        (folder / f"other{n}.html").write_bytes(page(f"Other {n}", [f"Story {n} " + ARTICLE[1]] + repeated,
                                                     canonical=f"https://other.example/{n}"))
    alone = runner.invoke(main, ["predict", "-f", "jsonl", str(folder / "a.html")])
    beside = runner.invoke(main, ["predict", "-f", "jsonl", str(folder)])
    assert alone.exit_code == 0 and beside.exit_code == 0, alone.output + beside.output
    first = json.loads(beside.stdout.splitlines()[0])
    assert first["source"].endswith("a.html")
    assert first["lines"] == json.loads(alone.stdout)["lines"]


def test_pages_of_one_stated_site_are_counted_together_and_folder_sites_are_asked_for(runner, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    template = "Valley Courier newsletter"
    stories = ["Floods closed the bridge road", "A new school opens in March", "The mill reopens after repairs",
               "Farmers count the cost of the dry summer"]   # pages that differ (copies count as one page)
    for n, story in enumerate(stories):
        (folder / f"p{n}.html").write_bytes(page(story, [f"{story}, the council said on {n + 1} May.", template],
                                                 canonical=f"https://courier.example/{n}"))
    by_url = runner.invoke(main, ["predict", "-f", "jsonl", str(folder)])
    alone = runner.invoke(main, ["predict", "-f", "jsonl", str(folder / "p0.html")])
    by_folder = runner.invoke(main, ["predict", "-f", "jsonl", "--site-from", "folder", str(folder)])
    p_of = lambda out: {line["text"]: line["p"] for line in json.loads(out.splitlines()[0])["lines"]}  # noqa: E731
    assert p_of(by_url.stdout) != p_of(alone.stdout)   # counted with its site's pages: the site pass saw them
    assert p_of(by_url.stdout)[template] < p_of(alone.stdout)[template]   # its template, recognised
    assert by_folder.exit_code == 0 and p_of(by_folder.stdout) == p_of(by_url.stdout)   # one site either way


def test_urls_given_for_pages_name_their_sites(runner, tmp_path):
    (tmp_path / "a.txt").write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    (tmp_path / "sites.tsv").write_text(f"{tmp_path / 'a.txt'}\thttps://x.example/a\n", encoding="utf-8")
    assert runner.invoke(main, ["predict", "--sites", str(tmp_path / "sites.tsv"), str(tmp_path / "a.txt")]).exit_code == 0
    assert runner.invoke(main, ["predict", "--url", "https://x.example/a", str(tmp_path / "a.txt")]).exit_code == 0
    (tmp_path / "bad.tsv").write_text("nowhere.txt\thttps://x.example/\n", encoding="utf-8")
    result = runner.invoke(main, ["predict", "--sites", str(tmp_path / "bad.tsv"), str(tmp_path / "a.txt")])
    assert result.exit_code == 2 and f"{tmp_path / 'bad.tsv'}:1: nowhere.txt: not among the pages given" in result.output


def test_markdown_out_for_html_and_dumps(runner, tmp_path):
    html = page("Barrier opens", extra="<ul><li>Length: 240 metres of steel and concrete walls</li></ul>")
    (tmp_path / "a.html").write_bytes(html)
    result = runner.invoke(main, ["predict", "-f", "markdown", str(tmp_path / "a.html")])
    assert result.exit_code == 0, result.output
    assert "# Barrier opens" in result.stdout and ARTICLE[1] in result.stdout
    assert "- Length: 240 metres of steel and concrete walls" in result.stdout
    assert "Home" not in result.stdout
    dump = "## A heading of a markdown dump\n\n" + "\n".join(ARTICLE) + "\n"
    (tmp_path / "d.md").write_text(dump, encoding="utf-8")
    result = runner.invoke(main, ["predict", "-f", "markdown", str(tmp_path / "d.md")])
    assert result.exit_code == 0 and ARTICLE[0] in result.stdout   # a dump's own lines, as they are
    out = tmp_path / "out"
    result = runner.invoke(main, ["predict", "-f", "markdown", str(tmp_path / "a.html"), str(tmp_path / "d.md"),
                                  "-o", str(out)])
    assert result.exit_code == 0 and sorted(p.name for p in out.iterdir()) == ["a.html.md", "d.md"]
    assert runner.invoke(main, ["predict", "--links", str(tmp_path / "a.html")]).exit_code == 2


def test_metadata_in_json_lines_out(runner, tmp_path):
    html = page("Barrier opens", canonical="https://courier.example/barrier").replace(
        b"</head>", b'<meta name="author" content="Ana Lopes">'
                    b'<meta property="article:published_time" content="2025-03-04T08:00:00Z"></head>')
    (tmp_path / "a.html").write_bytes(html)
    result = runner.invoke(main, ["predict", "-f", "jsonl", "--metadata", str(tmp_path / "a.html")])
    assert result.exit_code == 0, result.output
    stated = json.loads(result.stdout)["metadata"]
    assert stated["title"] == "Barrier opens" and stated["url"] == "https://courier.example/barrier"
    assert stated["author"] == "Ana Lopes" and stated["published"] == "2025-03-04"
    assert stated["site"] == "courier.example" and stated["language"] == "en"
    assert runner.invoke(main, ["predict", "--metadata", str(tmp_path / "a.html")]).exit_code == 2

    records = tmp_path / "shard.jsonl"
    records.write_text(json.dumps({"id": "1", "url": "https://courier.example/barrier", "html": html.decode(),
                                   "metadata": {"author": "Desk"}}) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["predict", "--html-field", "html", "--metadata", str(records), "-o",
                                  str(tmp_path / "out.jsonl"), "-q"])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["metadata"]["author"] == "Desk"            # the record's own keys win
    assert record["metadata"]["title"] == "Barrier opens"
    assert "html" not in record and ARTICLE[0] in record["text"]


def test_the_html_field_is_kept_only_when_asked(runner, tmp_path):
    html = page("Barrier opens").decode()
    records = tmp_path / "shard.jsonl.gz"
    records.write_bytes(gzip.compress((json.dumps({"id": "1", "html": html}) + "\n").encode()))
    out = tmp_path / "out.jsonl"
    assert runner.invoke(main, ["predict", "--html-field", "html", str(records), "-o", str(out), "-q"]).exit_code == 0
    assert "html" not in json.loads(out.read_text(encoding="utf-8"))
    result = runner.invoke(main, ["predict", "--html-field", "html", "--keep-fields", "html", str(records),
                                  "-o", str(out), "-q"])
    assert result.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["html"] == html


def test_bare_linesift_prints_its_help_and_succeeds(runner):
    result = runner.invoke(main, [])
    assert result.exit_code == 0
    assert result.output.startswith("Usage:") and "predict" in result.output and "(see linesift" not in result.output


def test_an_output_named_like_a_file_for_several_inputs_is_refused(runner, tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["predict", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                  "-o", str(tmp_path / "all.txt")])
    assert result.exit_code == 2 and "looks like a file" in result.output
    assert not (tmp_path / "all.txt").exists()
    result = runner.invoke(main, ["predict", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                  "-o", str(tmp_path / "all.txt") + "/"])
    assert result.exit_code == 0 and (tmp_path / "all.txt" / "a.txt").is_file()


def test_jobs_default_to_one_for_small_inputs(tmp_path, monkeypatch):
    monkeypatch.setattr("linesift.predict.available_cores", lambda: 2)
    enough_dumps = math.ceil(PARALLEL_FROM_SECONDS / PAGE_SECONDS["dump"])
    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(enough_dumps - 1):
        (folder / f"{n}.txt").write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    assert default_jobs(find_files([folder / "0.txt"])) == 1                    # a page
    assert default_jobs(find_files([folder])) == 1                              # one is sooner
    (folder / "last.txt").write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    assert default_jobs(find_files([folder])) == 2                              # two are sooner
    for n in range(math.ceil(PARALLEL_FROM_SECONDS / PAGE_SECONDS["html"])):
        (tmp_path / "html" / f"{n}.html").parent.mkdir(exist_ok=True)
        (tmp_path / "html" / f"{n}.html").write_bytes(page(f"Story {n}"))
    assert default_jobs(find_files([tmp_path / "html"])) == 2
    shard = tmp_path / "shard.jsonl"
    shard.write_text(json.dumps({"text": "a line"}) + "\n", encoding="utf-8")
    assert default_jobs(find_files([shard])) == 1                               # a small record file


@pytest.mark.parametrize("args", [["--links"], ["--metadata", "--emit", "spans"]])
def test_options_that_would_do_nothing_on_records_are_refused(runner, tmp_path, args):
    shard = tmp_path / "shard.jsonl"
    shard.write_text(json.dumps({"text": "\n".join(ARTICLE)}) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["predict", *args, str(shard)])
    assert result.exit_code == 2 and result.output.count("\n") == 1


def test_keep_fields_is_for_record_files(runner, tmp_path):
    (tmp_path / "a.txt").write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["predict", "--keep-fields", "html", str(tmp_path / "a.txt")])
    assert result.exit_code == 2 and "--keep-fields is for record files" in result.output
