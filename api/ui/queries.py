"""Read-only queries the pages need beyond the store's CRUD: filter parsing, filtered search.

Search goes through `redactor.store.search.search_turns` (FTS5 trigram on SQLite) and the call
filters are applied to its hits batch by batch, so a filtered search never scans more than
`MAX_SCANNED_HITS` turns per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.ui.text import JST
from redactor.store.calls import CallFilter
from redactor.store.models import Call, CallStatus
from redactor.store.search import SearchHit, search_turns
from redactor.store.transcripts import entity_type_counts

STATUSES: tuple[str, ...] = tuple(CallStatus)
PAGE_SIZE = 25
SEARCH_BATCH = 200
MAX_SCANNED_HITS = 5000


@dataclass(frozen=True)
class ListForm:
    """The list page's filters as typed values, plus the names of fields that did not parse."""

    q: str = ""
    status: str = ""
    operator: str = ""
    date_from: str = ""
    date_to: str = ""
    entity_type: str = ""
    invalid: tuple[str, ...] = ()
    call_filter: CallFilter = field(default_factory=CallFilter)


def parse_list_form(params, entity_types: tuple[str, ...]) -> ListForm:
    """Read the list page's query parameters; a bad value is ignored and named in `invalid`."""
    invalid = []
    q = (params.get("q") or "").strip()[:200]
    status = params.get("status") or ""
    if status and status not in STATUSES:
        invalid.append("status")
        status = ""
    operator = (params.get("operator") or "").strip()[:100]
    if "\x00" in operator:  # no operator id holds one (redactor.values), and PostgreSQL cannot compare it
        invalid.append("operator")
        operator = ""
    entity_type = params.get("entity_type") or ""
    if entity_type and entity_type not in entity_types:
        invalid.append("entity_type")
        entity_type = ""
    bounds = {}
    for name in ("date_from", "date_to"):
        value = (params.get(name) or "").strip()
        try:
            bounds[name] = date.fromisoformat(value) if value else None
        except ValueError:
            invalid.append(name)
            bounds[name] = None
    # Dates are Japan dates: [from 00:00 JST, to+1 00:00 JST); the last representable date has no
    # next day, and no call can be later, so it sets no upper bound.
    started_from = datetime.combine(bounds["date_from"], time(), JST) if bounds["date_from"] else None
    started_to = (datetime.combine(bounds["date_to"] + timedelta(days=1), time(), JST)
                  if bounds["date_to"] and bounds["date_to"] < date.max else None)
    call_filter = CallFilter(status=status or None, operator_id=operator or None, started_from=started_from,
                             started_to=started_to, entity_type=entity_type or None)
    return ListForm(q=q, status=status, operator=operator, entity_type=entity_type,
                    date_from=bounds["date_from"].isoformat() if bounds["date_from"] else "",
                    date_to=bounds["date_to"].isoformat() if bounds["date_to"] else "",
                    invalid=tuple(invalid), call_filter=call_filter)


def operator_ids(session: Session, limit: int = 500) -> list[str]:
    """Operator ids seen in calls, for the filter's suggestions."""
    return list(session.execute(select(Call.operator_id).distinct().order_by(Call.operator_id).limit(limit)).scalars())


@dataclass(frozen=True)
class SearchPage:
    hits: list[tuple[SearchHit, Call]]
    next_offset: int | None


def search_page(session: Session, query: str, call_filter: CallFilter, *, offset: int = 0,
                limit: int = PAGE_SIZE) -> SearchPage:
    """Up to `limit` hits whose call passes `call_filter`, from hit number `offset` on."""
    page: list[tuple[SearchHit, Call]] = []
    position = offset
    while position - offset < MAX_SCANNED_HITS:
        batch = search_turns(session, query, limit=SEARCH_BATCH, offset=position)
        if not batch:
            return SearchPage(page, None)
        calls = {c.id: c for c in session.execute(select(Call).where(Call.id.in_({h.call_id for h in batch}))).scalars()}
        types = entity_type_counts(session=session, call_ids=list(calls)) if call_filter.entity_type else {}
        for index, hit in enumerate(batch):
            call = calls.get(hit.call_id)
            if call is not None and _passes(call, types.get(call.id, {}), call_filter):
                page.append((hit, call))
                if len(page) == limit:
                    following = position + index + 1
                    more = index + 1 < len(batch) or len(batch) == SEARCH_BATCH
                    return SearchPage(page, following if more else None)
        position += len(batch)
        if len(batch) < SEARCH_BATCH:
            return SearchPage(page, None)
    return SearchPage(page, position)  # scanned enough for one page; let the user go on


def _passes(call: Call, types: dict[str, int], f: CallFilter) -> bool:
    if f.status and call.status != f.status:
        return False
    if f.operator_id and call.operator_id != f.operator_id:
        return False
    if f.started_from and call.started_at < f.started_from:
        return False
    if f.started_to and call.started_at >= f.started_to:
        return False
    return not (f.entity_type and f.entity_type not in types)
