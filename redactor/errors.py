"""Refused operations: the one base for every request the library declines to carry out, and
every refusal the library raises.

A refusal carries an HTTP-like status, a stable code and a message that names the bad value and
the fix without repeating personal data. The API answers every RefusedError (its own ApiError
included) in one exception handler (api/errors.py) with `{"error": {"code", "message"}}`; the UI
shows the message. A new refusal subclasses one of the two bases, here, under its area.
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


# --- the service -------------------------------------------------------------------------------

class SchemaNotCurrentError(RefusedError):
    """The database's schema is not the one this code was written for (cluster mode: not migrated;
    redactor.store.db)."""

    def __init__(self, message: str) -> None:
        super().__init__(503, "schema_not_current", message)


# --- calls ---------------------------------------------------------------------------------------

class IntakeError(RefusedError):
    """A rejected upload (redactor.service.intake)."""


class CallerNumberError(InvalidValueError):
    """The caller number cannot be a phone number (redactor.identity). The message never repeats it."""

    code = "caller_number_invalid"


class CursorError(InvalidValueError):
    """A call-list cursor that is not one the list gave out (redactor.store.calls)."""

    code = "cursor_invalid"


class SearchQueryError(InvalidValueError):
    """A query that no turn can contain and the index cannot take, a NUL character (redactor.store.search)."""

    code = "query_invalid"


# --- API keys ------------------------------------------------------------------------------------

class UnknownRoleError(InvalidValueError):
    """A role that is not one of redactor.api_keys.Role."""

    code = "role_unknown"


class LastAdminKeyError(RefusedError):
    """Revoking the only active admin key would leave nobody to manage keys over the API."""


# --- consent and retention -----------------------------------------------------------------------

class ConsentPolicyError(InvalidValueError):
    """A consent policy that cannot be applied (redactor.consent)."""

    code = "consent_policy_invalid"


class ConsentChangeError(RefusedError):
    """A refused consent change (redactor.retention.consent_changes)."""


class RetentionPolicyError(InvalidValueError):
    """A retention policy that cannot be applied (redactor.retention.policy)."""

    code = "retention_policy_invalid"


class HoldError(RefusedError):
    """A refused legal-hold operation (redactor.retention.holds)."""


# --- privacy requests and cases ------------------------------------------------------------------

class PrivacyRequestError(RefusedError):
    """A refused privacy request (redactor.privacy_requests)."""


class PrivacyCaseError(RefusedError):
    """A refused case operation (redactor.privacy_cases)."""


class CaseTransitionError(RefusedError):
    """A step the case's state (or type) does not allow: 409 `case_transition_refused`."""

    def __init__(self, message: str) -> None:
        super().__init__(409, "case_transition_refused", message)
