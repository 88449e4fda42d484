"""The eval definitions, and the bars on the dev set and on this repository's own calls."""

import json

import pytest

from redactor.pii.entities import ENTITY_TYPES
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


def _load(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _run(call_redactor, path):
    gold = _load(path)
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
    """The project's own dev set (tests/pii/data/README.md: written for this repository, CC0),
    so the recall bar runs on every clone: measured recall 1.0 and keep rate 1.0 (2026-12-02),
    and that is the bar, overall and for every type."""
    report = _run(call_redactor, OWN_CALLS)
    assert report.leaks == []  # (call id, type, turn) of each leaked item: recall 1.0 for every type
    assert report.keep_rate == 1.0


def test_own_calls_cover_every_entity_type():
    """Enough of each type that a per-type bar means something: 3 or more items of every type."""
    counts = {etype: 0 for etype in ENTITY_TYPES}
    for call in _load(OWN_CALLS):
        for item in call["pii"]:
            assert item["text"] in call["turns"][item["turn"]]["text"], (call["id"], item["turn"])
            counts[item["type"]] += 1
        for item in call["keep"]:
            assert item["text"] in call["turns"][item["turn"]]["text"], (call["id"], item["turn"])
    assert {etype: n for etype, n in counts.items() if n < 3} == {}


@pytest.mark.skipif(not DEV_SET.exists(), reason="../shared/data/pii-dev.jsonl is not present (it is not part of a clone)")
def test_own_calls_are_not_copied_from_the_shared_dev_set():
    """Redistributable only if written fresh: no turn, and no PII value longer than a surname
    (common names and short numbers may coincide), is taken from ../shared."""
    shared = _load(DEV_SET)
    shared_turns = {t["text"] for call in shared for t in call["turns"]}
    shared_values = {p["text"] for call in shared for p in call["pii"]}
    own = _load(OWN_CALLS)
    copied_turns = [(c["id"], n) for c in own for n, t in enumerate(c["turns"])
                    if t["text"] in shared_turns and len(t["text"]) > 12]
    copied_values = [(c["id"], p["turn"], p["type"]) for c in own for p in c["pii"]
                     if p["text"] in shared_values and len(p["text"]) > 4]
    assert copied_turns == [] and copied_values == []
