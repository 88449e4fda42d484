"""When each artifact of a call is due: its anchor (call start or contract end) plus its limit.

A contract-end date counts from the end of that day in Japan (00:00 JST the next day: the
contract runs through `ended_on`). A call made after the contract ended counts from the call.
A call whose caller has no recorded contract end is not due while the policy counts from the
contract end (the contract is still running); a call without a caller number counts from its
start, as there is no contract to match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from redactor.retention.policy import ResolvedRule, RetentionPolicy

JST = timezone(timedelta(hours=9), "JST")  # Japan has no daylight saving time
# The latest representable moment: a deadline beyond it is "never" in practice, and saturating
# there keeps every report and purge total (no OverflowError from a far-future call or contract).
END_OF_TIME = datetime.max.replace(tzinfo=timezone.utc)


def later(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, saturating at END_OF_TIME instead of raising OverflowError."""
    try:
        return moment + delta
    except OverflowError:
        return END_OF_TIME


def contract_end_moment(ended_on: date) -> datetime:
    """The moment a contract that ended on `ended_on` stopped: 00:00 JST the next day, in UTC."""
    if ended_on == date.max:
        return END_OF_TIME
    return datetime.combine(ended_on + timedelta(days=1), time(0), JST).astimezone(timezone.utc)


@dataclass(frozen=True)
class Deadline:
    """When one artifact of one call is due for purging."""

    artifact: str
    limit: timedelta
    count_from: str  # call_start | contract_end
    anchor: datetime | None  # None: counts from a contract end not recorded yet
    due_at: datetime | None

    def expired(self, now: datetime) -> bool:
        """Due at `due_at` exactly: present one second before, gone at and after it."""
        return self.due_at is not None and now >= self.due_at


def anchor_of(*, started_at: datetime, caller_hash: str | None, count_from: str,
              contract_end: date | None) -> datetime | None:
    """Where a call's limits count from under `count_from` (see the module docstring)."""
    if count_from == "call_start" or caller_hash is None:
        return started_at
    if contract_end is None:
        return None
    return max(started_at, contract_end_moment(contract_end))


def deadline(*, rule: ResolvedRule, artifact: str, started_at: datetime, caller_hash: str | None,
             contract_end: date | None) -> Deadline:
    anchor = anchor_of(started_at=started_at, caller_hash=caller_hash, count_from=rule.count_from,
                       contract_end=contract_end)
    limit = rule.limits[artifact]
    return Deadline(artifact=artifact, limit=limit, count_from=rule.count_from, anchor=anchor,
                    due_at=None if anchor is None else later(anchor, limit))


def call_deadlines(policy: RetentionPolicy, call, artifacts: list[str], contract_end: date | None) -> list[Deadline]:
    """The deadline of each of `artifacts` of `call` (a `redactor.store.models.Call`)."""
    rule = policy.resolve(operator_id=call.operator_id, direction=call.direction)
    return [deadline(rule=rule, artifact=a, started_at=call.started_at, caller_hash=call.caller_hash,
                     contract_end=contract_end) for a in artifacts]
