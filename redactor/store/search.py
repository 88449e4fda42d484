"""Full-text search over redacted transcript turns.

Both backends index trigrams, which suits Japanese (no spaces between words: any substring of 3+
characters is found through the index):
- SQLite: an FTS5 table with the trigram tokenizer (rowid = transcript_turns.id), kept in step
  by `index_turns` / `unindex_turns`; shorter queries fall back to LIKE over transcript_turns;
- PostgreSQL: a pg_trgm GIN index on transcript_turns.text (migration 0006), which the planner
  uses for the ILIKE below by itself, and for queries under 3 characters (no trigram) a GIN index
  of each turn's 1- and 2-character grams (migration 0011).
Other databases get the ILIKE alone.

Newest first on PostgreSQL: the index finds every matching turn, and a phrase in half of the
calls matches a twelfth of all turns, which a bitmap scan fetches and sorts for the newest 50
(120 ms with 600,000 turns). The planner walks the primary key backwards instead only when its
statistics say the phrase is common, which they often cannot (every turn's text differs) or do
not yet (before ANALYZE). So the newest NEWEST_TURNS_PER_HIT x (offset + limit) turns are read
first, in id order, whatever the statistics say: a phrase that common has its page there and
stops early; a rarer one goes to the plain query, where the index has few turns to fetch. Either
statement alone gives the answer, so the results are the plain query's whichever answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, func, literal, select, text
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import Text

from redactor.errors import SearchQueryError
from redactor.store.models import TranscriptTurn

MIN_TRIGRAM_CHARS = 3
# Search's own database objects, made by migrations outside the ORM models (SQLite's FTS5 tables,
# PostgreSQL's trigram index in 0006 and short-gram index in 0011): schema comparisons skip them.
SEARCH_OBJECT_PREFIXES = ("transcript_fts", "transcript_short_grams")


def is_search_object(name: str | None, type_: str) -> bool:
    """True for a table or index that belongs to search rather than to the models (see above)."""
    return type_ in ("table", "index") and (name or "").startswith(SEARCH_OBJECT_PREFIXES)
# PostgreSQL: a query matching at least 1 in NEWEST_TURNS_PER_HIT of the newest turns is answered
# by reading those in order (5,100 turns for an API page: about 3 ms); a sparser one by the plain
# query. The read stops at MAX_NEWEST_TURNS (about 30 ms of ILIKE on the 2-core development
# machine), so deep pages of common phrases go to the plain query too.
NEWEST_TURNS_PER_HIT = 100
MAX_NEWEST_TURNS = 20_000


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


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


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
        condition = _contains(TranscriptTurn.text, query)
    rows = _newest_turns_first(session, query, limit=limit, offset=offset) if _is_postgresql(session) else None
    if rows is None:
        if _is_postgresql(session) and len(query) < MIN_TRIGRAM_CHARS:
            # No trigram: the short-gram index (0011) holds lower(text)'s 1- and 2-character strings.
            grams = func.redactor_short_grams(TranscriptTurn.text, type_=ARRAY(Text))
            condition = condition & grams.contains(array([func.lower(literal(query, Text))]))
        rows = session.execute(
            select(TranscriptTurn).where(condition)
            .order_by(TranscriptTurn.id.desc()).limit(limit).offset(offset)
        ).scalars().all()
    return [SearchHit(call_id=r.call_id, turn=r.idx, speaker=r.speaker, start=r.start, end=r.end,
                      text=r.text, highlights=_highlights(r.text, query)) for r in rows]


def _newest_turns_first(session: Session, query: str, *, limit: int, offset: int) -> list[TranscriptTurn] | None:
    """The page, if the newest NEWEST_TURNS_PER_HIT x (offset + limit) turns hold all of it;
    None if the index must answer. Every turn read here is newer than any turn left unread, so
    the first offset + limit matches among them are those of the whole table."""
    wanted = offset + limit
    newest = aliased(TranscriptTurn, select(TranscriptTurn).order_by(TranscriptTurn.id.desc())
                     .limit(min(NEWEST_TURNS_PER_HIT * wanted, MAX_NEWEST_TURNS)).subquery())
    rows = session.execute(
        select(newest).where(_contains(newest.text, query))
        .order_by(newest.id.desc()).limit(wanted)
    ).scalars().all()
    return rows[offset:] if len(rows) == wanted else None


def _contains(column, query: str):
    """`column ILIKE '%query%'`, with LIKE's wildcards in `query` taken literally."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _highlights(body: str, query: str) -> list[tuple[int, int]]:
    spans, lowered, needle = [], body.casefold(), query.casefold()
    if len(lowered) != len(body):  # casefold changed lengths (e.g. ß): fall back to exact case
        lowered, needle = body, query
    position = lowered.find(needle)
    while position >= 0 and needle:
        spans.append((position, position + len(needle)))
        position = lowered.find(needle, position + len(needle))
    return spans
