"""`linesift label` in a real (headless) browser: click, keys, shift-click and the next
page, each checked in the labeled files on disk. Skips when Chromium, chromedriver or
selenium is missing (tests/browser.py says which)."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from browser import browser  # noqa: F401  (the fixture)
from conftest import LABELED, ROOT
from linesift.labeled import parse_labeled

SOURCES = sorted(LABELED.glob("*/*.tsv"))[:2]
NAMES = {1: "content", 0: "chrome"}


@pytest.fixture
def labeling(tmp_path):
    """`linesift label DUMPS -o OUT --no-browser` running on a free port: (url, OUT)."""
    dumps = tmp_path / "dumps"
    for source in SOURCES:
        target = dumps / source.parent.name / (source.stem + ".txt")
        target.parent.mkdir(parents=True)
        target.write_text("".join((row.split("\t", 1)[1] if row else "") + "\n"
                                  for row in source.read_text(encoding="utf-8").splitlines()), encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "linesift", "label", str(dumps), "-o", str(out), "--no-browser"],
                               cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stderr.readline()
        assert " at http://127.0.0.1:" in first, first + process.stderr.read()
        yield first.split(" at ", 1)[1].split()[0], out
    finally:
        process.terminate()
        process.wait(timeout=20)


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def labels_on_disk(path, timeout=10, expected=None):
    """The labels in the labeled file ``path`` ("content"/"chrome"/None per line), once it
    exists (and equals ``expected``, if given): saves are asynchronous."""
    deadline = time.monotonic() + timeout
    labels = None
    while time.monotonic() < deadline:
        if path.exists():
            page = parse_labeled(path, path.read_bytes(), "site")
            labels = [NAMES.get(label) if text.strip() else None for text, label in zip(page.lines, page.labels)]
            if expected is None or labels == expected:
                return labels
        time.sleep(0.1)
    return labels


def row(browser, n):
    from selenium.webdriver.common.by import By

    element = browser.find_element(By.CSS_SELECTOR, f'#lines .line[data-n="{n}"]')
    # centred, so the sticky header never covers what is clicked
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return element


def press(browser, keys):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(keys).perform()


def wait_for(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_click_keys_shift_click_and_next_page_are_saved(browser, labeling):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, out = labeling
    pages = get_json(url + "api/pages")["pages"]
    assert len(pages) == 2
    first, second = (get_json(url + f"api/page/{i}") for i in (0, 1))
    expected = [line["label"] for line in first["lines"]]
    labelable = [i for i, line in enumerate(first["lines"]) if line["text"].strip()]
    target = out / first["site"] / first["name"]
    flip = {"content": "chrome", "chrome": "content"}

    browser.get(url)
    assert wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#lines .line")) == len(first["lines"]))
    assert not target.exists()   # nothing is written before the first change

    # a click toggles a line
    clicked = labelable[5]
    row(browser, clicked).click()
    expected[clicked] = flip[expected[clicked]]
    assert labels_on_disk(target, expected=expected) == expected
    assert expected[clicked] in row(browser, clicked).get_attribute("class")

    # j moves the cursor to the next labelable line, x toggles it
    press(browser, "jx")
    expected[labelable[6]] = flip[expected[labelable[6]]]
    assert labels_on_disk(target, expected=expected) == expected

    # shift-click: every line from the last clicked one to this one takes its label
    start, end = labelable[10], labelable[16]
    row(browser, start).click()
    expected[start] = flip[expected[start]]
    ActionChains(browser).key_down(Keys.SHIFT).click(row(browser, end)).key_up(Keys.SHIFT).perform()
    for i in range(start, end + 1):
        if expected[i] is not None:
            expected[i] = expected[start]
    assert labels_on_disk(target, expected=expected) == expected

    # shift+j selects a run by key, c marks it content
    press(browser, Keys.ESCAPE)
    row(browser, labelable[20]).click()
    expected[labelable[20]] = flip[expected[labelable[20]]]
    press(browser, "JJJ" + "c")
    for i in labelable[20:24]:
        expected[i] = "content"
    assert labels_on_disk(target, expected=expected) == expected

    # n: this page saved as it is, then the next; there c marks the cursor (first) line content
    press(browser, "n")
    assert wait_for(lambda: browser.find_element(By.ID, "position").text.startswith("page 2 of 2"))
    assert labels_on_disk(target) == expected
    second_target = out / second["site"] / second["name"]
    assert not second_target.exists()   # shown, not yet changed or accepted
    second_expected = [line["label"] for line in second["lines"]]
    press(browser, "n")   # on the last page: saves it as the model labeled it, stays there
    assert labels_on_disk(second_target, expected=second_expected) == second_expected
    press(browser, "c")
    first_line = next(i for i, line in enumerate(second["lines"]) if line["text"].strip())
    second_expected[first_line] = "content"
    assert labels_on_disk(second_target, expected=second_expected) == second_expected
    assert labels_on_disk(target) == expected   # the first page is untouched by all that

    # p (or ←): back to the first page, which shows what was saved
    press(browser, Keys.ARROW_LEFT)
    assert wait_for(lambda: browser.find_element(By.ID, "position").text.startswith("page 1 of 2"))
    assert wait_for(lambda: expected[clicked] in row(browser, clicked).get_attribute("class"))
    if os.environ.get("LINESIFT_SCREENSHOT"):
        row(browser, labelable[8])
        browser.save_screenshot(os.environ["LINESIFT_SCREENSHOT"])
    assert not browser.find_element(By.ID, "status").get_attribute("class") == "error"


def test_page_text_is_shown_as_text_not_markup(browser, tmp_path):
    """A line of the page that is HTML must appear as its characters, never run."""
    from selenium.webdriver.common.by import By

    dumps = tmp_path / "dumps" / "site"
    dumps.mkdir(parents=True)
    evil = '<img src=x onerror="document.title=\'pwned\'"><b>bold</b>'
    (dumps / "page.txt").write_text(f"Home\n{evil}\nA sentence of the article, long enough to be read.\n",
                                    encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "linesift", "label", str(dumps.parent), "-o",
                                str(tmp_path / "out"), "--no-browser"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stderr.readline().split(" at ", 1)[1].split()[0]
        browser.get(url)
        assert wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#lines .line")) == 3)
        assert browser.find_element(By.CSS_SELECTOR, '#lines .line[data-n="1"] .text').text == evil
        assert not browser.find_elements(By.CSS_SELECTOR, "#lines img, #lines b")
        assert browser.title == "linesift label"
    finally:
        process.terminate()
        process.wait(timeout=20)


# -- an HTML page is shown beside its lines, safely ------------------------------------------

HOSTILE_PAGE = """<!doctype html><html><head><title>Harbour news</title>
<meta http-equiv="refresh" content="0; url=http://127.0.0.1:{port}/refresh">
<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
<script>document.addEventListener('DOMContentLoaded', () => {{ document.body.innerHTML = 'HACKED'; }});</script>
</head><body onload="document.title = 'HACKED'">
<nav><ul><li><a href="http://127.0.0.1:{port}/home">Home</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Harbour wall repaired before the winter storms</h1>
<p>Workers finished repairing the old harbour wall on Friday, two weeks ahead of the first winter storms.</p>
<p>The council paid for the work from its flood fund after the wall cracked in the spring tides this year.</p>
<img src="http://127.0.0.1:{port}/tracker.png" alt="">
<img srcset="http://127.0.0.1:{port}/big.png 2x" alt="photo">
</article>
<iframe src="http://127.0.0.1:{port}/frame"></iframe>
<footer><p>© 2026 Harbour Gazette</p></footer></body></html>"""


@pytest.fixture
def remote_server():
    """A stand-in for the internet on another loopback port: it records every request."""
    import http.server
    import threading

    requests = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()


@pytest.fixture
def labeling_html(tmp_path, remote_server):
    port, requests = remote_server
    pages = tmp_path / "pages" / "gazette.example"
    pages.mkdir(parents=True)
    (pages / "harbour.html").write_text(HOSTILE_PAGE.format(port=port), encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "linesift", "label", str(tmp_path / "pages"), "-o", str(out),
                                "--no-browser"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stderr.readline()
        assert " at http://127.0.0.1:" in first, first + process.stderr.read()
        yield first.split(" at ", 1)[1].split()[0], out, requests
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_an_html_page_is_shown_without_running_or_loading_anything_and_a_click_on_a_block_flips_it(
        browser, labeling_html, tmp_path):
    from selenium.webdriver.common.by import By

    url, out, requests = labeling_html
    browser.get(url)
    assert wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#lines .line"))
    frame = browser.find_element(By.ID, "view")
    assert frame.is_displayed() and frame.get_attribute("sandbox") == "allow-same-origin"
    page = get_json(url + "api/page/0")
    lines = [line["text"] for line in page["lines"]]
    paragraph = next(i for i, text in enumerate(lines) if text.startswith("Workers finished"))

    browser.switch_to.frame(frame)
    assert wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-ls-line]"))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "HACKED" not in body and "Harbour wall repaired" in body and "HACKED" not in browser.title
    block = browser.find_element(By.CSS_SELECTOR, f'[data-ls-line="{paragraph}"]')
    assert block.tag_name == "p"
    before = page["lines"][paragraph]["label"]
    assert f"ls-{before}" in block.get_attribute("class")
    block.click()
    flipped = "chrome" if before == "content" else "content"
    assert wait_for(lambda: f"ls-{flipped}" in block.get_attribute("class"))
    link = browser.find_element(By.XPATH, "//a[normalize-space()='Home']")
    link.click()   # flips "Home"; never navigates
    browser.switch_to.default_content()
    if os.environ.get("LINESIFT_SCREENSHOT"):
        browser.save_screenshot(os.environ["LINESIFT_SCREENSHOT"])

    expected = [line["label"] for line in page["lines"]]
    expected[paragraph] = flipped
    home = lines.index("Home")
    expected[home] = "chrome" if expected[home] == "content" else "content"
    target = out / "gazette.example" / "harbour.tsv"
    assert labels_on_disk(target, expected=expected) == expected
    assert (out / "gazette.example" / "harbour.html").is_file()   # the HTML travels with its labels
    time.sleep(1)   # anything the page could still try to fetch would have arrived by now
    assert requests == [], f"the page reached the network: {requests}"
