"""`redactor worker` with a fast stand-in for the speech and PII models: the cluster test's worker.

    python tests/cluster/standin_worker.py      # settings from the environment, as `redactor worker`

Everything is the service's own code (`run_worker`: queue, leases, fencing, pipeline, redacted-
audio step, blob store, scheduler, SIGTERM drain) except the two models, which would take each
worker process tens of seconds and a GiB to load: the stand-in transcriber hears one fixed turn,
and the stand-in redactor returns it unchanged after STANDIN_REDACT_SECONDS, the window in which
the test kills or pauses a worker mid-job. The real models are tested elsewhere (test_e2e.py).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from redactor.config import get_settings
from redactor.pii.results import RedactedCall, RedactedTurn
from redactor.service.redacted_audio_step import RedactedAudioStep
from redactor.service.runtime import CallProcessing
from redactor.service.worker_process import run_worker
from redactor.transcribe.transcript import Transcript, Turn, Word

TEXT = "お電話ありがとうございます"


class StandInTranscriber:
    def transcribe(self, path: Path, channels: str | None = None) -> Transcript:
        words = [Word(start=0.0, end=1.0, word=TEXT, probability=1.0)]
        return Transcript(duration=1.0, language="ja", channels=channels or "mono",
                          turns=[Turn.from_words("operator", words)])


class StandInRedactor:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def redact(self, turns) -> RedactedCall:
        time.sleep(self.seconds)
        return RedactedCall(turns=[RedactedTurn(speaker=t.speaker, text=t.text) for t in turns], findings=[])


def main() -> int:
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    processing = CallProcessing(transcriber=StandInTranscriber(),
                                call_redactor=StandInRedactor(float(os.environ.get("STANDIN_REDACT_SECONDS", "0"))),
                                audio_step=RedactedAudioStep.from_settings(settings))
    return 0 if run_worker(settings, drain_seconds=60, processing=processing) else 1


if __name__ == "__main__":
    sys.exit(main())
