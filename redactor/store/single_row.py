"""Settings tables that hold one row (id 1), absent until the first save: the consent policy
and the retention policy.

A change reads the current value (to audit it as the one replaced) and then writes: the table is
locked for the transaction first with `lock_single_row`. A row lock cannot do this before the
first save (there is no row yet), so on PostgreSQL the lock is a transaction-level advisory lock
named after the table; on SQLite a writing session already holds the database's write lock.
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.orm import Session

SINGLE_ROW_ID = 1

_Row = TypeVar("_Row")


def get_single_row(session: Session, model: type[_Row]) -> _Row | None:
    """The one row of `model`'s table, or None while nothing was saved."""
    return session.get(model, SINGLE_ROW_ID)


def lock_single_row(session: Session, model: type[_Row]) -> _Row | None:
    """Lock `model`'s table until the transaction ends (see the module docstring); its row, fresh."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _advisory_key(model.__tablename__)})
    return session.get(model, SINGLE_ROW_ID, populate_existing=True)


def save_single_row(session: Session, model: type[_Row], **values: object) -> None:
    """Write `values` into the one row of `model`'s table, inserting it the first time."""
    row = lock_single_row(session, model)
    if row is None:
        session.add(model(id=SINGLE_ROW_ID, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _advisory_key(table: str) -> int:
    """A stable signed 64-bit advisory lock key for `table`."""
    return int.from_bytes(hashlib.sha256(f"redactor.single_row.{table}".encode()).digest()[:8], "big", signed=True)
