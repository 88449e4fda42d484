"""Full-text search over redacted transcript turns.

Both backends index trigrams, which suits Japanese (no spaces between words: any substring of 3+
characters is found through the index):
- SQLite: an FTS5 table with the trigram tokenizer (rowid = transcript_turns.id), kept in step
  by `index_turns` / `unindex_turns`; shorter queries fall back to LIKE over transcript_turns;
- PostgreSQL: a pg_trgm GIN index on transcript_turns.text (migration 0006), which the planner
  uses for the ILIKE below by itself; a query under 3 characters has no trigram and scans.
Other databases get the ILIKE alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, select, text
from sqlalchemy.orm import Session

from redactor.errors import SearchQueryError
from redactor.store.models import TranscriptTurn

MIN_TRIGRAM_CHARS = 3


@dataclass(frozen=True)
class SearchHit:
    call_id: str
    turn: int
    speaker: str
    start: float
    end: float
    text: str  # redacted turn text
    highlights: list[tuple[int, int]]  # [start, end) of each match in `text`


def _uses_fts(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_turns(session: Session, turns: Sequence[tuple[int, str]]) -> None:
    """Add (turn id, redacted text) pairs to the index."""
    if _uses_fts(session) and turns:
        session.execute(text("INSERT INTO transcript_fts(rowid, text) VALUES (:id, :text)"),
                        [{"id": turn_id, "text": body} for turn_id, body in turns])


def unindex_turns(session: Session, turn_ids: Sequence[int]) -> None:
    if _uses_fts(session) and turn_ids:
        session.execute(text("DELETE FROM transcript_fts WHERE rowid IN :ids")
                        .bindparams(bindparam("ids", expanding=True)), {"ids": list(turn_ids)})


def search_turns(session: Session, query: str, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
    """Turns whose redacted text contains `query` (case-insensitive), newest calls first."""
    query = query.strip()
    if not query:
        return []
    if "\x00" in query:  # FTS5 ends a string at NUL and fails; no transcript holds one anyway
        raise SearchQueryError("the search text contains a NUL character; search for printable text")
    if _uses_fts(session) and len(query) >= MIN_TRIGRAM_CHARS:
        phrase = '"' + query.replace('"', '""') + '"'
        matching = (text("SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH :q")
                    .bindparams(q=phrase).columns(rowid=Integer))
        condition = TranscriptTurn.id.in_(matching)
    else:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        condition = TranscriptTurn.text.ilike(f"%{escaped}%", escape="\\")
    rows = session.execute(
        select(TranscriptTurn).where(condition)
        .order_by(TranscriptTurn.id.desc()).limit(limit).offset(offset)
    ).scalars()
    return [SearchHit(call_id=r.call_id, turn=r.idx, speaker=r.speaker, start=r.start, end=r.end,
                      text=r.text, highlights=_highlights(r.text, query)) for r in rows]


def _highlights(body: str, query: str) -> list[tuple[int, int]]:
    spans, lowered, needle = [], body.casefold(), query.casefold()
    if len(lowered) != len(body):  # casefold changed lengths (e.g. ß): fall back to exact case
        lowered, needle = body, query
    position = lowered.find(needle)
    while position >= 0 and needle:
        spans.append((position, position + len(needle)))
        position = lowered.find(needle, position + len(needle))
    return spans
