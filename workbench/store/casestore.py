"""The case store: cases, phenotype, tags, notes, ACMG classifications, report versions, audit log
(users and passwords: userstore.py).

One :class:`CaseStore` wraps a SQLAlchemy engine (SQLite file by default, PostgreSQL when the
URL says so). Every change to a case runs in one transaction that

1. bumps the case's ``row_version`` only if it still equals the version the caller last read
   (optimistic locking: a stale edit raises :class:`ConflictError` naming who changed it when),
2. writes the change, and
3. appends an audit entry (who, what, when, before/after as JSON),

so a crash at any point leaves either all of it or none of it. Application logs carry case ids
and action names only, never phenotype, genotype or family details. The VCF is only read, to
checksum it.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import os
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Sequence

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from workbench.model import PhenotypeProfile, Sample, Trio
from workbench.paths import data_dir
from workbench.report.content import (Amendment, Method, PhenotypeItem, ReportContent, ReportedVariant,
                                      Signature, default_recommendations, from_plain, software_version, to_plain)
from workbench.report.content import CaseDetails, QcFigure
from workbench.report.text import LONG_TEXT, SHORT_TEXT, TextError, clean_text
from workbench.store import accounts, audit, case_metadata, integrity
from workbench.store.errors import NotFoundError, StoreError
from workbench.store.errors import utc_now as _now
from workbench.store.rankings import RankingHistory
from workbench.store.schema import AUDIT_CHAIN_VERSION, migrate
from workbench.store.users import Permission, User, require
# Importable from here as before the user half moved to userstore.py:
from workbench.store.users import AuthenticationError, PermissionDenied, Role  # noqa: F401
from workbench.store.userstore import UserAccounts

log = logging.getLogger(__name__)

# Who the audit log names when the command line acts without a logged-in user.
LOCAL_OPERATOR = "local-operator (command line)"
_CREATE_ATTEMPTS = 5  # create_case retries on an id race (PostgreSQL)


class ConflictError(StoreError):
    """Someone else changed the case since it was read: reload, re-apply, save again."""

    def __init__(self, case_id: str, changed_by: str, changed_at: datetime) -> None:
        self.case_id, self.changed_by, self.changed_at = case_id, changed_by, changed_at
        super().__init__(f"case {case_id} was changed by {changed_by} at "
                         f"{changed_at:%Y-%m-%d %H:%M:%S} UTC since it was read; this change was not saved.")


class _NumberTaken(Exception):
    """A numbered case id was taken by a concurrent registration: count again (create_case)."""


class ImmutableReportError(StoreError):
    """A signed report cannot change; an amendment creates a new version instead."""


class CaseStatus(Enum):
    NEW = "new"
    IN_REVIEW = "in review"
    REPORT_DRAFTED = "report drafted"
    SIGNED_OUT = "signed out"
    AMENDED = "amended"


class Tag(Enum):
    CANDIDATE = "candidate"
    EXCLUDED = "excluded"
    REPORTED = "reported"


@dataclass(frozen=True)
class Target:
    """What a tag or note is about: a gene (by symbol) or a variant (by ``chrom:pos:ref:alt``)."""

    kind: str
    id: str

    @classmethod
    def gene(cls, symbol: str) -> Target:
        return cls("gene", symbol)

    @classmethod
    def variant(cls, key: str) -> Target:
        return cls("variant", key)


@dataclass(frozen=True)
class Case:
    case_id: str
    family_id: str
    proband_id: str
    samples: tuple[Sample, ...]
    vcfs: tuple[VcfFile, ...]
    pedigree_path: str | None
    knowledge_version: str
    annotation_source: str
    indication: str
    status: CaseStatus
    row_version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    sv_vcfs: tuple[VcfFile, ...] = ()  # the family's CNV/SV VCF(s), checksummed like the small-variant ones

    @property
    def proband(self) -> Sample:
        return next(s for s in self.samples if s.id == self.proband_id)


@dataclass(frozen=True)
class VcfFile:
    """One of the case's VCFs (one joint family VCF, or one per sample) with its SHA-256 at registration."""

    path: str
    sha256: str


@dataclass(frozen=True)
class PhenotypeEntry:
    term_id: str
    label: str
    excluded: bool
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class TagEntry:
    target: Target
    tag: Tag
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class Note:
    target: Target
    text: str
    author: str
    written_at: datetime


@dataclass(frozen=True)
class ReportVersion:
    case_id: str
    version: int
    content: ReportContent
    amendment_reason: str | None
    created_by: str
    created_at: datetime
    signed_by: str | None
    signed_at: datetime | None
    content_sha256: str | None = None  # SHA-256 of the signed content (workbench.store.audit.signed_content_hash)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    case_id: str | None
    action: str
    before: Any
    after: Any


def default_database_url() -> str:
    """``WORKBENCH_DATABASE_URL`` if set, else a SQLite file in the user's data directory.

    Not the cache directory: the case store is the record of clinical work, never disposable.
    """
    if os.environ.get("WORKBENCH_DATABASE_URL"):
        return os.environ["WORKBENCH_DATABASE_URL"]
    return f"sqlite:///{data_dir() / 'cases.sqlite3'}"


def open_store(url: str | None = None, audit_key: audit.AuditKey | None = None) -> CaseStore:
    """Connect (creating a SQLite file if needed) and apply pending schema migrations.

    ``audit_key`` signs the audit chain (default: :func:`workbench.store.audit.load_key`).
    """
    return CaseStore(_engine(url or default_database_url()), audit_key)


@functools.lru_cache(maxsize=4)
def shared_store(url: str | None = None) -> CaseStore:
    """One store per URL per process, for the app's pages (an engine pools its connections)."""
    return open_store(url)


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Connection) -> None:
            # Take the write lock up front: a read-then-write transaction can then never fail
            # half-way with "database is locked"; it waits for the other writer instead.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _entry_text(value: str, field: str, limit: int = LONG_TEXT, single_line: bool = False) -> str:
    """Free text as the store keeps it (one cleaning rule for every entry point, report.text)."""
    try:
        return clean_text(value, field=field, limit=limit, single_line=single_line)
    except TextError as problem:
        raise StoreError(str(problem)) from None


def file_sha256(path: str | Path) -> str:
    """Checksum a file read-only (the VCF is evidence: the store never writes to it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class CaseStore(UserAccounts, RankingHistory):
    """Cases, curation, report versions and the audit log; users and passwords come from
    :class:`~workbench.store.userstore.UserAccounts`."""

    def __init__(self, engine: Engine, audit_key: audit.AuditKey | None = None,
                 throttle: accounts.ThrottlePolicy = accounts.ThrottlePolicy()) -> None:
        self._engine = engine
        self._audit_key = audit_key or audit.load_key()
        self._throttle = throttle
        with self._transaction() as conn:
            if AUDIT_CHAIN_VERSION in migrate(conn):  # the upgrade that chained the log: vouch for what came before
                audit.seal_earlier(conn, self._audit_key, _now().isoformat())

    def close(self) -> None:
        self._engine.dispose()

    def _transaction(self) -> Any:
        """Every method, reads included, runs in exactly one transaction."""
        return self._engine.begin()

    def schema_version(self) -> int:
        with self._transaction() as conn:
            return int(conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar() or 0)

    def verify(self) -> integrity.Verification:
        """Check the audit chain and every signed report version (``workbench verify``)."""
        with self._transaction() as conn:
            return integrity.verify(conn, self._audit_key)

    # ----------------------------------------------------------------------------------- cases
    def create_case(self, trio: Trio, vcf_paths: str | Path | Sequence[str | Path], knowledge_version: str,
                    actor: User, *,
                    indication: str = "", pedigree_path: str | Path | None = None,
                    case_id: str | None = None, phenotype: Sequence[PhenotypeItem] = (),
                    annotation_source: str = "", sv_vcf_paths: Sequence[str | Path] = ()) -> Case:
        """Register a case with its initial phenotype; each VCF (and CNV/SV VCF) is checksummed
        (read-only) so a swapped or edited file is detected later.

        Without ``case_id`` the id is ``<family>-<n>``, n counting that family's cases.
        """
        require(actor, Permission.CREATE_CASE)
        indication = _entry_text(indication, "the indication")
        paths = [vcf_paths] if isinstance(vcf_paths, (str, Path)) else list(vcf_paths)
        missing = [str(p) for p in paths if not Path(p).is_file()]
        if missing or not paths:
            raise StoreError(f"VCF not found: {', '.join(missing) or 'none given'}")
        missing = [str(p) for p in sv_vcf_paths if not Path(p).is_file()]
        if missing:
            raise StoreError(f"CNV/SV VCF not found: {', '.join(missing)}")
        vcfs = [VcfFile(str(Path(p).resolve()), file_sha256(p)) for p in paths]
        sv_vcfs = [VcfFile(str(Path(p).resolve()), file_sha256(p)) for p in sv_vcf_paths]
        for attempt in itertools.count(1):
            try:
                return self._insert_case(trio, vcfs, knowledge_version, actor, indication, pedigree_path, case_id,
                                         phenotype, annotation_source, sv_vcfs)
            except (IntegrityError, _NumberTaken):
                # PostgreSQL: another session took the same id between our count and our insert
                # (SQLite's BEGIN IMMEDIATE serialises the two). A chosen id is taken; a numbered
                # one is counted again.
                if case_id is not None or attempt == _CREATE_ATTEMPTS:
                    raise StoreError(f"case {case_id or trio.proband.family_id + '-<n>'} could not be created: "
                                     "another case was registered with the same id at the same moment; "
                                     "try again") from None

    def _insert_case(self, trio: Trio, vcfs: list[VcfFile], knowledge_version: str, actor: User, indication: str,
                     pedigree_path: str | Path | None, case_id: str | None, phenotype: Sequence[PhenotypeItem],
                     annotation_source: str, sv_vcfs: list[VcfFile]) -> Case:
        family_id = trio.proband.family_id
        now = _now()
        with self._transaction() as conn:
            self._require_current(conn, actor, Permission.CREATE_CASE)
            numbered = case_id is None
            if numbered:
                count = conn.execute(text("SELECT COUNT(*) FROM cases WHERE family_id = :f"), {"f": family_id}).scalar()
                case_id = f"{family_id}-{int(count or 0) + 1}"
            if conn.execute(text("SELECT 1 FROM cases WHERE case_id = :c"), {"c": case_id}).first():
                if numbered:
                    raise _NumberTaken(case_id)
                raise StoreError(f"case {case_id} already exists")
            values = {
                "case_id": case_id, "family_id": family_id, "proband_id": trio.proband.id,
                "samples_json": json.dumps(to_plain(trio.samples)), "vcf_files_json": json.dumps(to_plain(vcfs)),
                "sv_vcf_files_json": json.dumps(to_plain(sv_vcfs)),
                "pedigree_path": str(Path(pedigree_path).resolve()) if pedigree_path else None,
                "knowledge_version": knowledge_version, "annotation_source": annotation_source, "indication": indication,
                "status": CaseStatus.NEW.value, "row_version": 1, "created_by": actor.username,
                "created_at": now.isoformat(), "updated_by": actor.username, "updated_at": now.isoformat(),
            }
            conn.execute(text(f"INSERT INTO cases ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})"),
                         values)
            for term in phenotype:
                self._insert_term(conn, case_id, term, actor)
            self._audit(conn, actor, case_id, "create case", None, {"phenotype": to_plain(tuple(phenotype))} | {k: values[k] for k in
                        ("family_id", "proband_id", "knowledge_version", "annotation_source", "status")}
                        | {"vcfs": to_plain(vcfs)} | ({"sv_vcfs": to_plain(sv_vcfs)} if sv_vcfs else {}))
            return self._case_from_row(self._case_row(conn, case_id))

    def case(self, case_id: str) -> Case:
        with self._transaction() as conn:
            return self._case_from_row(self._case_row(conn, case_id))

    def cases(self) -> tuple[Case, ...]:
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT * FROM cases ORDER BY created_at, case_id")).all()
        return tuple(self._case_from_row(r) for r in rows)

    def verify_vcf(self, case_id: str) -> bool:
        """True when every VCF (and CNV/SV VCF) on disk still has the checksum recorded at registration."""
        case = self.case(case_id)
        return all(Path(v.path).is_file() and file_sha256(v.path) == v.sha256 for v in case.vcfs + case.sv_vcfs)

    # -- case details (patient, specimen, ordering clinician): store.case_metadata --------------
    def set_case_details(self, case_id: str, details: CaseDetails, actor: User, expected_version: int) -> int:
        return case_metadata.set_details(self, case_id, details, actor, expected_version)

    def case_details(self, case_id: str) -> CaseDetails:
        return case_metadata.details(self, case_id)

    def case_details_history(self, case_id: str) -> tuple[case_metadata.DetailsRevision, ...]:
        return case_metadata.history(self, case_id)
    # -- end case details ------------------------------------------------------------------------

    def set_indication(self, case_id: str, indication: str, actor: User, expected_version: int) -> int:
        require(actor, Permission.EDIT_PHENOTYPE)
        indication = _entry_text(indication, "the indication")
        with self._transaction() as conn:
            before = self._case_row(conn, case_id).indication
            version = self._bump(conn, case_id, expected_version, actor, Permission.EDIT_PHENOTYPE)
            conn.execute(text("UPDATE cases SET indication = :i WHERE case_id = :c"), {"i": indication, "c": case_id})
            self._audit(conn, actor, case_id, "set indication", {"indication": before}, {"indication": indication})
        return version

    # ------------------------------------------------------------------------------- phenotype
    def add_phenotype_term(self, case_id: str, term_id: str, label: str, actor: User, expected_version: int,
                           *, excluded: bool = False) -> int:
        """Record an observed (or explicitly excluded) HPO term; re-adding replaces the old entry."""
        require(actor, Permission.EDIT_PHENOTYPE)
        label = _entry_text(label, "the term label", SHORT_TEXT, single_line=True)
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.EDIT_PHENOTYPE)
            before = self._retire_term(conn, case_id, term_id, actor)
            self._insert_term(conn, case_id, PhenotypeItem(term_id, label, excluded), actor)
            self._audit(conn, actor, case_id, "add phenotype term", before,
                        {"term_id": term_id, "label": label, "excluded": excluded})
        return version

    def remove_phenotype_term(self, case_id: str, term_id: str, actor: User, expected_version: int) -> int:
        require(actor, Permission.EDIT_PHENOTYPE)
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.EDIT_PHENOTYPE)
            before = self._retire_term(conn, case_id, term_id, actor)
            if before is None:
                raise NotFoundError(f"case {case_id} has no phenotype term {term_id}")
            self._audit(conn, actor, case_id, "remove phenotype term", before, None)
        return version

    def _insert_term(self, conn: Connection, case_id: str, term: PhenotypeItem, actor: User) -> None:
        conn.execute(text("INSERT INTO phenotype_terms (case_id, term_id, label, excluded, added_by, added_at) "
                          "VALUES (:c, :t, :l, :e, :u, :at)"),
                     {"c": case_id, "t": term.id, "l": term.label, "e": term.excluded, "u": actor.username,
                      "at": _now().isoformat()})

    def _retire_term(self, conn: Connection, case_id: str, term_id: str, actor: User) -> dict[str, Any] | None:
        """Mark the active entry for ``term_id`` removed (kept for who/when); return what it was."""
        row = conn.execute(text("SELECT * FROM phenotype_terms WHERE case_id = :c AND term_id = :t "
                                "AND removed_at IS NULL"), {"c": case_id, "t": term_id}).first()
        if row is None:
            return None
        conn.execute(text("UPDATE phenotype_terms SET removed_by = :u, removed_at = :at WHERE id = :id"),
                     {"u": actor.username, "at": _now().isoformat(), "id": row.id})
        return {"term_id": row.term_id, "label": row.label, "excluded": bool(row.excluded)}

    def phenotype(self, case_id: str) -> tuple[PhenotypeEntry, ...]:
        with self._transaction() as conn:
            self._case_row(conn, case_id)
            rows = conn.execute(text("SELECT * FROM phenotype_terms WHERE case_id = :c AND removed_at IS NULL "
                                     "ORDER BY id"), {"c": case_id}).all()
        return tuple(PhenotypeEntry(r.term_id, r.label, bool(r.excluded), r.added_by, _time(r.added_at))
                     for r in rows)

    def profile(self, case_id: str) -> PhenotypeProfile:
        """The case's phenotype in the form the ranking takes."""
        entries = self.phenotype(case_id)
        return PhenotypeProfile(observed=tuple(e.term_id for e in entries if not e.excluded),
                                excluded=tuple(e.term_id for e in entries if e.excluded))

    # ------------------------------------------------------------------------------ tags, notes
    def set_tag(self, case_id: str, target: Target, tag: Tag | None, actor: User, expected_version: int) -> int:
        """Tag a gene or variant candidate / excluded / reported; None clears the tag."""
        require(actor, Permission.CURATE)
        key = {"c": case_id, "k": target.kind, "t": target.id}
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.CURATE)
            row = conn.execute(text("SELECT tag FROM tags WHERE case_id = :c AND target_kind = :k AND target = :t"),
                               key).first()
            conn.execute(text("DELETE FROM tags WHERE case_id = :c AND target_kind = :k AND target = :t"), key)
            if tag is not None:
                conn.execute(text("INSERT INTO tags (case_id, target_kind, target, tag, set_by, set_at) "
                                  "VALUES (:c, :k, :t, :tag, :u, :at)"),
                             {**key, "tag": tag.value, "u": actor.username, "at": _now().isoformat()})
            self._audit(conn, actor, case_id, "set tag", {"target": to_plain(target), "tag": row.tag if row else None},
                        {"target": to_plain(target), "tag": tag.value if tag else None})
        return version

    def tags(self, case_id: str) -> dict[Target, TagEntry]:
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT * FROM tags WHERE case_id = :c ORDER BY set_at"), {"c": case_id}).all()
        entries = (TagEntry(Target(r.target_kind, r.target), Tag(r.tag), r.set_by, _time(r.set_at)) for r in rows)
        return {e.target: e for e in entries}

    def add_note(self, case_id: str, target: Target, body: str, actor: User, expected_version: int) -> int:
        require(actor, Permission.CURATE)
        body = _entry_text(body, "the note")
        if not body.strip():
            raise StoreError("a note cannot be empty")
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.CURATE)
            conn.execute(text("INSERT INTO notes (case_id, target_kind, target, body, author, written_at) "
                              "VALUES (:c, :k, :t, :b, :u, :at)"),
                         {"c": case_id, "k": target.kind, "t": target.id, "b": body, "u": actor.username,
                          "at": _now().isoformat()})
            self._audit(conn, actor, case_id, "add note", None, {"target": to_plain(target), "text": body})
        return version

    def notes(self, case_id: str, target: Target | None = None) -> tuple[Note, ...]:
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT * FROM notes WHERE case_id = :c ORDER BY id"), {"c": case_id}).all()
        notes = (Note(Target(r.target_kind, r.target), r.body, r.author, _time(r.written_at)) for r in rows)
        return tuple(n for n in notes if target is None or n.target == target)

    # ------------------------------------------------------------------- ACMG-classified variants
    def save_reported_variant(self, case_id: str, variant: ReportedVariant, actor: User, expected_version: int) -> int:
        """Add or update a variant chosen for the report, with its ticked ACMG criteria."""
        require(actor, Permission.CURATE)
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.CURATE)
            row = conn.execute(text("SELECT variant_json FROM reported_variants WHERE case_id = :c AND variant_key = :k"),
                               {"c": case_id, "k": variant.key}).first()
            values = {"c": case_id, "k": variant.key, "g": variant.gene_symbol,
                      "cl": variant.classification.value, "j": json.dumps(to_plain(variant)),
                      "u": actor.username, "at": _now().isoformat()}
            if row:
                conn.execute(text("UPDATE reported_variants SET gene_symbol = :g, classification = :cl, "
                                  "variant_json = :j, updated_by = :u, updated_at = :at "
                                  "WHERE case_id = :c AND variant_key = :k"), values)
            else:
                conn.execute(text("INSERT INTO reported_variants (case_id, variant_key, gene_symbol, classification, "
                                  "variant_json, updated_by, updated_at) VALUES (:c, :k, :g, :cl, :j, :u, :at)"),
                             values)
            self._audit(conn, actor, case_id, "classify variant", json.loads(row.variant_json) if row else None,
                        to_plain(variant))
        return version

    def remove_reported_variant(self, case_id: str, variant_key: str, actor: User, expected_version: int) -> int:
        require(actor, Permission.CURATE)
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.CURATE)
            row = conn.execute(text("SELECT variant_json FROM reported_variants WHERE case_id = :c AND variant_key = :k"),
                               {"c": case_id, "k": variant_key}).first()
            if row is None:
                raise NotFoundError(f"case {case_id} has no reported variant {variant_key}")
            conn.execute(text("DELETE FROM reported_variants WHERE case_id = :c AND variant_key = :k"),
                         {"c": case_id, "k": variant_key})
            self._audit(conn, actor, case_id, "remove reported variant", json.loads(row.variant_json), None)
        return version

    def reported_variants(self, case_id: str) -> tuple[ReportedVariant, ...]:
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT variant_json FROM reported_variants WHERE case_id = :c "
                                     "ORDER BY updated_at, variant_key"), {"c": case_id}).all()
        return tuple(from_plain(ReportedVariant, json.loads(r.variant_json)) for r in rows)

    # --------------------------------------------------------------------------------- reports
    def save_draft(self, case_id: str, actor: User, expected_version: int, *, interpretation: str,
                   limitations: str | None = None, secondary_findings: str | None = None,
                   variant_keys: Sequence[str] | None = None, laboratory: str | None = None,
                   indication: str | None = None, recommendations: str | None = None,
                   qc: Sequence[QcFigure] | None = None, transcripts: str | None = None,
                   input_warnings: Sequence[str] | None = None) -> int:
        """Write the unsigned report version from the case as it is now (all reported variants,
        or those in ``variant_keys``, and the case details); texts left None keep the draft's (or
        the defaults). A given ``indication`` also becomes the case's; ``qc`` and ``transcripts``
        (the MANE release) are what the app computed for the report's method section, and
        ``input_warnings`` what the ranking behind the draft warned of (so the report says it too)."""
        require(actor, Permission.CURATE)
        texts = {name: None if value is None else _entry_text(value, f"the {name.replace('_', ' ')}")
                 for name, value in (("interpretation", interpretation), ("limitations", limitations),
                                     ("secondary_findings", secondary_findings), ("laboratory", laboratory),
                                     ("indication", indication), ("recommendations", recommendations))}
        interpretation, limitations, secondary_findings = (texts["interpretation"], texts["limitations"],
                                                           texts["secondary_findings"])
        laboratory, indication, recommendations = texts["laboratory"], texts["indication"], texts["recommendations"]
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.CURATE,
                                 status=CaseStatus.REPORT_DRAFTED)
            latest = self._latest_report_row(conn, case_id)
            if latest is not None and latest.signed_at:
                raise ImmutableReportError(f"report version {latest.version} of case {case_id} is signed and cannot "
                                           f"change; start an amendment")
            if indication is not None:
                conn.execute(text("UPDATE cases SET indication = :i WHERE case_id = :c"),
                             {"i": indication, "c": case_id})
            previous = ReportContent.from_json(latest.content_json) if latest else None
            content = self._assemble(conn, case_id, latest.version if latest else 1, previous,
                                     interpretation=interpretation, limitations=limitations,
                                     secondary_findings=secondary_findings, variant_keys=variant_keys,
                                     laboratory=laboratory, recommendations=recommendations, qc=qc,
                                     transcripts=transcripts, input_warnings=input_warnings)
            now = _now().isoformat()
            if latest is None:
                conn.execute(text("INSERT INTO report_versions (case_id, version, content_json, created_by, created_at, "
                                  "updated_by, updated_at) VALUES (:c, 1, :j, :u, :at, :u, :at)"),
                             {"c": case_id, "j": content.to_json(), "u": actor.username, "at": now})
            else:
                conn.execute(text("UPDATE report_versions SET content_json = :j, updated_by = :u, updated_at = :at "
                                  "WHERE case_id = :c AND version = :v AND signed_at IS NULL"),
                             {"c": case_id, "v": latest.version, "j": content.to_json(), "u": actor.username,
                              "at": now})
            self._audit(conn, actor, case_id, f"save draft report v{content.version}",
                        json.loads(latest.content_json) if latest else None, to_plain(content))
        return version

    def _assemble(self, conn: Connection, case_id: str, version: int, previous: ReportContent | None, *,
                  interpretation: str, limitations: str | None, secondary_findings: str | None,
                  variant_keys: Sequence[str] | None, laboratory: str | None, recommendations: str | None = None,
                  qc: Sequence[QcFigure] | None = None, transcripts: str | None = None,
                  input_warnings: Sequence[str] | None = None) -> ReportContent:
        case = self._case_from_row(self._case_row(conn, case_id))
        variants = [from_plain(ReportedVariant, json.loads(r.variant_json)) for r in conn.execute(
            text("SELECT variant_json FROM reported_variants WHERE case_id = :c ORDER BY updated_at, variant_key"),
            {"c": case_id}).all()]
        if variant_keys is not None:
            unknown = set(variant_keys) - {v.key for v in variants}
            if unknown:
                raise NotFoundError(f"case {case_id} has no classified variant {', '.join(sorted(unknown))}")
            variants = [v for v in variants if v.key in set(variant_keys)]
        terms = conn.execute(text("SELECT * FROM phenotype_terms WHERE case_id = :c AND removed_at IS NULL "
                                  "ORDER BY id"), {"c": case_id}).all()
        family_kind = {1: "singleton", 2: "duo"}.get(len(case.samples), "trio")
        base = previous or ReportContent(case_id=case_id, family_id=case.family_id, proband=case.proband,
                                         method=Method(case.knowledge_version,
                                                       test_name=f"Rapid {family_kind} genome sequencing"))
        return replace(
            base, version=version, indication=case.indication,
            phenotype=tuple(PhenotypeItem(t.term_id, t.label, bool(t.excluded)) for t in terms),
            method=replace(base.method, knowledge_version=case.knowledge_version, software=software_version(),
                           annotation_source=case.annotation_source,
                           transcripts=base.method.transcripts if transcripts is None else transcripts),
            details=case_metadata.current(conn, case_id), family=case.samples,
            qc=base.qc if qc is None else tuple(qc),
            input_warnings=base.input_warnings if input_warnings is None else tuple(
                _entry_text(w, "an input warning") for w in input_warnings),
            recommendations=(base.recommendations or default_recommendations(tuple(variants)))
            if recommendations is None else recommendations,
            results=tuple(variants), interpretation=interpretation,
            limitations=base.limitations if limitations is None else limitations,
            secondary_findings=base.secondary_findings if secondary_findings is None else secondary_findings,
            laboratory=base.laboratory if laboratory is None else laboratory,
        )

    def start_amendment(self, case_id: str, reason: str, actor: User, expected_version: int) -> int:
        """Open a new draft version copied from the signed one; the signed version stays as it was.

        Only a director may: it reopens a signed-out case (back to "report drafted").
        """
        require(actor, Permission.SIGN_OUT)
        reason = _entry_text(reason, "the amendment reason")
        if not reason.strip():
            raise StoreError("an amendment needs a reason")
        with self._transaction() as conn:
            version = self._bump(conn, case_id, expected_version, actor, Permission.SIGN_OUT,
                                 status=CaseStatus.REPORT_DRAFTED)
            latest = self._latest_report_row(conn, case_id)
            if latest is None or not latest.signed_at:
                raise StoreError(f"case {case_id} has no signed report to amend"
                                 + ("; edit the current draft instead" if latest is not None else ""))
            signed = ReportContent.from_json(latest.content_json)
            draft = replace(signed, version=latest.version + 1, signature=None, amendment_reason=reason.strip())
            now = _now().isoformat()
            conn.execute(text("INSERT INTO report_versions (case_id, version, content_json, amendment_reason, "
                              "created_by, created_at, updated_by, updated_at) "
                              "VALUES (:c, :v, :j, :r, :u, :at, :u, :at)"),
                         {"c": case_id, "v": draft.version, "j": draft.to_json(), "r": reason.strip(),
                          "u": actor.username, "at": now})
            self._audit(conn, actor, case_id, f"start amendment v{draft.version}", None,
                        {"version": draft.version, "reason": reason.strip()})
        return version

    def sign_out(self, case_id: str, actor: User, expected_version: int, *, password: str) -> ReportVersion:
        """A director signs the current draft exactly as saved, re-entering their password; from then
        on it never changes. The signed content's SHA-256 goes into the row and the audit chain."""
        require(actor, Permission.SIGN_OUT)
        self._check_password(actor.username, password, case_id, None, "failed signature password")
        with self._transaction() as conn:
            self._bump(conn, case_id, expected_version, actor, Permission.SIGN_OUT)
            latest = self._latest_report_row(conn, case_id)
            if latest is None:
                raise StoreError(f"case {case_id} has no draft report to sign")
            if latest.signed_at:
                raise ImmutableReportError(f"report version {latest.version} of case {case_id} is already signed")
            status = CaseStatus.SIGNED_OUT if latest.version == 1 else CaseStatus.AMENDED
            conn.execute(text("UPDATE cases SET status = :s WHERE case_id = :c"), {"s": status.value, "c": case_id})
            now = _now()
            history = [Amendment(r.version, r.amendment_reason or "original report",
                                 self._display_name(conn, r.signed_by), _time(r.signed_at))
                       for r in conn.execute(text("SELECT * FROM report_versions WHERE case_id = :c AND "
                                                  "signed_at IS NOT NULL ORDER BY version"), {"c": case_id}).all()]
            signer = Signature(actor.display_name, actor.username, now)
            if latest.version > 1:
                history.append(Amendment(latest.version, latest.amendment_reason or "", actor.display_name, now))
            content_json = replace(ReportContent.from_json(latest.content_json), signature=signer,
                                   amendments=tuple(history)).to_json()
            content_sha256 = audit.signed_content_hash(case_id, latest.version, content_json,
                                                       latest.amendment_reason, actor.username, now.isoformat())
            conn.execute(text("UPDATE report_versions SET content_json = :j, signed_by = :u, signed_at = :at, "
                              "updated_by = :u, updated_at = :at, content_sha256 = :h "
                              "WHERE case_id = :c AND version = :v"),
                         {"j": content_json, "u": actor.username, "at": now.isoformat(), "c": case_id,
                          "v": latest.version, "h": content_sha256})
            self._audit(conn, actor, case_id, f"sign out report v{latest.version}",
                        {"version": latest.version, "signed": False},
                        {"version": latest.version, "signed": True, "signed_by": actor.username,
                         "content_sha256": content_sha256})
            return self._report_from_row(self._report_row(conn, case_id, latest.version))

    def report(self, case_id: str, version: int | None = None) -> ReportVersion | None:
        """The given version, or the latest (signed or draft); None when there is no report yet."""
        with self._transaction() as conn:
            self._case_row(conn, case_id)
            row = self._latest_report_row(conn, case_id) if version is None else self._report_row(conn, case_id, version)
        return self._report_from_row(row) if row is not None else None

    def reports(self, case_id: str) -> tuple[ReportVersion, ...]:
        with self._transaction() as conn:
            self._case_row(conn, case_id)
            rows = conn.execute(text("SELECT * FROM report_versions WHERE case_id = :c ORDER BY version"),
                                {"c": case_id}).all()
        return tuple(self._report_from_row(r) for r in rows)

    def latest_signed(self, case_id: str) -> ReportVersion | None:
        return next((r for r in reversed(self.reports(case_id)) if r.signed), None)

    # ----------------------------------------------------------------------------------- audit
    def audit(self, case_id: str | None = None) -> tuple[AuditEntry, ...]:
        """Entries oldest first; for one case, or all of them (user management included)."""
        query = "SELECT * FROM audit_log" + (" WHERE case_id = :c" if case_id else "") + " ORDER BY id"
        with self._transaction() as conn:
            rows = conn.execute(text(query), {"c": case_id}).all()
        return tuple(AuditEntry(r.id, _time(r.at), r.actor, r.case_id, r.action,
                                json.loads(r.before_json) if r.before_json else None,
                                json.loads(r.after_json) if r.after_json else None) for r in rows)

    def _audit(self, conn: Connection, actor: User | None, case_id: str | None, action: str,
               before: Any, after: Any, *, actor_name: str | None = None) -> None:
        name = actor_name or (actor.username if actor else LOCAL_OPERATOR)
        audit.append(conn, self._audit_key, at=_now().isoformat(), actor=name, case_id=case_id, action=action,
                     before_json=None if before is None else json.dumps(before, sort_keys=True),
                     after_json=None if after is None else json.dumps(after, sort_keys=True))
        log.info("audit: %s%s by %s", action, f" on case {case_id}" if case_id else "", name)

    # --------------------------------------------------------------------------------- helpers
    def _bump(self, conn: Connection, case_id: str, expected_version: int, actor: User, permission: Permission,
              status: CaseStatus | None = None) -> int:
        """The optimistic lock: advance the case's version only if nobody else did since it was read.

        Also re-checks ``permission`` on the acting account as it is now (it may have been
        deactivated or demoted after this user logged in).
        """
        self._require_current(conn, actor, permission)
        params = {"c": case_id, "v": expected_version, "u": actor.username, "at": _now().isoformat()}
        if status is None:
            status_sql = "CASE WHEN status = :new THEN :review ELSE status END"
            params.update(new=CaseStatus.NEW.value, review=CaseStatus.IN_REVIEW.value)
        else:
            status_sql = ":status"
            params["status"] = status.value
        updated = conn.execute(text(f"UPDATE cases SET row_version = row_version + 1, status = {status_sql}, "
                                    "updated_by = :u, updated_at = :at WHERE case_id = :c AND row_version = :v"),
                               params).rowcount
        if updated != 1:
            row = self._case_row(conn, case_id)
            raise ConflictError(case_id, row.updated_by, _time(row.updated_at))
        return expected_version + 1

    def _case_row(self, conn: Connection, case_id: str) -> Any:
        row = conn.execute(text("SELECT * FROM cases WHERE case_id = :c"), {"c": case_id}).first()
        if row is None:
            raise NotFoundError(f"no case {case_id!r}")
        return row

    def _case_from_row(self, row: Any) -> Case:
        return Case(row.case_id, row.family_id, row.proband_id,
                    from_plain(tuple[Sample, ...], json.loads(row.samples_json)),
                    from_plain(tuple[VcfFile, ...], json.loads(row.vcf_files_json)),
                    row.pedigree_path, row.knowledge_version, row.annotation_source, row.indication, CaseStatus(row.status),
                    row.row_version, row.created_by, _time(row.created_at), row.updated_by, _time(row.updated_at),
                    from_plain(tuple[VcfFile, ...], json.loads(row.sv_vcf_files_json)))

    def _latest_report_row(self, conn: Connection, case_id: str) -> Any:
        return conn.execute(text("SELECT * FROM report_versions WHERE case_id = :c ORDER BY version DESC LIMIT 1"),
                            {"c": case_id}).first()

    def _report_row(self, conn: Connection, case_id: str, version: int) -> Any:
        row = conn.execute(text("SELECT * FROM report_versions WHERE case_id = :c AND version = :v"),
                           {"c": case_id, "v": version}).first()
        if row is None:
            raise NotFoundError(f"case {case_id} has no report version {version}")
        return row

    def _report_from_row(self, row: Any) -> ReportVersion:
        return ReportVersion(row.case_id, row.version, ReportContent.from_json(row.content_json),
                             row.amendment_reason, row.created_by, _time(row.created_at), row.signed_by,
                             _time(row.signed_at), row.content_sha256)

    def _display_name(self, conn: Connection, username: str | None) -> str | None:
        if username is None:
            return None
        row = conn.execute(text("SELECT display_name FROM users WHERE username = :u"), {"u": username}).first()
        return row.display_name if row else username
