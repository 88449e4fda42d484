"""Secret keys: from settings when configured, else from a key file created on first use.

Key files live in `<data_dir>/keys/<name>.key`, hold 32 random bytes (base64), are created
atomically with mode 0600 and are never overwritten: losing the audio key makes every stored
recording unreadable, losing the caller-hash key makes past callers unfindable.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from pydantic import SecretStr

KEY_BYTES = 32


class KeyMaterialError(RuntimeError):
    """A configured or stored key is unusable."""


def load_key(data_dir: Path, name: str, configured: SecretStr | None = None) -> bytes:
    """Return the 32-byte key `name`: the configured one, or the key file's (created if absent)."""
    if configured is not None:
        return _decode(configured.get_secret_value(), f"REDACTOR_{name.upper()}_KEY")
    path = Path(data_dir) / "keys" / f"{name}.key"
    if not path.exists():
        _create_key_file(path)
    return _decode(path.read_text(encoding="ascii").strip(), str(path))


def _decode(value: str, source: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyMaterialError(f"the key in {source} is not base64; generate one with "
                               "`python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())'`") from None
    if len(key) != KEY_BYTES:
        raise KeyMaterialError(f"the key in {source} has {len(key)} bytes; it must have {KEY_BYTES}")
    return key


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    encoded = base64.b64encode(secrets.token_bytes(KEY_BYTES))
    temp = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, encoded + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        # link() fails if another process created the key first; then theirs wins.
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink()
