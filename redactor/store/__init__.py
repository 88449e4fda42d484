"""Storage: SQLAlchemy 2 models, Alembic migrations shipped in the package, CRUD functions.

    from redactor.store import open_database
    db = open_database(settings.sqlalchemy_url); db.upgrade()
    with db.session() as session: ...; session.commit()
"""

from redactor.store.calls import (CallFilter, CallPage, calls_of_caller, get_call, get_call_by_external_id, list_calls)
from redactor.store.db import Database, prepare_sqlite_file, open_database, upgrade_database
from redactor.store.models import (IN_PROGRESS_STATUSES, ApiKey, AuditEvent, Base, Call, CallStatus, ConsentPolicy,
                                   Finding, Job, Transcript, TranscriptTurn)
# Imported here, with the package, so that Base.metadata (Alembic's target, the orphan sweep's
# list of blob columns) lists every table whichever store module is imported first.
from redactor.store.auth_failures import AuthFailure
from redactor.store.privacy_cases import OutsourcingContractor, PrivacyCase, ThirdPartyProvision
from redactor.store.retention_tables import (ContractEnd, LegalHold, PendingBlobDeletion, PrivacyRequest,
                                             RetentionPolicyRow)
from redactor.store.search import SearchHit, search_turns
from redactor.store.transcripts import (FindingRecord, TurnRecord, delete_transcript, entity_types_of,
                                        get_transcript, save_transcript)
from redactor.store.types import UtcDateTime, utcnow
from redactor.store.ui_sessions import UiSession, UiSessionRow, UiSessionStore

__all__ = [
    "ApiKey", "AuditEvent", "AuthFailure", "Base", "Call", "CallFilter", "CallPage", "CallStatus", "ConsentPolicy",
    "ContractEnd", "Database", "Finding", "FindingRecord", "IN_PROGRESS_STATUSES",
    "Job", "LegalHold", "OutsourcingContractor", "PendingBlobDeletion", "PrivacyCase",
    "PrivacyRequest", "RetentionPolicyRow", "SearchHit", "ThirdPartyProvision", "Transcript",
    "TranscriptTurn", "TurnRecord", "UiSession", "UiSessionRow", "UiSessionStore", "UtcDateTime", "calls_of_caller", "delete_transcript",
    "entity_types_of", "get_call", "get_call_by_external_id", "get_transcript", "list_calls",
    "open_database", "prepare_sqlite_file", "save_transcript", "search_turns", "upgrade_database",
    "utcnow",
]
