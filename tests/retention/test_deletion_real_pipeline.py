"""A deletion request after the real pipeline (Whisper, GiNZA/Presidio, redacted audio, card
scrub) processed three sample calls of one caller: nothing of them is left on disk or in the DB."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from redactor import audit
from redactor.privacy_requests.deletion import erase_caller
from redactor.service.intake import CallMetadata, accept_call
from redactor.store.models import AuditEvent, Call, RedactedAudio, Transcript, TranscriptTurn
from redactor.store.types import utcnow

from .helpers import assert_consistent

CALLER = "090-2468-1357"
TELEPHONY = audit.Actor("telephony", "telkey000001")


def _bytes_under(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "keys" not in p.parts}


@pytest.mark.slow
def test_deletion_after_real_processing_leaves_nothing(runtime, sample_calls):
    samples = [c for c in sample_calls if c["file"].endswith(".ogg")][:3]
    runtime.load_models()
    ids = []
    for n, sample in enumerate(samples):
        metadata = CallMetadata.model_validate({
            "external_id": f"real-del-{n}-q9", "started_at": "2026-11-20T10:00:00+09:00", "operator_id": "op-3",
            "caller_number": CALLER, "direction": "inbound", "channels": sample["channels"],
            "consent": {"state": "granted", "method": "ivr"}})
        ids.append(accept_call(runtime, metadata=metadata, audio_path=sample["path"], actor=TELEPHONY).call.id)
    while (job := runtime.queue.claim_next("test")) is not None:
        runtime.pipeline(job)
    with runtime.db.read_session() as session:
        assert [session.get(Call, i).status for i in ids] == ["done"] * 3
        assert session.execute(select(func.count()).select_from(RedactedAudio)).scalar_one() == 3
        turns = session.execute(select(func.count()).select_from(TranscriptTurn)).scalar_one()
        blob_keys = [session.get(Call, i).audio_blob_key for i in ids]
        blob_keys += list(session.execute(select(RedactedAudio.blob_key)).scalars())
    assert turns > 0 and all(runtime.blobs.exists(k) for k in blob_keys)
    root = Path(runtime.settings.data_dir)
    assert any(b"real-del-0-q9" in data for data in _bytes_under(root).values())

    result = erase_caller(db=runtime.db, blobs=runtime.blobs, caller_hash=runtime.caller_hasher.hash_number(CALLER),
                          verification_method="callback", verification_note=None,
                          actor=audit.Actor("privacy_manager", "pmkey0000001"), now=utcnow())
    assert (result.status, result.calls_erased) == ("completed", 3)

    assert list(runtime.blobs.keys()) == []
    spoken = {item["text"] for sample in samples for item in sample["pii"]}
    spoken |= {text.replace("-", "") for text in spoken}
    needles = sorted(t for t in spoken if not t.isascii() or len(t) >= 8)
    needles += [f"real-del-{n}-q9" for n in range(3)] + blob_keys + [CALLER, CALLER.replace("-", "")]
    files = _bytes_under(root)
    leaks = {needle: [p.name for p, data in files.items() if needle.encode() in data] for needle in needles}
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}
    with runtime.db.read_session() as session:
        assert session.execute(select(func.count()).select_from(Call)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Transcript)).scalar_one() == 0
        assert not audit.verify_chain(session)
        assert session.execute(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.type == "call.deleted")).scalar_one() == 3
    assert_consistent(runtime)

