"""Persistence of cases, users, curation, report versions and the audit log (SQLite or PostgreSQL).

    store = open_store()                      # WORKBENCH_DATABASE_URL or a SQLite file
    user = store.authenticate("dora", password)
    case = store.create_case(trio, vcf_path, kb.version, user)
    version = store.add_phenotype_term(case.case_id, "HP:0001250", "Seizure", user, case.row_version)
"""
from workbench.store.casestore import (LOCAL_OPERATOR, AuditEntry, Case, CaseStatus, CaseStore, ConflictError,
                                       ImmutableReportError, Note, NotFoundError, PhenotypeEntry, ReportVersion,
                                       StoreError, Tag, TagEntry, Target, VcfFile, default_database_url, file_sha256,
                                       open_store, shared_store)
from workbench.store.accounts import LoginThrottled, ServerBusy, WeakPasswordError
from workbench.store.integrity import Verification
from workbench.store.users import AuthenticationError, Permission, PermissionDenied, Role, User, require

__all__ = ["AuditEntry", "AuthenticationError", "Case", "CaseStatus", "CaseStore", "ConflictError",
           "ImmutableReportError", "LOCAL_OPERATOR", "LoginThrottled", "Note", "NotFoundError", "Permission",
           "PermissionDenied", "PhenotypeEntry", "ReportVersion", "Role", "ServerBusy", "StoreError", "Tag", "TagEntry",
           "Target", "User", "VcfFile", "Verification", "WeakPasswordError", "default_database_url", "file_sha256",
           "open_store", "require", "shared_store"]
