"""Settings tables that hold one row (id 1), absent until the first save: the consent policy
and the retention policy."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

SINGLE_ROW_ID = 1

_Row = TypeVar("_Row")


def get_single_row(session: Session, model: type[_Row]) -> _Row | None:
    """The one row of `model`'s table, or None while nothing was saved."""
    return session.get(model, SINGLE_ROW_ID)


def save_single_row(session: Session, model: type[_Row], **values: object) -> None:
    """Write `values` into the one row of `model`'s table, inserting it the first time."""
    row = get_single_row(session, model)
    if row is None:
        session.add(model(id=SINGLE_ROW_ID, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
