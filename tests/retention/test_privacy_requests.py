"""Disclosure and deletion requests over HTTP, on uploads of the committed sample calls."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from redactor.store.models import AuditEvent, Call, Finding, Job, RedactedAudio, Transcript, TranscriptTurn
from redactor.store.retention_tables import ContractEnd, LegalHold, PendingBlobDeletion, PrivacyRequest

from .helpers import MARKER_TEXT, assert_consistent

CALLER = "090-5555-0123"
OTHER_CALLER = "080-7777-0456"
VERIFIED = {"method": "callback", "note": "called back on the number on file"}
FEE = {"amount_yen": 1000, "method": "postal_money_order"}  # disclosure carries the policy's fee


def upload(client, auth, sample: dict, external_id: str, caller_number: str, call_metadata) -> str:
    metadata = call_metadata(external_id, channels=sample["channels"], caller_number=caller_number)
    response = client.post("/v1/calls", headers=auth("telephony"), files=[
        ("metadata", (None, json.dumps(metadata), "application/json")),
        ("audio", ("call.bin", sample["path"].read_bytes(), "application/octet-stream"))])
    assert response.status_code == 202, response.text
    return response.json()["id"]


def add_processing_results(runtime, call_id: str, marker: str) -> None:
    """What the worker stores for a processed call: redacted transcript and redacted audio."""
    from redactor.audio_redaction.records import save_redacted_audio
    from redactor.store.transcripts import FindingRecord, TurnRecord, save_transcript

    ref = runtime.blobs.put(io.BytesIO(b"redacted flac " + marker.encode()))
    with runtime.db.session() as session:
        save_transcript(session=session, call_id=call_id, language="ja", duration=3.0,
                        turns=[TurnRecord("caller", 0.0, 3.0, MARKER_TEXT.format(n=marker))],
                        findings=[FindingRecord("PERSON", 0, 20, 28)])
        save_redacted_audio(session=session, call_id=call_id, blob_key=ref.key, sha256=ref.sha256, size=ref.size,
                            media_type="audio/flac", fill="tone", duration=3.0, range_count=1)
        session.commit()


@pytest.fixture
def three_calls(client, auth, sample_calls, call_metadata):
    """Three sample calls of CALLER (processed) and one of OTHER_CALLER."""
    runtime = client.app.state.runtime
    ids = []
    for n, sample in enumerate(sample_calls[:3]):
        call_id = upload(client, auth, sample, f"tel-del-{n}-x7q", CALLER, call_metadata)
        add_processing_results(runtime, call_id, f"削除対象{n}")
        ids.append(call_id)
    other = upload(client, auth, sample_calls[0], "tel-keep-0-x7q", OTHER_CALLER, call_metadata)
    add_processing_results(runtime, other, "保持対象")
    client.post("/v1/contract-ends", headers=auth("telephony"), json={"caller_number": CALLER, "ended_on": "2026-10-31"})
    return ids, other


def data_dir_bytes(runtime) -> dict[Path, bytes]:
    """Every file of the data dir (database, WAL, blobs) except the key files."""
    root = Path(runtime.settings.data_dir)
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "keys" not in p.parts}


def grep(files: dict[Path, bytes], needle: str) -> list[Path]:
    encoded = needle.encode("utf-8")
    return [path for path, data in files.items() if encoded in data]


@pytest.mark.sqlite_only("greps the files of the data dir, which holds SQLite's database; PostgreSQL keeps "
                         "erased rows in its own files until VACUUM and WAL recycling (README: PostgreSQL)")
def test_deletion_leaves_nothing_of_the_caller(client, auth, three_calls, sample_calls):
    runtime = client.app.state.runtime
    ids, other = three_calls
    caller_hash = runtime.caller_hasher.hash_number(CALLER)
    with runtime.db.read_session() as session:
        calls = [session.get(Call, i) for i in ids]
        blob_keys = [c.audio_blob_key for c in calls] + [session.get(RedactedAudio, i).blob_key for i in ids]
    # What must disappear is there before (so the checks below can fail).
    needles = [f"tel-del-{n}-x7q" for n in range(3)] + [f"削除対象{n}" for n in range(3)] + [caller_hash]
    before = data_dir_bytes(runtime)
    for needle in needles:
        assert grep(before, needle), f"{needle} should be stored before the deletion"
    assert all(runtime.blobs.exists(k) for k in blob_keys)

    response = client.post("/v1/privacy-requests", headers=auth("privacy_manager"),
                           json={"type": "deletion", "caller_number": "+81 90 5555 0123",
                                 "identity_verification": VERIFIED})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "completed" and body["calls_erased"] == 3 and body["calls_held"] == 0

    # Nothing on disk: no blob files, no stored bytes of the calls or the caller.
    assert not any(runtime.blobs.exists(k) for k in blob_keys)
    after = data_dir_bytes(runtime)
    spoken = {item["text"] for sample in sample_calls[:3] for item in sample["pii"]}
    spoken |= {text.replace("-", "") for text in spoken}
    # Short ASCII values ("735", a CVV) occur by chance in the hex hashes the audit log keeps.
    pii = sorted(text for text in spoken if not text.isascii() or len(text) >= 8)
    forbidden = needles + blob_keys + pii + [CALLER, "09055550123", "+819055550123"]
    found = {needle: grep(after, needle) for needle in forbidden}
    assert not any(found.values()), {k: [p.name for p in v] for k, v in found.items() if v}
    assert not [path for path in runtime.work_dir.rglob("*") if path.is_file()]  # uploads and job audio

    # Nothing in the database but audit events (codes and ids, no personal data) and the request.
    with runtime.db.read_session() as session:
        for model, column in ((Call, Call.id), (Transcript, Transcript.call_id), (TranscriptTurn, TranscriptTurn.call_id),
                              (Finding, Finding.call_id), (Job, Job.call_id), (RedactedAudio, RedactedAudio.call_id),
                              (LegalHold, LegalHold.call_id), (PendingBlobDeletion, PendingBlobDeletion.call_id)):
            count = session.execute(select(func.count()).select_from(model).where(column.in_(ids))).scalar_one()
            assert count == 0, model.__tablename__
        assert session.get(ContractEnd, caller_hash) is None
        assert session.get(Call, other) is not None
        events = session.execute(select(AuditEvent).where(AuditEvent.call_id.in_(ids))).scalars().all()
        deleted = [e for e in events if e.type == "call.deleted"]
        assert len(deleted) == 3
        assert [json.loads(e.details) for e in deleted] == [{"reason": "deletion_request", "request_id": body["request_id"]}] * 3
        purged = {(e.call_id, json.loads(e.details)["artifact"]) for e in events if e.type == "artifact.purged"}
        assert {(call_id, "redacted_transcript") for call_id in ids} <= purged  # each erasure audited per call
        request = session.execute(select(PrivacyRequest)).scalar_one()
    for event in events:
        dumped = json.dumps([event.details, event.type])
        assert caller_hash not in dumped and not any(p in event.details for p in pii)
    assert request.type == "deletion" and request.calls_found == 3 and request.verification_method == "callback"
    assert request.caller_hash is None and request.calls_held == 0  # names no caller; says what stayed
    assert_consistent(runtime)

    listed = client.get("/v1/privacy-requests", headers=auth("privacy_manager")).json()["requests"]
    assert [r["id"] for r in listed] == [body["request_id"]] and "caller" not in json.dumps(listed)

    # The other caller's call is untouched.
    assert client.get(f"/v1/calls/{other}/audio", headers=auth("privacy_manager")).status_code == 200


def test_deletion_erases_the_callers_verification_notes(client, auth, three_calls):
    """Notes are free text about the caller: a deletion erases them, and keeps none of its own."""
    runtime = client.app.state.runtime
    note = "運転免許証で確認 伊藤雅美"
    for number in (CALLER, OTHER_CALLER):
        disclosed = client.post("/v1/privacy-requests", headers=auth("privacy_manager"),
                                json={"type": "disclosure", "caller_number": number,
                                      "identity_verification": {"method": "identity_document", "note": note},
                                      "fee": FEE})
        assert disclosed.status_code == 200, disclosed.text
    deleted = client.post("/v1/privacy-requests", headers=auth("privacy_manager"),
                          json={"type": "deletion", "caller_number": CALLER,
                                "identity_verification": {"method": "identity_document", "note": note}})
    assert deleted.status_code == 200, deleted.text
    listed = client.get("/v1/privacy-requests", headers=auth("privacy_manager")).json()["requests"]
    assert [r["verification_note"] for r in listed] == [None, note, None]  # newest first; the other caller's stays
    assert [r["verification_method"] for r in listed] == ["identity_document"] * 3
    with runtime.db.read_session() as session:
        assert session.execute(select(func.count()).select_from(PrivacyRequest)
                               .where(PrivacyRequest.caller_hash.is_not(None))).scalar_one() == 1
        details = " ".join(session.execute(select(AuditEvent.details)).scalars())
    assert "伊藤" not in details


def test_deletion_keeps_calls_under_a_legal_hold(client, auth, three_calls):
    """The held call stays whole, its hold and job rows too; an erased call's released hold (its
    reason is free text) goes with it; no other call's rows are touched."""
    runtime = client.app.state.runtime
    ids, other = three_calls
    assert client.post(f"/v1/calls/{ids[0]}/hold", headers=auth("privacy_manager"),
                       json={"reason": "complaint 2026-12"}).status_code == 201
    assert client.delete(f"/v1/calls/{ids[0]}/hold", headers=auth("privacy_manager")).status_code == 200
    assert client.post(f"/v1/calls/{ids[1]}/hold", headers=auth("privacy_manager"),
                       json={"reason": "litigation 2026-77"}).status_code == 201
    body = client.post("/v1/privacy-requests", headers=auth("privacy_manager"),
                       json={"type": "deletion", "caller_number": CALLER, "identity_verification": VERIFIED}).json()
    assert body["calls_erased"] == 2 and body["held_call_ids"] == [ids[1]]
    with runtime.db.read_session() as session:
        assert [c.id for c in session.execute(select(Call)).scalars() if c.id in ids] == [ids[1]]
        request = session.get(PrivacyRequest, body["request_id"])
        assert (request.calls_found, request.calls_held) == (3, 1)
        assert session.execute(select(LegalHold.call_id)).scalars().all() == [ids[1]]
        assert sorted(session.execute(select(Job.call_id)).scalars()) == sorted([ids[1], other])
    assert_consistent(runtime)


def test_disclosure_zip_has_everything_held_with_checksums(client, auth, three_calls, sample_calls):
    runtime = client.app.state.runtime
    ids, other = three_calls
    response = client.post("/v1/privacy-requests", headers=auth("privacy_manager"),
                           json={"type": "disclosure", "caller_number": "09055550123",
                                 "identity_verification": {"method": "identity_document"}, "fee": FEE})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert hashlib.sha256(response.content).hexdigest() == response.headers["x-content-sha256"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert sorted(manifest["calls"]) == sorted(ids) and other not in json.dumps(manifest)
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    sums = archive.read("SHA256SUMS").decode()
    assert sums.count("\n") == len(manifest["files"]) == 3 * 3
    for n, call_id in enumerate(ids):
        names = {name.rsplit("/", 1)[1] for name in archive.namelist() if name.startswith(f"calls/{call_id}/")}
        audio_name = next(name for name in names if name.startswith("raw_audio."))
        assert archive.read(f"calls/{call_id}/{audio_name}") == sample_calls[n]["path"].read_bytes()
        transcript = json.loads(archive.read(f"calls/{call_id}/transcript.json"))
        assert transcript["turns"][0]["text"] == MARKER_TEXT.format(n=f"削除対象{n}")
        metadata = json.loads(archive.read(f"calls/{call_id}/metadata.json"))
        assert metadata["external_id"] == f"tel-del-{n}-x7q" and metadata["contract_ended_on"] == "2026-10-31"
    assert not [p for p in runtime.work_dir.rglob("*") if p.is_file()]  # the ZIP was removed after sending
    with runtime.db.read_session() as session:
        accessed = session.execute(select(AuditEvent).where(AuditEvent.type == "raw_audio.accessed")).scalars().all()
        request = session.execute(select(PrivacyRequest)).scalar_one()
    assert sorted(e.call_id for e in accessed) == sorted(ids)
    assert request.package_sha256 == response.headers["x-content-sha256"]
    assert request.id == response.headers["x-privacy-request-id"]


def test_disclosure_for_an_unknown_caller_is_an_empty_package(client, auth):
    response = client.post("/v1/privacy-requests", headers=auth("privacy_manager"),
                           json={"type": "disclosure", "caller_number": "0120-444-444",
                                 "identity_verification": {"method": "postal"}, "fee": FEE})
    assert response.status_code == 200
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))
    assert manifest["calls"] == [] and manifest["files"] == []


@pytest.mark.parametrize("body,code", [
    ({"type": "rectification", "caller_number": CALLER, "identity_verification": VERIFIED}, "request_invalid"),
    ({"type": "deletion", "caller_number": "not a number", "identity_verification": VERIFIED}, "caller_number_invalid"),
    ({"type": "deletion", "caller_number": CALLER}, "request_invalid"),
    ({"type": "deletion", "caller_number": CALLER, "identity_verification": {"method": "vibes"}}, "request_invalid"),
])
def test_bad_requests_are_refused_without_echoing_the_number(client, auth, body, code):
    response = client.post("/v1/privacy-requests", headers=auth("privacy_manager"), json=body)
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert "5555" not in response.text
