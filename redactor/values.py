"""Values the service accepts from outside, bounded so that every backend can store them.

SQLite stores almost anything; PostgreSQL refuses a NUL character in text and a 64-bit number in
an `Integer` column (int4), and a time whose UTC form leaves Python's years 1 to 9999 (a year-1
time east of Greenwich already does) fails in the driver or in Python. A value past these bounds
names nothing the service holds, so it is refused where it comes in (422 with the field's name
and the fix), the same way on both backends, instead of failing in the database. (The service's
PostgreSQL sessions run in UTC, `redactor.store.db`, so what is stored reads back.)
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated

from pydantic import AfterValidator

# Integer columns (row ids, the audit sequence) are 32-bit on PostgreSQL.
MAX_ROW_ID = 2**31 - 1
# No call, request, contract or provision of this service lies before 1900; 9999-12-31 is a
# contract end that never comes (deadline arithmetic saturates there, redactor.retention).
FIRST_YEAR, LAST_YEAR = 1900, 9999


def refuse_nul(value: str) -> str:
    """`value`, unless it holds a NUL character (no text the service stores has one)."""
    if "\x00" in value:
        raise ValueError("contains a NUL character (U+0000), which no text here may hold; remove it")
    return value


def bounded_instant(value: datetime) -> datetime:
    """`value`, if it has a time zone and its UTC form lies within FIRST_YEAR..LAST_YEAR."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a time zone, e.g. 2026-11-27T09:00:00+09:00")
    try:
        year = value.astimezone(timezone.utc).year
    except OverflowError:  # year 1 east of UTC, year 9999 west of it: no year at all in UTC
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"must lie between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def bounded_day(value: date) -> date:
    """`value`, if it lies within FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must lie between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]
Instant = Annotated[datetime, AfterValidator(bounded_instant)]
Day = Annotated[date, AfterValidator(bounded_day)]
