"""What the pages share: cached knowledge and analyses, and the open case in session state.

Heavy objects (the knowledge base, a case's analysed VCF, rankings) are cached with
``st.cache_resource`` keyed by the case's files and the phenotype, so switching pages or
editing the phenotype never re-reads a VCF. Per-user state lives in ``st.session_state``
under the keys listed in ``SESSION_KEYS``; the persistent store replaces the session copies
of phenotype, tags and notes as soon as a logged-in user registers the case.
"""
from __future__ import annotations

import functools
import os
import shutil
import threading
import uuid
from collections import OrderedDict
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import streamlit as st

from workbench.model import PHENOTYPIC_ABNORMALITY, PhenotypeProfile
from workbench.paths import REPO_ROOT, data_dir
from workbench.store import Case, Tag

CASE_DATA = REPO_ROOT / "case_data"
DEMO_CASE = CASE_DATA / "demo_nicu_trio"
TAGS = tuple(tag.value for tag in Tag)  # candidate, excluded, reported

SESSION_KEYS = {
    "case": "CaseFiles of the case being triaged (the demo case on first start)",
    "cases": "dict case_id -> (CaseFiles, when first opened): cases opened in this session",
    "profiles": "dict case_id -> PhenotypeProfile as edited (session copy while the case is not stored)",
    "gene": "gene symbol shown on the Gene detail page",
    "tags": "dict case_id -> {store.Target: tag} (session copy while the case is not stored)",
    "notes": "dict case_id -> {store.Target: [(author, when, text)]} (session copy, idem)",
    "case_id": "the open case's id, read by the Report, Sign-out and History pages",
    "seen_versions": "dict case_id -> case version the edit pages (Phenotype, Gene detail, Candidates) last saw: "
                     "sent with each write (optimistic locking); a conflict adopts the stored version",
    "report_seen_versions": "dict case_id -> case version the Report/Sign-out view shows (warns when stale until Reload)",
    "user": "workbench.store.User logged in (Log in page); None = not logged in",
    "last_activity": "time.monotonic() of this session's last page load (idle time-out, guard_session)",
    "logout_reason": "why guard_session logged the user out, shown once by the Log in page",
    "store": "optional CaseStore override (tests); default shared_store()",
    "report_candidates": "optional override (tests) of the genes the Report page offers; default report_candidates()",
    "note_suggestions": "list of textmining.Suggestion awaiting confirm/reject",
    "stored_this_run": "dict (what, username, case_id) -> the store's answer this run for stored(), profile(), "
                       "tags(): asked once per run (reset by app.py, dropped by this session's writes)",
}


@dataclass(frozen=True)
class CaseFiles:
    """The files behind one case; hashable, so it keys the analysis cache.

    Equal by id and files only: the same case opened from the store, an upload or case_data/
    shares one analysis (its VCF is read once).
    """

    case_id: str
    vcfs: tuple[str, ...]
    ped: str
    proband_id: str | None = None
    initial_profile: PhenotypeProfile = field(default_factory=PhenotypeProfile, compare=False)
    origin: str = field(default="upload", compare=False)  # "demo" (case_data/), "upload", "server files", "store"
    sv_vcfs: tuple[str, ...] = ()  # the family's CNV/SV VCF(s), optional (issue 22)


# -- cached resources (shared by every session) ----------------------------------------------
@st.cache_resource(show_spinner="Loading HPO, HGNC and gene tables…")
def knowledge():
    from workbench.knowledge import load_knowledge

    return load_knowledge()


def term_label(term_id: str) -> str:
    """The HPO label of a term id, or the id itself when this HPO release does not have it."""
    term = knowledge().hpo.term(term_id)
    return term.label if term else term_id


@st.cache_resource(show_spinner=False)
def note_matcher():
    """Label/synonym index for clinical-note suggestions, restricted to phenotypic abnormalities."""
    from workbench.textmining import NoteMatcher

    hpo = knowledge().hpo
    return NoteMatcher.from_terms(hpo.terms, keep=lambda term: hpo.is_ancestor(PHENOTYPIC_ABNORMALITY, term.id))


@st.cache_resource(show_spinner="Preparing the phenotype scorer…")
def scorer():
    """One phenotype scorer for every case (its precomputation is the slow part of a first rank)."""
    from workbench.phenotype import LikelihoodRatioScorer

    return LikelihoodRatioScorer(knowledge())


class AnalysisCache:
    """The last few analysed cases, shared by all sessions, keyed by their files.

    Not ``st.cache_resource`` on the analysis itself: that would record the caller's progress
    bar as part of the cached result and fail to replay it elsewhere.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._entries: OrderedDict[CaseFiles, object] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, case: CaseFiles):
        """The analysis if it is in memory, else None (never reads a VCF)."""
        with self._lock:
            return self._entries.get(case)

    def get(self, case: CaseFiles, progress: Callable[[float], None] | None = None):
        with self._lock:
            if case in self._entries:
                self._entries.move_to_end(case)
                return self._entries[case]
        from workbench.ranking import analyse_case

        vcf = list(case.vcfs) if len(case.vcfs) > 1 else case.vcfs[0]
        result = analyse_case(vcf, case.ped, proband_id=case.proband_id, knowledge=knowledge(),
                              progress=progress, scorer=scorer(), sv_vcf=list(case.sv_vcfs))
        with self._lock:
            self._entries[case] = result
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return result


@st.cache_resource(show_spinner=False)
def _analyses() -> AnalysisCache:
    return AnalysisCache()


def analysis(case: CaseFiles, progress: Callable[[float], None] | None = None):
    """The case's analysis: its VCF read once (progress reported only when it is read)."""
    return _analyses().get(case, progress)


def report_candidates(case: CaseFiles, top: int = 20) -> tuple:
    """The ranked genes the Report page offers: those tagged candidate or reported, then the top ``top``."""
    genes = ranking(case, profile(case)).genes
    tagged = {target.id for target, value in tags(case).items()
              if target.kind == "gene" and value in ("candidate", "reported")}
    offered = [g for g in genes if g.gene_symbol in tagged]
    return tuple(offered + [g for g in genes[:top] if g.gene_symbol not in tagged])


def ranking_if_analysed(case: CaseFiles):
    """The case's ranking when its VCF has already been read in this server, else None."""
    return ranking(case, profile(case)) if _analyses().peek(case) is not None else None


@st.cache_resource(show_spinner=False, max_entries=64)
def ranking(case: CaseFiles, profile: PhenotypeProfile):
    return analysis(case).rank(profile)


@st.cache_data(max_entries=64, show_spinner=False)
def exported_report(content_json: str, fmt: str) -> bytes:
    """A report version in one of report.FORMATS, keyed by its content: a saved version's content never
    changes (a signed one is immutable), so each is built once per server; FHIR embeds the cached PDF."""
    from workbench.report import ReportContent, render

    pdf = exported_report(content_json, "pdf") if fmt == "fhir" else None
    return render(ReportContent.from_json(content_json), fmt, pdf=pdf)


def report_downloads(content, formats: Iterable[str]) -> dict[str, Callable[[], bytes]]:
    """Download buttons' data for one report version, built only when the user clicks (a page run
    builds no file); the content is serialised once to key the export cache, whatever the formats."""
    content_json = content.to_json()
    return {fmt: functools.partial(exported_report, content_json, fmt) for fmt in formats}


def report_download(content, fmt: str) -> Callable[[], bytes]:
    return report_downloads(content, (fmt,))[fmt]


# -- cases -----------------------------------------------------------------------------------
def case_from_folder(folder: Path) -> CaseFiles:
    """A case_data/ folder: case.ped, phenopacket.json (proband, phenotype, VCF uri relative to it)."""
    from workbench.io.phenopacket import read_phenopacket

    from workbench.io.server_files import allowed_paths, data_dirs

    packet = read_phenopacket(folder / "phenopacket.json")
    vcfs = allowed_paths(packet.vcf_paths, [folder, *data_dirs()])  # a file uri may not lead elsewhere
    sv_vcfs = allowed_paths(packet.sv_vcf_paths, [folder, *data_dirs()])  # CNV/SV calls it names (issue 22)
    return CaseFiles(
        case_id=folder.name,
        vcfs=tuple(str(p) for p in vcfs) or (str(folder / "case.vcf.gz"),),
        ped=str(folder / "case.ped"),
        proband_id=packet.subject_id,
        initial_profile=packet.profile,
        origin="demo",
        sv_vcfs=tuple(str(p) for p in sv_vcfs),
    )


def demo_cases() -> list[CaseFiles]:
    """Every case folder under case_data/ (those with a phenopacket)."""
    return [case_from_folder(p) for p in sorted(CASE_DATA.iterdir()) if (p / "phenopacket.json").exists()]


def uploads_dir() -> Path:
    """Where uploaded files are kept: data, not cache (a stored case points at its VCF)."""
    return Path(os.environ.get("WORKBENCH_UPLOAD_DIR", data_dir() / "uploads"))


def save_uploads(files: list[tuple[str, object]]) -> Path:
    """Stream uploaded files (name, file-like), unmodified, into a fresh folder of the uploads directory
    (InputError: too large, or a bad name)."""
    from workbench.io.uploads import save_uploads as stream_to_disk

    return stream_to_disk(files, uploads_dir() / uuid.uuid4().hex[:12])


def case_from_files(
    vcfs: list[Path], ped: Path, phenopacket: Path | None, proband_id: str | None,
    progress: Callable[[float], None] | None = None, origin: str = "upload", sv_vcfs: Sequence[Path] = (),
) -> tuple[CaseFiles | None, str | None]:
    """Check and analyse a family's files; (case, None) or (None, the library's message for the user).
    ``sv_vcfs``: the family's optional CNV/SV VCF(s), read with the small variants (issue 22).

    The headers are checked first (``check_upload``: PED against the VCF samples, genome build),
    so a wrong file is refused before a genome is read.
    """
    from workbench.io import InputError, check_upload
    from workbench.io.phenopacket import read_phenopacket

    try:
        trio = check_upload(vcfs, ped, proband_id).trio
        profile = read_phenopacket(phenopacket).profile if phenopacket else PhenotypeProfile()
        case = CaseFiles(
            case_id=f"{trio.proband.family_id}-{uuid.uuid4().hex[:6]}",
            vcfs=tuple(str(v) for v in vcfs),
            ped=str(ped),
            proband_id=trio.proband.id,
            initial_profile=profile,
            origin=origin,
            sv_vcfs=tuple(str(v) for v in sv_vcfs),
        )
        analysis(case, progress)
    except InputError as problem:
        return None, str(problem)
    except OSError as problem:  # e.g. a truncated gzip; the reason, never content of the file
        return None, f"The files could not be read ({problem.strerror or type(problem).__name__})."
    except (EOFError, UnicodeDecodeError, ValueError) as problem:  # their text may quote the file: not shown
        return None, f"The files could not be read as a VCF, PED and phenopacket ({type(problem).__name__})."
    return case, None


def server_data_dirs() -> tuple[Path, ...]:
    """The folders "files already on this server" may read (``WORKBENCH_DATA_DIRS``)."""
    from workbench.io.server_files import data_dirs

    return data_dirs()


def case_from_server_files(
    vcf_paths: list[str], ped_path: str, phenopacket_path: str | None, proband_id: str | None,
    progress: Callable[[float], None] | None = None, sv_vcf_paths: Sequence[str] = (),
) -> tuple[CaseFiles | None, str | None]:
    """``case_from_files`` on files already on the server: only for a logged-in analyst or director,
    and only inside the configured data folders (``workbench.io.server_files``)."""
    from workbench.io.server_files import PathNotAllowed, allowed_path
    from workbench.store import Permission, PermissionDenied, require

    if user() is None:
        return None, "Log in as an analyst or a director to analyse files on this server."
    try:
        require(user(), Permission.CREATE_CASE)
        vcfs = [allowed_path(p) for p in vcf_paths]
        ped = allowed_path(ped_path)
        packet = allowed_path(phenopacket_path) if phenopacket_path else None
        sv_vcfs = [allowed_path(p) for p in sv_vcf_paths]  # the same folders rule for the CNV/SV calls
    except (PermissionDenied, PathNotAllowed) as problem:
        return None, str(problem)
    return case_from_files(vcfs, ped, packet, proband_id, progress, origin="server files", sv_vcfs=sv_vcfs)


def case_from_uploads(
    folder: Path, vcf_names: list[str], ped_name: str, phenopacket_name: str | None,
    proband_id: str | None, progress: Callable[[float], None] | None = None, sv_vcf_names: Sequence[str] = (),
) -> tuple[CaseFiles | None, str | None]:
    """``case_from_files`` on an upload folder; a refused upload's copy is removed."""
    case, problem = case_from_files([folder / name for name in vcf_names], folder / ped_name,
                                    folder / phenopacket_name if phenopacket_name else None, proband_id, progress,
                                    sv_vcfs=[folder / name for name in sv_vcf_names])
    if problem:
        shutil.rmtree(folder, ignore_errors=True)  # our copy of files we refused; the user keeps theirs
        problem = problem.replace(f"{folder}{os.sep}", "").replace(str(folder), "the upload")  # no server paths
    return case, problem


def open_case(case: CaseFiles) -> None:
    st.session_state["case"] = case
    st.session_state["case_id"] = case.case_id
    st.session_state.setdefault("cases", {}).setdefault(case.case_id, (case, datetime.now()))
    st.session_state.pop("gene", None)
    st.session_state.pop("note_suggestions", None)


def current_case() -> CaseFiles:
    """The open case; the demo case on first start so a new user sees a ranked result."""
    if "case" not in st.session_state:
        open_case(case_from_folder(DEMO_CASE))
    return st.session_state["case"]


# -- the case store (when someone is logged in and the case is registered) ------------------
def store():
    """The CaseStore the pages share (a test may put its own under session key "store")."""
    from workbench.store import shared_store

    return st.session_state.get("store") or shared_store()


def user():
    return st.session_state.get("user")


def start_run() -> None:
    """Called by the router at the top of every run: what this run learns of the store starts afresh
    (another session may register a case or edit it between two runs)."""
    st.session_state["stored_this_run"] = {}
    guard_session()


# -- session guard: idle time-out and accounts deactivated since log-in (issue 21) ------------
IDLE_MINUTES_ENV = "WORKBENCH_SESSION_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 15.0


def idle_limit_seconds() -> float:
    """``WORKBENCH_SESSION_IDLE_MINUTES`` (default 15) in seconds."""
    try:
        minutes = float(os.environ.get(IDLE_MINUTES_ENV) or DEFAULT_IDLE_MINUTES)
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return max(minutes, 1.0) * 60


def guard_session() -> None:
    """On every page load: log out a user idle for longer than the limit, or whose account was
    deactivated since log-in; a changed role or name takes effect at once."""
    import time

    now = time.monotonic()
    last = st.session_state.get("last_activity")
    st.session_state["last_activity"] = now
    current = st.session_state.get("user")
    if current is None:
        return
    if last is not None and now - last > idle_limit_seconds():
        reason = f"You were logged out after {idle_limit_seconds() / 60:.0f} minutes without activity."
    elif (fresh := store().active_user(current.username)) is None:
        reason = "Your account was deactivated; you were logged out."
    else:
        st.session_state["user"] = fresh
        return
    st.session_state["user"] = None
    st.session_state["logout_reason"] = reason
# -- end of session guard ----------------------------------------------------------------------


def _once_per_run(what: str, case_id: str, ask: Callable[[], object]):
    """The store's answer to ``ask`` about the case, asked once per run (pages, sidebar and ranking
    ask several times); a page run on its own, without the router, asks every time."""
    known = st.session_state.get("stored_this_run")
    key = (what, user().username, case_id)
    if known is not None and key in known:
        return known[key]
    answer = ask()
    if known is not None:
        known[key] = answer
    return answer


def _forget_this_run(case_id: str) -> None:
    """After a write to the case, this run reads its phenotype and tags afresh (and so shows the change)."""
    known = st.session_state.get("stored_this_run") or {}
    for key in [k for k in known if k[0] != "stored" and k[2] == case_id]:
        del known[key]


def stored(case: CaseFiles | None = None) -> bool:
    """True when a user is logged in and this case is registered in the store: edits persist."""
    from workbench.store import NotFoundError

    if user() is None:
        return False

    def registered() -> bool:
        try:
            store().case(case_id)
        except NotFoundError:
            return False
        return True

    case_id = (case or current_case()).case_id
    return _once_per_run("stored", case_id, registered)


def _write(action, *args, **kwargs) -> bool:
    """One store write with the case version this session's edit pages last saw.

    A refusal is shown as the store words it. On a conflict (someone else changed the case) nothing
    is overwritten: this session adopts the stored version, since the edit pages re-read the store
    on every run and so now show the latest state, and the user redoes the edit if still wanted.
    """
    from workbench.store import ConflictError, PermissionDenied, StoreError

    case_id = current_case().case_id
    seen = st.session_state.setdefault("seen_versions", {})
    expected = seen.get(case_id) or store().case(case_id).row_version
    _forget_this_run(case_id)
    try:
        saved_version = action(case_id, *args, actor=user(), expected_version=expected, **kwargs)
    except ConflictError as problem:
        seen[case_id] = store().case(case_id).row_version
        st.error(f"{problem} The page now shows the latest version of the case: redo your edit if you still want it.")
        return False
    except (StoreError, PermissionDenied) as problem:
        st.error(str(problem))
        return False
    saved_own_write(case_id, expected, saved_version)
    return True


VERSION_MARKERS = ("seen_versions", "report_seen_versions")


def saved_own_write(case_id: str, before: int, after: int) -> None:
    """This session's own write moved the case from version ``before`` to ``after``: each version
    marker (edit pages, Report/Sign-out view) that was up to date stays so; a stale one stays stale."""
    for key in VERSION_MARKERS:
        markers = st.session_state.setdefault(key, {})
        if markers.get(case_id, before) == before:
            markers[case_id] = after


def register(case: CaseFiles) -> str | None:
    """Put the open case in the store with its current phenotype; None, or the store's refusal."""
    from workbench.io import InputError, read_pedigree
    from workbench.report.content import PhenotypeItem
    from workbench.store import PermissionDenied, StoreError

    current = profile(case)
    terms = [PhenotypeItem(t, term_label(t), excluded)
             for ids, excluded in ((current.observed, False), (current.excluded, True)) for t in ids]
    try:
        trio = read_pedigree(case.ped).trio(case.proband_id)
        annotation = _annotation_source(case)  # the report's "Annotation" line (issue 16)
        registered = store().create_case(trio, list(case.vcfs), knowledge().version, user(), case_id=case.case_id,
                                         pedigree_path=case.ped, phenotype=terms, annotation_source=annotation,
                                         sv_vcf_paths=list(case.sv_vcfs))
    except (InputError, StoreError, PermissionDenied) as problem:  # e.g. the PED changed since it was read
        return str(problem)
    st.session_state.setdefault("seen_versions", {})[case.case_id] = registered.row_version
    st.session_state.get("stored_this_run", {})[("stored", user().username, case.case_id)] = True
    return None


def _annotation_source(case: CaseFiles) -> str:
    """How the case's VCF was annotated (VEP, SnpEff...), from its analysis; "" when it cannot be read."""
    from workbench.io import InputError

    try:
        return analysis(case).reading.annotation_source
    except (InputError, OSError, ValueError):
        return ""


def case_from_store(registered: Case) -> CaseFiles:
    """The files of a case as the store registered them."""
    return CaseFiles(case_id=registered.case_id, vcfs=tuple(v.path for v in registered.vcfs),
                     ped=registered.pedigree_path or "", proband_id=registered.proband_id, origin="store",
                     sv_vcfs=tuple(v.path for v in registered.sv_vcfs))


# -- phenotype, tags, notes (the store when the case is stored, else this session) ----------
def profile(case: CaseFiles | None = None) -> PhenotypeProfile:
    case = case or current_case()
    if stored(case):
        return _once_per_run("profile", case.case_id, lambda: store().profile(case.case_id))
    return st.session_state.setdefault("profiles", {}).get(case.case_id, case.initial_profile)


def set_profile(new: PhenotypeProfile, case: CaseFiles | None = None) -> bool:
    """Record the phenotype; False when the store refused a change (the message is shown)."""
    case = case or current_case()
    if not stored(case):
        st.session_state.setdefault("profiles", {})[case.case_id] = new
        return True
    old = profile(case)
    status = {t: False for t in new.observed} | {t: True for t in new.excluded}
    before = {t: False for t in old.observed} | {t: True for t in old.excluded}
    for term_id in before.keys() - status.keys():
        if not _write(store().remove_phenotype_term, term_id):
            return False
    for term_id, excluded in status.items():
        if before.get(term_id) != excluded:
            if not _write(store().add_phenotype_term, term_id, term_label(term_id), excluded=excluded):
                return False
    return True


def _target(kind: str, target_id: str):
    from workbench.store import Target

    return Target(kind, target_id)


def tags(case: CaseFiles | None = None) -> dict:
    """Target -> tag value ("candidate", "excluded", "reported") for the case."""
    case = case or current_case()
    if stored(case):
        return _once_per_run("tags", case.case_id, lambda: {target: entry.tag.value
                                                            for target, entry in store().tags(case.case_id).items()})
    return st.session_state.setdefault("tags", {}).setdefault(case.case_id, {})


def tag(kind: str, target_id: str) -> str | None:
    return tags().get(_target(kind, target_id))


def set_tag(kind: str, target_id: str, value: str | None) -> bool:
    """Tag (or untag, value None) a gene or variant; False when the store refused (the message is shown)."""
    target = _target(kind, target_id)
    if stored():
        return _write(store().set_tag, target, Tag(value) if value else None)
    if value:
        tags()[target] = value
    else:
        tags().pop(target, None)
    return True


def notes(kind: str, target_id: str) -> list[tuple[str, datetime, str]]:
    """(author, when, text) of every note on the gene or variant, oldest first."""
    case = current_case()
    target = _target(kind, target_id)
    if stored(case):
        return [(n.author, n.written_at, n.text) for n in store().notes(case.case_id, target)]
    return st.session_state.setdefault("notes", {}).setdefault(case.case_id, {}).get(target, [])


def add_note(kind: str, target_id: str, text: str) -> bool:
    """Add a note; False when the store refused it (the message is shown)."""
    if not text.strip():
        return True
    target = _target(kind, target_id)
    if stored():
        return _write(store().add_note, target, text.strip())
    case_notes = st.session_state.setdefault("notes", {}).setdefault(current_case().case_id, {})
    case_notes.setdefault(target, []).append(("this session", datetime.now(), text.strip()))
    return True
