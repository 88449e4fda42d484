"""A real service with really processed calls for the UI tests: uvicorn in a thread, samples
uploaded over HTTP and run through the real pipeline with the real models.

Calls go through the service's own code end to end: `POST /v1/calls` (consent gate, encryption,
job), then the service's embedded worker (`ServiceRuntime.start_worker`) runs each job through
`CallPipeline.process`: Whisper base, the Presidio/GiNZA PII engine, the redacted-audio step,
store. Nothing is given in place of a model output, so the tests read what was stored (the
redacted turns, the findings, the redacted ranges) rather than the samples' scripts.

SLOW, once per test session: loading Whisper base + GiNZA takes ~10-20 s and transcribing the
five samples ~15-30 s more on 2 cores. Every test that uses the `workspace` fixture is therefore
marked `@pytest.mark.slow` (they still run in CI).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from real_calls import HeardTranscripts
from redactor.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT / "sample_audio"
PROCESSING_TIMEOUT_S = 900.0  # the five samples take well under a minute; a slow CI box gets slack
# Left out of search terms: spaces and punctuation (the ASR's choice of them varies).
NOT_IN_TERMS = re.compile(r"[\s、。，．,.!?！？「」『』（）()・…〜~-]+")


@dataclass(frozen=True)
class StoredTurn:
    index: int
    speaker: str
    start: float
    end: float
    text: str  # redacted


@dataclass(frozen=True)
class StoredCall:
    """What the pipeline stored for one call (redacted text, finding types, redacted ranges)."""

    turns: list[StoredTurn]
    finding_types: list[str]  # one per stored finding
    ranges: list[dict]  # the redacted audio ranges, as stored

    def tags(self) -> list[str]:
        """The entity type of every redaction tag in the turns, in order (as the UI parses them)."""
        from api.ui.text import segments

        return [seg.entity_type for turn in self.turns for seg in segments(turn.text) if seg.kind == "chip"]

    def plain_runs(self) -> list[tuple[int, str]]:
        """(turn index, run) of every run of plain text (no tag, no punctuation) of 3+ characters."""
        from api.ui.text import segments

        runs = []
        for turn in self.turns:
            for seg in segments(turn.text):
                if seg.kind == "text":
                    runs += [(turn.index, run) for run in NOT_IN_TERMS.split(seg.text) if len(run) >= 3]
        return runs


@dataclass
class Workspace:
    """The running service and what was put in it."""

    base_url: str
    app: object
    keys: dict[str, str]  # role -> API key
    call_ids: dict[str, str] = field(default_factory=dict)  # sample id / label -> call id
    samples: dict[str, dict] = field(default_factory=dict)  # sample id -> calls.json entry
    heard: dict[str, list] = field(default_factory=dict)  # sample id -> raw turns (words with times), test memory only

    @property
    def runtime(self):
        return self.app.state.runtime

    def stored(self, label: str) -> StoredCall:
        """What the pipeline stored for the call `label` (a sample id such as "call01")."""
        from redactor.store.transcripts import get_transcript

        with self.runtime.db.read_session() as session:
            transcript = get_transcript(session=session, call_id=self.call_ids[label])
            assert transcript is not None, f"{label} has no stored transcript"
            turns = [StoredTurn(index=t.idx, speaker=t.speaker, start=t.start, end=t.end, text=t.text)
                     for t in sorted(transcript.turns, key=lambda t: t.idx)]
            return StoredCall(turns=turns, finding_types=[f.type for f in transcript.findings],
                              ranges=json.loads(transcript.redacted_ranges_json or "[]"))

    def search_term(self, label: str) -> tuple[str, StoredTurn]:
        """A 3-6 character run of plain (non-tag) redacted text of a caller or operator turn of
        `label` that occurs in no other turn of the stored calls; and that turn."""
        everything = [turn.text.casefold() for sample in self.samples for turn in self.stored(sample).turns]
        call = self.stored(label)
        sides = {turn.index for turn in call.turns if turn.speaker in ("caller", "operator")}
        for length in (6, 5, 4, 3):  # longest first: the most telling term
            for index, run in [(index, run) for index, run in call.plain_runs() if index in sides]:
                for offset in range(len(run) - length + 1):
                    term = run[offset:offset + length]
                    if sum(term.casefold() in text for text in everything) == 1:
                        return term, next(t for t in call.turns if t.index == index)
        raise AssertionError(f"no 3+ character run of {label}'s redacted text is in one turn only: "
                             f"{[t.text for t in call.turns]}")

    def common_term(self, labels: list[str]) -> str:
        """A 3-6 character run of plain redacted text found in every call of `labels`."""
        calls = [self.stored(label) for label in labels]
        for length in (6, 5, 4, 3):
            for _, run in calls[0].plain_runs():
                for offset in range(len(run) - length + 1):
                    term = run[offset:offset + length].casefold()
                    if all(any(term in text.casefold() for _, text in call.plain_runs()) for call in calls[1:]):
                        return run[offset:offset + length]
        raise AssertionError(f"the stored transcripts of {labels} share no 3+ character run of plain text")

    def calls_with_entity(self, entity_type: str) -> set[str]:
        """External ids of the processed samples with a stored finding of `entity_type`."""
        return {f"ui-{label}" for label in self.samples if entity_type in self.stored(label).finding_types}


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


def start_models(runtime) -> None:
    """Load Whisper and the PII engine (slow: ~10-20 s) and start the embedded worker.

    The same entry point the server uses (`ServiceRuntime.start_worker`), in the foreground so a
    model that does not load fails the fixture at once with its error code.
    """
    import ctranslate2

    ctranslate2.set_random_seed(7)  # Whisper's temperature fallback samples: keep runs repeatable
    runtime.start_worker(background=False)
    assert runtime.models_ready and runtime.worker is not None, (
        f"the models did not load ({runtime.model_error}); run scripts/bootstrap "
        "(`redactor models install`) so models/faster-whisper-base and GiNZA are present")


def wait_until_processed(runtime, call_ids: list[str], timeout_s: float = PROCESSING_TIMEOUT_S) -> None:
    """Poll the store until the worker has processed every call in `call_ids`; fail at once when
    one failed (its reason code in the message) and after `timeout_s`."""
    from redactor.store.calls import get_call

    deadline = time.monotonic() + timeout_s
    while True:
        with runtime.db.read_session() as session:
            states = {call_id: (call.status, call.status_reason)
                      for call_id in call_ids for call in [get_call(session=session, call_id=call_id)]}
        pending_or_done = ("queued", "transcribing", "redacting", "done")
        broken = {call_id: state for call_id, state in states.items() if state[0] not in pending_or_done}
        assert not broken, f"the real pipeline did not process these sample calls: {broken}"
        if all(status == "done" for status, _ in states.values()):
            return
        assert time.monotonic() < deadline, f"not processed within {timeout_s:.0f} s: {states}"
        time.sleep(0.5)


def populate(base_url: str, app, samples: list[dict]) -> Workspace:
    """Upload every sample and let the real worker process it; add a queued, a failed and a
    consent-blocked call (their states set through the queue API, as the worker would)."""
    runtime = app.state.runtime
    workspace = Workspace(base_url=base_url, app=app, keys=make_keys(runtime))
    telephony = workspace.keys["telephony"]
    start_models(runtime)
    heard = HeardTranscripts()  # what the recognizer heard, for the time-based leak checks
    runtime.pipeline.extra_steps.append(heard)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for number, sample in enumerate(samples):
            meta = metadata(f"ui-{sample['id']}", started_at=f"2026-11-{10 + number:02d}T10:00:00+09:00",
                            operator_id=f"op-{number % 2 + 1}", channels=sample["channels"])
            workspace.call_ids[sample["id"]] = upload(client, telephony, meta, SAMPLES / sample["file"])
            workspace.samples[sample["id"]] = sample
        wait_until_processed(runtime, list(workspace.call_ids.values()))
        workspace.heard = {label: heard.turns[call_id] for label, call_id in workspace.call_ids.items()}
        # The worker must not pick up the calls below: they stay failed / queued for the UI.
        runtime.worker.stop()
        assert not runtime.worker.running, "the worker did not stop"
        first = SAMPLES / samples[0]["file"]
        failing = metadata("ui-failed", started_at="2026-11-20T11:00:00+09:00", operator_id="op-3",
                           channels=samples[0]["channels"])
        workspace.call_ids["failed"] = upload(client, telephony, failing, first)
        job = runtime.queue.claim_next("ui-tests")
        assert job is not None and job.call_id == workspace.call_ids["failed"]
        runtime.queue.fail(job, "audio_integrity", transient=False)
        queued = metadata("ui-queued", started_at="2026-11-21T11:00:00+09:00", operator_id="op-3",
                          channels=samples[0]["channels"])
        workspace.call_ids["queued"] = upload(client, telephony, queued, first)
        blocked = metadata("ui-blocked", started_at="2026-11-22T11:00:00+09:00", operator_id="op-3",
                           consent="declined")
        workspace.call_ids["consent_blocked"] = upload(client, telephony, blocked, None)
    return workspace


def workspace_settings(data_dir: Path) -> Settings:
    # One call at a time: Whisper's temperature fallback samples from one seeded generator, so
    # calls decoded side by side would come out differently from run to run.
    return Settings(data_dir=data_dir, job_retry_backoff_seconds=0, redaction_fill="tone", worker_concurrency=1)
