"""Secret keys, all loaded here: a configured value, a mounted secret file, or a key file.

For each key (`audio`, `caller`, `pseudonym`, `audit`), in this order:

1. the value `REDACTOR_<KEY>` (base64; e.g. `REDACTOR_AUDIO_KEY`);
2. the file `REDACTOR_<KEY>_FILE` names (a mounted secret: Docker/Kubernetes secrets, a
   separate volume), read as is and never created;
3. `<keys_dir>/<name>.key`, created on first use (32 random bytes, base64, mode 0600, atomic,
   never overwritten); `keys_dir` is `REDACTOR_KEYS_DIR`, by default `<data_dir>/keys`.

In cluster mode (`Settings.cluster_mode`: a database server several nodes share) nothing is
created on first use and there is no default keys folder: a key one node created would be
unknown to the others (audio it stored unreadable elsewhere, callers unfindable). Each key must
be configured, by value, by file or by an explicit `REDACTOR_KEYS_DIR` holding it, or the node
refuses to start (`KeyNotConfiguredError`). `redactor secrets create DIR` creates the four key
files once, for a new deployment.

Setting both 1 and 2 for one key is refused (one source per key). Key files must be private:
one in the keys folder that group or others may read is refused (it may have been copied), a
mounted secret others may write is refused, and one they may read is warned about.

The audio key can be rotated (`redactor keys rotate-audio`, README): the key it replaces is kept,
retired, as `<keys_dir>/audio.<key id>.key` (`AudioKeyFiles` loads the current key and every
retired one into the keyring the blob stores open blobs with, by the key id each blob records).

Keys under the data directory travel with every copy of it, so a stolen backup decrypts all the
audio it holds; the server warns at start (`keys_beside_data`) and README says how to keep them
apart. Losing the audio key makes every stored recording unreadable, losing the caller key makes
past callers unfindable, losing the audit key makes the audit chain unverifiable.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import secrets
import stat
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import SecretStr

from redactor.blobstore.envelope import AudioKeyring, audio_key_id
from redactor.private_files import fsync_dir, open_to_others, private_dir

logger = logging.getLogger(__name__)

KEY_BYTES = 32
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")


class KeyName(StrEnum):
    AUDIO = "audio"  # AES-256-GCM for blobs at rest
    CALLER = "caller"  # HMAC for caller-number hashes
    PSEUDONYM = "pseudonym"  # HMAC for the pseudonym operator
    AUDIT = "audit"  # HMAC keying the audit chain


# The Settings fields of each key: (value, file).
SETTING_FIELDS: dict[KeyName, tuple[str, str]] = {
    KeyName.AUDIO: ("audio_key", "audio_key_file"),
    KeyName.CALLER: ("caller_hash_key", "caller_hash_key_file"),
    KeyName.PSEUDONYM: ("pseudonym_key", "pseudonym_key_file"),
    KeyName.AUDIT: ("audit_key", "audit_key_file"),
}


class KeyMaterialError(RuntimeError):
    """A configured or stored key is unusable."""

    code = "key_material_invalid"


class KeyNotConfiguredError(KeyMaterialError):
    """No source holds a key that must not be created here (cluster mode, or a check)."""

    code = "key_not_configured"


@dataclass(frozen=True)
class KeyMaterial:
    """Where each key comes from; `load(name)` returns its 32 bytes."""

    keys_dir: Path | None  # None: no keys folder (cluster mode without REDACTOR_KEYS_DIR)
    values: dict[KeyName, SecretStr | None]
    files: dict[KeyName, Path | None]
    create_missing: bool = True  # False in cluster mode: a missing key is refused, never created

    @classmethod
    def from_settings(cls, settings) -> KeyMaterial:
        """From a `redactor.config.Settings`."""
        values = {name: getattr(settings, value) for name, (value, _) in SETTING_FIELDS.items()}
        files = {name: getattr(settings, file) for name, (_, file) in SETTING_FIELDS.items()}
        for name in KeyName:
            if values[name] is not None and files[name] is not None:
                value, file = (f"REDACTOR_{f.upper()}" for f in SETTING_FIELDS[name])
                raise KeyMaterialError(f"both {value} and {file} are set; keep one of them")
        if settings.cluster_mode:
            return cls(keys_dir=settings.keys_dir, values=values, files=files, create_missing=False)
        return cls(keys_dir=Path(settings.keys_dir or Path(settings.data_dir) / "keys"), values=values,
                   files=files)

    def load(self, name: KeyName | str, *, create: bool = True) -> bytes:
        """The key `name`: configured, from its secret file, or from its key file, created if absent
        unless in cluster mode or `create` is False (checking with a new key would only report
        mismatches)."""
        name = KeyName(name)
        value_field, file_field = SETTING_FIELDS[name]
        if self.values[name] is not None:
            return decode_key(self.values[name].get_secret_value(), f"REDACTOR_{value_field.upper()}")
        if self.files[name] is not None:
            return _read_secret_file(Path(self.files[name]), f"REDACTOR_{file_field.upper()}")
        sources = (f"REDACTOR_{file_field.upper()} (a mounted secret), REDACTOR_{value_field.upper()}, or "
                   f"REDACTOR_KEYS_DIR (a folder holding {name}.key)")
        if self.keys_dir is None:
            raise KeyNotConfiguredError(
                f"no {name} key is configured, and in cluster mode (REDACTOR_DATABASE_URL names a database "
                f"server) keys are never created on first use: set {sources}, the same on every node; "
                "`redactor secrets create DIR` creates the keys of a new deployment once")
        path = self.key_file(name)
        if not path.exists() and not (create and self.create_missing):
            why = "" if self.create_missing else ", and in cluster mode keys are never created on first use"
            raise KeyNotConfiguredError(f"no {name} key: {path} does not exist{why}; point {sources} at the "
                                        "service's keys")
        if not path.exists():
            private_dir(self.keys_dir, what="keys folder")
            _create_key_file(path)
        return _read_key_file(path)

    def load_all(self) -> dict[KeyName, bytes]:
        """Every key, so that a node missing one refuses at start rather than at first use."""
        return {name: self.load(name) for name in KeyName}

    def key_file(self, name: KeyName | str) -> Path:
        if self.keys_dir is None:
            raise KeyNotConfiguredError("no keys folder: set REDACTOR_KEYS_DIR")
        return self.keys_dir / f"{KeyName(name)}.key"

    @property
    def makes_audio_keys(self) -> bool:
        """Whether a new audio key may be made here: the key is `<keys_dir>/audio.key`, not a
        configured value or secret file, and not in cluster mode (where every node must get the
        same key from configuration)."""
        return (self.values[KeyName.AUDIO] is None and self.files[KeyName.AUDIO] is None
                and self.keys_dir is not None and self.create_missing)

    def retired_audio_key_file(self, key_id: str) -> Path:
        if self.keys_dir is None:
            raise KeyNotConfiguredError("no keys folder for retired audio keys: set REDACTOR_KEYS_DIR")
        return self.keys_dir / f"audio.{key_id}.key"

    def audio_keyring(self, *, create: bool = True) -> AudioKeyring:
        """The current audio key and every retired one in `<keys_dir>/audio.<key id>.key`."""
        current = self.load(KeyName.AUDIO, create=create)
        retired = [key for key in self._retired_audio_keys() if key != current]
        return AudioKeyring(current=current, retired=tuple(retired))

    def _retired_audio_keys(self) -> list[bytes]:
        keys = []
        if self.keys_dir is None or not self.keys_dir.is_dir():
            return keys
        for path in sorted(self.keys_dir.glob("audio.*.key")):
            named = path.name[len("audio."):-len(".key")]
            if not _KEY_ID.match(named):
                continue
            key = _read_key_file(path)
            if audio_key_id(key) != named:
                raise KeyMaterialError(f"{path} holds audio key {audio_key_id(key)}, not {named}: rename it to "
                                       f"audio.{audio_key_id(key)}.key, or put the retired key {named} there")
            keys.append(key)
        return keys

    def audio_key_stamp(self) -> tuple[int, int] | None:
        """Changes whenever the current audio key's file does (None when the key is a configured value)."""
        if self.values[KeyName.AUDIO] is not None or (self.files[KeyName.AUDIO] is None and self.keys_dir is None):
            return None
        path = self.files[KeyName.AUDIO] or self.key_file(KeyName.AUDIO)
        try:
            info = Path(path).stat()
        except FileNotFoundError:
            return None
        return info.st_ino, info.st_mtime_ns

    def retire_audio_key(self) -> tuple[str, str]:
        """Make a new current audio key, keeping the one it replaces as a retired key file; return
        (retired id, new id). Only where `makes_audio_keys`: a configured key (value or `*_FILE`, or
        any key in cluster mode) is rotated in the configuration (README). Crash-safe: the retired
        copy is written (fsynced) before the current file is replaced, and a rerun finds it."""
        if not self.makes_audio_keys:
            raise KeyMaterialError("the audio key comes from the configuration (REDACTOR_AUDIO_KEY, REDACTOR_AUDIO_KEY_FILE "
                                   "or cluster mode): install the new key there and both keys as <keys_dir>/audio.<key "
                                   "id>.key on every node, then run `redactor keys rotate-audio` (README: rotating the "
                                   "audio key)")
        old = self.load(KeyName.AUDIO, create=False)
        old_id = audio_key_id(old)
        _write_key_file(self.retired_audio_key_file(old_id), old, replace=False)
        new = secrets.token_bytes(KEY_BYTES)
        _write_key_file(self.key_file(KeyName.AUDIO), new, replace=True)
        return old_id, audio_key_id(new)

    def files_beside(self, data_dir: Path) -> list[Path]:
        """Key files in use that lie inside `data_dir` (a copy of the data would carry them)."""
        data = Path(data_dir).resolve()
        used = [self.files[n] if self.files[n] is not None else self.key_file(n)
                for n in KeyName if self.values[n] is None and (self.files[n] is not None or self.keys_dir)]
        return [Path(p) for p in used if Path(p).resolve().is_relative_to(data)]

    def warn_if_beside(self, data_dir: Path) -> None:
        """Log loudly when key files sit inside the data directory (see the module docstring)."""
        beside = self.files_beside(data_dir)
        if beside:
            logger.warning("keys_beside_data: %d key file(s) lie inside the data directory %s (%s): every "
                           "copy or backup of it can decrypt the audio it holds. Set REDACTOR_KEYS_DIR (or "
                           "REDACTOR_<KEY>_FILE) to a folder outside it and back the keys up apart",
                           len(beside), Path(data_dir), ", ".join(p.name for p in beside))


def _read_secret_file(path: Path, source: str) -> bytes:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii")
    except OSError as error:
        raise KeyMaterialError(f"{source} names {path}, which cannot be read ({type(error).__name__}); "
                               "mount the secret there or unset it") from None
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise KeyMaterialError(f"{source} names {path}, which group or others may write (mode "
                               f"{stat.S_IMODE(mode):04o}); anyone could replace the key: `chmod 600 {path}`")
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        logger.warning("key file %s (%s) is readable by group or others (mode %04o); mount it 0400 or 0600",
                       path, source, stat.S_IMODE(mode))
    return decode_key(text.strip(), f"{source} ({path})")


def decode_key(value: str, source: str) -> bytes:
    """The 32 bytes of a base64 key; KeyMaterialError naming `source` (never the value) otherwise."""
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyMaterialError(f"the key in {source} is not base64; generate one with "
                               "`python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())'`") from None
    if len(key) != KEY_BYTES:
        raise KeyMaterialError(f"the key in {source} has {len(key)} bytes; it must have {KEY_BYTES}")
    return key


def create_key_files(keys_dir: Path) -> list[Path]:
    """Create every key missing from `keys_dir` (0700) as a 0600 file; the files created.

    For a new cluster deployment (`redactor secrets create`): an existing key is never replaced,
    since data sealed or hashed with it would be lost.
    """
    private_dir(keys_dir, what="keys folder")
    created = []
    for name in KeyName:
        path = keys_dir / f"{name}.key"
        if not path.exists():
            _create_key_file(path)
            created.append(path)
    return created


def _read_key_file(path: Path) -> bytes:
    if open_to_others(path):
        raise KeyMaterialError(f"key file {path} is readable by group or others (mode "
                               f"{stat.S_IMODE(path.stat().st_mode):04o}); it may have been copied: "
                               f"consider the key exposed, then `chmod 600 {path}`")
    return decode_key(path.read_text(encoding="ascii").strip(), str(path))


def _create_key_file(path: Path) -> None:
    """The only place a key is created (a deployment that must never create one refuses here)."""
    _write_key_file(path, secrets.token_bytes(KEY_BYTES), replace=False)


def _write_key_file(path: Path, key: bytes, *, replace: bool) -> None:
    """Write `key` to `path` (0600, fsynced, atomic): replacing what is there, or else only if absent."""
    # Unique per call, not per process: two threads of one process may create the same key.
    temp = path.with_suffix(f".tmp{os.getpid()}-{secrets.token_hex(8)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, base64.b64encode(key) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if replace:
            os.replace(temp, path)
        else:
            # link() fails if another process created the key first; then theirs wins.
            os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)
    fsync_dir(path.parent)


class AudioKeyFiles:
    """The audio keyring of a `KeyMaterial` as the blob stores' `KeySource`: loaded once, and again
    when the current key's file changes (checked at every seal: one stat) or a blob names a key
    not loaded yet, so a running service follows `redactor keys rotate-audio` without a restart."""

    def __init__(self, material: KeyMaterial, *, create: bool = True) -> None:
        self._material, self._create = material, create
        self._lock = threading.Lock()
        self._stamp = material.audio_key_stamp()
        self._ring = material.audio_keyring(create=create)

    def keyring(self, *, reload: bool = False) -> AudioKeyring:
        stamp = self._material.audio_key_stamp()
        with self._lock:
            if reload or stamp != self._stamp:
                self._ring = self._material.audio_keyring(create=self._create)
                self._stamp = self._material.audio_key_stamp()
            return self._ring
