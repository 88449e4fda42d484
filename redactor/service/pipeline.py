"""Processing one call: decrypt -> transcribe -> redact -> (extra steps) -> store.

The raw transcript exists only in this module's memory (`PipelineContext.transcript`): it is
never logged, written to a file or stored. What is stored is the redacted turns, the findings
(type, turn, offsets; never values) and whatever the extra steps record.

Extra steps (e.g. rendering redacted audio, scrubbing card data from the retained raw audio) are
callables `step(pipeline, context)` appended to `CallPipeline.extra_steps`; they run after
redaction, while the decrypted audio still exists, and before the results are stored.
Each step may raise `JobFailure` with a stable reason code.

Consent can be withdrawn, and a call erased (deletion request, purge), while its job runs.
Every transaction that stores results (the transcript here, the redacted and scrubbed audio in
the extra step) therefore starts with `CallPipeline.ensure_may_store`, which re-checks the call
in that same transaction and otherwise discards the results and cancels the job (audited).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from redactor import audit, consent
from redactor.blobstore import AudioKeyUnavailableError, BlobIntegrityError, BlobNotFoundError, BlobStore
from redactor.jobs.queue import ClaimedJob, SqlJobQueue
from redactor.jobs.states import ClaimLostError, FailureReason, JobCancelledError, JobState
from redactor.jobs.worker import JobFailure
from redactor.store.db import Database
from redactor.store.models import Call
from redactor.store.transcripts import FindingRecord, TurnRecord, save_transcript

if TYPE_CHECKING:  # the models' modules are heavy: imported only where the models load
    from redactor.pii.results import RedactedCall
    from redactor.service.metrics import ServiceMetrics
    from redactor.transcribe.transcript import Transcript

logger = logging.getLogger(__name__)


class SpeechTranscriber(Protocol):
    """What the pipeline needs of `redactor.transcribe.Transcriber`."""

    def transcribe(self, path: Path, channels: str | None = None) -> Transcript: ...


class TurnRedactor(Protocol):
    """What the pipeline needs of `redactor.pii.CallRedactor`."""

    def redact(self, turns: Sequence) -> RedactedCall: ...


@dataclass
class PipelineContext:
    """Everything one job carries between steps. Lives in memory only."""

    job: ClaimedJob
    call_id: str
    channels: str
    audio_blob_key: str
    audio_sha256: str | None
    audio_path: Path | None = None
    transcript: Transcript | None = None  # RAW text, memory only
    redacted: RedactedCall | None = None
    # Set by RedactedAudioStep; stored with the transcript for the UI's timeline.
    redacted_ranges_json: str | None = None


Step = Callable[["CallPipeline", PipelineContext], None]


class CallPipeline:
    """The processor the embedded worker calls for each claimed job."""

    def __init__(self, *, db: Database, queue: SqlJobQueue, blobs: BlobStore,
                 transcriber: SpeechTranscriber | None, call_redactor: TurnRedactor | None, work_dir: Path,
                 metrics: ServiceMetrics | None = None) -> None:
        self.db = db
        self.queue = queue
        self.blobs = blobs
        self.transcriber = transcriber
        self.call_redactor = call_redactor
        self.work_dir = Path(work_dir)
        self.metrics = metrics
        self.extra_steps: list[Step] = []
        self._redact_lock = threading.Lock()  # CallRedactor is safe from one thread at a time

    def __call__(self, job: ClaimedJob) -> None:
        self.process(job)

    def process(self, job: ClaimedJob) -> None:
        began = time.monotonic()
        context = self.load(job)
        if context is None:
            return
        with self.decrypted_audio(context):
            self.transcribe(context)
            self.queue.mark(job, JobState.REDACTING)
            self.redact(context)
            for step in self.extra_steps:
                step(self, context)
        self.store(context)
        if self.metrics is not None:
            self.metrics.processing_seconds.observe(time.monotonic() - began)
            self.metrics.audio_seconds.inc(context.transcript.duration)
            self.metrics.jobs_finished.labels(outcome="done").inc()

    # --- steps ------------------------------------------------------------------------------
    def load(self, job: ClaimedJob) -> PipelineContext | None:
        with self.db.read_session() as session:
            call = session.get(Call, job.call_id)
            if call is None:
                logger.info("job %d: call %s no longer exists; nothing to do", job.job_id, job.call_id)
                return None
            if not call.audio_blob_key:
                raise JobFailure(FailureReason.AUDIO_MISSING, transient=False)
            return PipelineContext(job=job, call_id=call.id, channels=call.channels,
                                   audio_blob_key=call.audio_blob_key, audio_sha256=call.audio_sha256)

    @contextmanager
    def decrypted_audio(self, context: PipelineContext) -> Iterator[Path]:
        """The raw audio decrypted into a 0600 file under the work dir, removed afterwards."""
        self.work_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.work_dir / f"job-{context.job.job_id}-{secrets.token_hex(4)}.audio"
        try:
            try:
                ref = self.blobs.read_to(context.audio_blob_key, path)
            except BlobNotFoundError:
                raise JobFailure(FailureReason.AUDIO_MISSING, transient=False) from None
            except AudioKeyUnavailableError:  # not the audio's fault: a retired key to install (README)
                raise JobFailure(FailureReason.AUDIO_KEY_UNAVAILABLE, transient=False) from None
            except BlobIntegrityError:
                raise JobFailure(FailureReason.AUDIO_INTEGRITY, transient=False) from None
            if context.audio_sha256 and ref.sha256 != context.audio_sha256:
                raise JobFailure(FailureReason.AUDIO_INTEGRITY, transient=False)
            context.audio_path = path
            yield path
        finally:
            context.audio_path = None
            path.unlink(missing_ok=True)

    def transcribe(self, context: PipelineContext) -> None:
        from redactor.transcribe import AudioError

        try:
            context.transcript = self.transcriber.transcribe(context.audio_path, channels=context.channels)
        except AudioError as error:
            raise JobFailure(error.code, transient=False) from None

    def redact(self, context: PipelineContext) -> None:
        with self._redact_lock:
            context.redacted = self.call_redactor.redact(context.transcript.turns)

    def store(self, context: PipelineContext) -> None:
        """Save the redacted transcript and mark the job done in one transaction.

        The transaction first re-checks that the results may still be kept
        (`storing_blocker`); if not, it discards them and raises JobCancelledError.
        """
        raw_turns = context.transcript.turns
        redacted_turns = context.redacted.turns
        if len(raw_turns) != len(redacted_turns):
            raise JobFailure(FailureReason.INTERNAL_ERROR, transient=False)
        turns = [TurnRecord(speaker=r.speaker, start=float(t.start), end=float(t.end), text=r.text)
                 for t, r in zip(raw_turns, redacted_turns)]
        findings = [FindingRecord(type=f.type, turn=f.turn, start=f.start, end=f.end,
                                  score=f.score) for f in context.redacted.findings]
        with self.db.session() as session:
            self.ensure_may_store(session, context, results=["redacted_transcript"])
            save_transcript(session=session, call_id=context.call_id, turns=turns, findings=findings,
                            language=context.transcript.language, duration=context.transcript.duration,
                            options=_options_of(context),
                            redacted_ranges_json=context.redacted_ranges_json)
            self.queue.complete(session, context.job)
            audit.record(session, type="call.processed", actor=audit.SYSTEM, call_id=context.call_id,
                         details={"turns": len(turns), "findings": dict(Counter(f.type for f in findings)),
                                  "attempt": context.job.attempt})
            session.commit()

    def ensure_may_store(self, session: Session, context: PipelineContext, *, results: list[str]) -> None:
        """Call first inside every transaction that stores results of `context`.

        If the job is no longer this worker's (`ClaimLostError`: its lease expired and it went back
        to the queue, perhaps to another worker), audit the refused write and raise: the job is
        left to its new claim. If the results may no longer be kept (see `storing_blocker`), fail
        the job with the reason, audit the discard, commit that, and raise JobCancelledError.
        Either way the caller's writes never happen, and it deletes any blob it wrote for them.
        """
        try:
            reason = storing_blocker(session, self.queue, context)
        except ClaimLostError:
            audit.record(session, type="job.stale_write_refused", actor=audit.SYSTEM, call_id=context.call_id,
                         details={"job_id": context.job.job_id, "attempt": context.job.attempt, "results": results})
            session.commit()
            if self.metrics is not None:
                self.metrics.jobs_finished.labels(outcome="claim_lost").inc()
            raise
        if reason is None:
            return
        self.queue.cancel(session, context.job.job_id, reason)
        audit.record(session, type="job.results_discarded", actor=audit.SYSTEM, call_id=context.call_id,
                     details={"job_id": context.job.job_id, "reason": str(reason), "results": results})
        session.commit()
        if self.metrics is not None:
            self.metrics.jobs_finished.labels(outcome="cancelled").inc()
        raise JobCancelledError(context.job.job_id, reason)


def storing_blocker(session: Session, queue: SqlJobQueue, context: PipelineContext) -> str | None:
    """Why the results of `context` may not be stored now (a FailureReason), or None.

    Run inside the writing transaction, so a consent withdrawal, deletion request or purge has
    either committed before (and is seen here) or waits for this transaction and then erases
    what it stored as usual: on SQLite writing sessions hold the write lock (BEGIN IMMEDIATE);
    elsewhere the call row, then the job row, are locked FOR UPDATE. Raises ClaimLostError when
    the job is no longer held under this worker's claim (fencing: see redactor.jobs.queue).
    """
    call = session.get(Call, context.call_id, with_for_update=True)
    if call is None:
        return FailureReason.CALL_ERASED
    try:
        queue.hold(session, context.job)
    except ClaimLostError:
        raise
    except JobCancelledError as cancelled:  # cancelled (consent withdrawn, purge) or erased meanwhile
        return cancelled.reason
    if not consent.decide(call.consent_state, consent.get_allowed_states(session)).allowed:
        return FailureReason.CONSENT_NOT_ALLOWED  # e.g. withdrawn while under a legal hold
    if call.audio_blob_key != context.audio_blob_key:  # purged (or replaced) since it was read
        return FailureReason.RAW_AUDIO_ERASED
    return None


def _options_of(context: PipelineContext) -> dict[str, Any]:
    """How the transcript was made (model, beam, VAD...), without any text."""
    options = context.transcript.options
    if options is None:
        return {}
    return {k: v for k, v in asdict(options).items() if isinstance(v, (str, int, float, bool, type(None), list))}
