"""What the pages share: cached knowledge and analyses, and the open case in session state.

Heavy objects (the knowledge base, a case's analysed VCF, rankings) are cached with
``st.cache_resource`` keyed by the case's files and the phenotype, so switching pages or
editing the phenotype never re-reads a VCF. Per-user state lives in ``st.session_state``
under the keys listed in ``SESSION_KEYS``; the persistent store replaces the session copies
of phenotype, tags and notes once it is available.
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import streamlit as st

from workbench.model import PhenotypeProfile
from workbench.paths import REPO_ROOT, cache_dir

CASE_DATA = REPO_ROOT / "case_data"
DEMO_CASE = CASE_DATA / "demo_nicu_trio"
TAGS = ("candidate", "excluded", "reported")

SESSION_KEYS = {
    "case": "CaseFiles of the case being triaged (the demo case on first start)",
    "cases": "dict case_id -> (CaseFiles, when first opened): cases opened in this session",
    "profiles": "dict case_id -> PhenotypeProfile: the phenotype as edited",
    "gene": "gene symbol shown on the Gene detail page",
    "tags": "dict (case_id, gene or variant key) -> tag",
    "notes": "dict (case_id, gene or variant key) -> free text",
    "note_suggestions": "list of textmining.Suggestion awaiting confirm/reject",
}


@dataclass(frozen=True)
class CaseFiles:
    """The files behind one case; hashable, so it keys the analysis cache."""

    case_id: str
    vcfs: tuple[str, ...]
    ped: str
    proband_id: str | None = None
    initial_profile: PhenotypeProfile = field(default_factory=PhenotypeProfile)
    origin: str = "upload"  # "demo" (case_data/) or "upload"


# -- cached resources (shared by every session) ----------------------------------------------
@st.cache_resource(show_spinner="Loading HPO, HGNC and gene tables…")
def knowledge():
    from workbench.knowledge import load_knowledge

    return load_knowledge()


@st.cache_resource(show_spinner=False)
def note_matcher():
    """Label/synonym index for clinical-note suggestions, restricted to phenotypic abnormalities."""
    from workbench.textmining import NoteMatcher

    hpo = knowledge().hpo
    return NoteMatcher.from_terms(hpo.terms, keep=lambda term: hpo.is_ancestor("HP:0000118", term.id))


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

    def get(self, case: CaseFiles, progress: Callable[[float], None] | None = None):
        with self._lock:
            if case in self._entries:
                self._entries.move_to_end(case)
                return self._entries[case]
        from workbench.ranking import analyse_case

        vcf = list(case.vcfs) if len(case.vcfs) > 1 else case.vcfs[0]
        result = analyse_case(vcf, case.ped, proband_id=case.proband_id, knowledge=knowledge(),
                              progress=progress, scorer=scorer())
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


@st.cache_resource(show_spinner=False, max_entries=4)
def family_calls(case: CaseFiles):
    """The trio QC and input problems of the case (CaseAnalysis does not carry them)."""
    from workbench.io import read_family_vcf, read_pedigree

    vcf = list(case.vcfs) if len(case.vcfs) > 1 else case.vcfs[0]
    return read_family_vcf(vcf, read_pedigree(case.ped), proband_id=case.proband_id)


@st.cache_resource(show_spinner=False, max_entries=64)
def ranking(case: CaseFiles, profile: PhenotypeProfile):
    return analysis(case).rank(profile)


# -- cases -----------------------------------------------------------------------------------
def case_from_folder(folder: Path) -> CaseFiles:
    """A case_data/ folder: case.ped, phenopacket.json (proband, phenotype, VCF uri relative to it)."""
    from workbench.io.phenopacket import read_phenopacket

    packet = read_phenopacket(folder / "phenopacket.json")
    return CaseFiles(
        case_id=folder.name,
        vcfs=tuple(str(p) for p in packet.vcf_paths) or (str(folder / "case.vcf.gz"),),
        ped=str(folder / "case.ped"),
        proband_id=packet.subject_id,
        initial_profile=packet.profile,
        origin="demo",
    )


def demo_cases() -> list[CaseFiles]:
    """Every case folder under case_data/ (those with a phenopacket)."""
    return [case_from_folder(p) for p in sorted(CASE_DATA.iterdir()) if (p / "phenopacket.json").exists()]


def save_uploads(files: list[tuple[str, bytes]]) -> Path:
    """Write uploaded files, unmodified, into a fresh folder of the data directory."""
    folder = cache_dir() / "uploads" / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    for name, data in files:
        (folder / Path(name).name).write_bytes(data)
    return folder


def case_from_uploads(
    folder: Path, vcf_names: list[str], ped_name: str, phenopacket_name: str | None,
    proband_id: str | None, progress: Callable[[float], None] | None = None,
) -> tuple[CaseFiles | None, str | None]:
    """Check and analyse uploaded files; (case, None) or (None, the library's message for the user)."""
    from workbench.io import InputError, read_pedigree
    from workbench.io.phenopacket import read_phenopacket

    try:
        trio = read_pedigree(folder / ped_name).trio(proband_id)
        profile = read_phenopacket(folder / phenopacket_name).profile if phenopacket_name else PhenotypeProfile()
        case = CaseFiles(
            case_id=f"{trio.proband.family_id}-{folder.name[:6]}",
            vcfs=tuple(str(folder / name) for name in vcf_names),
            ped=str(folder / ped_name),
            proband_id=trio.proband.id,
            initial_profile=profile,
        )
        analysis(case, progress)
    except InputError as problem:
        return None, str(problem)
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as problem:  # e.g. a truncated gzip
        return None, f"The files could not be read: {problem}"
    return case, None


def open_case(case: CaseFiles) -> None:
    st.session_state["case"] = case
    st.session_state.setdefault("cases", {}).setdefault(case.case_id, (case, datetime.now()))
    st.session_state.pop("gene", None)
    st.session_state.pop("note_suggestions", None)


def current_case() -> CaseFiles:
    """The open case; the demo case on first start so a new user sees a ranked result."""
    if "case" not in st.session_state:
        open_case(case_from_folder(DEMO_CASE))
    return st.session_state["case"]


# -- phenotype, tags, notes ------------------------------------------------------------------
def profile(case: CaseFiles | None = None) -> PhenotypeProfile:
    case = case or current_case()
    return st.session_state.setdefault("profiles", {}).get(case.case_id, case.initial_profile)


def set_profile(new: PhenotypeProfile, case: CaseFiles | None = None) -> None:
    case = case or current_case()
    st.session_state.setdefault("profiles", {})[case.case_id] = new


def tag(target: str) -> str | None:
    return st.session_state.setdefault("tags", {}).get((current_case().case_id, target))


def set_tag(target: str, value: str | None) -> None:
    tags = st.session_state.setdefault("tags", {})
    key = (current_case().case_id, target)
    if value:
        tags[key] = value
    else:
        tags.pop(key, None)


def note(target: str) -> str:
    return st.session_state.setdefault("notes", {}).get((current_case().case_id, target), "")


def set_note(target: str, text: str) -> None:
    st.session_state.setdefault("notes", {})[(current_case().case_id, target)] = text
