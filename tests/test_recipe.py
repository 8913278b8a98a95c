"""The shipped model's recipe (training/): WCXB's dumps get their headline labeled content."""

import json
import sys

from conftest import ROOT
from linesift.labeled import format_labeled, parse_labeled
from linesift.labels import CHROME, CONTENT

sys.path.insert(0, str(ROOT / "training"))
from relabel_titles import relabel_corpus, with_headline  # noqa: E402


def labeled(lines, labels):
    return parse_labeled("p.tsv", format_labeled(lines, labels).encode(), "site")


def test_the_first_line_with_the_titles_words_becomes_content():
    page = labeled(["Home", "# Flood Barrier Opens!", "Text of the story.", "flood barrier opens"],
                   [CHROME, CHROME, CONTENT, CHROME])
    assert with_headline(page, "Flood barrier opens").labels == [CHROME, CONTENT, CONTENT, CHROME]


def test_no_title_or_no_such_line_changes_nothing():
    page = labeled(["Home", "Text of the story."], [CHROME, CONTENT])
    assert with_headline(page, "").labels == [CHROME, CONTENT]
    assert with_headline(page, "Another title").labels == [CHROME, CONTENT]


def test_a_corpus_is_copied_with_its_headlines(tmp_path):
    corpus = tmp_path / "wcxb"
    for converter in ("text", "md"):
        dump = corpus / "dumps" / converter / "site.example" / "0001.tsv"
        dump.parent.mkdir(parents=True)
        dump.write_text("chrome\tMenu\nchrome\tBarrier opens\ncontent\tThe story.\n", encoding="utf-8")
    (corpus / "pages" / "0001").mkdir(parents=True)
    (corpus / "pages" / "0001" / "meta.json").write_text(json.dumps({"title": "Barrier opens"}), encoding="utf-8")
    assert relabel_corpus(corpus, tmp_path / "work") == 2
    copy = tmp_path / "work" / "wcxb" / "md" / "site.example" / "0001.tsv"
    assert copy.read_text(encoding="utf-8") == "chrome\tMenu\ncontent\tBarrier opens\ncontent\tThe story.\n"
