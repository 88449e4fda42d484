"""A brake on guessing keys: failed authentications per client address, audited in aggregate.

After `REDACTOR_AUTH_FAILURE_LIMIT` failed authentications (a wrong, malformed or revoked key,
over the API or at the UI's sign-in) from one client address within
`REDACTOR_AUTH_FAILURE_WINDOW_SECONDS`, that address gets 429 with `Retry-After` until the
oldest of those failures leaves the window. A correct key is refused too while the address is
locked out: were it let through, a guesser would still learn which guess was right (200 vs 429)
and the lock would slow nothing. A success does not clear the count, so a holder of one valid
key cannot reset it between guesses. Behind a reverse proxy, run uvicorn with
`--proxy-headers --forwarded-allow-ips=<proxy>` so that the address is the client's, not the
proxy's (otherwise every client shares one count). The failures are counted in the database
(`redactor.store.auth_failures`), so API replicas share one count per address: a client gets one
allowance of guesses, not one per replica.

The audit log gets counts only, never a key, a key id guessed at, or an address: one
`auth.failures` event when an address is locked out and otherwise at most one per window while
failures go on (and at shutdown), with the failures per channel and the lockouts since the last
(each process reports what it saw).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from starlette.requests import Request

from redactor import audit
from redactor.store.auth_failures import latest_failures, prune_failures, record_failure
from redactor.store.db import Database
from redactor.store.types import utcnow

AUDIT_EVENT = "auth.failures"
CHANNELS = ("api", "ui")


@dataclass
class FailureCounts:
    """What happened since the last audit event: counts per channel, lockouts, refusals."""

    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    lockouts: int = 0
    refused_while_locked: int = 0

    def __bool__(self) -> bool:
        return any(self.failures.values()) or self.lockouts > 0 or self.refused_while_locked > 0

    def as_details(self) -> dict[str, int]:
        return {**{f"{channel}_failures": n for channel, n in self.failures.items()},
                "lockouts": self.lockouts, "refused_while_locked": self.refused_while_locked}


class AuthThrottle:
    """Failed authentications per client address in a sliding window, kept in the database so
    that every API process sees every failure (`redactor.store.auth_failures`).

    Addresses are stored as an HMAC under `address_key` (a key never in the database), so the
    table names no client. `report(counts)` is called (outside the lock) when this process's
    counts are due for the audit log.
    """

    def __init__(self, *, db: Database, address_key: bytes, limit: int, window_seconds: float,
                 report: Callable[[FailureCounts], None], clock: Callable[[], datetime] = utcnow) -> None:
        self.db, self.limit, self.report, self.clock = db, limit, report, clock
        self.window = timedelta(seconds=window_seconds)
        self._address_key = hmac.new(address_key, b"redactor auth throttle address", hashlib.sha256).digest()
        self._counts = FailureCounts()
        self._last_report = clock()
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int | None:
        """Seconds until `address` may try again, or None when it is not locked out."""
        now = self.clock()
        with self.db.read_session() as session:
            failures = latest_failures(session=session, client_digest=self._digest(address),
                                       since=now - self.window, limit=self.limit)
        if len(failures) < self.limit:
            return None
        with self._lock:
            self._counts.refused_while_locked += 1
        return max(1, math.ceil((failures[0] + self.window - now).total_seconds()))

    def failed(self, address: str, channel: str) -> None:
        """Count a failed authentication from `address` over `channel` ("api" or "ui")."""
        now = self.clock()
        with self.db.session() as session:
            prune_failures(session=session, until=now - self.window)
            recent = record_failure(session=session, client_digest=self._digest(address), channel=channel,
                                    at=now, since=now - self.window)
            session.commit()
        with self._lock:
            self._counts.failures[channel] += 1
            locked_now = recent == self.limit
            if locked_now:
                self._counts.lockouts += 1
            due = locked_now or now - self._last_report >= self.window
            counts = self._take(now) if due else None
        if counts:
            self.report(counts)

    def flush(self) -> None:
        """Report what is left (at shutdown)."""
        with self._lock:
            counts = self._take(self.clock())
        if counts:
            self.report(counts)

    def _digest(self, address: str) -> str:
        return hmac.new(self._address_key, address.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()

    def _take(self, now: datetime) -> FailureCounts:
        counts, self._counts, self._last_report = self._counts, FailureCounts(), now
        return counts


def client_address(request: Request) -> str:
    """The client's address as the server saw it (uvicorn's --proxy-headers sets it behind a proxy)."""
    return request.client.host if request.client else "unknown"


def audit_reporter(db: Database) -> Callable[[FailureCounts], None]:
    """Writes each report as one `auth.failures` audit event (counts only)."""

    def report(counts: FailureCounts) -> None:
        with db.session() as session:
            audit.record(session, type=AUDIT_EVENT, actor=audit.SYSTEM, details=counts.as_details())
            session.commit()

    return report
