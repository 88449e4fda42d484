"""The pipeline step after redaction: redacted audio for QA, card data out of the raw audio.

    pipeline.extra_steps.append(RedactedAudioStep.from_settings(settings))

It runs inside `CallPipeline.process` while the decrypted raw audio exists (context.audio_path):
1. compute the time ranges of every finding, their edges moved to the speaker's voice in the
   decoded audio (`VoiceActivity`; context.redacted_ranges_json is then stored with the
   transcript by `CallPipeline.store`, for the UI's timeline);
2. render the redacted copy (FLAC, tone or silence) and encrypt it into the blob store;
3. when the call holds card data (Settings.raw_audio_scrub_entities: PCI DSS v4.0 3.3.1 and
   3.5.1), write a scrubbed copy of the raw audio (same decoding pass as 2) and encrypt it as a
   new blob. A number as long as a card number (14-19 digits) is scrubbed whatever type the
   text rules gave it: recognition garbles 「カード番号」 in the request (「カラド番号」), and
   the answer is then typed by what else was asked;
4. in one transaction that first re-checks that the call still exists, its consent still
   allows processing and its raw audio was not purged (`CallPipeline.ensure_may_store`; if
   not, the job is cancelled and the new blobs deleted): record the redacted audio, point the
   call at the scrubbed raw audio (key, sha256, size, codec), schedule the superseded blobs in
   retention's `pending_blob_deletions` and append audit events; then delete those blobs
   (`retention.erase.finish_blob_deletions`, which every purge also runs).

A crash before the commit leaves the raw audio untouched (the job is retried) and the new
blobs unreferenced (the orphan sweep, redactor.retention.orphans, removes them after its
grace period); a crash after it leaves pending deletions that the next purge finishes.
Decrypted and rendered plaintext lives in the work dir (0600) only for the duration of the step.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redactor import audit
from redactor.jobs.states import FailureReason
from redactor.jobs.worker import JobFailure
from redactor.retention import erase
from redactor.store.models import Call
from redactor.store.types import utcnow

from redactor.audio_redaction.codec import AudioRedactionError
from redactor.audio_redaction.fill import FILLS
from redactor.audio_redaction.ranges import RedactionRangeError, TimeRange, field_of, redaction_ranges
from redactor.audio_redaction.records import get_redacted_audio, ranges_json, save_redacted_audio
from redactor.audio_redaction.render import render_and_scrub
from redactor.audio_redaction.voice import VoiceActivity

logger = logging.getLogger(__name__)

# Card numbers (PAN) are 14 (Diners) to 19 digits; no other item asked for in a call is as long
# (My Number and driver's licences 12, phone numbers 10-11, bank accounts 7).
CARD_NUMBER_DIGITS = range(14, 20)


@dataclass(frozen=True)
class RedactedAudioStep:
    """A `CallPipeline` extra step (see the module docstring); options come from Settings."""

    padding_s: float = 0.15
    fill: str = "tone"
    scrub_entities: tuple[str, ...] = ("CREDIT_CARD", "CARD_CVV", "CARD_EXPIRY")

    def __post_init__(self) -> None:
        from redactor.pii.entities import ENTITY_TYPES

        unknown = sorted(set(self.scrub_entities) - set(ENTITY_TYPES))
        if unknown:  # a typo here would silently keep card data in the raw audio
            raise ValueError(f"REDACTOR_RAW_AUDIO_SCRUB_ENTITIES names unknown entity types {unknown}; "
                             f"valid: {', '.join(ENTITY_TYPES)}")
        if self.fill not in FILLS:
            raise ValueError(f"REDACTOR_REDACTION_FILL must be one of {', '.join(FILLS)}, got {self.fill!r}")

    @classmethod
    def from_settings(cls, settings: Any) -> "RedactedAudioStep":
        return cls(
            padding_s=settings.redaction_padding_ms / 1000,
            fill=settings.redaction_fill,
            scrub_entities=tuple(settings.raw_audio_scrub_entities),
        )

    def ranges(self, transcript: Any, findings: Any, audio: Any = None) -> tuple[list[TimeRange], list[TimeRange]]:
        """(what the redacted copy covers, what the raw-audio card scrub covers) for one call.

        `audio` is the recording the transcript was made from (a path or file object): with it
        the ranges follow the speakers' voices (`redaction_ranges`), without it Whisper's times.
        The one place the service turns findings into audio ranges; `redactor eval-audio`
        measures through it too. Raises `RedactionRangeError` for findings of another transcript,
        AudioRedactionError for audio that cannot be decoded.
        """
        findings = list(findings)
        voice = None if audio is None else VoiceActivity.from_audio(audio, layout=transcript.channels)
        ranges = redaction_ranges(transcript.turns, findings, self.padding_s, duration=transcript.duration,
                                  voice=voice)
        card_findings = [f for f in findings if self._scrubbed(transcript, f)]
        card_ranges = redaction_ranges(transcript.turns, card_findings, self.padding_s,
                                       duration=transcript.duration, voice=voice)
        return ranges, card_ranges

    def _scrubbed(self, transcript: Any, finding: Any) -> bool:
        """Does the raw-audio scrub take this finding: one of the scrubbed types, or, when card
        numbers are scrubbed, a number of a card number's length typed otherwise."""
        from redactor.pii.entities import NUMERIC_TYPES
        from redactor.pii.normalize import normalize

        entity = field_of(finding, "type")
        if entity in self.scrub_entities:
            return True
        if "CREDIT_CARD" not in self.scrub_entities or entity not in NUMERIC_TYPES:
            return False
        turn_index, start, end = field_of(finding, "turn"), field_of(finding, "start"), field_of(finding, "end")
        if not all(isinstance(v, int) for v in (turn_index, start, end)) or not 0 <= turn_index < len(transcript.turns):
            return False  # not a finding of this transcript: redaction_ranges refuses it for the redacted copy
        text = transcript.turns[turn_index].text[start:end]
        return sum(c.isdigit() for c in normalize(text).text) in CARD_NUMBER_DIGITS

    def __call__(self, pipeline: Any, context: Any) -> None:
        began = time.monotonic()
        try:
            ranges, card_ranges = self.ranges(context.transcript, context.redacted.findings, context.audio_path)
        except RedactionRangeError:
            raise JobFailure(FailureReason.INTERNAL_ERROR, transient=False) from None
        except AudioRedactionError as error:
            raise JobFailure(error.code, transient=False) from None
        context.redacted_ranges_json = ranges_json(ranges)

        new_blobs: list[str] = []
        try:
            scrubbed_ref = None
            with _work_file(pipeline.work_dir, context, ".redacted.flac") as redacted_path, \
                    _work_file(pipeline.work_dir, context, ".scrubbed") as scrubbed_path:
                # one decoding pass writes both copies
                rendered, scrubbed = render_and_scrub(context.audio_path, ranges, card_ranges, output=redacted_path,
                                                      scrub_output=scrubbed_path, fill=self.fill)
                redacted_ref = pipeline.blobs.put(redacted_path)
                new_blobs.append(redacted_ref.key)
                if scrubbed is not None:
                    scrubbed_ref = pipeline.blobs.put(scrubbed_path)
                    new_blobs.append(scrubbed_ref.key)
            superseded = self._record(pipeline, context, rendered, redacted_ref, len(ranges),
                                      scrubbed, scrubbed_ref, card_ranges)
        except AudioRedactionError as error:
            _delete_quietly(pipeline.blobs, new_blobs)
            raise JobFailure(error.code, transient=False) from None
        except BaseException:
            _delete_quietly(pipeline.blobs, new_blobs)
            raise
        if superseded:
            erase.finish_blob_deletions(pipeline.db, pipeline.blobs, actor=audit.SYSTEM, keys=superseded)
        logger.info("job %d: redacted audio with %d range(s), %d scrubbed from the raw audio, %.2f s",
                    context.job.job_id, len(ranges), len(card_ranges), time.monotonic() - began)

    def _record(self, pipeline, context, rendered, redacted_ref, range_count,
                scrubbed, scrubbed_ref, card_ranges) -> list[str]:
        """One transaction; returns the blob keys scheduled for deletion.

        It first re-checks that the call may still hold results (`CallPipeline.ensure_may_store`:
        JobCancelledError otherwise, nothing recorded).

        Superseded blobs (the unscrubbed raw audio, a redacted copy from an earlier attempt)
        are unlinked through retention's pending-deletion records in this same transaction, so
        a crash before their files are deleted leaves them for the next purge, never orphaned.
        """
        superseded: list[str] = []
        now = utcnow()
        with pipeline.db.session() as session:
            # Consent withdrawn or the call erased while rendering: cancel (raises; the caller
            # deletes the blobs just written).
            pipeline.ensure_may_store(session, context, results=["redacted_audio"] + (
                ["scrubbed_raw_audio"] if scrubbed_ref is not None else []))
            call = session.get(Call, context.call_id)
            if get_redacted_audio(session=session, call_id=call.id) is not None:
                superseded.append(erase.unlink_redacted_audio(session, call.id, reason="superseded", now=now))
            save_redacted_audio(
                session=session, call_id=call.id, blob_key=redacted_ref.key, sha256=redacted_ref.sha256,
                size=redacted_ref.size, media_type=rendered.media_type, fill=self.fill,
                duration=rendered.duration, range_count=range_count,
            )
            audit.record(session, type="redacted_audio.created", actor=audit.SYSTEM, call_id=call.id, now=now,
                         details={"ranges": range_count, "fill": self.fill, "sha256": redacted_ref.sha256})
            if scrubbed is not None and scrubbed_ref is not None:
                details = {
                    "ranges": len(card_ranges),
                    "entity_types": sorted({t for r in card_ranges for t in r.entity_types}),
                    "old_sha256": call.audio_sha256,
                    "new_sha256": scrubbed_ref.sha256,
                    "codec": scrubbed.codec,
                }
                old_key = erase.unlink_raw_audio(session, call, reason="card_data_scrubbed", now=now)
                if old_key:
                    superseded.append(old_key)
                call.audio_blob_key, call.audio_sha256 = scrubbed_ref.key, scrubbed_ref.sha256
                call.audio_bytes, call.audio_codec = scrubbed_ref.size, scrubbed.codec
                audit.record(session, type="raw_audio.card_data_scrubbed", actor=audit.SYSTEM,
                             call_id=call.id, now=now, details=details)
                context.audio_blob_key, context.audio_sha256 = scrubbed_ref.key, scrubbed_ref.sha256
            session.commit()
        return superseded


@contextmanager
def _work_file(work_dir: Path, context: Any, suffix: str) -> Iterator[Path]:
    """A fresh path in the worker's private work dir, removed afterwards whatever happens."""
    Path(work_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
    path = Path(work_dir) / f"job-{context.job.job_id}-{secrets.token_hex(4)}{suffix}"
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _delete_quietly(blobs: Any, keys: list[str]) -> None:
    for key in keys:
        try:
            blobs.delete(key)
        except Exception as exc:  # noqa: BLE001 - cleanup only; the original outcome stands
            logger.warning("could not delete an unrecorded blob (%s)", type(exc).__name__)
