"""API keys and roles.

A key reads `rdk_<key_id>_<secret>`: the key id is public (it appears in the audit log), the
secret is 32 random bytes shown once at creation; only its sha256 is stored (the secret is
random, so a plain hash is enough: there is nothing to guess). Lookups go by key id and compare
hashes in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from redactor import audit
from redactor.errors import LastAdminKeyError, UnknownRoleError
from redactor.store.models import ApiKey, Call
from redactor.store.types import utcnow

KEY_PREFIX = "rdk"
_TOKEN = re.compile(r"^rdk_([0-9a-z]{12})_([A-Za-z0-9_-]{43})$")


class Role(StrEnum):
    TELEPHONY = "telephony"
    QA = "qa"
    PRIVACY_MANAGER = "privacy_manager"
    ADMIN = "admin"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)
# Keys of these roles can read raw recordings: minting one is flagged in the audit log and listed
# on the privacy page.
RAW_AUDIO_ROLES = frozenset({Role.PRIVACY_MANAGER.value})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    key_id: str
    role: str

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(role=self.role, key_id=self.key_id)

    def reaches(self, call: Call) -> bool:
        """Whether this key may see or change `call`: a telephony key (one integration) only the
        calls it uploaded; the reviewing and managing roles every call."""
        return self.role != Role.TELEPHONY or call.uploaded_by_key_id == self.key_id


@dataclass(frozen=True)
class CreatedKey:
    key_id: str
    role: str
    token: str  # the full key; shown once, never stored


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    role: str
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise UnknownRoleError(f"unknown role {value!r}; valid roles: {', '.join(ROLES)}") from None


def create_key(*, session: Session, role: str, label: str | None = None,
               actor: audit.Actor = audit.CLI) -> CreatedKey:
    """Create a key for `role` (audited); the caller commits. Returns the token once."""
    role = parse_role(role).value
    key_id = "".join(secrets.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(12))
    secret = secrets.token_urlsafe(32)
    session.add(ApiKey(key_id=key_id, role=role, label=label, secret_sha256=_digest(secret)))
    audit.record(session, type="api_key.created", actor=actor,
                 details={"key_id": key_id, "role": role, "reads_raw_audio": role in RAW_AUDIO_ROLES})
    return CreatedKey(key_id=key_id, role=role, token=f"{KEY_PREFIX}_{key_id}_{secret}")


def key_id_of(token: str) -> str | None:
    """The public key id inside a well-formed key, or None."""
    match = _TOKEN.match(token or "")
    return match.group(1) if match else None


def authenticate(*, session: Session, token: str) -> Principal | None:
    """The principal holding `token`, or None for a malformed, unknown or revoked key."""
    match = _TOKEN.match(token or "")
    if not match:
        return None
    key_id, secret = match.groups()
    key = session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        # Compare anyway so unknown ids take as long as wrong secrets.
        hmac.compare_digest(_digest(secret), "0" * 64)
        return None
    if not hmac.compare_digest(_digest(secret), key.secret_sha256):
        return None
    return Principal(key_id=key.key_id, role=key.role)


def revoke_key(*, session: Session, key_id: str, actor: audit.Actor, keep_an_admin: bool = False) -> bool:
    """Revoke a key (audited); False if there is no such active key. The caller commits.

    `keep_an_admin` (the API's revocation) refuses to revoke the last active admin key with
    LastAdminKeyError; the CLI, run on the host, may (and can always create a new one).
    """
    # Every active admin key is locked first (in key id order, as every revocation locks them, so
    # two never deadlock): two revocations of different admin keys at once would otherwise each
    # count the other's key as still active and leave none. The second waits, then counts again.
    active_admins = _lock_active_keys(session, Role.ADMIN) if keep_an_admin else []
    # Locked: a second revocation at the same time waits, then finds it revoked (audited once).
    key = session.get(ApiKey, key_id, with_for_update=True, populate_existing=True)
    if key is None or key.revoked_at is not None:
        return False
    if keep_an_admin and key.role == Role.ADMIN and active_admins == [key_id]:
        raise LastAdminKeyError(409, "last_admin_key", f"{key_id} is the last active admin key; create another "
                                "admin key first (POST /v1/api-keys), then revoke this one")
    key.revoked_at = utcnow()
    audit.record(session, type="api_key.revoked", actor=actor, details={"key_id": key_id, "role": key.role})
    return True


def list_keys(*, session: Session) -> list[KeyInfo]:
    rows = session.execute(select(ApiKey).order_by(ApiKey.created_at)).scalars()
    return [KeyInfo(r.key_id, r.role, r.label, r.created_at, r.revoked_at) for r in rows]


def _lock_active_keys(session: Session, role: Role) -> list[str]:
    """The ids of the active keys of `role`, their rows locked until the transaction ends."""
    return list(session.execute(select(ApiKey.key_id).where(ApiKey.role == role.value, ApiKey.revoked_at.is_(None))
                                .order_by(ApiKey.key_id).with_for_update()).scalars())


def has_keys(*, session: Session) -> bool:
    return session.execute(select(ApiKey.key_id).limit(1)).first() is not None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()
