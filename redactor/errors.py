"""The one shape of a refused operation, shared by intake, holds, consent changes and privacy
requests: the API turns it into an error response as it is."""

from __future__ import annotations


class RefusedError(Exception):
    """A refused operation: an HTTP-like status, a stable code and a message without personal data."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
