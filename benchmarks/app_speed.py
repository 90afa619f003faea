"""How fast the app answers a user, measured in a real browser against `streamlit run app.py`.

    python benchmarks/app_speed.py [--repeats 5] [--screenshot docs/candidates.png]

1. first start: a fresh server's first page view (knowledge, phenotype scorer, demo VCF);
2. open the demo case -> candidate table, after the first start: a new browser session
   loading the app, and the "Open example" button of the New case page (floor: <= 5 s);
3. re-rank after a phenotype change: on the Phenotype page, mark a term excluded (or observed
   again) until the page shows the new ranking (floor: <= 1 s);
baselines, in the same run: the same page rerun without any ranking (an HPO search: the
browser and server round trip alone), and the library alone (``CaseAnalysis.rank`` in this
process) for the same phenotype changes; and the server side alone (AppTest script runs, no
browser). Medians are printed, with the machine's load.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_browser_e2e import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy  # noqa: E402

TIMEOUT_MS = 180_000


def wait_idle(page) -> None:
    """Until the script run the last interaction triggered has finished."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)


def open_app(context, url: str):
    """A new app session (new tab; the browser's HTTP cache is warm, as for any returning user):
    load the app and wait for the candidate table; returns (page, seconds)."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first.wait_for(timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    wait_idle(page)
    return page, seconds


def open_example(page) -> float:
    """New case page -> "Open example" -> candidate table."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="New case").click()
    button = page.get_by_role("button", name="Open example")
    button.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    start = time.perf_counter()
    button.click()
    page.get_by_test_id("stMain").get_by_role("heading", name="Candidates", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.get_by_test_id("stMain").get_by_test_id("stDataFrame").first.wait_for(timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    wait_idle(page)
    return seconds


def rerank_in_browser(page, terms: list[str]) -> list[float]:
    """Flip each term observed -> excluded, then back; time until the page shows the new ranking."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Phenotype").click()
    main = page.get_by_test_id("stMain")
    main.get_by_role("heading", name="Phenotype", exact=True).wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    observed, excluded = len(terms), 0
    times = []
    for direction in ("excluded", "observed"):
        for term in terms:
            observed, excluded = (observed - 1, excluded + 1) if direction == "excluded" else (observed + 1, excluded - 1)
            row = main.get_by_test_id("stHorizontalBlock").filter(has_text=term)
            start = time.perf_counter()
            row.get_by_role("button", name=f"Mark {direction}").click()
            main.get_by_text(f"Ranked for {observed} observed and {excluded} excluded terms.").wait_for(timeout=TIMEOUT_MS)
            times.append(time.perf_counter() - start)
            wait_idle(page)
    return times


def rerun_without_ranking(page, queries=("seizure", "hypotonia", "apnea", "jaundice", "ataxia")) -> list[float]:
    """Baseline in the browser: a rerun of the same page that ranks nothing (an HPO search)."""
    main = page.get_by_test_id("stMain")
    search = main.get_by_label("Search HPO by label, synonym or id")
    times = []
    for query in queries:
        search.fill(query)
        start = time.perf_counter()
        search.press("Enter")
        main.get_by_role("combobox", name="Matching terms").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function("document.querySelector('[data-testid=stApp]').dataset.testScriptState != 'running'",
                               timeout=TIMEOUT_MS)
        times.append(time.perf_counter() - start)
        search.fill("")
        search.press("Enter")
        main.get_by_role("combobox", name="Matching terms").wait_for(state="detached", timeout=TIMEOUT_MS)
        wait_idle(page)
    return times


def server_side(terms: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """The app's own script time without a browser (Streamlit's AppTest, warm caches):
    a new session's Candidates page, and the Phenotype page after each term flip."""
    from streamlit.testing.v1 import AppTest

    app = str(REPO / "app.py")
    AppTest.from_file(app, default_timeout=300).run()  # first start: fill the caches
    sessions = []
    for _ in range(repeats):
        at = AppTest.from_file(app, default_timeout=300)
        start = time.perf_counter()
        at.run()
        sessions.append(time.perf_counter() - start)
    at.switch_page("workbench/ui/pages/phenotype.py").run()
    flips = []
    for direction, other in (("observed", "excluded"), ("excluded", "observed")):
        for term in terms:
            button = next(b for b in at.button if b.key == f"flip_{direction}_{term}")
            start = time.perf_counter()
            button.click().run()
            flips.append(time.perf_counter() - start)
    return sessions, flips


def rerank_in_library(terms: list[str]) -> list[float]:
    """The same sequence of phenotypes ranked by the library directly (the baseline)."""
    from workbench.model import PhenotypeProfile
    from workbench.phenotype import LikelihoodRatioScorer
    from workbench.knowledge import load_knowledge
    from workbench.ranking import analyse_case
    from workbench.ui.state import DEMO_CASE, case_from_folder

    case = case_from_folder(DEMO_CASE)
    kb = load_knowledge()
    analysis = analyse_case(case.vcfs[0], case.ped, case.proband_id, knowledge=kb, scorer=LikelihoodRatioScorer(kb))
    analysis.rank(case.initial_profile)
    observed, excluded = list(terms), []
    times = []
    for direction in ("excluded", "observed"):
        for term in terms:
            (observed.remove(term), excluded.append(term)) if direction == "excluded" else (excluded.remove(term), observed.append(term))
            start = time.perf_counter()
            analysis.rank(PhenotypeProfile(tuple(observed), tuple(excluded)))
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--screenshot", type=Path, help="save the candidates page as a PNG here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from workbench.ui.state import DEMO_CASE, case_from_folder

    terms = list(case_from_folder(DEMO_CASE).initial_profile.observed)
    port = free_port()
    scratch = tempfile.mkdtemp(prefix="app-speed-")  # a throw-away case store, never the user's
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "WORKBENCH_DATABASE_URL": f"sqlite:///{scratch}/cases.sqlite3"},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page, first = open_app(context, url)
            if args.screenshot:
                args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.wait_for_timeout(1500)  # let the grid and chart paint
                page.screenshot(path=str(args.screenshot))
                print(f"screenshot: {args.screenshot}")
            page.close()
            new_session = []
            for _ in range(args.repeats):
                page, seconds = open_app(context, url)
                new_session.append(seconds)
                page.close()
            page, _ = open_app(context, url)
            example = [open_example(page) for _ in range(args.repeats)]
            reranks = rerank_in_browser(page, terms)
            plain_reruns = rerun_without_ranking(page)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)
    library = rerank_in_library(terms)
    app_sessions, app_flips = server_side(terms, args.repeats)

    median = statistics.median
    print(f"machine load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"first start (knowledge + scorer + demo VCF, cold server): {first:.2f} s")
    print(f"open demo case -> candidate table, new session: median {median(new_session):.2f} s "
          f"(n={len(new_session)}, max {max(new_session):.2f}) floor 5 s")
    print(f"open demo case -> candidate table, 'Open example': median {median(example):.2f} s "
          f"(n={len(example)}, max {max(example):.2f}) floor 5 s")
    print(f"re-rank after a phenotype change, in the browser: median {median(reranks):.2f} s "
          f"(n={len(reranks)}, max {max(reranks):.2f}) floor 1 s")
    print(f"baseline: the same page rerun without ranking (HPO search), in the browser: median "
          f"{median(plain_reruns):.2f} s (n={len(plain_reruns)}); re-rank/rerun ratio {median(reranks) / median(plain_reruns):.2f}")
    print(f"server side only (AppTest script run, no browser): new session -> candidates median "
          f"{median(app_sessions):.2f} s; phenotype change -> re-ranked page median {median(app_flips):.2f} s")
    print(f"baseline: CaseAnalysis.rank alone, same phenotypes: median {median(library):.2f} s; "
          f"app/library ratio {median(reranks) / median(library):.2f}")


if __name__ == "__main__":
    main()
