"""Result dataclasses of the public API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Finding:
    """One redacted entity: offsets [start, end) into the ORIGINAL text of turn `turn`.

    A finding by time also has `start_s`/`end_s`: the conversation says the item was spoken over
    those seconds of the call (an answer to the operator's request), whatever words recognition
    made of it, so the redacted audio mutes that stretch as well as the words under [start, end).
    """

    type: str
    turn: int
    start: int
    end: int
    score: float
    start_s: float | None = None
    end_s: float | None = None

    def to_dict(self) -> dict:
        found = {"type": self.type, "turn": self.turn, "start": self.start, "end": self.end,
                 "score": round(self.score, 4)}
        if self.start_s is not None and self.end_s is not None:
            found.update(start_s=round(self.start_s, 3), end_s=round(self.end_s, 3))
        return found


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
