"""The app in a real browser: Debian's Chromium through Playwright against `streamlit run app.py`."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url}")


@pytest.fixture
def app_url(tmp_path):
    """A fresh `streamlit run app.py` on a free port; stopped (and reaped) after the test."""
    port = free_port()
    log = open(tmp_path / "streamlit.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "WORKBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'cases.sqlite3'}"},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def test_demo_case_phenotype_and_candidates_in_a_browser(app_url, browser, tmp_path):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Candidates", exact=True)).to_be_visible(timeout=120_000)
    expect(main.get_by_text("Knowledge: HPO")).to_be_visible(timeout=60_000)
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible(timeout=60_000)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Phenotype").click()
    expect(main.get_by_role("heading", name="Phenotype", exact=True)).to_be_visible(timeout=30_000)
    typed = main.get_by_role("combobox", name=re.compile("^Type a finding"))  # suggestions as you type
    typed.click()
    typed.press_sequentially("floppy", delay=50)
    expect(page.get_by_role("option").first).to_contain_text("Hypotonia", timeout=30_000)
    typed.press("Escape")
    search = main.get_by_label("Or search HPO by several words, a description or an id (press Enter)")
    search.fill("Hypertrophic cardiomyopathy")
    search.press("Enter")
    expect(main.get_by_text("Matching terms")).to_be_visible(timeout=30_000)
    main.get_by_role("button", name="Add as observed").click()
    expect(main.get_by_text("HP:0001639").first).to_be_visible(timeout=30_000)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Candidates").click()
    expect(main.get_by_role("heading", name="Candidates", exact=True)).to_be_visible(timeout=30_000)
    table = main.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebar").get_by_text("observed")).to_contain_text("5 observed")
    # The grid is drawn on a canvas: read its first gene where the page also names it (the
    # score chart's first bar label and the gene picker below the table) and check they agree.
    first_bar = main.locator(".js-plotly-plot .ytick text", has_text=re.compile(r"^1\. \S+$"))
    expect(first_bar).to_have_count(1, timeout=30_000)
    top_gene = first_bar.text_content().split(" ", 1)[1]
    expect(main.get_by_role("combobox", name="Open gene detail")).to_have_value(top_gene)
    page.screenshot(path=str(tmp_path / "candidates.png"), full_page=True)
    assert (tmp_path / "candidates.png").stat().st_size > 10_000
