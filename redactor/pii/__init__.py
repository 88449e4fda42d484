"""Japanese PII detection and redaction for call transcripts.

    from redactor.pii import CallRedactor
    redactor = CallRedactor.load(pseudonym_key=key)      # loads GiNZA once
    result = redactor.redact([{"speaker": "caller", "text": "..."}])

The names below are imported on first use: `redactor.pii.entities` (the entity registry, read by
the settings and the review UI) must not load Presidio and spaCy with the package.
"""

from importlib import import_module

_EXPORTS = {"CallRedactor": "redactor.pii.engine", "TurnError": "redactor.pii.engine",
            "Finding": "redactor.pii.results", "RedactedCall": "redactor.pii.results",
            "RedactedTurn": "redactor.pii.results"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'redactor.pii' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
