"""The peers benchmark script (tests/bench/bench_html_peers.py) on a tiny invented corpus:
flagged pages left out, both measures per page type, the cache, scored predictions."""

import gzip
import json
import subprocess
import sys

import pytest

from conftest import ROOT

BENCH = ROOT / "tests" / "bench" / "bench_html_peers.py"
PAGES = {   # page id: (body, gold, page type, flags)
    "p1": ("<nav><a href='/'>Home</a></nav><p>The bridge opened on Monday morning.</p>",
           "The bridge opened on Monday morning.", "article", ""),
    "p2": ("<p>First post by ann</p><p>Reply by bob</p>", "First post by ann\nReply by bob", "forum", ""),
    "p3": ("<p>Broken page</p>", "Something else entirely", "forum", "low_alignment"),
}


@pytest.fixture
def shared(tmp_path):
    corpus = tmp_path / "corpus" / "tiny"
    rows = ["page_id\tsite\tconverter\tdump\tlines\tcontent_lines\tgold_tokens\tcoverage\taligned\tprecision"
            "\tmixed_lines\tflags"]
    for page_id, (body, gold, page_type, flags) in PAGES.items():
        folder = corpus / "pages" / page_id
        folder.mkdir(parents=True)
        (folder / "page.html.gz").write_bytes(gzip.compress(f"<html><body>{body}</body></html>".encode()))
        (folder / "gold.txt").write_text(gold, encoding="utf-8")
        (folder / "meta.json").write_text(json.dumps({"site": f"{page_id}.example", "page_type": page_type}))
        rows.append(f"{page_id}\t{page_id}.example\ttext\tdumps/text/x.tsv\t1\t1\t1\t1\t1\t1\t0\t{flags}")
    (corpus / "index.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def _bench(shared, *args):
    result = subprocess.run([sys.executable, str(BENCH), "--shared", str(shared), "--corpus", "tiny",
                             "--cache", str(shared / "cache"), "--json", str(shared / "out.json"), *args],
                            capture_output=True, text=True, check=True)
    return result, json.loads((shared / "out.json").read_text())


def test_bench_scores_tools_and_predictions_by_both_measures_per_page_type(shared):
    predictions = shared / "cv.json"
    predictions.write_text(json.dumps({"p1": "The bridge opened on Monday morning.", "p3": "x"}))
    first, report = _bench(shared, "--tools", "keep everything", "--predictions", f"cv={predictions}")
    assert report["pages"] == 2                                  # p3 is flagged
    kept = report["results"]["keep everything"]
    assert kept["groups"]["forum"]["words"]["f1"] == 1.0 and kept["groups"]["forum"]["pages"] == 1
    assert kept["groups"]["article"]["words"]["recall"] == 1.0 and kept["groups"]["article"]["words"]["precision"] < 1
    assert kept["failures"] == 0 and kept["pages_per_second"] > 0
    cv = report["results"]["cv"]
    assert cv["words"]["f1"] == 0.5 and cv["failures"] == 1     # p2 missing: empty output, a failure
    assert cv["shingles"]["recall"] == 0.5 and cv["pages_per_second"] is None
    assert "| cv | **0.500** |" in first.stdout and "word F1 (WCXB) per page_type" in first.stdout
    assert "2 pages to run, 0 cached" in first.stderr


def test_bench_reruns_from_the_cache_and_all_pages_runs_only_the_new_ones(shared):
    _, before = _bench(shared, "--tools", "keep everything")
    again, after = _bench(shared, "--tools", "keep everything")
    assert "0 pages to run, 2 cached" in again.stderr
    assert after["results"] == before["results"]                 # same scores, same measured speed
    everything, report = _bench(shared, "--tools", "keep everything", "--all-pages")
    assert "1 pages to run, 2 cached" in everything.stderr and report["pages"] == 3


def test_bench_groups_pages_by_the_number_of_pages_of_their_site(shared):
    meta = shared / "corpus" / "tiny" / "pages" / "p2" / "meta.json"
    meta.write_text(json.dumps({"site": "p1.example", "page_type": "forum"}))   # p1 and p2: one site of 2 pages
    extra = shared / "corpus" / "tiny" / "pages" / "p4"
    extra.mkdir()
    (extra / "page.html.gz").write_bytes(gzip.compress(b"<html><body><p>Alone.</p></body></html>"))
    (extra / "gold.txt").write_text("Alone.", encoding="utf-8")
    (extra / "meta.json").write_text(json.dumps({"site": "p4.example"}))
    _, report = _bench(shared, "--tools", "keep everything", "--by", "site_pages")
    groups = report["results"]["keep everything"]["groups"]
    assert {name: group["pages"] for name, group in groups.items()} == {"2 pages": 2, "1 page": 1}
