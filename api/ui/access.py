"""The privacy page's access section: who minted keys that can read raw audio, and failed sign-ins.

Both come from the audit log, which holds counts and key ids only (api.auth_throttle,
redactor.api_keys).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth_throttle import AUDIT_EVENT, FailureCounts
from redactor.api_keys import RAW_AUDIO_ROLES
from redactor.store.models import ApiKey, AuditEvent

FAILURE_DAYS = 7
RECENT_MINTS = 20


@dataclass(frozen=True)
class KeyMint:
    time: str
    key_id: str
    actor_role: str
    actor_key_id: str | None
    active: bool


@dataclass(frozen=True)
class AccessOverview:
    mints: list[KeyMint]  # newest first: keys created that can read raw audio
    failures: dict[str, int]  # FailureCounts.as_details() summed over the last FAILURE_DAYS days


def access_overview(session: Session, *, now: datetime) -> AccessOverview:
    since = (now - timedelta(days=FAILURE_DAYS)).strftime("%Y-%m-%dT%H:%M:%S")  # audit times are ISO, UTC
    failures = FailureCounts().as_details()
    for details in session.execute(select(AuditEvent.details).where(AuditEvent.type == AUDIT_EVENT,
                                                                    AuditEvent.time >= since)).scalars():
        for name, count in json.loads(details).items():
            failures[name] = failures.get(name, 0) + count
    mints = []
    created = session.execute(select(AuditEvent).where(AuditEvent.type == "api_key.created")
                              .order_by(AuditEvent.seq.desc())).scalars()
    for event in created:
        details = json.loads(event.details)
        if details.get("role") in RAW_AUDIO_ROLES:
            key = session.get(ApiKey, details.get("key_id"))
            mints.append(KeyMint(time=event.time, key_id=details.get("key_id", ""), actor_role=event.actor_role,
                                 actor_key_id=event.actor_key_id, active=key is not None and key.revoked_at is None))
            if len(mints) == RECENT_MINTS:
                break
    return AccessOverview(mints=mints, failures=failures)
