"""Listing, transcripts, search, health and metrics over calls stored through the store's CRUD."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from redactor.store.models import Call
from redactor.store.transcripts import FindingRecord, TurnRecord, delete_transcript, save_transcript

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def add_processed_call(runtime, *, minutes: int, operator: str = "op-1", status: str = "done",
                       turns=None, findings=()) -> str:
    call_id = str(uuid.uuid4())
    with runtime.db.session() as session:
        session.add(Call(id=call_id, external_id=f"ext-{call_id}", started_at=T0 + timedelta(minutes=minutes),
                         operator_id=operator, direction="inbound", channels="mono", consent_state="granted",
                         status=status))
        session.flush()
        if turns is not None:
            save_transcript(session=session, call_id=call_id, turns=turns, findings=list(findings),
                            language="ja", duration=12.0)
        session.commit()
    return call_id


TURNS = [
    TurnRecord("operator", 0.0, 3.0, "お電話ありがとうございます。さくら銀行の<PERSON>でございます。"),
    TurnRecord("caller", 3.5, 6.0, "電話番号は<PHONE_NUMBER>です。住所変更をお願いします。"),
]
FINDINGS = [FindingRecord("PERSON", 0, 21, 23, 0.85), FindingRecord("PHONE_NUMBER", 1, 5, 18, 1.0)]


def test_transcript_has_turns_and_entities_without_values(client, auth):
    runtime = client.app.state.runtime
    call_id = add_processed_call(runtime, minutes=0, turns=TURNS, findings=FINDINGS)
    body = client.get(f"/v1/calls/{call_id}/transcript", headers=auth("qa")).json()
    assert body["call_id"] == call_id
    assert [t["text"] for t in body["turns"]] == [t.text for t in TURNS]
    assert body["entities"] == [{"type": "PERSON", "turn": 0, "start": 21, "end": 23},
                                {"type": "PHONE_NUMBER", "turn": 1, "start": 5, "end": 18}]
    shown = client.get(f"/v1/calls/{call_id}", headers=auth("privacy_manager")).json()
    assert shown["entity_types"] == ["PERSON", "PHONE_NUMBER"]


def test_list_filters_and_cursor_pagination(client, auth):
    runtime = client.app.state.runtime
    ids = [add_processed_call(runtime, minutes=i, operator=f"op-{i % 2}") for i in range(7)]
    with_phone = add_processed_call(runtime, minutes=100, operator="op-x", turns=TURNS, findings=FINDINGS[1:])
    queued = add_processed_call(runtime, minutes=200, operator="op-x", status="queued")

    seen, cursor = [], None
    while True:
        page = client.get("/v1/calls", params={"limit": 3, **({"cursor": cursor} if cursor else {})},
                          headers=auth("qa")).json()
        seen += [c["id"] for c in page["calls"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [queued, with_phone] + ids[::-1]  # newest first, each once

    def listed(**params):
        return [c["id"] for c in client.get("/v1/calls", params=params, headers=auth("privacy_manager")).json()["calls"]]

    assert listed(status="queued") == [queued]
    assert listed(operator_id="op-1") == [ids[5], ids[3], ids[1]]
    assert listed(entity_type="PHONE_NUMBER") == [with_phone]
    assert listed(started_from=(T0 + timedelta(minutes=2)).isoformat(),
                  started_to=(T0 + timedelta(minutes=4)).isoformat()) == [ids[3], ids[2]]
    bad = client.get("/v1/calls", params={"started_from": "2026-11-01T09:00:00"}, headers=auth("qa"))
    assert bad.status_code == 422 and "time zone" in bad.json()["error"]["message"]


@pytest.mark.parametrize("query,expected_turns", [
    ("住所変更", [1]),          # Japanese, >= 3 characters: FTS5 trigram
    ("銀行", [0]),              # 2 characters: LIKE fallback
    ("PHONE_NUMBER", [1]),     # the redaction tags are searchable
    ("phone_number", [1]),     # case-insensitive
    ("存在しない言葉", []),
    ('"', []),                 # FTS syntax characters are quoted, not errors
    ("%", []),
])
def test_search_finds_japanese_substrings(client, auth, query, expected_turns):
    runtime = client.app.state.runtime
    call_id = add_processed_call(runtime, minutes=0, turns=TURNS, findings=FINDINGS)
    response = client.get("/v1/search", params={"q": query}, headers=auth("qa"))
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert [h["turn"] for h in hits] == expected_turns
    for hit in hits:
        assert hit["call_id"] == call_id
        start, end = hit["highlights"][0]
        assert hit["text"][start:end].casefold() == query.casefold()


def test_deleted_transcripts_leave_the_search_index(client, auth):
    runtime = client.app.state.runtime
    call_id = add_processed_call(runtime, minutes=0, turns=TURNS, findings=FINDINGS)
    with runtime.db.session() as session:
        assert delete_transcript(session=session, call_id=call_id)
        session.commit()
    assert client.get("/v1/search", params={"q": "住所変更"}, headers=auth("qa")).json()["hits"] == []


def test_health_ready_and_metrics(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")  # this app runs no worker (an API replica): the database is all it needs
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "checks": {"database": "ok"}}
    metrics = client.get("/metrics").text
    for name in ("redactor_jobs{state=\"queued\"}", "redactor_job_processing_seconds_bucket",
                 "redactor_audio_seconds_processed_total"):
        assert name in metrics


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/v1/calls", "/v1/calls/{call_id}", "/v1/calls/{call_id}/transcript", "/v1/search",
                 "/v1/calls/{call_id}/audio", "/healthz", "/readyz", "/metrics"):
        assert path in spec["paths"]
    upload = spec["paths"]["/v1/calls"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
