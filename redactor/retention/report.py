"""The retention report: what is held, how old it is, and the oldest of each kind vs its limit.

`GET /v1/retention/report` serves it so the privacy manager can see at a glance that nothing
outlives its limit (`overdue` stays 0 unless a hold keeps it, or a purge has not run yet) and
when the latest purge ran (`last_purge_at`: the server purges at start, then every
Settings.purge_interval_seconds, whether or not the speech models loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor.retention import erase
from redactor.retention.deadlines import call_deadlines
from redactor.retention.holds import held_call_ids
from redactor.retention.policy import ARTIFACTS, get_policy
from redactor.retention.purge import PURGE_RUN_EVENT, calls_with_artifacts, contract_ends_of, present_artifacts
from redactor.store.models import AuditEvent, Call

# (label, upper bound of the call's age); the last bucket has none.
AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("under_1d", timedelta(days=1)),
    ("1d_to_7d", timedelta(days=7)),
    ("7d_to_30d", timedelta(days=30)),
    ("30d_to_90d", timedelta(days=90)),
    ("90d_to_365d", timedelta(days=365)),
    ("over_365d", None),
)


@dataclass(frozen=True)
class OldestArtifact:
    call_id: str
    started_at: datetime
    age_seconds: int
    limit_seconds: int
    count_from: str
    due_at: datetime | None  # None: counts from a contract end not recorded yet
    seconds_until_due: int | None  # negative: overdue
    on_hold: bool


@dataclass
class ArtifactSummary:
    artifact: str
    count: int = 0
    by_age: dict[str, int] = field(default_factory=lambda: {label: 0 for label, _ in AGE_BUCKETS})
    overdue: int = 0  # past the deadline and not on hold: the next purge removes them
    on_hold: int = 0
    waiting_for_contract_end: int = 0
    oldest: OldestArtifact | None = None


@dataclass(frozen=True)
class RetentionReport:
    generated_at: datetime
    artifacts: list[ArtifactSummary]
    active_holds: int
    pending_deletions: int
    last_purge_at: datetime | None = None  # the end of the latest purge (scheduled or on demand)


def _bucket(age: timedelta) -> str:
    for label, bound in AGE_BUCKETS:
        if bound is None or age < bound:
            return label
    return AGE_BUCKETS[-1][0]


def retention_report(session: Session, *, now: datetime) -> RetentionReport:
    """Counts by artifact and age (from the call's start), overdue and held counts, the oldest."""
    policy = get_policy(session)
    held = held_call_ids(session)
    rows = session.execute(calls_with_artifacts().order_by(Call.started_at)).all()
    ends = contract_ends_of(session, {call.caller_hash for call, _, _ in rows if call.caller_hash})
    summaries = {a: ArtifactSummary(a) for a in ARTIFACTS}
    for call, transcript_id, redacted_id in rows:
        present = present_artifacts(call, transcript_id, redacted_id)
        if not present:
            continue
        age = now - call.started_at
        for deadline in call_deadlines(policy, call, present, ends.get(call.caller_hash or "")):
            summary = summaries[deadline.artifact]
            summary.count += 1
            summary.by_age[_bucket(age)] += 1
            on_hold = call.id in held
            summary.on_hold += on_hold
            summary.overdue += deadline.expired(now) and not on_hold
            summary.waiting_for_contract_end += deadline.due_at is None
            if summary.oldest is None:  # rows come oldest first
                summary.oldest = OldestArtifact(
                    call_id=call.id, started_at=call.started_at, age_seconds=int(age.total_seconds()),
                    limit_seconds=int(deadline.limit.total_seconds()), count_from=deadline.count_from,
                    due_at=deadline.due_at, on_hold=on_hold,
                    seconds_until_due=None if deadline.due_at is None
                    else int((deadline.due_at - now).total_seconds()))
    return RetentionReport(generated_at=now, artifacts=[summaries[a] for a in ARTIFACTS],
                           active_holds=len(held), pending_deletions=erase.pending_count(session),
                           last_purge_at=last_purge_at(session))


def last_purge_at(session: Session) -> datetime | None:
    """When the latest purge ran (its audit event), or None if none ever did."""
    latest = session.execute(select(AuditEvent.time).where(AuditEvent.type == PURGE_RUN_EVENT)
                             .order_by(AuditEvent.seq.desc()).limit(1)).scalar_one_or_none()
    return None if latest is None else datetime.fromisoformat(latest)
