"""The database schema as an ordered list of migrations, applied once each when a store opens.

Each migration is plain SQL written for both SQLite and PostgreSQL (``{serial}`` expands to
each one's auto-increment key). Never edit a released migration: append a new one. Timestamps
are ISO 8601 UTC text and JSON is text, so both engines store byte-identical values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...] = ()
    sqlite_only: tuple[str, ...] = ()
    postgresql_only: tuple[str, ...] = ()


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "cases, phenotype, tags, notes, reported variants, report versions, users, audit log", (
        """CREATE TABLE users (
            username TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            active BOOLEAN NOT NULL,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE cases (
            case_id TEXT PRIMARY KEY,
            family_id TEXT NOT NULL,
            proband_id TEXT NOT NULL,
            samples_json TEXT NOT NULL,
            vcf_files_json TEXT NOT NULL,
            pedigree_path TEXT,
            knowledge_version TEXT NOT NULL,
            indication TEXT NOT NULL,
            status TEXT NOT NULL,
            row_version INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE phenotype_terms (
            id {serial},
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            term_id TEXT NOT NULL,
            label TEXT NOT NULL,
            excluded BOOLEAN NOT NULL,
            added_by TEXT NOT NULL,
            added_at TEXT NOT NULL,
            removed_by TEXT,
            removed_at TEXT)""",
        "CREATE INDEX phenotype_terms_case ON phenotype_terms (case_id)",
        """CREATE TABLE tags (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            target_kind TEXT NOT NULL,
            target TEXT NOT NULL,
            tag TEXT NOT NULL,
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL,
            PRIMARY KEY (case_id, target_kind, target))""",
        """CREATE TABLE notes (
            id {serial},
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            target_kind TEXT NOT NULL,
            target TEXT NOT NULL,
            body TEXT NOT NULL,
            author TEXT NOT NULL,
            written_at TEXT NOT NULL)""",
        "CREATE INDEX notes_case ON notes (case_id)",
        """CREATE TABLE reported_variants (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            variant_key TEXT NOT NULL,
            gene_symbol TEXT NOT NULL,
            classification TEXT NOT NULL,
            variant_json TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (case_id, variant_key))""",
        """CREATE TABLE report_versions (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            version INTEGER NOT NULL,
            content_json TEXT NOT NULL,
            amendment_reason TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            signed_by TEXT,
            signed_at TEXT,
            PRIMARY KEY (case_id, version))""",
        """CREATE TABLE audit_log (
            id {serial},
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            case_id TEXT,
            action TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT)""",
        "CREATE INDEX audit_log_case ON audit_log (case_id)",
    )),
    Migration(2, "database-level guards: the audit log is append-only, signed report versions immutable",
              sqlite_only=(
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'workbench: audit_log rows cannot be changed'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'workbench: audit_log rows cannot be changed'); END""",
        """CREATE TRIGGER signed_report_no_update BEFORE UPDATE ON report_versions WHEN OLD.signed_at IS NOT NULL
           BEGIN SELECT RAISE(ABORT, 'workbench: report_versions rows cannot be changed'); END""",
        """CREATE TRIGGER signed_report_no_delete BEFORE DELETE ON report_versions WHEN OLD.signed_at IS NOT NULL
           BEGIN SELECT RAISE(ABORT, 'workbench: report_versions rows cannot be changed'); END""",
    ), postgresql_only=(
        """CREATE FUNCTION workbench_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION USING MESSAGE = 'workbench: ' || TG_TABLE_NAME || ' rows cannot be changed'; END $$""",
        """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
           FOR EACH ROW EXECUTE FUNCTION workbench_refuse_change()""",
        """CREATE TRIGGER signed_report_immutable BEFORE UPDATE OR DELETE ON report_versions
           FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL) EXECUTE FUNCTION workbench_refuse_change()""",
    )),
    Migration(3, "cases record how variants were annotated (VEP, SnpEff, bcftools csq or position only)", (
        "ALTER TABLE cases ADD COLUMN annotation_source TEXT NOT NULL DEFAULT ''",
    )),
    # -- tamper evidence and log-in throttling (workbench.store.audit, .integrity, .accounts) ----------
    Migration(4, "tamper evidence: content hash of each signature, hash-chained audit log, guards for the "
                 "statements the update/delete triggers miss; log-in throttling", (
        "ALTER TABLE report_versions ADD COLUMN content_sha256 TEXT",
        "ALTER TABLE audit_log ADD COLUMN prev_hash TEXT",
        "ALTER TABLE audit_log ADD COLUMN entry_hash TEXT",
        "ALTER TABLE audit_log ADD COLUMN key_id TEXT",
        """CREATE TABLE login_throttle (
            subject TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failure_at TEXT NOT NULL,
            locked_until TEXT)""",
    ), sqlite_only=(
        # INSERT OR REPLACE deletes the old row without firing delete triggers: refuse the insert instead.
        """CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
           WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, 'workbench: audit_log rows cannot be changed'); END""",
        """CREATE TRIGGER report_no_replace BEFORE INSERT ON report_versions
           WHEN EXISTS (SELECT 1 FROM report_versions WHERE case_id = NEW.case_id AND version = NEW.version)
           BEGIN SELECT RAISE(ABORT, 'workbench: report_versions rows cannot be replaced'); END""",
        # The workbench inserts drafts and signs them by UPDATE; a row born signed was not signed here.
        """CREATE TRIGGER report_not_born_signed BEFORE INSERT ON report_versions
           WHEN NEW.signed_at IS NOT NULL OR NEW.signed_by IS NOT NULL
           BEGIN SELECT RAISE(ABORT, 'workbench: a report version is signed only by signing its draft'); END""",
        """CREATE TRIGGER report_key_fixed BEFORE UPDATE OF case_id, version ON report_versions
           WHEN NEW.case_id IS NOT OLD.case_id OR NEW.version IS NOT OLD.version
           BEGIN SELECT RAISE(ABORT, 'workbench: report_versions rows cannot be renumbered'); END""",
    ), postgresql_only=(
        """CREATE FUNCTION workbench_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION USING MESSAGE = 'workbench: ' || TG_TABLE_NAME || ' cannot be truncated'; END $$""",
        """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
           FOR EACH STATEMENT EXECUTE FUNCTION workbench_refuse_truncate()""",
        """CREATE TRIGGER report_versions_no_truncate BEFORE TRUNCATE ON report_versions
           FOR EACH STATEMENT EXECUTE FUNCTION workbench_refuse_truncate()""",
        """CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases
           FOR EACH STATEMENT EXECUTE FUNCTION workbench_refuse_truncate()""",
        """CREATE FUNCTION workbench_refuse_born_signed() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION USING MESSAGE = 'workbench: a report version is signed only by signing its draft';
           END $$""",
        """CREATE TRIGGER report_not_born_signed BEFORE INSERT ON report_versions
           FOR EACH ROW WHEN (NEW.signed_at IS NOT NULL OR NEW.signed_by IS NOT NULL)
           EXECUTE FUNCTION workbench_refuse_born_signed()""",
    )),
    Migration(5, "ranking snapshots: each case's top genes under each knowledge release (append-only)", (
        """CREATE TABLE ranking_snapshots (
            id {serial},
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            knowledge_version TEXT NOT NULL,
            reason TEXT NOT NULL,
            snapshot_json TEXT NOT NULL,
            baseline_id INTEGER,
            taken_by TEXT NOT NULL,
            taken_at TEXT NOT NULL)""",
        "CREATE INDEX ranking_snapshots_case ON ranking_snapshots (case_id)",
    ), sqlite_only=(
        """CREATE TRIGGER ranking_snapshots_no_update BEFORE UPDATE ON ranking_snapshots
           BEGIN SELECT RAISE(ABORT, 'workbench: ranking_snapshots rows cannot be changed'); END""",
        """CREATE TRIGGER ranking_snapshots_no_delete BEFORE DELETE ON ranking_snapshots
           BEGIN SELECT RAISE(ABORT, 'workbench: ranking_snapshots rows cannot be changed'); END""",
        """CREATE TRIGGER ranking_snapshots_no_replace BEFORE INSERT ON ranking_snapshots
           WHEN EXISTS (SELECT 1 FROM ranking_snapshots WHERE id = NEW.id)
           BEGIN SELECT RAISE(ABORT, 'workbench: ranking_snapshots rows cannot be changed'); END""",
    ), postgresql_only=(
        """CREATE TRIGGER ranking_snapshots_append_only BEFORE UPDATE OR DELETE ON ranking_snapshots
           FOR EACH ROW EXECUTE FUNCTION workbench_refuse_change()""",
        """CREATE TRIGGER ranking_snapshots_no_truncate BEFORE TRUNCATE ON ranking_snapshots
           FOR EACH STATEMENT EXECUTE FUNCTION workbench_refuse_truncate()""",
    )),
    Migration(6, "case details the VCF cannot give (patient, specimen, ordering clinician), by revision "
                 "(store.case_metadata; append-only like the audit log)", (
        """CREATE TABLE case_details (
            case_id TEXT NOT NULL REFERENCES cases(case_id),
            revision INTEGER NOT NULL,
            details_json TEXT NOT NULL,
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL,
            PRIMARY KEY (case_id, revision))""",
    ), sqlite_only=(
        """CREATE TRIGGER case_details_no_update BEFORE UPDATE ON case_details
           BEGIN SELECT RAISE(ABORT, 'workbench: case_details rows cannot be changed'); END""",
        """CREATE TRIGGER case_details_no_delete BEFORE DELETE ON case_details
           BEGIN SELECT RAISE(ABORT, 'workbench: case_details rows cannot be changed'); END""",
        """CREATE TRIGGER case_details_no_replace BEFORE INSERT ON case_details
           WHEN EXISTS (SELECT 1 FROM case_details WHERE case_id = NEW.case_id AND revision = NEW.revision)
           BEGIN SELECT RAISE(ABORT, 'workbench: case_details rows cannot be changed'); END""",
    ), postgresql_only=(
        """CREATE TRIGGER case_details_append_only BEFORE UPDATE OR DELETE ON case_details
           FOR EACH ROW EXECUTE FUNCTION workbench_refuse_change()""",
        """CREATE TRIGGER case_details_no_truncate BEFORE TRUNCATE ON case_details
           FOR EACH STATEMENT EXECUTE FUNCTION workbench_refuse_truncate()""",
    )),
    Migration(7, "cases keep their CNV/SV VCFs (checksummed like the small-variant VCFs) apart from them", (
        "ALTER TABLE cases ADD COLUMN sv_vcf_files_json TEXT NOT NULL DEFAULT '[]'",
    )),
)

LATEST_VERSION = MIGRATIONS[-1].version
# The migration that chained the audit log: a store applying it vouches for the entries and signed
# versions from before (workbench.store.audit.seal_earlier). Keep in step if migrations are renumbered.
AUDIT_CHAIN_VERSION = 4

_SERIAL = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT",
           "postgresql": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}


def migrate(connection: Connection, upto: int | None = None) -> list[int]:
    """Apply pending migrations inside the caller's transaction; return the versions applied.

    The caller holds the write lock (SQLite ``BEGIN IMMEDIATE``; on PostgreSQL an advisory lock
    taken here), so two processes opening a new database at once do not both migrate it.
    """
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(726354)"))
    connection.execute(text("CREATE TABLE IF NOT EXISTS schema_version ("
                            "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"))
    current = connection.execute(text("SELECT MAX(version) FROM schema_version")).scalar() or 0
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current or (upto is not None and migration.version > upto):
            continue
        specific = migration.sqlite_only if dialect == "sqlite" else migration.postgresql_only
        for statement in migration.statements + specific:
            connection.exec_driver_sql(statement.replace("{serial}", _SERIAL[dialect]))
        connection.execute(text("INSERT INTO schema_version (version, description, applied_at) "
                                "VALUES (:v, :d, :t)"),
                           {"v": migration.version, "d": migration.description,
                            "t": datetime.now(timezone.utc).isoformat()})
        applied.append(migration.version)
    return applied
