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


# -- the three users' paths (issue 16): neonatologist, analyst, director --------------------------------------
PASSWORDS = {"nina": "Neonatal-Unit-2026!", "ana": "Analyst-Bench-2026!", "dora": "Director-Signs-2026!"}


def no_streamlit_exception(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)


def open_page(page, name: str, heading: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()
    expect(page.get_by_test_id("stMain").get_by_role("heading", name=heading, exact=True)).to_be_visible(
        timeout=120_000)
    no_streamlit_exception(page)


def log_in(browser, app_url: str, username: str):
    """A new browser session (its own Streamlit session) logged in as ``username``."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(app_url)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Candidates", exact=True)).to_be_visible(timeout=120_000)
    open_page(page, "Log in", "Log in")
    main.get_by_label("Username").fill(username)
    main.get_by_label("Password", exact=True).fill(PASSWORDS[username])
    main.get_by_role("button", name="Log in").click()
    expect(main.get_by_text("Logged in as")).to_be_visible(timeout=30_000)
    no_streamlit_exception(page)
    return page


def test_neonatologist_analyst_and_director_paths(app_url, browser, tmp_path):
    from playwright.sync_api import expect

    from workbench.store import Role, open_store

    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")  # the server's database
    for username, role, name in (("nina", Role.CLINICIAN, "Dr Nina Neonatologist"),
                                 ("ana", Role.ANALYST, "Ana Analyst"), ("dora", Role.DIRECTOR, "Dr Dora Director")):
        store.add_user(username, PASSWORDS[username], role, name, None)

    # the neonatologist reads the triage screens and the QC
    page = log_in(browser, app_url, "nina")
    for name, heading in (("Phenotype", "Phenotype"), ("Candidates", "Candidates")):
        open_page(page, name, heading)
    grid = page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible(timeout=60_000)
    page.screenshot(path=str(tmp_path / "candidates-1440.png"), full_page=True)
    widths = grid.locator(".dvn-scroller").first.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1] + 2, f"the candidate table scrolls sideways at 1440 px: {widths}"
    open_page(page, "QC", "Trio QC")
    expect(page.get_by_test_id("stMain").get_by_text("expected ranges")).to_be_visible(timeout=30_000)
    page.context.close()

    # the analyst registers the case, classifies the top variant and saves the draft
    page = log_in(browser, app_url, "ana")
    main = page.get_by_test_id("stMain")
    open_page(page, "Cases", "Cases")
    main.get_by_role("button", name=re.compile(r"^Register .* in the case store$")).click()
    expect(main.get_by_role("button", name=re.compile("^Register"))).to_have_count(0, timeout=60_000)
    open_page(page, "Report draft", "Report draft")
    main.get_by_role("button", name="Add to report").click()
    classified = main.get_by_test_id("stExpander").filter(has_text=re.compile(r" — (Likely )?(Pathogenic|pathogenic|"
                                                                                r"Uncertain|Benign|benign)"))
    expect(classified).to_have_count(1, timeout=60_000)
    main.get_by_role("textbox", name="Interpretation").fill("The top candidate explains the neonatal presentation.")
    main.get_by_role("button", name="Save draft").click()
    expect(main.get_by_text("Draft saved.")).to_be_visible(timeout=60_000)
    no_streamlit_exception(page)
    page.screenshot(path=str(tmp_path / "report-draft.png"), full_page=True)
    page.context.close()

    # the director reviews the whole report and signs it; History offers the FHIR export
    page = log_in(browser, app_url, "dora")
    main = page.get_by_test_id("stMain")
    open_page(page, "Sign-out", "Sign-out")
    for section in ("Clinical indication", "Limitations", "Recommendations"):
        expect(main.get_by_role("heading", name=section)).to_be_visible(timeout=30_000)
    main.get_by_text("I have reviewed the whole report above").click()
    main.get_by_label("Your password, to sign", exact=True).fill(PASSWORDS["dora"])
    main.get_by_role("button", name="Sign out report version 1").click()
    expect(main.get_by_text("Report version 1 signed.")).to_be_visible(timeout=60_000)
    no_streamlit_exception(page)
    open_page(page, "History", "History")
    expect(main.get_by_role("button", name="FHIR")).to_be_visible(timeout=30_000)
    page.context.close()
    assert store.report("demo_nicu_trio").signed
    shots = os.environ.get("WORKBENCH_SCREENSHOTS")  # a folder to keep the screenshots in, when set
    if shots:
        for name in ("candidates-1440.png", "report-draft.png"):
            shutil.copy(tmp_path / name, Path(shots) / name)
    store.close()
