"""End-to-end leak benchmark: spoken PII still readable or audible after the service's redaction.

Speaks the annotated dev calls (../shared/data/pii-dev.jsonl) as recordings with
../shared/eval/e2e/synth.py (default 8 kHz mu-law stereo, the telephony case), runs them through
the service's processing with `redactor eval-audio` (transcription, PII engine, redacted-audio
ranges), scores the result with ../shared/eval/e2e/score_e2e.py and prints one table: spans
readable in the stored transcript and audible in the redacted audio (overall and per type), each
speaker's speech outside the PII that stays audible (`speech_kept`), the share of the call muted
and of the transcript's characters redacted, and the raw recognition's own readable rate.

Targets (issue 11, 8 kHz and 16 kHz stereo): readable <= 2 %, audible <= 2 %, speech_kept >= 80 %
per speaker, redacted characters <= 35 %; mono: readable and audible <= 5 %.

Synthesized audio is cached per shape under artifacts/e2e-audio/ (gitignored; synthesis takes
minutes). `--recognition-cache DIR` keeps each call's recognition (raw text, 0600) for reuse while
the audio and transcription options are unchanged, so rule changes re-measure in seconds. The RESULTS file holds raw transcripts and is deleted after scoring unless --keep.
Transcription is the slow part (tens of minutes for the 30 calls on two busy cores): run one
configuration at a time.

    .venv/bin/python benchmarks/e2e_leak_bench.py [--rate 16000 --codec pcm_s16le] [--mono]
        [--beam 1|5] [--ids dev-001,dev-002] [--gold tests/pii/data/own_calls.jsonl] [--json]

`--gold` measures another annotated call set in the same format (the project's own calls; a
held-out set kept outside the repository), its recordings cached apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "data" / "pii-dev.jsonl"
E2E = SHARED / "eval" / "e2e"
CACHE = ROOT / "artifacts" / "e2e-audio"


def synthesize(gold: Path, ids: str, rate: int, codec: str, mono: bool, name: str = "") -> Path:
    """The cached recordings of this shape, synthesized first where missing (synth.py skips done ones);
    `name` keeps another gold set's recordings apart from the dev calls'."""
    folder = CACHE / f"{name + '-' if name else ''}{rate}-{codec}-{'mono' if mono else 'stereo'}"
    command = [sys.executable, str(E2E / "synth.py"), str(gold), str(folder), "--rate", str(rate), "--codec", codec]
    command += ["--ids", ids] if ids else []
    command += ["--mono"] if mono else []
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return folder


def run_eval_audio(gold: Path, audio_dir: Path, results: Path, channels: str, beam: int, work: Path,
                   cache: Path | None) -> None:
    env = {**os.environ, "REDACTOR_WHISPER_BEAM_SIZE": str(beam)}
    env.setdefault("REDACTOR_DATA_DIR", str(work / "data"))  # no key files left in the caller's data dir
    command = [sys.executable, "-m", "redactor", "eval-audio", str(gold), str(audio_dir),
               "--out", str(results), "--channels", channels]
    command += ["--recognition-cache", str(cache)] if cache else []
    subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)


def score(gold: Path, audio_dir: Path, results: Path) -> dict:
    output = subprocess.run([sys.executable, str(E2E / "score_e2e.py"), str(gold), str(audio_dir), str(results),
                             "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def table(report: dict, shape: str) -> str:
    transcript, audio = report["transcript"], report["audio"]
    lines = [
        f"e2e leak benchmark: {shape}, {report['calls']} calls (missing {len(report['missing'])})",
        f"  readable in the stored transcript  {transcript['rate']:7.2%}  "
        f"({transcript['full']} full + {transcript['partial']} partial of {transcript['spans']} spans)",
        f"  audible in the redacted audio      {audio['rate']:7.2%}  ({audio['full']} of {audio['spans']} spans)",
        f"  raw recognition readable (ceiling) {report['raw_recognition']['rate']:7.2%}",
        "  speech kept outside PII            " + "  ".join(
            f"{speaker} {share:.1%}" for speaker, share in sorted(report["speech_kept"].items())),
        f"  call time muted                    {report['muted_share']:7.2%}",
        f"  transcript characters redacted     {report['chars_redacted_share']:7.2%}",
        "",
        f"  {'type':16s} {'spans':>5s} {'readable':>9s} {'audible':>8s}",
    ]
    for etype, counts in sorted(transcript["per_type"].items()):
        heard = audio["per_type"].get(etype, {})
        readable = counts.get("full", 0) + counts.get("partial", 0)
        lines.append(f"  {etype:16s} {counts['total']:5d} {readable:9d} {heard.get('full', 0):8d}")
    return "\n".join(lines)


@click.command()
@click.option("--rate", type=int, default=8000, show_default=True, help="Sample rate of the recordings.")
@click.option("--codec", default="pcm_mulaw", show_default=True, help="WAV codec: pcm_mulaw, pcm_alaw, pcm_s16le.")
@click.option("--mono", is_flag=True, help="Both voices mixed into one channel (turns found without channels).")
@click.option("--beam", type=click.IntRange(min=1), default=1, show_default=True, help="Whisper beam size.")
@click.option("--ids", default="", help="Comma-separated call ids (default: all dev calls).")
@click.option("--keep", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Keep the RESULTS file (RAW transcripts: personal data) at this path.")
@click.option("--recognition-cache", "cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Reuse recognitions kept here (RAW text) while audio and options are unchanged.")
@click.option("--gold", "gold_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Annotated calls to speak and score (default: ../shared/data/pii-dev.jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the scorer's report as one JSON object.")
def main(rate: int, codec: str, mono: bool, beam: int, ids: str, keep: Path | None, cache: Path | None,
         gold_file: Path | None, as_json: bool) -> None:
    """Synthesize, process and score the dev calls (or --gold); print the leak table."""
    if not E2E.is_dir() or (gold_file is None and not GOLD.is_file()):
        raise click.ClickException(f"{SHARED} not found: the benchmark needs ../shared beside the repository")
    gold = source = gold_file.resolve() if gold_file else GOLD
    with tempfile.TemporaryDirectory(prefix="e2e-leak-") as work:
        if ids:  # a subset: its own gold file, so the scorer counts only those calls
            wanted = set(ids.split(","))
            gold = Path(work) / "gold.jsonl"
            gold.write_text("".join(line for line in source.read_text(encoding="utf-8").splitlines(keepends=True)
                                    if json.loads(line)["id"] in wanted), encoding="utf-8")
        audio_dir = synthesize(gold, ids, rate, codec, mono, name="" if gold_file is None else source.stem)
        results = keep or Path(work) / "results.jsonl"
        run_eval_audio(gold, audio_dir, results, "mono" if mono else "stereo_operator_left", beam, Path(work),
                       cache.resolve() if cache else None)
        report = score(gold, audio_dir, results)
    shape = f"{rate} Hz {codec} {'mono' if mono else 'stereo'}, beam {beam}"
    click.echo(json.dumps({"shape": shape, **report}) if as_json else table(report, shape))


if __name__ == "__main__":
    main()
