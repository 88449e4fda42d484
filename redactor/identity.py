"""Caller identity without the caller's number: a keyed hash of its normalized form.

The number is normalized to E.164 with `phonenumbers` (region JP, so `090-1234-5678`,
`09012345678` and `+81 90 1234 5678` are the same caller) and stored only as
HMAC-SHA256(caller key, E.164). A disclosure or deletion request hashes the number it is given
the same way to find that caller's calls. Without the key (`<data_dir>/keys/caller.key`) the
hashes cannot be tested against a list of numbers.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers

from redactor.errors import CallerNumberError

DEFAULT_REGION = "JP"


def normalize_number(raw: str, region: str = DEFAULT_REGION) -> str:
    """The E.164 form of `raw` (e.g. "+819012345678"); CallerNumberError if it is not a number."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise CallerNumberError(
            "caller_number is not a phone number; send it as dialled (e.g. 090-1234-5678) "
            "or in E.164 (+819012345678)"
        ) from None
    if not phonenumbers.is_possible_number(parsed):
        raise CallerNumberError(
            "caller_number has the wrong number of digits for its country; send it as dialled "
            "or in E.164"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class CallerHasher:
    """Hashes caller numbers with one key (`KeyMaterial.load("caller")`, redactor.key_material)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError(f"the caller hash key must have 32 bytes, got {len(key)}")
        self._key = key

    def hash_number(self, raw: str, region: str = DEFAULT_REGION) -> str:
        """Hex HMAC-SHA256 of the E.164 form of `raw`; raises CallerNumberError."""
        e164 = normalize_number(raw, region)
        return hmac.new(self._key, e164.encode("ascii"), hashlib.sha256).hexdigest()

    def hash_field(self, raw: str, field: str) -> str:
        """hash_number for a request's field: the refusal names `field` (never the number)."""
        try:
            return self.hash_number(raw)
        except CallerNumberError as error:
            raise CallerNumberError(f"{field}: {error}") from None
