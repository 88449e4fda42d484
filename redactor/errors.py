"""Refused operations: the one base for every request the library declines to carry out.

A refusal carries an HTTP-like status, a stable code and a message that names the bad value and
the fix without repeating personal data. The API answers every RefusedError (its own ApiError
included) in one exception handler (api/errors.py) with `{"error": {"code", "message"}}`; the UI
shows the message. A new refusal subclasses one of these two.
"""

from __future__ import annotations


class RefusedError(Exception):
    """A refused operation: an HTTP-like status, a stable code and a message without personal data."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class InvalidValueError(RefusedError, ValueError):
    """A value given by the caller that cannot be used: status 422 and the subclass's stable `code`."""

    code = "request_invalid"

    def __init__(self, message: str) -> None:
        super().__init__(422, type(self).code, message)
