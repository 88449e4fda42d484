"""The consent gate: which consent states allow a recording to be processed.

The policy lives in the database (table `consent_policy`, set by the privacy manager); until one
is saved the default applies: `granted` and `notice_given`. A call whose state is not allowed is
kept as a metadata stub: its audio is never stored and no transcript is made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from redactor import audit
from redactor.errors import ConsentPolicyError
from redactor.store.models import ConsentPolicy
from redactor.store.single_row import get_single_row, lock_single_row, save_single_row


class ConsentState(StrEnum):
    GRANTED = "granted"
    NOTICE_GIVEN = "notice_given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"


CONSENT_STATES: tuple[str, ...] = tuple(state.value for state in ConsentState)
DEFAULT_ALLOWED: frozenset[str] = frozenset({ConsentState.GRANTED, ConsentState.NOTICE_GIVEN})


@dataclass(frozen=True)
class ConsentDecision:
    """Whether a call may be processed, and the reason code recorded either way."""

    allowed: bool
    state: str
    reason: str  # "consent_<state>_allowed" or "consent_<state>_not_allowed"


def get_allowed_states(session: Session) -> frozenset[str]:
    """The states that allow processing now (the default when no policy was saved)."""
    row = get_single_row(session, ConsentPolicy)
    return DEFAULT_ALLOWED if row is None else frozenset(json.loads(row.allowed_states))


def set_allowed_states(*, session: Session, allowed: list[str] | set[str], actor: audit.Actor) -> frozenset[str]:
    """Save a new policy (audited with old and new values); the caller commits."""
    unknown = sorted(set(allowed) - set(CONSENT_STATES))
    if unknown:
        raise ConsentPolicyError(f"unknown consent states {unknown}; valid: {', '.join(CONSENT_STATES)}")
    lock_single_row(session, ConsentPolicy)  # the audited old value is the one replaced
    old = get_allowed_states(session)
    new = frozenset(allowed)
    save_single_row(session, ConsentPolicy, allowed_states=json.dumps(sorted(new)),
                    updated_by_key_id=actor.key_id)
    audit.record(session, type="consent_policy.changed", actor=actor,
                 details={"old_allowed": sorted(old), "new_allowed": sorted(new)})
    return new


def decide(state: str, allowed: frozenset[str]) -> ConsentDecision:
    """Apply the policy to one call's consent state."""
    ok = state in allowed
    return ConsentDecision(allowed=ok, state=state,
                           reason=f"consent_{state}_{'allowed' if ok else 'not_allowed'}")
