"""Japanese PII detection and redaction for call transcripts.

    from redactor.pii import CallRedactor
    redactor = CallRedactor.load(pseudonym_key=key)      # loads GiNZA once
    result = redactor.redact([{"speaker": "caller", "text": "..."}])
"""

from redactor.pii.redactor import CallRedactor, TurnError
from redactor.pii.results import Finding, RedactedCall, RedactedTurn

__all__ = ["CallRedactor", "Finding", "RedactedCall", "RedactedTurn", "TurnError"]
