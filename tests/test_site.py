"""The site pass (features.site): a line counted on the other pages of its site in the batch,
and how a site reaches it from a folder, a record's URL, training and explain."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from linesift.cli import main
from linesift.features import dense_feature_names, extract
from linesift.features._stats import fingerprints
from linesift.features.page import page_bounds
from linesift.features.site import SITE_FEATURES, SITE_MIN_PAGES, site_columns
from linesift.model import LineClassifier
from linesift.reading import find_files
from linesift.records import record_site
from linesift.sites import site_of_url
from linesift.train import read_corpus
from linesift.workers import batches

MENU = ["Home", "World news", "Sign in to comment"]
STORIES = ["alpha", "bravo", "charlie", "delta", "echo"]


def site_pages(count):
    """``count`` pages of one site: its menu, then a story of the page's own."""
    return [MENU + [f"The {word} story is told here in a sentence of its own."] for word in STORIES[:count]]


def column(features, name):
    return features.dense[:, dense_feature_names().index(name)]


def test_a_template_line_is_on_every_other_page_and_a_story_on_none():
    features = extract(site_pages(4), sites=["site"] * 4)
    menu = np.isin(features.line_index, [0, 1, 2])
    assert (column(features, "site_known") == 1).all()
    assert (column(features, "site_line_share")[menu] == 1).all()
    assert (column(features, "site_line_share")[~menu] == 0).all()
    assert (column(features, "site_line_unique") == (~menu)).all()


def test_below_site_min_pages_the_site_is_unknown_and_every_site_feature_zero():
    features = extract(site_pages(SITE_MIN_PAGES - 1), sites=["site"] * (SITE_MIN_PAGES - 1))
    for name, _ in SITE_FEATURES:
        assert (column(features, name) == 0).all(), name
    features = extract(site_pages(SITE_MIN_PAGES), sites=["site"] * SITE_MIN_PAGES)
    assert (column(features, "site_known") == 1).all()


def test_without_sites_the_features_are_those_of_an_unknown_site():
    pages = site_pages(4)
    assert (extract(pages).dense == extract(pages, sites=[None] * 4).dense).all()
    for name, _ in SITE_FEATURES:
        assert (column(extract(pages), name) == 0).all()


def test_pages_of_other_sites_do_not_count():
    pages = site_pages(4)
    features = extract(pages, sites=["a", "b", "c", "d"])   # four sites of a page each: none known
    assert (column(features, "site_known") == 0).all()


def test_a_page_never_counts_itself_however_often_it_repeats_a_line():
    pages = site_pages(3)
    pages[0] = pages[0] + ["Only here, twice"] * 2
    features = extract(pages, sites=["site"] * 3)
    twice = (features.page_offsets[0] <= np.arange(len(features.line_index))) & (
        np.arange(len(features.line_index)) < features.page_offsets[1]) & (features.line_index >= 4)
    assert twice.sum() == 2
    assert (column(features, "site_line_share")[twice] == 0).all()
    assert (column(features, "site_line_unique")[twice] == 1).all()


def test_copies_of_a_page_count_once_and_empty_pages_not_at_all():
    pages = site_pages(2)
    features = extract(pages + [pages[0], [""]], sites=["site"] * 4)   # 2 pages, a copy, an empty page
    menu = np.isin(features.line_index, [0, 1, 2])
    assert (column(features, "site_known") == 1).all()
    assert (column(features, "site_line_share")[menu] == 1).all()
    story = ~menu & (np.arange(len(menu)) < features.page_offsets[1])
    assert (column(features, "site_line_share")[story] == 0).all()   # its copy does not count
    alone = extract([pages[0], pages[0], [""]], sites=["site"] * 3)     # one page and its copy: unknown
    assert (column(alone, "site_known") == 0).all()


def test_the_share_counts_the_other_pages_holding_the_line():
    pages = site_pages(5)
    for page in pages[:3]:
        page.append("Newsletter: sign up")     # on 3 of 5 pages: each copy sees 2 of its 4 others
    features = extract(pages, sites=["site"] * 5)
    newsletter = features.line_index == 4
    assert np.allclose(column(features, "site_line_share")[newsletter], 2 / 4)


def test_digits_read_as_zero_so_a_dated_byline_is_one_template_line():
    pages = [MENU + [f"Posted {day} May 2024 by the desk", f"The {word} story."]
             for day, word in zip((3, 14, 27), STORIES)]
    features = extract(pages, sites=["site"] * 3)
    assert (column(features, "site_line_share")[features.line_index == 3] == 1).all()


def test_the_window_share_is_the_mean_share_of_the_lines_around():
    keys = ["menu", "story a", "menu", "story b", "menu", "story c"]   # 3 pages of 2 lines
    page_of_row, start, end = page_bounds(np.array([0, 2, 4, 6]))
    known, share, unique, window = site_columns(fingerprints(keys), np.ones(6), page_of_row, ["s"] * 3,
                                                start, end, window=1)
    assert share.tolist() == [1, 0] * 3
    assert window.tolist() == [0.5, 0.5] * 3


def test_an_html_corpus_and_its_dump_are_not_each_others_site_pages(tmp_path):
    for form in ("text", "md"):
        for word in STORIES[:3]:
            page = tmp_path / form / "example.com" / f"{word}.tsv"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"chrome\tHome\ncontent\tThe {word} story, in the {form} form.\n", encoding="utf-8")
    pages = read_corpus([tmp_path / "text", tmp_path / "md"])
    assert len({page.site_key for page in pages}) == 2
    assert len({page.site for page in pages}) == 1      # one site still: site folds keep both forms together


def test_training_hides_the_site_of_site_dropout_of_the_sites():
    sites = [f"s{i}" for i in range(10) for _ in range(3)]
    shown = LineClassifier(site_dropout=0.5)._sites_shown(sites)
    hidden = {site for site, seen in zip(sites, shown) if seen is None}
    assert len(hidden) == 5
    assert all(seen in (None, site) for site, seen in zip(sites, shown))
    assert LineClassifier(site_dropout=0)._sites_shown(sites) == sites


@pytest.mark.parametrize("url, site", [
    ("https://www.Example.com:8443/a/b?c", "example.com"),
    ("http://news.example.co.uk/x", "news.example.co.uk"),
    ("http://[::1", None),
    ("not a url", None),
    (None, None),
])
def test_the_site_of_a_url_is_its_host(url, site):
    assert site_of_url(url) == site


def test_a_record_names_its_site_by_url_or_metadata_url():
    assert record_site({"url": "https://example.org/a"}) == "example.org"
    assert record_site({"metadata": {"url": "https://www.example.org/a"}}) == "example.org"
    assert record_site({"metadata": "not an object"}) is None


def test_a_full_batch_runs_on_while_the_site_goes_on_up_to_twice_its_size():
    items = ["a"] * 5 + ["b"] * 9
    sizes = [len(batch) for batch in batches(items, 4, group=str)]
    assert sizes == [5, 8, 1]
    assert [len(batch) for batch in batches(items, 4)] == [4, 4, 4, 2]
    assert [len(batch) for batch in batches(range(10), 4, group=lambda item: None)] == [4, 4, 2]   # None: no site


@pytest.fixture
def sites_seen(monkeypatch):
    """The ``sites`` of every LineClassifier.predict_proba call of the test, in order."""
    seen = []
    real = LineClassifier.predict_proba

    def spy(self, pages, cache=None, sites=None):
        seen.append(sites)
        return real(self, pages, cache, sites)

    monkeypatch.setattr(LineClassifier, "predict_proba", spy)
    return seen


def test_predict_gives_a_folder_its_site_pages(tmp_path, sites_seen, small_model_file):
    for word in STORIES[:3]:
        page = tmp_path / "in" / "example.com" / f"{word}.txt"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("\n".join(site_pages(5)[STORIES.index(word)]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["predict", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                       "-m", str(small_model_file), "--site-from", "folder"])
    assert result.exit_code == 0, result.output
    assert sites_seen[-1] == [(str(tmp_path / "in"), "example.com")] * 3
    # By default a page's site is its URL's: dumps that name none are classified alone.
    result = CliRunner().invoke(main, ["predict", str(tmp_path / "in"), "-o", str(tmp_path / "out2"),
                                       "-m", str(small_model_file)])
    assert result.exit_code == 0, result.output
    assert sites_seen[-1] == [None] * 3


def test_predict_gives_records_the_host_of_their_url_as_site(tmp_path, sites_seen, small_model_file):
    shard = tmp_path / "shard.jsonl"
    records = [{"url": f"https://www.example.com/{word}", "text": "\n".join(lines)}
               for word, lines in zip(STORIES, site_pages(3))] + [{"text": "No url here"}]
    shard.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    result = CliRunner().invoke(main, ["predict", str(shard), "-o", str(tmp_path / "out.jsonl"), "-j", "1",
                                       "-m", str(small_model_file)])
    assert result.exit_code == 0, result.output
    assert sites_seen == [["example.com"] * 3 + [None]]


def test_a_sites_records_stay_in_one_batch_past_the_batch_size(tmp_path, sites_seen, small_model_file):
    shard = tmp_path / "shard.jsonl"
    pages = site_pages(5) * 4      # 20 records of one host: one batch of 20, not 16 and a lone 4
    shard.write_text("".join(json.dumps({"metadata": {"url": f"http://news.example.com/{i}"}, "text": "\n".join(lines)})
                             + "\n" for i, lines in enumerate(pages)), encoding="utf-8")
    result = CliRunner().invoke(main, ["predict", str(shard), "-o", str(tmp_path / "out.jsonl"), "-j", "1",
                                       "-m", str(small_model_file)])
    assert result.exit_code == 0, result.output
    assert sites_seen == [["news.example.com"] * 20]


def test_explain_names_the_site_terms_when_given_the_site_pages(tmp_path, small_model_file):
    folder = tmp_path / "example.com"
    folder.mkdir()
    for word, lines in zip(STORIES, site_pages(4)):
        (folder / f"{word}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(folder / "alpha.txt"), "--line", "2", "--json", "--top", "999",
                                       "--site-pages", str(folder), "-m", str(small_model_file)])
    assert result.exit_code == 0, result.output
    names = {term["name"] for term in json.loads(result.output)["terms"]}
    assert "on 100% of its site's other pages" in names
    assert "its site's other pages are known (the site pass)" in names
    (folder / "blank.txt").write_text("Home\n\nThe blank story, after a blank line.\n", encoding="utf-8")
    blank = CliRunner().invoke(main, ["explain", str(folder / "blank.txt"), "--line", "2", "--site-pages", str(folder),
                                      "-m", str(small_model_file)])
    assert blank.exit_code != 0 and "blank line" in blank.output     # not line 2 of another page of the site
    alone = CliRunner().invoke(main, ["explain", str(folder / "alpha.txt"), "--line", "2", "--json", "--top", "999",
                                      "-m", str(small_model_file)])
    assert "its site's other pages are not known" in {term["name"] for term in json.loads(alone.output)["terms"]}


def test_found_files_carry_the_root_they_were_found_under(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.txt").write_text("x\n", encoding="utf-8")
    (found,) = find_files([tmp_path])
    assert (found.site, found.root) == ("site", str(tmp_path))
