"""The eval definitions, and the bars on the dev set and on this repository's own calls."""

import json

import pytest

from redactor.pii.evaluation import leaked, score

from .helpers import DEV_SET, OWN_CALLS


@pytest.mark.parametrize("pii, redacted, leaks", [
    ({"type": "PHONE_NUMBER", "text": "080-4629-3178"}, "<PHONE_NUMBER>です", False),
    ({"type": "PHONE_NUMBER", "text": "080-4629-3178"}, "080-46<PHONE_NUMBER>", False),
    ({"type": "PHONE_NUMBER", "text": "080-4629-3178"}, "0804629<PHONE_NUMBER>", True),   # 5-digit window
    ({"type": "PHONE_NUMBER", "text": "〇八〇四六二九"}, "080462", True),                 # kanji digits
    ({"type": "PERSON", "text": "リ シュウエイ"}, "リ <PERSON>", False),                   # parts of 2+ only
    ({"type": "PERSON", "text": "ワタナベ エミ"}, "ワタナベ <PERSON>", True),
    ({"type": "ADDRESS", "text": "東京都"}, "東京都", True),
])
def test_leaked(pii, redacted, leaks):
    assert leaked(pii, redacted) is leaks


def test_score_counts_missing_calls_as_leaks():
    gold = [{"id": "a", "turns": [{"speaker": "c", "text": "x"}], "pii": [{"type": "PERSON", "text": "x", "turn": 0}],
             "keep": [{"text": "y", "turn": 0}]}]
    report = score(gold, {})
    assert report.recall == 0.0 and report.keep_rate == 0.0


def _run(call_redactor, path):
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return score(gold, {g["id"]: [t.text for t in call_redactor.redact(g["turns"]).turns] for g in gold})


@pytest.mark.slow
@pytest.mark.skipif(not DEV_SET.exists(), reason="../shared/data/pii-dev.jsonl is not present (it is not part of a clone)")
def test_dev_set_bars(call_redactor):
    report = _run(call_redactor, DEV_SET)
    assert report.recall >= 0.98
    assert report.keep_rate >= 0.95
    assert {t: report.type_recall(t) for t in report.per_type if report.type_recall(t) < 0.95} == {}


@pytest.mark.slow
def test_own_calls_bars(call_redactor):
    """Calls written for this repository (other companies, names and phrasings than the dev set)."""
    report = _run(call_redactor, OWN_CALLS)
    assert report.recall >= 0.98
    assert report.keep_rate >= 0.95
