"""The tables of data-subject request cases, the third-party provision ledger and contractors.

What is stored, and what is deliberately not:
- `privacy_cases`: one request as the privacy policy runs it (redactor.privacy_cases). The caller
  appears only as the keyed caller hash; the requester only as "person" or "agent" and the
  agent's relationship code, never a name or address (the form is mailed from outside the
  service). The one free text, `explanation` (why disclosure was withheld), stays in this
  erasable record and never reaches the audit log.
- `third_party_provisions`: the APPI record of each provision of personal data to a third party
  (recipient, date, calls and data categories, legal basis and its reference), kept for the
  configured period; callers again only as the keyed hash.
- `outsourcing_contractors` (委託先): companies that process data under contract, with the
  contract dates; a provision can name one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redactor.store.models import Base
from redactor.store.types import UtcDateTime, utcnow


class PrivacyCase(Base):
    """A data-subject request and every step taken on it (one column group per step)."""

    __tablename__ = "privacy_cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))  # redactor.privacy_cases.states.CaseType
    channel: Mapped[str] = mapped_column(String(16))  # email | post | phone | web_api
    requester: Mapped[str] = mapped_column(String(16))  # person | agent
    agent_relationship: Mapped[str | None] = mapped_column(String(32))
    # Forgotten (NULL), with the note and explanation, once a deletion case erased the caller's data.
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(24), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by_key_id: Mapped[str | None] = mapped_column(String(32))

    form_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    form_sent_via: Mapped[str | None] = mapped_column(String(16))
    form_sent_by_key_id: Mapped[str | None] = mapped_column(String(32))

    identity_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    identity_method: Mapped[str | None] = mapped_column(String(32))
    identity_note: Mapped[str | None] = mapped_column(String(200))
    agent_authority_method: Mapped[str | None] = mapped_column(String(32))
    identity_verified_by_key_id: Mapped[str | None] = mapped_column(String(32))

    fee_received_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    fee_amount_yen: Mapped[int | None] = mapped_column(Integer)
    fee_method: Mapped[str | None] = mapped_column(String(32))
    fee_recorded_by_key_id: Mapped[str | None] = mapped_column(String(32))

    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(40))  # withhold / reject reason code
    explanation: Mapped[str | None] = mapped_column(Text)  # free text: this record only, never audited
    outcome_json: Mapped[str | None] = mapped_column(Text)  # what fulfilment did: ids and counts
    privacy_request_id: Mapped[str | None] = mapped_column(String(36))  # the disclosure / deletion run
    decided_by_key_id: Mapped[str | None] = mapped_column(String(32))

    notified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    notified_via: Mapped[str | None] = mapped_column(String(16))
    notified_by_key_id: Mapped[str | None] = mapped_column(String(32))

    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_privacy_cases_received", "received_at"),)


class OutsourcingContractor(Base):
    """A contractor (委託先) that processes personal data for the company under contract."""

    __tablename__ = "outsourcing_contractors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))  # a company, not a data subject
    purpose: Mapped[str] = mapped_column(String(200))  # what is outsourced
    contract_start: Mapped[date] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_key_id: Mapped[str | None] = mapped_column(String(32))


class ThirdPartyProvision(Base):
    """One provision of personal data to a third party (APPI's record of provision)."""

    __tablename__ = "third_party_provisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provided_on: Mapped[date] = mapped_column(Date, index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("outsourcing_contractors.id"), index=True)
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    call_ids_json: Mapped[str] = mapped_column(Text, default="[]")
    data_categories_json: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(32))
    basis_reference: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_key_id: Mapped[str | None] = mapped_column(String(32))
