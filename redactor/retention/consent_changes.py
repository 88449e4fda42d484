"""Consent changes after upload (`POST /v1/calls/{id}/consent`).

The new state is recorded and audited with the old one. A change to a state that takes the
permission away (withdrawn, declined; unless the consent policy explicitly allows it) erases
the call's raw audio, redacted transcript and redacted audio at once, cancels its unfinished
job and marks the call `consent_blocked` / `consent_withdrawn`. A call under a legal hold keeps
its artifacts until the hold is released; the next purge then erases them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from redactor import audit, consent
from redactor.blobstore import BlobStore
from redactor.errors import ConsentChangeError
from redactor.jobs.queue import JobQueue
from redactor.retention import erase
from redactor.retention.erase import EraseReason
from redactor.retention.holds import active_hold
from redactor.retention.purge import artifacts_of, consent_erases
from redactor.store.calls import lock_call
from redactor.store.db import Database
from redactor.store.models import CallStatus


@dataclass(frozen=True)
class ConsentChanged:
    call_id: str
    old_state: str
    new_state: str
    erased: list[str] = field(default_factory=list)  # artifacts erased now
    held: bool = False  # erasure postponed by a legal hold


def change_consent(*, db: Database, blobs: BlobStore, queue: JobQueue, call_id: str, state: str, method: str | None,
                   recorded_at: datetime | None, actor: audit.Actor, now: datetime) -> ConsentChanged:
    """Record a consent change; erase the call's artifacts when it withdraws permission."""
    if state not in consent.CONSENT_STATES:
        raise ConsentChangeError(422, "consent_state_invalid",
                                 f"unknown consent state; valid: {', '.join(consent.CONSENT_STATES)}")
    with db.session() as session:
        call = lock_call(session=session, call_id=call_id)  # a hold placed meanwhile is seen
        if call is None:
            raise ConsentChangeError(404, "call_not_found", f"no call {call_id}; list calls with GET /v1/calls")
        old = call.consent_state
        call.consent_state, call.consent_method = state, method
        call.consent_recorded_at = recorded_at or now
        erasing = consent_erases(state, consent.get_allowed_states(session))
        held = erasing and active_hold(session, call_id) is not None
        audit.record(session, type="consent.changed", actor=actor, call_id=call_id, now=now,
                     details={"old_state": old, "new_state": state, "erases": erasing, "held": held})
        keys: list[str] = []
        erased: list[str] = []
        if erasing and not held:
            erased = artifacts_of(session, call)
            keys = erase.erase_artifacts(session, call, erased, reason=EraseReason.CONSENT_WITHDRAWN,
                                         actor=actor, now=now)
            call.status, call.status_reason = CallStatus.CONSENT_BLOCKED, EraseReason.CONSENT_WITHDRAWN.value
            erase.cancel_jobs(session, queue, call_id, EraseReason.CONSENT_WITHDRAWN)
        session.commit()
    if erased:
        erase.complete_erasure(db, blobs, actor=actor, keys=keys, now=now)
    return ConsentChanged(call_id=call_id, old_state=old, new_state=state, erased=erased, held=held)

