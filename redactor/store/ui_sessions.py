"""Browser sessions of the review workspace, in the database: any API replica serves any browser.

A row holds sha256(session id) -> the API key id and role it was opened with, its CSRF token and
its times: never the session id itself (whoever reads the table cannot sign in with a row) and
never the API key. Sessions end `idle` after their last use or `lifetime` after sign-in; expired
rows are refused when read and deleted at every sign-in.

The last-use time is written at most once a minute per session (`TOUCH_INTERVAL`): the idle
timeout counts in minutes, and a write per page view would put every UI request on the
database's write path.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from redactor.store.db import Database
from redactor.store.models import Base
from redactor.store.types import UtcDateTime

TOUCH_INTERVAL = timedelta(minutes=1)


class UiSessionRow(Base):
    __tablename__ = "ui_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(32))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


@dataclass(frozen=True)
class UiSession:
    """One signed-in browser: the key it was opened with, never the key's secret."""

    key_id: str
    role: str
    csrf_token: str
    created_at: datetime
    last_seen: datetime


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class UiSessionStore:
    """Sessions expiring after `idle` without use or `lifetime` in all."""

    db: Database
    idle: timedelta
    lifetime: timedelta

    def create(self, *, key_id: str, role: str, now: datetime) -> tuple[str, UiSession]:
        """A fresh session (a new id at every sign-in: no session fixation); its id, shown once."""
        session_id = secrets.token_urlsafe(32)
        row = UiSessionRow(id_sha256=session_digest(session_id), key_id=key_id, role=role,
                           csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen=now)
        with self.db.session() as session:
            session.execute(delete(UiSessionRow).where(self._expired(now)))
            session.add(row)
            session.commit()
            return session_id, _session_of(row)

    def get(self, session_id: str, *, now: datetime) -> UiSession | None:
        """The live session for `session_id` (its idle clock restarts), or None."""
        digest = session_digest(session_id)
        with self.db.read_session() as session:
            row = session.get(UiSessionRow, digest)
            found = None if row is None else _session_of(row)
        if found is None:
            return None
        if now - found.last_seen > self.idle or now - found.created_at > self.lifetime:
            self.delete(session_id)
            return None
        if now - found.last_seen >= TOUCH_INTERVAL:
            with self.db.session() as session:
                session.execute(update(UiSessionRow).where(UiSessionRow.id_sha256 == digest).values(last_seen=now))
                session.commit()
        return UiSession(key_id=found.key_id, role=found.role, csrf_token=found.csrf_token,
                         created_at=found.created_at, last_seen=now)

    def delete(self, session_id: str) -> None:
        with self.db.session() as session:
            session.execute(delete(UiSessionRow).where(UiSessionRow.id_sha256 == session_digest(session_id)))
            session.commit()

    def delete_for_key(self, key_id: str) -> int:
        """End every session opened with `key_id` (e.g. when the key turns out revoked)."""
        with self.db.session() as session:
            deleted = session.execute(delete(UiSessionRow).where(UiSessionRow.key_id == key_id)).rowcount
            session.commit()
        return deleted

    def count(self) -> int:
        with self.db.read_session() as session:
            return session.execute(select(func.count()).select_from(UiSessionRow)).scalar_one()

    def _expired(self, now: datetime):
        return or_(UiSessionRow.last_seen < now - self.idle, UiSessionRow.created_at < now - self.lifetime)


def _session_of(row: UiSessionRow) -> UiSession:
    return UiSession(key_id=row.key_id, role=row.role, csrf_token=row.csrf_token, created_at=row.created_at,
                     last_seen=row.last_seen)
