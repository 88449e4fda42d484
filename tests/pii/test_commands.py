"""`redactor redact-text` and `redactor eval` through click's runner (the real engine)."""

import base64
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from redactor.pii.anonymize import pseudonym
from redactor.pii.commands import evaluate, parse_call_line, redact_text, InputLineError

from .helpers import OWN_CALLS

GOOD = json.dumps({"id": "c1", "turns": [{"speaker": "caller", "text": "携帯は090-1234-5678です"}], "x": 1},
                  ensure_ascii=False)


@pytest.mark.parametrize("line, code, message", [
    ('{"id": 1, "turns": [', "bad_json", "not valid JSON"),
    ('[1, 2]', "bad_call", "expected a JSON object"),
    ('{"id": 1}', "bad_call", "missing 'turns'"),
    ('{"id": 1, "turns": "hello"}', "bad_call", "'turns' must be a list"),
    ('{"id": 1, "turns": [{"speaker": "caller", "text": 5}]}', "bad_turn", "turn 0: 'text' must be a string"),
    ('{"id": 1, "turns": ["text"]}', "bad_turn", "turn 0 must be an object"),
])
def test_parse_errors(line, code, message):
    with pytest.raises(InputLineError, match=message) as info:
        parse_call_line(line)
    assert info.value.code == code


PERSONAL = ("伊藤雅美", "090-1234-5678")
BROKEN_WITH_PERSONAL_DATA = [
    # (line, code): each line carries PERSONAL where a careless message would quote it
    ('{"id": "c9", "turns": [{"speaker": "caller", "text": "伊藤雅美です 090-1234-5678"}', "bad_json"),
    ('{"id": "c9", "turns": [{"speaker": "caller", "text": "伊藤雅美\\q 090-1234-5678"}]}', "bad_json"),
    ('伊藤雅美 090-1234-5678', "bad_json"),
    ('"伊藤雅美 090-1234-5678"', "bad_call"),
    ('{"id": "c9", "turns": "伊藤雅美 090-1234-5678"}', "bad_call"),
    ('{"id": "c9", "turns": ["伊藤雅美 090-1234-5678"]}', "bad_turn"),
    ('{"id": "c9", "turns": [{"speaker": "伊藤雅美", "text": ["090-1234-5678"]}]}', "bad_turn"),
]


@pytest.mark.parametrize("line, code", BROKEN_WITH_PERSONAL_DATA)
def test_parse_errors_never_quote_the_input(line, code):
    with pytest.raises(InputLineError) as info:
        parse_call_line(line)
    assert info.value.code == code
    message = str(info.value)
    assert not [value for value in PERSONAL if value in message], message
    assert not re.search(r"\d{4}|伊藤|雅美", message), message  # nor pieces of it


@pytest.mark.slow
def test_redact_text_good_and_bad_lines():
    bad_text = json.dumps({"id": "c3", "turns": [{"speaker": "caller", "text": ["090-1234-5678"]}]})
    stdin = "\n".join([GOOD, "{broken", '{"id": "c2"}', bad_text, ""]) + "\n"
    result = CliRunner().invoke(redact_text, [], input=stdin)
    assert result.exit_code == 1
    out_lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert out_lines == [{"id": "c1", "turns": [{"speaker": "caller", "text": "携帯は<PHONE_NUMBER>です"}],
                          "entities": [{"type": "PHONE_NUMBER", "turn": 0, "start": 3, "end": 16, "score": 1.0}]}]
    assert "error[bad_json] line 2" in result.stderr
    assert "error[bad_call] line 3: missing 'turns'" in result.stderr
    assert "error[bad_turn] line 4: turn 0: 'text' must be a string" in result.stderr
    assert "090-1234-5678" not in result.stderr   # errors never echo the transcript


@pytest.mark.slow
def test_eval_prints_recall_and_keep_rate():
    result = CliRunner().invoke(evaluate, [str(OWN_CALLS)])
    assert result.exit_code == 0, result.output
    assert "recall=" in result.stdout and "keep_rate=" in result.stdout
    assert "PHONE_NUMBER" in result.stdout


def test_redact_text_bad_config(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("operators: {default: {type: shred}}", encoding="utf-8")
    result = CliRunner().invoke(redact_text, ["--config", str(path)], input=GOOD)
    assert result.exit_code != 0 and "invalid" in result.output


@pytest.mark.slow
def test_redact_text_prints_no_transcript_text_on_stderr():
    """A real process (warnings and logging as in production): stderr holds no transcript words,
    also for a call long enough to be tokenized in chunks and merged (spaCy's W102 path)."""
    pii = ["長谷川千尋", "090-1234-5678", "東京都港区芝5-7-1", "hasegawa@example.com"]
    turns = [{"speaker": "caller", "text": f"{pii[0]}と申します。携帯は{pii[1]}、住所は{pii[2]}です"},
             {"speaker": "operator", "text": "ご案内いたします。" * 6000 + f"メールは{pii[3]}ですね"}]
    call = json.dumps({"id": "long", "turns": turns}, ensure_ascii=False)
    proc = subprocess.run([sys.executable, "-c", "from redactor.cli import main; main()", "redact-text"],
                          input=call + "\n", capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stderr[-500:] if not re.search(r"[ぁ-ヺ一-龯]", proc.stderr) else "(stderr withheld)"
    assert [p for p in pii if p in proc.stdout] == []
    assert [p for p in pii + ["ご案内"] if p in proc.stderr] == []
    assert not re.search(r"[ぁ-ゖァ-ヺ\u4e00-\u9fff]", proc.stderr), "stderr holds Japanese text"


@pytest.mark.slow
def test_redact_text_pseudonymizes_with_the_services_key(tmp_path, monkeypatch):
    """A config with a pseudonym operator takes the service's pseudonym key (REDACTOR_PSEUDONYM_KEY),
    so the CLI's tokens are the ones stored transcripts carry."""
    key = bytes(range(32))
    monkeypatch.setenv("REDACTOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REDACTOR_PSEUDONYM_KEY", base64.b64encode(key).decode())
    config = tmp_path / "pii.yaml"
    config.write_text("operators: {default: {type: tag}, PHONE_NUMBER: {type: pseudonym}}", encoding="utf-8")
    result = CliRunner().invoke(redact_text, ["--config", str(config)], input=GOOD)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["turns"][0]["text"] == f"携帯は{pseudonym(key, 'PHONE_NUMBER', '090-1234-5678')}です"
