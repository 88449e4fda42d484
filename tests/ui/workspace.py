"""A real service with real calls for the UI tests: uvicorn in a thread, samples uploaded over HTTP.

Calls go through the service's own code: `POST /v1/calls` (consent gate, encryption, job),
then the job is claimed from the real queue and run through `CallPipeline`'s steps with the
real `RedactedAudioStep` and `CallPipeline.store`. Only the two model outputs are given rather
than computed, so the UI tests neither load Whisper/GiNZA nor depend on their accuracy: the
transcript is the sample's script (one timed word per character) and the findings are the
sample's labelled PII, anonymized by the service's real `TurnAnonymizer` with the bundled config.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from redactor.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT / "sample_audio"


@dataclass
class Workspace:
    """The running service and what was put in it."""

    base_url: str
    app: object
    keys: dict[str, str]  # role -> API key
    call_ids: dict[str, str] = field(default_factory=dict)  # sample id / label -> call id
    samples: dict[str, dict] = field(default_factory=dict)  # sample id -> calls.json entry

    @property
    def runtime(self):
        return self.app.state.runtime

    def pii_texts(self) -> list[str]:
        """Every labelled PII string (as spoken and normalised) of the processed samples.

        Short digit strings (a 3-digit security code) are left out: they occur by chance in
        call ids and times, and would make the check flaky rather than stronger.
        """
        values = {p[key] for s in self.samples.values() for p in s["pii"] for key in ("text", "value")}
        return sorted(v for v in values if not (len(v) < 6 and set(v) <= set("0123456789-")))


class ThreadedServer:
    """uvicorn serving `app` on a free localhost port from a background thread."""

    def __init__(self, app) -> None:
        import uvicorn

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start within 30 s")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


def make_keys(runtime) -> dict[str, str]:
    from redactor.api_keys import ROLES, create_key

    with runtime.db.session() as session:
        keys = {role: create_key(session=session, role=role, label=f"ui test {role}").token for role in ROLES}
        session.commit()
    return keys


def metadata(external_id: str, *, started_at: str, operator_id: str, channels: str = "mono",
             consent: str = "granted") -> dict:
    return {"external_id": external_id, "started_at": started_at, "operator_id": operator_id,
            "caller_number": "03-0000-0000", "direction": "inbound", "channels": channels,
            "consent": {"state": consent, "method": "ivr", "recorded_at": started_at}}


def upload(client: httpx.Client, token: str, meta: dict, audio: Path | None) -> str:
    files = [("metadata", (None, json.dumps(meta), "application/json"))]
    if audio is not None:
        files.append(("audio", ("upload.bin", audio.read_bytes(), "application/octet-stream")))
    response = client.post("/v1/calls", files=files, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 202), response.text
    return response.json()["id"]


def script_transcript(sample: dict):
    """The sample's script as a Transcript whose words are single characters, evenly timed."""
    from redactor.transcribe import Transcript, Turn, Word

    turns = []
    for t in sample["turns"]:
        chars, span = t["text"], t["end"] - t["start"]
        words = [Word(start=t["start"] + span * i / len(chars), end=t["start"] + span * (i + 1) / len(chars),
                      word=ch, probability=1.0) for i, ch in enumerate(chars)]
        turns.append(Turn(speaker=t["speaker"], start=t["start"], end=t["end"], text=chars, words=words))
    return Transcript(duration=sample["duration"], language="ja", channels=sample["channels"], turns=turns)


def labelled_redaction(sample: dict):
    """The sample's labelled PII as findings, and the turns redacted by the service's anonymizer."""
    from redactor.pii import Finding, RedactedCall, RedactedTurn
    from redactor.pii.anonymize import TurnAnonymizer
    from redactor.pii.config import load_config

    anonymizer = TurnAnonymizer(load_config(None), pseudonym_key=b"u" * 32)
    spans = set()
    for pii in sample["pii"]:  # every occurrence in its turn, as the real engine propagates names
        text = sample["turns"][pii["turn"]]["text"]
        offset = text.index(pii["text"])
        while offset >= 0:
            spans.add((pii["turn"], offset, offset + len(pii["text"]), pii["type"]))
            offset = text.find(pii["text"], offset + 1)
    findings = [Finding(type=type_, turn=turn, start=start, end=end, score=1.0)
                for turn, start, end, type_ in sorted(spans)]
    turns = []
    for index, t in enumerate(sample["turns"]):
        spans = [(f.type, f.start, f.end, f.score) for f in findings if f.turn == index]
        turns.append(RedactedTurn(speaker=t["speaker"], text=anonymizer.anonymize(t["text"], spans)))
    return RedactedCall(turns=turns, findings=findings)


def process_next_job(runtime, sample: dict) -> str:
    """Claim the next queued job and run it through the pipeline's steps with the sample's script."""
    from redactor.audio_redaction.pipeline_step import RedactedAudioStep
    from redactor.jobs.states import JobState
    from redactor.pipeline import CallPipeline

    pipeline = CallPipeline(db=runtime.db, queue=runtime.queue, blobs=runtime.blobs, transcriber=None,
                            call_redactor=None, work_dir=runtime.work_dir)
    job = runtime.queue.claim_next("ui-tests")
    assert job is not None, "no queued job to process"
    context = pipeline.load(job)
    with pipeline.decrypted_audio(context):
        context.transcript = script_transcript(sample)  # what Whisper would return
        runtime.queue.mark(job.job_id, JobState.REDACTING)
        context.redacted = labelled_redaction(sample)  # what CallRedactor would return
        RedactedAudioStep.from_settings(runtime.settings)(pipeline, context)
    assert pipeline.store(context)
    return job.call_id


def populate(base_url: str, app, samples: list[dict]) -> Workspace:
    """Upload and process every sample; add a queued, a failed and a consent-blocked call."""
    runtime = app.state.runtime
    workspace = Workspace(base_url=base_url, app=app, keys=make_keys(runtime))
    telephony = workspace.keys["telephony"]
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for number, sample in enumerate(samples):
            meta = metadata(f"ui-{sample['id']}", started_at=f"2026-11-{10 + number:02d}T10:00:00+09:00",
                            operator_id=f"op-{number % 2 + 1}", channels=sample["channels"])
            call_id = upload(client, telephony, meta, SAMPLES / sample["file"])
            assert process_next_job(runtime, sample) == call_id
            workspace.call_ids[sample["id"]] = call_id
            workspace.samples[sample["id"]] = sample
        first = SAMPLES / samples[0]["file"]
        failing = metadata("ui-failed", started_at="2026-11-20T11:00:00+09:00", operator_id="op-3",
                           channels=samples[0]["channels"])
        workspace.call_ids["failed"] = upload(client, telephony, failing, first)
        job = runtime.queue.claim_next("ui-tests")
        runtime.queue.fail(job.job_id, "audio_integrity", transient=False)
        queued = metadata("ui-queued", started_at="2026-11-21T11:00:00+09:00", operator_id="op-3",
                          channels=samples[0]["channels"])
        workspace.call_ids["queued"] = upload(client, telephony, queued, first)
        blocked = metadata("ui-blocked", started_at="2026-11-22T11:00:00+09:00", operator_id="op-3",
                           consent="declined")
        workspace.call_ids["consent_blocked"] = upload(client, telephony, blocked, None)
    return workspace


def workspace_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, job_retry_backoff_seconds=0, redaction_fill="tone")
