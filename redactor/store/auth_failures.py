"""Failed authentications per client, shared by every API process (`api.auth_throttle` reads them).

A count in one process's memory let each API replica grant its own allowance of guesses; this
table is the one count all of them see. A row is one failure: which client (a keyed digest of its
address, never the address), over which channel, when. Rows older than the throttle's window
decide nothing and are pruned as failures come in, so the table holds at most the failures of one
window (bounded by what clients can send in it, whatever the number of addresses).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from redactor.store.models import Base
from redactor.store.types import UtcDateTime


class AuthFailure(Base):
    __tablename__ = "auth_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_digest: Mapped[str] = mapped_column(String(64))  # HMAC of the client address
    channel: Mapped[str] = mapped_column(String(8))  # "api" or "ui"
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    __table_args__ = (Index("ix_auth_failures_client_time", "client_digest", "failed_at"),)


def record_failure(*, session: Session, client_digest: str, channel: str, at: datetime, since: datetime) -> int:
    """Add a failure at `at`; return how many failures the client now has after `since`."""
    session.add(AuthFailure(client_digest=client_digest, channel=channel, failed_at=at))
    session.flush()
    return session.execute(select(func.count()).select_from(AuthFailure)
                           .where(AuthFailure.client_digest == client_digest, AuthFailure.failed_at > since)
                           ).scalar_one()


def latest_failures(*, session: Session, client_digest: str, since: datetime, limit: int) -> list[datetime]:
    """When the client's last `limit` failures after `since` happened, oldest first."""
    times = session.execute(select(AuthFailure.failed_at)
                            .where(AuthFailure.client_digest == client_digest, AuthFailure.failed_at > since)
                            .order_by(AuthFailure.failed_at.desc()).limit(limit)).scalars()
    return sorted(times)


def prune_failures(*, session: Session, until: datetime) -> int:
    """Remove the failures at or before `until` (outside every window still open); return how many."""
    return session.execute(delete(AuthFailure).where(AuthFailure.failed_at <= until)).rowcount
