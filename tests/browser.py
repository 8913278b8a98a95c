"""A headless Chromium for tests that look at linesift's HTML pages (the labeling page,
reports): ``headless_browser(folder)`` starts one, the ``browser`` fixture gives one per
test and skips, saying why, when Chromium, its driver or selenium is not installed.

Use it from a test module with ``from browser import browser  # noqa: F401`` (a fixture
imported into a module is found by pytest), then ``def test_x(browser): browser.get(url)``;
``browser.save_screenshot(path)`` takes a screenshot.

Debian's packages: ``apt-get install chromium chromium-driver`` (.ci/run does it)."""

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WINDOW = (1280, 900)
# Headless, and no connection of its own: on a closed network Chromium's background
# fetches (updates, sync, field trials) are refused and can stall it.
ARGUMENTS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)


def missing():
    """Why no browser can be had here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).exists():
            return f"{path} not found (apt-get install {package})"
    return None


@contextmanager
def headless_browser(profile_dir):
    """A selenium WebDriver over a headless Chromium with its profile in ``profile_dir``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile_dir}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser():
    reason = missing()
    if reason:
        pytest.skip(f"no headless browser: {reason}")
    profile = tempfile.mkdtemp(prefix="linesift-chromium-")
    try:
        with headless_browser(profile) as driver:
            yield driver
    finally:
        shutil.rmtree(profile, ignore_errors=True)
