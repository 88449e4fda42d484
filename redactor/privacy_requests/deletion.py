"""Deletion requests: erase every artifact and record of a caller's calls.

For each call of the caller (found by caller hash) that is not under a legal hold, one
transaction schedules its blobs (raw and redacted audio), deletes its redacted transcript,
findings, search entries, jobs, released holds and the call row itself; the caller's recorded
contract end goes too. Then the files are deleted, the request is marked completed, and on
SQLite the search index is merged and the WAL checkpointed so no deleted bytes linger. What
remains is the audit trail (call ids, codes and hashes, no personal data) and the request
record. A crash part-way is finished by the next purge (redactor.retention.erase).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redactor import audit
from redactor.blobstore import BlobStore
from redactor.privacy_requests.records import RequestType, create_request, forget_notes_of_caller
from redactor.retention import erase
from redactor.retention.erase import EraseReason
from redactor.retention.holds import held_call_ids
from redactor.retention.policy import ARTIFACTS
from redactor.store.calls import calls_of_caller
from redactor.store.db import Database
from redactor.store.retention_tables import ContractEnd, PrivacyRequest



@dataclass(frozen=True)
class DeletionResult:
    request_id: str
    status: str  # completed | in_progress (files left for the next purge)
    calls_erased: int
    calls_held: int  # kept: under a legal hold (listed by id for the privacy manager)
    held_call_ids: list[str]


def erase_caller(*, db: Database, blobs: BlobStore, caller_hash: str, verification_method: str,
                 verification_note: str | None, actor: audit.Actor, now: datetime) -> DeletionResult:
    """Erase everything of the caller hashed as `caller_hash` except calls under a legal hold.

    The notes of the caller's earlier requests go too, and this request keeps no note: a note
    naming how the caller proved who they are would be the one thing of theirs left behind.
    """
    del verification_note  # accepted like any request's, deliberately not kept (see above)
    with db.session() as session:
        erase.secure_delete(session)
        calls = calls_of_caller(session=session, caller_hash=caller_hash)
        held = held_call_ids(session)
        kept = [c.id for c in calls if c.id in held]
        forget_notes_of_caller(session, caller_hash)
        request = create_request(session, type=RequestType.DELETION, caller_hash=caller_hash,
                                 verification_method=verification_method, verification_note=None,
                                 calls_found=len(calls), calls_held=len(kept), actor=actor, now=now,
                                 status="in_progress")
        keys: list[str] = []
        for call in calls:
            if call.id in held:
                continue
            keys += erase.erase_artifacts(session, call, list(ARTIFACTS), reason=EraseReason.DELETION_REQUEST,
                                          actor=actor, now=now, privacy_request_id=request.id)
            audit.record(session, type="call.deleted", actor=actor, call_id=call.id, now=now,
                         details={"reason": EraseReason.DELETION_REQUEST.value, "request_id": request.id})
            erase.delete_call_rows(session, call)
        if not kept:
            contract_end = session.get(ContractEnd, caller_hash)
            if contract_end is not None:
                session.delete(contract_end)
        request_id = request.id
        erase.complete_deletion_requests(session, actor=actor, now=now)  # when there are no files
        session.commit()
    erase.complete_erasure(db, blobs, actor=actor, keys=keys, now=now)
    with db.read_session() as session:
        status = session.get(PrivacyRequest, request_id).status
    return DeletionResult(request_id=request_id, status=status, calls_erased=len(calls) - len(kept),
                          calls_held=len(kept), held_call_ids=kept)
