"""The shape every call rule shares (the recognizers' shape, one level up: a whole call).

A rule reads the call (`CallView`: turns, speakers, what each turn is expected to hold, NLP
tokens, organisation evidence) and changes its spans (`SpanSet`): adds what the conversation
says must go, drops what it explains away. It is configured by its own pydantic model, read
from `rules.<NAME>` in pii.yaml; every rule can be switched off there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from redactor.pii.config import PiiConfig
from redactor.pii.dialogue import CallView
from redactor.pii.spans import SpanSet


class RuleConfig(BaseModel):
    """Settings every rule has; a rule with settings of its own subclasses this."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True


class CallRule(ABC):
    """One call-level rule: `NAME` (its key under `rules:` in pii.yaml), `Config`, `apply`."""

    NAME: ClassVar[str]
    Config: ClassVar[type[RuleConfig]] = RuleConfig

    def __init__(self, config: RuleConfig | None = None, pii: PiiConfig | None = None):
        self.config = config if config is not None else self.Config()
        self.pii = pii if pii is not None else PiiConfig()

    @abstractmethod
    def apply(self, call: CallView, spans: SpanSet) -> None:
        """Add spans the call says must go and drop those it explains away."""
