"""`redactor eval-audio`: run recorded calls through the service's processing, for leak scoring.

Each `AUDIO_DIR/<id>.wav` named by the gold file goes through what the worker does to an upload
(`CallProcessing`, loaded from the same Settings: transcription, the PII engine, the redacted
audio step's time ranges) and becomes one RESULTS line in the format of
`../shared/eval/e2e/score_e2e.py`:

    {"id", "duration",
     "turns":    [{"speaker", "start", "end", "text"}],   raw recognition
     "redacted": [{"speaker", "text"}],                   the stored redacted turns
     "muted":    [[start_s, end_s], ...],                 what the redacted copy covers
     "card_scrubbed": [[start_s, end_s], ...]}            what the raw-audio card scrub covers

The file holds RAW transcripts (personal data): it is created 0600 and nothing of it is printed;
the command prints counts only.

Transcription is the slow part. With `--recognition-cache DIR` each call's recognition is kept in
`DIR/<id>.json` (0600: raw text) under a key of the recording's sha256, the channel layout and
every transcription option, and reused while that key holds: a change to the PII rules or the
audio ranges is re-measured in seconds, and any change to the audio or the model re-transcribes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from pathlib import Path
from typing import IO, Any

import click

from redactor.private_files import create_private, private_file
from redactor.transcribe.transcript import CHANNEL_LAYOUTS


def gold_ids(path: Path) -> list[str]:
    """The call ids of a gold JSONL file, in order; a bad line names its number and the fix."""
    ids = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            call = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.UsageError(f"{path}: line {number} is not valid JSON ({exc.msg}); "
                                   "write one call object per line") from None
        call_id = call.get("id") if isinstance(call, dict) else None
        if not isinstance(call_id, str) or not call_id or Path(call_id).name != call_id:
            raise click.UsageError(f"{path}: line {number} has no usable \"id\" (a file name stem "
                                   "of AUDIO_DIR/<id>.wav); add one")
        ids.append(call_id)
    if not ids:
        raise click.UsageError(f"{path} names no calls; it needs one JSON object with an \"id\" per line")
    return ids


def result_line(call_id: str, transcript: Any, redacted: Any, ranges: list, card_ranges: list) -> dict:
    """One RESULTS record (see the module docstring) from the pipeline's own objects."""
    def spans(time_ranges: list) -> list[list[float]]:
        return [[round(r.start, 3), round(min(r.end, transcript.duration) if math.isinf(r.end) else r.end, 3)]
                for r in time_ranges]

    return {
        "id": call_id,
        "duration": round(transcript.duration, 3),
        "turns": [{"speaker": t.speaker, "start": round(t.start, 3), "end": round(t.end, 3), "text": t.text}
                  for t in transcript.turns],
        "redacted": [{"speaker": t.speaker, "text": t.text} for t in redacted.turns],
        "muted": spans(ranges),
        "card_scrubbed": spans(card_ranges),
    }


def recognition_key(path: Path, channels: str | None, options: Any) -> str:
    """What a cached recognition of `path` depends on: the audio bytes, the layout, every option."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return json.dumps({"audio_sha256": digest, "channels": channels,
                       "options": dataclasses.asdict(options)}, sort_keys=True, default=str)


def transcribe_cached(transcriber: Any, path: Path, channels: str | None, cache: Path | None, call_id: str) -> Any:
    """The recognition of `path`: from `cache` when its key matches, else transcribed (and cached)."""
    from redactor.transcribe.transcript import Transcript

    if cache is None:
        return transcriber.transcribe(path, channels=channels)
    key = recognition_key(path, channels, transcriber.options)
    entry = cache / f"{call_id}.json"
    if entry.is_file():
        stored = json.loads(entry.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return Transcript.from_dict(stored["transcript"])
    transcript = transcriber.transcribe(path, channels=channels)
    with _private_output(entry) as out:
        json.dump({"key": key, "transcript": transcript.to_dict()}, out, ensure_ascii=False)
    return transcript


def process_call(processing: Any, call_id: str, path: Path, channels: str | None,
                 cache: Path | None = None) -> dict:
    """The RESULTS record of one recording: transcribed, redacted and ranged as the worker does."""
    transcript = transcribe_cached(processing.transcriber, path, channels, cache, call_id)
    redacted = processing.call_redactor.redact(transcript.turns)
    ranges, card_ranges = processing.audio_step.ranges(transcript, redacted.findings, path)
    return result_line(call_id, transcript, redacted, ranges, card_ranges)


def _private_output(path: Path) -> IO[str]:
    """`path` opened for writing, created or tightened to 0600 first: it holds raw text."""
    create_private(path)
    private_file(path, what="eval-audio results file")
    return path.open("w", encoding="utf-8")


@click.command("eval-audio")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("audio_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="RESULTS.jsonl to write. It holds the RAW recognized text of every call (personal "
                   "data): it is created with mode 0600; keep it out of shared places and delete it after scoring.")
@click.option("--channels", type=click.Choice(CHANNEL_LAYOUTS), default=None,
              help="Channel layout of every recording (default: stereo_operator_left for 2-channel "
                   "files, else mono), as an upload's channels field.")
@click.option("--recognition-cache", "cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep each call's recognition in this folder (RAW text, files 0600) and reuse it while the "
                   "recording and the transcription options are unchanged: re-measures rule changes without "
                   "re-transcribing.")
def eval_audio(gold: Path, audio_dir: Path, out: Path, channels: str | None, cache: Path | None) -> None:
    """Process AUDIO_DIR/<id>.wav for each call of GOLD as the service does; write RESULTS to --out.

    RESULTS holds, per call, the raw recognized turns with times, the redacted turns, and the time
    ranges the redacted audio mutes (the format of ../shared/eval/e2e/score_e2e.py). It contains
    RAW TRANSCRIPTS: personal data. Only counts are printed.
    """
    from redactor.config import get_settings
    from redactor.key_material import KeyMaterial
    from redactor.service.runtime import CallProcessing
    from redactor.transcribe import AudioError, ModelError

    ids = gold_ids(gold)
    if not any((audio_dir / f"{call_id}.wav").is_file() for call_id in ids):
        raise click.UsageError(f"none of the {len(ids)} calls of {gold} has a recording <id>.wav in "
                               f"{audio_dir}; synthesize them first (../shared/eval/e2e/synth.py)")
    try:
        settings = get_settings()
        processing = CallProcessing.load(settings, KeyMaterial.from_settings(settings))
    except ModelError as exc:
        raise click.ClickException(f"[{exc.code}] {exc}") from None
    present = [call_id for call_id in ids if (audio_dir / f"{call_id}.wav").is_file()]
    if cache is not None:
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _private_output(out) as results:
        for done, call_id in enumerate(present, start=1):
            try:
                record = process_call(processing, call_id, audio_dir / f"{call_id}.wav", channels, cache)
            except AudioError as exc:
                raise click.ClickException(f"[{exc.code}] {call_id}.wav: {exc}") from None
            results.write(json.dumps(record, ensure_ascii=False) + "\n")
            results.flush()
            click.echo(f"{done}/{len(present)} calls processed", err=True)
    click.echo(f"calls={len(present)} missing_audio={len(ids) - len(present)} written={out}")
