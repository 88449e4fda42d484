"""`redactor redact-text` and `redactor eval`.

Heavy libraries (spaCy, GiNZA, Presidio) are imported inside the command functions: `redactor`
loads a subcommand's module only when it runs, and `redactor --help` must stay fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

# Stable error codes on stderr: `error[<code>] line <n>: <what> - <fix>`.
BAD_JSON, BAD_CALL, BAD_TURN = "bad_json", "bad_call", "bad_turn"


class InputLineError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def parse_call_line(line: str) -> dict:
    """One JSONL line -> {"id", "turns"}; raises InputLineError naming what is wrong (never the text)."""
    try:
        call = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputLineError(BAD_JSON, f"not valid JSON ({exc.msg} at column {exc.colno}); "
                                       "write one JSON object per line") from None
    if not isinstance(call, dict):
        raise InputLineError(BAD_CALL, f"expected a JSON object, got {type(call).__name__}")
    turns = call.get("turns")
    if not isinstance(turns, list):
        raise InputLineError(BAD_CALL, "missing 'turns' (a list of {\"speaker\", \"text\"} objects)"
                             if turns is None else f"'turns' must be a list, got {type(turns).__name__}")
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise InputLineError(BAD_TURN, f"turn {index} must be an object with 'speaker' and 'text'")
        for key in ("speaker", "text"):
            if not isinstance(turn.get(key), str):
                raise InputLineError(BAD_TURN, f"turn {index}: '{key}' must be a string, "
                                               f"got {type(turn.get(key)).__name__}")
    return call


def _load_redactor(config: Path | None):
    from redactor.config import get_settings
    from redactor.key_material import KeyMaterial, KeyName
    from redactor.pii import CallRedactor
    from redactor.pii.config import load_config

    settings = get_settings()
    config_path = config or settings.pii_config
    key = None
    if any(op.type == "pseudonym" for op in load_config(config_path).operators.values()):
        key = KeyMaterial.from_settings(settings).load(KeyName.PSEUDONYM)
    return CallRedactor.load(config_path=config_path, pseudonym_key=key)


def _config_error(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.command("redact-text")
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="PII config YAML (default: REDACTOR_PII_CONFIG, else the bundled redactor/conf/pii.yaml).")
@click.option("--input", "input_file", type=click.File("r", encoding="utf-8"), default="-",
              help="JSONL file with one call per line: {\"id\", \"turns\": [{\"speaker\", \"text\"}]} (default: stdin).")
def redact_text(config: Path | None, input_file) -> None:
    """Redact calls read as JSONL; write {"id", "turns", "entities"} per line to stdout.

    A bad line is reported on stderr with its line number and skipped; the exit status is then 1.
    """
    from redactor.pii.config import PiiConfigError

    try:
        redactor = _load_redactor(config)
    except (PiiConfigError, ValueError, RuntimeError) as exc:
        raise _config_error(exc) from None
    failures = 0
    for number, line in enumerate(input_file, start=1):
        if not line.strip():
            continue
        try:
            call = parse_call_line(line)
        except InputLineError as exc:
            failures += 1
            click.echo(f"error[{exc.code}] line {number}: {exc}", err=True)
            continue
        result = redactor.redact(call["turns"])
        record = {"id": call.get("id"), **result.to_dict()}
        click.echo(json.dumps(record, ensure_ascii=False))
        sys.stdout.flush()
    if failures:
        click.echo(f"{failures} line(s) were not redacted; fix them and run again", err=True)
        sys.exit(1)


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="PII config YAML (default: REDACTOR_PII_CONFIG, else the bundled redactor/conf/pii.yaml).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--show-leaks", is_flag=True,
              help="List leaked spans as call id, type and turn (never their text).")
def evaluate(file: Path, config: Path | None, as_json: bool, show_leaks: bool) -> None:
    """Redact an annotated call set (pii-dev.jsonl format) and print recall per type and keep rate."""
    from redactor.pii.config import PiiConfigError
    from redactor.pii.evaluation import score

    try:
        redactor = _load_redactor(config)
    except (PiiConfigError, ValueError, RuntimeError) as exc:
        raise _config_error(exc) from None
    gold = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                gold.append(parse_call_line(line))
            except InputLineError as exc:
                raise click.ClickException(f"{file}: line {number}: {exc}") from None
    redacted = {g["id"]: [t.text for t in redactor.redact(g["turns"]).turns] for g in gold}
    report = score(gold, redacted)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    for etype, counts in sorted(report.per_type.items()):
        kept = counts["total"] - counts["leaks"]
        click.echo(f"{etype:16s} {kept:4d}/{counts['total']:<4d} recall={report.type_recall(etype):.4f}")
    if show_leaks:
        for call_id, etype, turn in report.leaks:
            click.echo(f"LEAK {call_id} {etype} turn={turn}")
    click.echo(f"calls={report.calls} pii={report.pii} leaks={report.leak_count} "
               f"recall={report.recall:.4f} keep_rate={report.keep_rate:.4f}")
