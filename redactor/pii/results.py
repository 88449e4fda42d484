"""Result dataclasses of the public API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Finding:
    """One redacted entity: offsets [start, end) into the ORIGINAL text of turn `turn`."""

    type: str
    turn: int
    start: int
    end: int
    score: float

    def to_dict(self) -> dict:
        return {"type": self.type, "turn": self.turn, "start": self.start, "end": self.end,
                "score": round(self.score, 4)}


@dataclass(frozen=True)
class RedactedTurn:
    speaker: str
    text: str


@dataclass(frozen=True)
class RedactedCall:
    """The redacted turns, the findings, and the config/threshold the result was made with."""

    turns: list[RedactedTurn]
    findings: list[Finding]
    options: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"turns": [asdict(t) for t in self.turns], "entities": [f.to_dict() for f in self.findings]}
