"""Accounts on SQLite and PostgreSQL: throttled log-ins, bounded argon2, idle time-out, deactivation,
re-authenticated sign-out, director-only amendments, the password policy, racing case creation and
``workbench add-user`` without a terminal."""
from __future__ import annotations

import io
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import workbench.store.accounts as accounts
import workbench.store.casestore as casestore
import workbench.store.userstore as userstore
from workbench.cli import main as workbench
from workbench.model import Sample, Sex, Trio
from workbench.store import (AuthenticationError, CaseStatus, LoginThrottled, PermissionDenied, Role, StoreError,
                             WeakPasswordError, open_store)

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TRIO = Trio(Sample("NB-1", "FAM-1", Sex.FEMALE), Sample("DAD-1", "FAM-1", Sex.MALE),
            Sample("MUM-1", "FAM-1", Sex.FEMALE))
DIRECTOR_PASSWORD = "opal-harbour-kettle"
ANALYST_PASSWORD = "amy-analyst-pass"


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))


@pytest.fixture
def store(database_url: str):
    store = open_store(database_url)
    store.add_user("amy", ANALYST_PASSWORD, Role.ANALYST, "Amy Analyst", None)
    store.add_user("dora", DIRECTOR_PASSWORD, Role.DIRECTOR, "Dr Dora Director", None)
    store.add_user("adam", "adam-keeps-the-keys", Role.ADMIN, "Adam Admin", None)
    yield store
    store.close()


class Clock:
    """Stands in for the store's clock, so a lock can expire without waiting."""

    def __init__(self) -> None:
        self.now = userstore._now()

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(userstore, "_now", clock)
    return clock


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each argon2 verification the store runs (the costly, 64 MiB step)."""
    checked: list[str] = []
    real = userstore.verify_password
    monkeypatch.setattr(userstore, "verify_password", lambda stored, password: checked.append(password)
                        or real(stored, password))
    return checked


def signed_case(store, tmp_path: Path) -> str:
    amy = store.authenticate("amy", ANALYST_PASSWORD)
    dora = store.authenticate("dora", DIRECTOR_PASSWORD)
    vcf = tmp_path / "family.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    case = store.create_case(TRIO, vcf, "HPO 2025-01-16", amy)
    version = store.save_draft(case.case_id, amy, case.row_version, interpretation="No diagnosis.")
    store.sign_out(case.case_id, dora, version, password=DIRECTOR_PASSWORD)
    return case.case_id


# --------------------------------------------------------------------------------- throttling
def test_thirty_wrong_guesses_lock_the_account_then_the_lock_expires(store, clock, hash_checks):
    refused = []
    for guess in range(30):
        try:
            store.authenticate("dora", f"guess-number-{guess}")
        except LoginThrottled as locked:
            refused.append(locked)
        except AuthenticationError:
            pass
    assert len(hash_checks) == 5 and len(refused) == 25  # the 6th try on is refused unhashed
    with pytest.raises(LoginThrottled, match="try again after"):
        store.authenticate("dora", DIRECTOR_PASSWORD)  # even the right password, while locked
    failed = [e for e in store.audit() if e.action == "failed log-in"]
    assert len(failed) == 5 and "locked_until" in failed[-1].after

    clock.now += timedelta(seconds=31)
    assert store.authenticate("dora", DIRECTOR_PASSWORD).username == "dora"
    with pytest.raises(AuthenticationError) as wrong:
        store.authenticate("dora", "one-more-typo")
    assert not isinstance(wrong.value, LoginThrottled)  # the success cleared the count


def test_each_further_failure_doubles_the_lock_up_to_the_cap(store, clock):
    spans = []
    for _ in range(12):
        with pytest.raises(AuthenticationError):
            store.authenticate("amy", "not-my-password")
        if lock := store.audit()[-1].after.get("locked_until"):
            spans.append(casestore._time(lock) - clock.now)
        clock.now += timedelta(minutes=20)  # every lock has expired by the next try
    assert spans[:3] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert spans[-1] == timedelta(minutes=15)


def test_failures_an_hour_apart_do_not_add_up(store, clock):
    for _ in range(8):
        with pytest.raises(AuthenticationError) as refused:
            store.authenticate("amy", "typo-in-the-morning", client="192.0.2.7")
        assert not isinstance(refused.value, LoginThrottled)
        clock.now += timedelta(hours=1, seconds=1)


def test_unknown_usernames_are_throttled_like_real_ones(store, clock, hash_checks):
    for name in ("dora", "nobody"):
        for _ in range(5):
            with pytest.raises(AuthenticationError):
                store.authenticate(name, "wrong-password")
        with pytest.raises(LoginThrottled):
            store.authenticate(name, "wrong-password")
    assert len(hash_checks) == 10


def test_one_address_guessing_many_accounts_is_throttled(store, clock):
    for n in range(20):
        with pytest.raises(AuthenticationError):
            store.authenticate(f"user-{n}", "wrong-password", client="203.0.113.9")
    with pytest.raises(LoginThrottled):
        store.authenticate("amy", ANALYST_PASSWORD, client="203.0.113.9")
    assert store.authenticate("amy", ANALYST_PASSWORD, client="198.51.100.1").username == "amy"


def test_simultaneous_failures_on_one_account_all_count(store):
    errors = []

    def guess() -> None:
        try:
            store.authenticate("amy", "simultaneous-guess")
        except AuthenticationError as error:
            errors.append(error)

    run_together(guess, 6)
    assert len(errors) == 6  # each one refused plainly: no raw database error
    counted = len([e for e in store.audit() if e.action == "failed log-in"])
    assert counted == 6 - sum(isinstance(e, LoginThrottled) for e in errors) >= 5  # a late one may meet the lock
    with pytest.raises(LoginThrottled):
        store.authenticate("amy", ANALYST_PASSWORD)


def test_no_more_argon2_checks_run_at_once_than_the_slots(store, monkeypatch):
    monkeypatch.setattr(accounts, "_SLOTS", threading.BoundedSemaphore(2))
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_verify(stored: str, password: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(userstore, "verify_password", slow_verify)
    threads = [threading.Thread(target=lambda n=n: pytest.raises(AuthenticationError, store.authenticate,
                                                                 f"flood-{n}", "x" * 12)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 2


def test_a_full_queue_refuses_without_checking(store, monkeypatch):
    monkeypatch.setattr(accounts, "_SLOTS", threading.BoundedSemaphore(1))
    monkeypatch.setattr(accounts, "SLOT_WAIT_SECONDS", 0.05)
    accounts._SLOTS.acquire()
    try:
        with pytest.raises(accounts.ServerBusy, match="busy checking other passwords"):
            store.authenticate("amy", ANALYST_PASSWORD)
    finally:
        accounts._SLOTS.release()


# ------------------------------------------------------------------ sign-out and amendments
def test_sign_out_checks_the_directors_password_itself(store, tmp_path):
    amy, dora = store.authenticate("amy", ANALYST_PASSWORD), store.authenticate("dora", DIRECTOR_PASSWORD)
    vcf = tmp_path / "family.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    case = store.create_case(TRIO, vcf, "HPO 2025-01-16", amy)
    version = store.save_draft(case.case_id, amy, case.row_version, interpretation="No diagnosis.")
    with pytest.raises(AuthenticationError):
        store.sign_out(case.case_id, dora, version, password="not-dora's-password")
    with pytest.raises(TypeError):
        store.sign_out(case.case_id, dora, version)  # no password, no signature
    assert not store.report(case.case_id).signed
    assert [e.action for e in store.audit(case.case_id)][-1] == "failed signature password"
    assert store.sign_out(case.case_id, dora, version, password=DIRECTOR_PASSWORD).signed


def test_only_a_director_opens_an_amendment(store, tmp_path):
    case_id = signed_case(store, tmp_path)
    amy, dora = store.authenticate("amy", ANALYST_PASSWORD), store.authenticate("dora", DIRECTOR_PASSWORD)
    version = store.case(case_id).row_version
    with pytest.raises(PermissionDenied, match="'amy' \\(analyst\\) may not sign out a report: only a director"):
        store.start_amendment(case_id, "I disagree", amy, version)
    assert store.case(case_id).status is CaseStatus.SIGNED_OUT and len(store.reports(case_id)) == 1
    store.start_amendment(case_id, "parents re-tested", dora, version)
    assert store.case(case_id).status is CaseStatus.REPORT_DRAFTED


# ------------------------------------------------------------------------- password policy
@pytest.mark.parametrize("role, password, problem", [
    (Role.DIRECTOR, "aaaaaaaaaa", "at least 12 characters for a director"),
    (Role.DIRECTOR, "aaaaaaaaaaaaaa", "one character repeated"),
    (Role.ADMIN, "abcdefghijklm", "run of consecutive"),
    (Role.ANALYST, "0987654321", "run of consecutive"),
    (Role.DIRECTOR, "1qaz2wsx3edc", "30,000 most common passwords"),
    (Role.DIRECTOR, "zoe-zoe-zoe-zoe", "too easy to guess"),
    (Role.DIRECTOR, "zoe.smith1990", "built on the username or name"),
    (Role.ANALYST, "zoe.smith", "at least 10 characters"),
])
def test_password_policy(role, password, problem):
    with pytest.raises(WeakPasswordError, match=problem):
        accounts.check_password_policy(password, role, "zoe.smith", "Zoe Smith")


def test_add_user_applies_the_policy(store):
    adam = store.authenticate("adam", "adam-keeps-the-keys")
    with pytest.raises(WeakPasswordError, match="at least 12 characters for a director"):
        store.add_user("dan", "aaaaaaaaaa", Role.DIRECTOR, "Dan Director", adam)
    store.add_user("dan", "granite-lantern-fox", Role.DIRECTOR, "Dan Director", adam)
    assert store.authenticate("dan", "granite-lantern-fox").role is Role.DIRECTOR


# ------------------------------------------------------------------- racing case creation
def test_simultaneous_case_creation_gives_distinct_ids_or_a_clear_error(store, tmp_path):
    amy = store.authenticate("amy", ANALYST_PASSWORD)
    vcf = tmp_path / "family.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    outcomes = []

    def create() -> None:
        try:
            outcomes.append(store.create_case(TRIO, vcf, "HPO 2025-01-16", amy).case_id)
        except StoreError as error:
            outcomes.append(error)

    run_together(create, 6)
    ids = [o for o in outcomes if isinstance(o, str)]
    assert len(outcomes) == 6 and len(ids) == len(set(ids)) >= 1
    assert all("try again" in str(o) for o in outcomes if not isinstance(o, str)), outcomes
    assert store.verify().ok


# --------------------------------------------------------------------------- add-user CLI
def test_add_user_without_a_terminal_says_how(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert workbench(["add-user", "amy", "--role", "analyst", "--name", "Amy", "--database", url]) == 2
    assert "no terminal to ask for the password" in capsys.readouterr().err
    assert workbench(["add-user", "amy", "--role", "analyst", "--name", "Amy", "--password-stdin",
                      "--database", url]) == 2
    assert "no password on standard input" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("aaaaaaaaaaaaaa\n"))
    assert workbench(["add-user", "dora", "--role", "director", "--name", "Dora", "--password-stdin",
                      "--database", url]) == 2
    assert "one character repeated" in capsys.readouterr().err


# -------------------------------------------------------------------- the app's sessions
def one_page_load() -> None:
    import streamlit as st

    from workbench.ui import state

    state.start_run()
    st.session_state["seen_user"] = state.user()


def app_session(store, username: str) -> AppTest:
    at = AppTest.from_function(one_page_load, default_timeout=60)
    at.session_state["store"] = store
    passwords = {"amy": ANALYST_PASSWORD, "dora": DIRECTOR_PASSWORD}
    at.session_state["user"] = store.authenticate(username, passwords[username])
    return at


def test_an_idle_session_is_logged_out(store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_SESSION_IDLE_MINUTES", "15")
    at = app_session(store, "amy").run()
    assert at.session_state["seen_user"].username == "amy"
    at.session_state["last_activity"] = time.monotonic() - 14 * 60
    assert at.run().session_state["seen_user"].username == "amy"
    at.session_state["last_activity"] = time.monotonic() - 16 * 60
    at.run()
    assert at.session_state["seen_user"] is None
    assert "after 15 minutes without activity" in at.session_state["logout_reason"]


def test_a_deactivated_user_is_logged_out_at_the_next_page_load(store):
    at = app_session(store, "amy").run()
    store.set_user_active("amy", False, store.authenticate("adam", "adam-keeps-the-keys"))
    at.run()
    assert at.session_state["seen_user"] is None and "deactivated" in at.session_state["logout_reason"]


def test_the_log_in_page_says_why_and_when(store, clock):
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "workbench/ui/pages/login.py"),
                           default_timeout=60)
    at.session_state["store"] = store
    at.session_state["logout_reason"] = "Your account was deactivated; you were logged out."
    at.run()
    assert "deactivated" in at.warning[0].value
    for _ in range(6):
        at.text_input(key="login_username").input("dora")
        at.text_input(key="login_password").input("wrong-password")
        at.button[0].click().run()
    assert "too many failed passwords" in at.error[0].value and "try again after" in at.error[0].value


def run_together(action, threads: int) -> None:
    """``action`` in ``threads`` threads released at the same moment (a race, on purpose)."""
    barrier = threading.Barrier(threads)

    def released() -> None:
        barrier.wait()
        action()

    started = [threading.Thread(target=released) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
