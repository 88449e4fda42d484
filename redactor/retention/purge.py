"""Purging expired artifacts: on a schedule (from server start), on demand (CLI, API), with a dry run.

    report = purge_expired_artifacts(db=runtime.db, blobs=runtime.blobs, queue=runtime.queue, now=utcnow())

Each run first finishes deletions a crashed run left half done (see redactor.retention.erase),
then finds every artifact past its deadline under the policy in force now (so shortening a
limit applies to existing calls), skips calls under a legal hold, and erases the rest in
batches of calls per transaction, re-checking hold and deadline inside it. It also erases whatever a call whose
consent was withdrawn still holds (a job that was running during the withdrawal may have
stored something after it), and finally removes orphan blob files (redactor.retention.orphans).
`now` is injected: tests drive a fake clock, never the real one.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from redactor import audit, consent
from redactor.blobstore import BlobStore
from redactor.jobs.queue import JobQueue
from redactor.retention import erase
from redactor.retention.deadlines import call_deadlines
from redactor.retention.erase import EraseReason
from redactor.retention.holds import held_call_ids
from redactor.retention.orphans import find_orphan_blobs, sweep_orphan_blobs
from redactor.retention.policy import Artifact, RetentionPolicy, get_policy
from redactor.store.calls import lock_calls
from redactor.store.db import Database
from redactor.store.models import Call, RedactedAudio, Transcript
from redactor.store.retention_tables import ContractEnd
from redactor.store.types import utcnow

logger = logging.getLogger(__name__)

# Consent states that take the permission to keep a recording away (when the consent policy
# does not explicitly allow them): changing to one erases the call's artifacts.
ERASING_CONSENT_STATES = frozenset({"withdrawn", "declined"})
PURGE_RUN_EVENT = "retention.purge_run"  # audited at the end of every purge that is not a dry run


@dataclass(frozen=True)
class PurgeItem:
    """One artifact of one call that was purged (or would be, in a dry run)."""

    call_id: str
    artifact: str
    reason: str  # retention_limit | consent_withdrawn
    due_at: datetime | None


@dataclass(frozen=True)
class PurgeReport:
    now: datetime
    dry_run: bool
    items: list[PurgeItem] = field(default_factory=list)
    resumed: int = 0  # half-done deletions of an earlier run finished (dry run: waiting)
    held: int = 0  # expired artifacts kept because their call is under a legal hold
    failed: int = 0  # files that could not be deleted now (retried next run)
    orphans: int = 0  # unreferenced blob files removed (dry run: found)

    def counts(self) -> dict[str, int]:
        return dict(Counter(item.artifact for item in self.items))


def consent_erases(state: str, allowed: frozenset[str]) -> bool:
    """Whether a call in consent `state` may keep no artifacts under the consent policy."""
    return state in ERASING_CONSENT_STATES and state not in allowed


@dataclass(frozen=True)
class _Candidate:
    call: Call
    artifacts: list[str]


def calls_with_artifacts() -> Select:
    """Rows (call, its transcript's call_id, its redacted audio's call_id); None where absent."""
    return (select(Call, Transcript.call_id, RedactedAudio.call_id)
            .outerjoin(Transcript, Transcript.call_id == Call.id)
            .outerjoin(RedactedAudio, RedactedAudio.call_id == Call.id))


def present_artifacts(call: Call, transcript_id: str | None, redacted_id: str | None) -> list[str]:
    """The artifacts a row of `calls_with_artifacts()` still has, in ARTIFACTS order."""
    return [str(a) for a, here in ((Artifact.RAW_AUDIO, call.audio_blob_key is not None),
                                   (Artifact.REDACTED_TRANSCRIPT, transcript_id is not None),
                                   (Artifact.REDACTED_AUDIO, redacted_id is not None)) if here]


def artifacts_of(session: Session, call: Call) -> list[str]:
    """The artifacts `call` still has, in ARTIFACTS order."""
    _, transcript_id, redacted_id = session.execute(calls_with_artifacts().where(Call.id == call.id)).one()
    return present_artifacts(call, transcript_id, redacted_id)


def _candidates(session: Session, policy: RetentionPolicy, allowed: frozenset[str], now: datetime,
                call_ids: list[str] | None = None) -> list[_Candidate]:
    """Calls holding any artifact that could be expired now, or whose consent was withdrawn."""
    erasing = sorted(s for s in ERASING_CONSENT_STATES if s not in allowed)
    cutoff = now - policy.shortest_limit()  # no artifact can be due earlier (anchor >= call start)
    query = (
        calls_with_artifacts()
        .where(or_(Call.started_at <= cutoff, Call.consent_state.in_(erasing)))
        .where(or_(Call.audio_blob_key.is_not(None), Transcript.call_id.is_not(None),
                   RedactedAudio.call_id.is_not(None)))
        .order_by(Call.started_at)
    )
    if call_ids is not None:
        query = query.where(Call.id.in_(call_ids))
    return [_Candidate(call, present_artifacts(call, transcript_id, redacted_id))
            for call, transcript_id, redacted_id in session.execute(query).all()]


def contract_ends_of(session: Session, caller_hashes: set[str]) -> dict[str, date]:
    found: dict[str, date] = {}
    hashes = sorted(caller_hashes)
    for start in range(0, len(hashes), 500):
        rows = session.execute(select(ContractEnd.caller_hash, ContractEnd.ended_on)
                               .where(ContractEnd.caller_hash.in_(hashes[start:start + 500])))
        found.update(dict(rows.all()))
    return found


def expired_items(session: Session, *, now: datetime, policy: RetentionPolicy | None = None,
                  calls: list[str] | None = None) -> tuple[list[PurgeItem], int]:
    """(artifacts to purge now, count of expired artifacts kept under a legal hold)."""
    policy = policy or get_policy(session)
    allowed = consent.get_allowed_states(session)
    candidates = _candidates(session, policy, allowed, now, calls)
    held = held_call_ids(session)
    ends = contract_ends_of(session, {c.call.caller_hash for c in candidates if c.call.caller_hash})
    items: list[PurgeItem] = []
    held_count = 0
    for candidate in candidates:
        call = candidate.call
        if consent_erases(call.consent_state, allowed):
            found = [PurgeItem(call.id, a, EraseReason.CONSENT_WITHDRAWN.value, None) for a in candidate.artifacts]
        else:
            deadlines = call_deadlines(policy, call, candidate.artifacts, ends.get(call.caller_hash or ""))
            found = [PurgeItem(call.id, d.artifact, EraseReason.RETENTION_LIMIT.value, d.due_at)
                     for d in deadlines if d.expired(now)]
        if call.id in held:
            held_count += len(found)
        else:
            items.extend(found)
    return items, held_count


def purge_expired_artifacts(*, db: Database, blobs: BlobStore, queue: JobQueue, now: datetime | None = None,
                            dry_run: bool = False, actor: audit.Actor = audit.SYSTEM) -> PurgeReport:
    """Purge (or, with `dry_run`, list) every expired artifact; see the module docstring."""
    now = now or utcnow()
    if dry_run:
        with db.read_session() as session:
            items, held = expired_items(session, now=now)
            waiting = erase.pending_count(session)
        return PurgeReport(now=now, dry_run=True, items=items, resumed=waiting, held=held,
                           orphans=len(find_orphan_blobs(db, blobs)))

    resumed, failed = erase.finish_blob_deletions(db, blobs, actor=actor, now=now)
    with db.read_session() as session:
        planned, _ = expired_items(session, now=now)
    call_ids = list(dict.fromkeys(item.call_id for item in planned))

    done: list[PurgeItem] = []
    keys: list[str] = []
    for start in range(0, len(call_ids), erase.BATCH):
        with db.session() as session:
            # Re-check inside the transaction, the calls locked: a hold or a longer limit may have
            # arrived, and none can arrive now until this batch is erased.
            batch = call_ids[start:start + erase.BATCH]
            lock_calls(session=session, call_ids=batch)
            items, _ = expired_items(session, now=now, calls=batch)
            by_call: dict[str, list[PurgeItem]] = {}
            for item in items:
                by_call.setdefault(item.call_id, []).append(item)
            for call_id, call_items in by_call.items():
                call = session.get(Call, call_id)
                reason = call_items[0].reason
                keys += erase.erase_artifacts(session, call, [i.artifact for i in call_items], reason=reason,
                                              actor=actor, now=now)
                if reason == EraseReason.CONSENT_WITHDRAWN:
                    erase.cancel_jobs(session, queue, call.id, reason)
            session.commit()
        done.extend(items)
    finished, failed_now = (erase.complete_erasure(db, blobs, actor=actor, keys=keys, now=now) if done
                            else (0, 0))
    with db.read_session() as session:
        _, held = expired_items(session, now=now)
    orphans = sweep_orphan_blobs(db, blobs, actor=actor, now=now)
    report = PurgeReport(now=now, dry_run=False, items=done, resumed=resumed, held=held,
                         failed=failed + failed_now, orphans=orphans)
    # Recorded even when nothing was due: the report's `last_purge_at` (and the audit trail)
    # shows that purges do run.
    with db.session() as session:
        audit.record(session, type=PURGE_RUN_EVENT, actor=actor, now=now,
                     details={"purged": report.counts(), "resumed": resumed, "held": held,
                              "failed": report.failed, "orphans_removed": orphans})
        session.commit()
    if done or resumed or report.failed or orphans:
        logger.info("purge: %d artifact(s) purged, %d resumed, %d held, %d failed",
                    len(done), resumed, held, report.failed)
    return report
