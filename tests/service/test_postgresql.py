"""PostgreSQL specifics, on a real server (scripts/postgres-server) whatever --database says: the
trigram index that makes Japanese substring search indexed, and the refusal of a database whose
locale would leave it empty. The rest of the suite runs on PostgreSQL with --database=postgresql."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from redactor.store.db import open_database
from redactor.store.models import Call, TranscriptTurn
from redactor.store.search import search_turns
from redactor.store.transcripts import TurnRecord, delete_transcript, save_transcript


@pytest.fixture
def pg_db(postgres_server, postgres_template):
    from servers import create_database, drop_database

    url = create_database(postgres_server, f"test_{uuid.uuid4().hex}", template=postgres_template)
    db = open_database(url)
    yield db
    db.dispose()
    drop_database(postgres_server, url)


def add_turns(db, *texts: str) -> str:
    call_id = str(uuid.uuid4())
    with db.session() as session:
        session.add(Call(id=call_id, external_id=call_id, started_at=datetime.now(timezone.utc),
                         operator_id="op-1", direction="inbound",
                         channels="mono", consent_state="granted", status="done"))
        session.flush()
        save_transcript(session=session, call_id=call_id, findings=[], language="ja", duration=1.0,
                        turns=[TurnRecord("caller", float(n), n + 0.5, body) for n, body in enumerate(texts)])
        session.commit()
    return call_id


def plan_of(db, query: str) -> str:
    """The plan PostgreSQL picks for the search's ILIKE when it may not scan the table whole."""
    escaped = query.replace("%", "\\%").replace("_", "\\_")
    with db.engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        rows = connection.execute(text("EXPLAIN SELECT id FROM transcript_turns WHERE text ILIKE :pattern"),
                                  {"pattern": f"%{escaped}%"})
        return "\n".join(row[0] for row in rows)


def test_japanese_search_uses_the_trigram_index(pg_db):
    add_turns(pg_db, "住所変更をお願いします。", "電話番号は<PHONE_NUMBER>です。")
    assert "transcript_fts_trgm" in plan_of(pg_db, "住所変更")
    with pg_db.read_session() as session:
        assert [hit.text for hit in search_turns(session, "住所変更")] == ["住所変更をお願いします。"]
        assert [hit.highlights for hit in search_turns(session, "番号")] == [[(2, 4)]]  # under 3: no trigram


def test_search_index_follows_deleted_turns(pg_db):
    call_id = add_turns(pg_db, "解約の手続きについて")
    with pg_db.session() as session:
        delete_transcript(session=session, call_id=call_id)
        session.commit()
    with pg_db.read_session() as session:
        assert search_turns(session, "解約の手続き") == []
        assert session.query(TranscriptTurn).count() == 0


def test_a_c_locale_database_is_refused_with_the_fix(postgres_server):
    from servers import drop_database
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"c_locale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name} LOCALE 'C' ENCODING 'UTF8' TEMPLATE template0"))
    admin.dispose()
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    db = open_database(url)
    try:
        with pytest.raises(RuntimeError, match=r"LC_CTYPE C.*LOCALE 'C.UTF-8'"):
            db.upgrade()
    finally:
        db.dispose()
        drop_database(postgres_server, url)
