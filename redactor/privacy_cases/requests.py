"""A request made in one call (`POST /v1/privacy-requests`): a case opened and run at once.

An integration that has already verified the requester sends the verification (and, for the
types that carry one, the fee) with the request. The case is opened on the `api` channel with
the requester as the person, verified and, when the fee came with it, marked paid, in one
transaction; the caller then fulfils it (redactor.privacy_cases.fulfilment). A disclosure sent
without its fee stays at `identity_verified` until the fee is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redactor import audit
from redactor.privacy_cases import cases
from redactor.privacy_cases.states import Channel, Requester
from redactor.store.db import Database
from redactor.store.privacy_cases import PrivacyCase


@dataclass(frozen=True)
class FeePaid:
    amount_yen: int
    method: str


def open_verified_case(*, db: Database, type: str, caller_hash: str, verification_method: str,
                       verification_note: str | None, fee: FeePaid | None, fee_yen: int, actor: audit.Actor,
                       now: datetime) -> PrivacyCase:
    """Open, verify and (with `fee`) mark paid a case in one transaction; every step audited."""
    with db.session() as session:
        case = cases.open_case(session, type=type, channel=Channel.API, requester=Requester.PERSON,
                               agent_relationship=None, caller_hash=caller_hash, received_at=now, actor=actor, now=now)
        cases.verify_identity(session, case_id=case.id, method=verification_method, note=verification_note,
                              agent_authority_method=None, actor=actor, now=now)
        if fee is not None:
            cases.record_fee(session, case_id=case.id, amount_yen=fee.amount_yen, method=fee.method, fee_yen=fee_yen,
                             actor=actor, now=now)
        session.commit()
    return case
