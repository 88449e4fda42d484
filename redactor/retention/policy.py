"""The retention policy: how long each artifact of a call is kept, and from when.

    {
      "limits": {"raw_audio": "P30D", "redacted_transcript": "P365D", "redacted_audio": "P90D"},
      "count_from": "call_start",                      # or "contract_end"
      "operator_groups": [{"group": "collections", "operator_ids": ["op-17", "op-18"]}],
      "overrides": [
        {"operator_group": "collections", "limits": {"raw_audio": "P7D"}},
        {"direction": "outbound", "count_from": "contract_end"}
      ]
    }

Durations are ISO 8601 (`P30D`, `PT12H`) or seconds. Overrides are checked in order; for each
artifact (and for `count_from`) the first matching override that sets it wins, else the default.
Limits are evaluated against the policy in force at purge time, so shortening a limit applies to
existing calls at the next purge. One row in `retention_policy`; every change is audited with
the old and new policy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_serializer,
                      field_validator, model_validator)
from sqlalchemy.orm import Session

from redactor import audit
from redactor.errors import RetentionPolicyError
from redactor.store.retention_tables import RetentionPolicyRow
from redactor.store.single_row import get_single_row, lock_single_row, save_single_row

_GROUP_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"
# The longest limit a policy may set. Retention is about deleting: nothing a call center records
# needs keeping longer than this, and a bound keeps every deadline a representable date.
MAX_LIMIT = timedelta(days=36525)  # 100 years


class Artifact(StrEnum):
    """What a call leaves behind, each with its own limit."""

    RAW_AUDIO = "raw_audio"
    REDACTED_TRANSCRIPT = "redacted_transcript"
    REDACTED_AUDIO = "redacted_audio"


ARTIFACTS: tuple[str, ...] = tuple(a.value for a in Artifact)
CountFrom = Literal["call_start", "contract_end"]


def iso_duration(value: timedelta) -> str:
    """ISO 8601 in days and time only (`P365D`, `P1DT2H`): no years or months, which vary."""
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    return f"P{days}D" + (f"T{time}" if time else "") if days or not time else f"PT{time}"


def _bounded(value: timedelta | None, info: ValidationInfo) -> timedelta | None:
    if value is None:
        return None
    if value < timedelta(seconds=1):
        raise ValueError("a retention limit must be at least one second, e.g. P30D")
    if value > MAX_LIMIT:
        if info.context and info.context.get("stored"):
            # Saved before limits were bounded: read it as the longest limit allowed instead of
            # refusing the stored policy (which would leave no policy to purge by or replace).
            return MAX_LIMIT
        raise ValueError(f"a retention limit must be at most {iso_duration(MAX_LIMIT)} (100 years)")
    return value


class Limits(BaseModel):
    """Limits per artifact; in the default all three are required, in overrides any subset."""

    model_config = ConfigDict(extra="forbid")

    raw_audio: timedelta | None = None
    redacted_transcript: timedelta | None = None
    redacted_audio: timedelta | None = None

    _check = field_validator("raw_audio", "redacted_transcript", "redacted_audio")(_bounded)

    @field_serializer("raw_audio", "redacted_transcript", "redacted_audio")
    def _iso(self, value: timedelta | None) -> str | None:
        return None if value is None else iso_duration(value)


class OperatorGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group: str = Field(..., pattern=_GROUP_PATTERN)
    operator_ids: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=10000)


class Override(BaseModel):
    """Applies to calls of one operator group or one direction (or both, when both are given)."""

    model_config = ConfigDict(extra="forbid")

    operator_group: str | None = Field(None, pattern=_GROUP_PATTERN)
    direction: Literal["inbound", "outbound"] | None = None
    limits: Limits = Field(default_factory=Limits)
    count_from: CountFrom | None = None

    @model_validator(mode="after")
    def _has_a_match(self) -> Override:
        if self.operator_group is None and self.direction is None:
            raise ValueError("an override needs operator_group or direction")
        return self


class RetentionPolicy(BaseModel):
    """The whole policy, as `GET/PUT /v1/retention-policy` read and write it."""

    model_config = ConfigDict(extra="forbid")

    limits: Limits = Field(default_factory=lambda: Limits(
        raw_audio=timedelta(days=30), redacted_transcript=timedelta(days=365),
        redacted_audio=timedelta(days=90)))
    count_from: CountFrom = "call_start"
    operator_groups: list[OperatorGroup] = Field(default_factory=list, max_length=200)
    overrides: list[Override] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> RetentionPolicy:
        missing = [a for a in ARTIFACTS if getattr(self.limits, a) is None]
        if missing:
            raise ValueError(f"limits needs a duration for {', '.join(missing)} (e.g. P30D)")
        names = [g.group for g in self.operator_groups]
        if len(names) != len(set(names)):
            raise ValueError("operator_groups has the same group twice")
        for override in self.overrides:
            if override.operator_group is not None and override.operator_group not in names:
                raise ValueError(f"override names operator_group {override.operator_group!r}, which "
                                 "operator_groups does not define; add it there first")
        return self

    def resolve(self, *, operator_id: str, direction: str) -> ResolvedRule:
        """The limits and anchor that apply to a call of `operator_id` in `direction`."""
        groups = {g.group for g in self.operator_groups if operator_id in g.operator_ids}
        limits = {a: getattr(self.limits, a) for a in ARTIFACTS}
        chosen: set[str] = set()
        count_from, count_from_chosen = self.count_from, False
        for override in self.overrides:
            if override.operator_group is not None and override.operator_group not in groups:
                continue
            if override.direction is not None and override.direction != direction:
                continue
            for artifact in ARTIFACTS:
                value = getattr(override.limits, artifact)
                if value is not None and artifact not in chosen:
                    limits[artifact] = value
                    chosen.add(artifact)
            if override.count_from is not None and not count_from_chosen:
                count_from, count_from_chosen = override.count_from, True
        return ResolvedRule(limits=limits, count_from=count_from)

    def shortest_limit(self) -> timedelta:
        """No artifact of any call can expire before this much time after the call started."""
        values = [getattr(self.limits, a) for a in ARTIFACTS]
        values += [getattr(o.limits, a) for o in self.overrides for a in ARTIFACTS]
        return min(v for v in values if v is not None)

    def audit_form(self) -> dict:
        """The policy for the audit log (durations as ISO 8601 days/time), nothing personal."""
        return json.loads(self.model_dump_json())


@dataclass(frozen=True)
class ResolvedRule:
    limits: dict[str, timedelta]
    count_from: str


DEFAULT_POLICY = RetentionPolicy()


def get_policy(session: Session) -> RetentionPolicy:
    """The policy in force (the defaults until one is saved)."""
    row = get_single_row(session, RetentionPolicyRow)
    if row is None:
        return DEFAULT_POLICY
    return RetentionPolicy.model_validate_json(row.policy_json, context={"stored": True})


def parse_policy(document: dict) -> RetentionPolicy:
    """Validate a policy document; RetentionPolicyError names the bad fields (no values)."""
    try:
        return RetentionPolicy.model_validate(document)
    except ValidationError as error:
        parts = []
        for item in error.errors(include_input=False)[:5]:
            where = ".".join(str(p) for p in item["loc"]) or "policy"
            parts.append(f"{where}: {item['msg']}")
        raise RetentionPolicyError("; ".join(parts)) from None


def set_policy(*, session: Session, policy: RetentionPolicy, actor: audit.Actor) -> RetentionPolicy:
    """Save `policy` (audited with old and new values); the caller commits."""
    lock_single_row(session, RetentionPolicyRow)  # the audited old value is the one replaced
    old = get_policy(session)
    save_single_row(session, RetentionPolicyRow, policy_json=policy.model_dump_json(),
                    updated_by_key_id=actor.key_id)
    audit.record(session, type="retention_policy.changed", actor=actor,
                 details={"old": old.audit_form(), "new": policy.audit_form()})
    return policy
