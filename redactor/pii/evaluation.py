"""Recall per entity type and keep rate, with the definitions of ../shared/eval/score_redaction.py.

A PII span leaks when its text (NFKC) survives in the redacted turn; for numeric identifiers a
5-digit window of its digits surviving inside one digit run also counts (partial redaction);
names leak when any part of >= 2 characters survives. Keep strings must survive verbatim (NFKC).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from redactor.pii.entities import NUMERIC_TYPES

KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _nf(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _digit_runs(s: str) -> list[str]:
    return re.findall(r"\d+", _nf(s).translate(KANJI_DIGITS))


def leaked(pii: dict, redacted_turn: str) -> bool:
    """Whether an annotated PII span survives in the redacted turn text."""
    text, etype = _nf(pii["text"]), pii["type"]
    red = _nf(redacted_turn)
    if text in red:
        return True
    if etype in NUMERIC_TYPES:
        digits = "".join(_digit_runs(text))
        if len(digits) >= 7:
            runs = _digit_runs(red)
            if any(digits[i:i + 5] in run for i in range(len(digits) - 4) for run in runs):
                return True
    if etype == "PERSON":
        parts = [x for x in re.split(r"[\s・　]+", text) if len(x) >= 2]
        if len(parts) > 1 and any(x in red for x in parts):
            return True
    return False


@dataclass
class EvalReport:
    calls: int
    per_type: dict[str, dict[str, int]]
    keep_total: int
    keep_kept: int
    leaks: list[tuple[str, str, int]] = field(default_factory=list)  # (call id, type, turn): no text

    @property
    def pii(self) -> int:
        return sum(c["total"] for c in self.per_type.values())

    @property
    def leak_count(self) -> int:
        return sum(c["leaks"] for c in self.per_type.values())

    @property
    def recall(self) -> float:
        return 1 - self.leak_count / self.pii if self.pii else 0.0

    @property
    def keep_rate(self) -> float:
        return self.keep_kept / self.keep_total if self.keep_total else 1.0

    def type_recall(self, etype: str) -> float:
        c = self.per_type[etype]
        return 1 - c["leaks"] / c["total"] if c["total"] else 1.0

    def to_dict(self) -> dict:
        return {"calls": self.calls, "pii": self.pii, "leaks": self.leak_count, "recall": round(self.recall, 4),
                "keep_rate": round(self.keep_rate, 4),
                "per_type": {t: dict(c, recall=round(self.type_recall(t), 4)) for t, c in sorted(self.per_type.items())}}


def score(gold_calls: list[dict], redacted_turns: dict[str, list[str]]) -> EvalReport:
    """Score redacted turn texts (by call id) against annotated calls."""
    per: dict[str, Counter] = defaultdict(Counter)
    keep = Counter()
    leaks = []
    for gold in gold_calls:
        turns = redacted_turns.get(gold["id"])
        missing = turns is None or len(turns) != len(gold["turns"])
        for pii in gold.get("pii", []):
            per[pii["type"]]["total"] += 1
            if missing or leaked(pii, turns[pii["turn"]]):
                per[pii["type"]]["leaks"] += 1
                leaks.append((gold["id"], pii["type"], pii["turn"]))
        for item in gold.get("keep", []):
            keep["total"] += 1
            if not missing and _nf(item["text"]) in _nf(turns[item["turn"]]):
                keep["kept"] += 1
    per_type = {t: {"total": c["total"], "leaks": c["leaks"]} for t, c in per.items()}
    return EvalReport(len(gold_calls), per_type, keep["total"], keep["kept"], leaks)
