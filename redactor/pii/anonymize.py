"""Turn findings into redacted text with presidio-anonymizer: typed tag, mask or keyed pseudonym.

Presidio's `hash` operator is a salted SHA, not keyed: anyone can hash a guessed phone number and
compare. The pseudonym here is HMAC-SHA256 with a secret key over a canonical form of the value
(digits only for numbers, NFKC without spaces otherwise), so the same caller gets the same token
across calls and the token cannot be reversed or confirmed without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig as PresidioOperator
from presidio_anonymizer.entities import RecognizerResult as AnonymizerInput

from redactor.pii.config import PiiConfig
from redactor.pii.entities import ENTITY_SPECS
from redactor.pii.normalize import normalize

PSEUDONYM_HEX_CHARS = 12


class PseudonymKeyMissing(ValueError):
    """A pseudonym operator is configured but no key was given."""


def canonical_value(entity_type: str, value: str) -> str:
    """The form that is hashed: the same number spoken or written gives the same token."""
    text = normalize(value).text
    if ENTITY_SPECS[entity_type].canonical_digits:
        return "".join(ch for ch in text if ch.isdigit())
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace() and ch not in "・-")


def pseudonym(key: bytes, entity_type: str, value: str) -> str:
    """<TYPE_hex>: HMAC-SHA256(key, type + canonical value), truncated."""
    digest = hmac.new(key, f"{entity_type}\x00{canonical_value(entity_type, value)}".encode(), hashlib.sha256)
    return f"<{entity_type}_{digest.hexdigest()[:PSEUDONYM_HEX_CHARS]}>"


class TurnAnonymizer:
    """Applies the configured operator per entity type to one turn's original text."""

    def __init__(self, config: PiiConfig, pseudonym_key: bytes | None = None):
        self.config = config
        self.engine = AnonymizerEngine()
        if pseudonym_key is None and self._uses_pseudonyms():
            raise PseudonymKeyMissing("a pseudonym operator is configured in the PII config; pass pseudonym_key "
                                      "(32 bytes, from REDACTOR_PSEUDONYM_KEY or <data_dir>/keys/pseudonym.key)")
        self.key = pseudonym_key

    def _uses_pseudonyms(self) -> bool:
        return any(op.type == "pseudonym" for op in self.config.operators.values())

    def _operator(self, entity_type: str) -> PresidioOperator:
        conf = self.config.operator_for(entity_type)
        if conf.type == "mask":
            return PresidioOperator("mask", {"masking_char": conf.masking_char, "chars_to_mask": 10_000,
                                             "from_end": False})
        if conf.type == "pseudonym":
            key = self.key
            return PresidioOperator("custom", {"lambda": lambda value: pseudonym(key, entity_type, value)})
        return PresidioOperator("replace", {"new_value": f"<{entity_type}>"})

    def anonymize(self, text: str, spans: list[tuple[str, int, int, float]]) -> str:
        """Redact non-overlapping (type, start, end, score) spans of `text`."""
        if not spans:
            return text
        results = [AnonymizerInput(entity_type=t, start=s, end=e, score=sc) for t, s, e, sc in spans]
        operators = {t: self._operator(t) for t in {span[0] for span in spans}}
        return self.engine.anonymize(text=text, analyzer_results=results, operators=operators).text
