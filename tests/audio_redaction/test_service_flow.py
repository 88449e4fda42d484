"""The service end to end, in process, with the real models: upload a card-payment call, let the
worker process it, then listen to it as QA (Range requests) and check the raw audio was scrubbed.
"""

from __future__ import annotations

import hashlib
import io
import json
import time

import numpy as np
import pytest
from sqlalchemy import select

from redactor import audit
from redactor.audio_redaction import decode_pcm
from redactor.store.models import AuditEvent, Call

pytestmark = pytest.mark.slow


@pytest.fixture
def live(service_settings):
    """The real app with its embedded worker (models loaded) and a key per role."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from redactor.api_keys import create_key

    with TestClient(create_app(service_settings, start_worker=True)) as client:
        runtime = client.app.state.runtime
        with runtime.db.session() as session:
            keys = {role: {"Authorization": f"Bearer {create_key(session=session, role=role, label=role).token}"}
                    for role in ("telephony", "qa", "privacy_manager")}
            session.commit()
        yield client, keys


def test_card_call_is_redacted_served_with_ranges_and_scrubbed(live, sample_calls, call_metadata):
    client, keys = live
    sample = next(c for c in sample_calls if any(p["type"] == "CARD_CVV" for p in c["pii"]))
    metadata = call_metadata("audio-e2e-1", channels=sample["channels"])
    with open(sample["path"], "rb") as audio:
        response = client.post("/v1/calls", headers=keys["telephony"], files=[
            ("metadata", (None, json.dumps(metadata), "application/json")),
            ("audio", (sample["file"], audio, "application/octet-stream"))])
    assert response.status_code == 202, response.text
    call_id = response.json()["id"]
    runtime = client.app.state.runtime
    with runtime.db.read_session() as session:
        uploaded_sha = session.get(Call, call_id).audio_sha256

    deadline = time.monotonic() + 600
    while (status := client.get(f"/v1/calls/{call_id}", headers=keys["qa"]).json()["status"]) != "done":
        assert status != "failed" and time.monotonic() < deadline, status
        time.sleep(0.5)

    transcript = client.get(f"/v1/calls/{call_id}/transcript", headers=keys["qa"]).json()
    ranges = transcript["redacted_ranges"]
    assert ranges and all(0 <= r["start"] < r["end"] <= transcript["duration"] + 0.01 for r in ranges)

    # QA listens: the whole file, then a seek as a browser does it
    whole = client.get(f"/v1/calls/{call_id}/audio/redacted", headers=keys["qa"])
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/flac"
    tail = client.get(f"/v1/calls/{call_id}/audio/redacted", headers={**keys["qa"], "Range": "bytes=1000-"})
    assert tail.status_code == 206 and tail.content == whole.content[1000:]
    info, samples = decode_pcm(io.BytesIO(whole.content))
    assert (info.sample_rate, info.channels) == (sample["sample_rate"], 2)
    assert abs(samples.shape[1] / info.sample_rate - sample["duration"]) < 0.1
    for time_range in ranges:  # the tone in both channels over every stored range
        lo, hi = int(time_range["start"] * info.sample_rate) + 200, int(time_range["end"] * info.sample_rate) - 200
        segment = samples[:, lo:hi].astype(np.float64)
        assert np.array_equal(segment[0], segment[1])
        spectrum = np.abs(np.fft.rfft(segment[0])) ** 2
        freqs = np.fft.rfftfreq(segment.shape[1], 1 / info.sample_rate)
        assert spectrum[np.abs(freqs - 1000) <= 30].sum() / spectrum.sum() > 0.99

    # the retained raw audio no longer holds the card data: replaced, re-encrypted, audited
    with runtime.db.read_session() as session:
        call = session.get(Call, call_id)
        types = [e.type for e in session.execute(select(AuditEvent).where(AuditEvent.call_id == call_id)).scalars()]
        assert audit.verify_chain(session) == []
    assert call.audio_sha256 != uploaded_sha and call.audio_codec == "flac"
    assert "raw_audio.card_data_scrubbed" in types and "redacted_audio.created" in types
    raw = client.get(f"/v1/calls/{call_id}/audio", headers=keys["privacy_manager"])
    assert raw.status_code == 200
    assert hashlib.sha256(raw.content).hexdigest() == call.audio_sha256
    assert not [p for p in runtime.work_dir.rglob("*") if p.is_file()], "no plaintext left behind"
