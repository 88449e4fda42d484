"""Disclosure requests: a ZIP of everything held about a caller's calls.

    calls/<call id>/metadata.json     what the call record holds (no caller number: never stored)
    calls/<call id>/transcript.json   the redacted transcript, when one is held
    calls/<call id>/raw_audio.<ext>   the original recording, while it is retained (decrypted)
    manifest.json                     request id, time, calls, and every file's sha256 and size
    SHA256SUMS                        the same checksums for `sha256sum -c`

The ZIP is written to a 0600 file in the service's work dir (raw audio streams through it in
chunks, never whole in memory) and handed to the caller, who deletes it after sending. Every raw
audio file put in it is a `raw_audio.accessed` event; the request is recorded with the ZIP's
sha256 and size.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from redactor import audit
from redactor.blobstore import BlobError, BlobStore
from redactor.errors import PrivacyRequestError
from redactor.privacy_requests.records import RequestType, create_request
from redactor.retention.contract_ends import contract_end_of
from redactor.retention.deadlines import call_deadlines
from redactor.retention.policy import get_policy
from redactor.retention.purge import artifacts_of
from redactor.store.calls import calls_of_caller
from redactor.store.db import Database
from redactor.store.models import Call, TranscriptTurn
from redactor.store.transcripts import entity_types_of, get_transcript

_AUDIO_EXTENSIONS = {"opus": "ogg", "vorbis": "ogg", "flac": "flac", "mp3": "mp3", "aac": "m4a", "alac": "m4a"}


@dataclass(frozen=True)
class DisclosurePackage:
    request_id: str
    path: Path  # the ZIP; the caller deletes it after use
    sha256: str
    size: int
    calls: int


def build_disclosure(*, db: Database, blobs: BlobStore, caller_hash: str, verification_method: str,
                     verification_note: str | None, actor: audit.Actor, now: datetime,
                     work_dir: Path) -> DisclosurePackage:
    """Write the disclosure ZIP of the caller hashed as `caller_hash` and record the request."""
    request_id = str(uuid.uuid4())
    work_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = work_dir / f"disclosure-{request_id}-{secrets.token_hex(4)}.zip"
    files: list[dict[str, Any]] = []
    accessed: list[tuple[str, str | None]] = []
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as archive:
            with db.read_session() as session:
                policy = get_policy(session)
                calls = calls_of_caller(session=session, caller_hash=caller_hash)
                contract_end = contract_end_of(session, caller_hash)
                for call in calls:
                    prefix = f"calls/{call.id}/"
                    files.append(_write_json(archive, prefix + "metadata.json",
                                             _metadata(session, call, policy, contract_end)))
                    transcript = _transcript(session, call.id)
                    if transcript is not None:
                        files.append(_write_json(archive, prefix + "transcript.json", transcript))
                    if call.audio_blob_key and blobs.exists(call.audio_blob_key):
                        extension = _AUDIO_EXTENSIONS.get(call.audio_codec or "", "wav" if (call.audio_codec or "").startswith("pcm") else "audio")
                        files.append(_write_blob(archive, prefix + f"raw_audio.{extension}", blobs,
                                                 call.audio_blob_key, call.audio_sha256))
                        accessed.append((call.id, call.audio_sha256))
            manifest = {"request_id": request_id, "type": "disclosure", "generated_at": now.isoformat(),
                        "calls": [c.id for c in calls], "files": files,
                        "note": "Caller numbers are not stored by this service; calls were found by a keyed "
                                "hash of the number given with the request."}
            _write_bytes(archive, "manifest.json", _json_bytes(manifest))
            sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in files)
            _write_bytes(archive, "SHA256SUMS", sums.encode("ascii"))
        digest, size = _file_digest(path)
        with db.session() as session:
            create_request(session, request_id=request_id, type=RequestType.DISCLOSURE, caller_hash=caller_hash,
                           verification_method=verification_method, verification_note=verification_note,
                           calls_found=len(calls), calls_held=0, actor=actor, now=now, status="completed",
                           package_sha256=digest, package_bytes=size)
            for call_id, sha256 in accessed:
                audit.record(session, type="raw_audio.accessed", actor=actor, call_id=call_id, now=now,
                             details={"audio_sha256": sha256, "purpose": "disclosure", "request_id": request_id})
            session.commit()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return DisclosurePackage(request_id=request_id, path=path, sha256=digest, size=size, calls=len(calls))


def _metadata(session, call: Call, policy, contract_end) -> dict[str, Any]:
    deadlines = {d.artifact: d.due_at.isoformat() if d.due_at else None
                 for d in call_deadlines(policy, call, artifacts_of(session, call), contract_end)}
    return {
        "id": call.id, "external_id": call.external_id, "started_at": call.started_at.isoformat(),
        "operator_id": call.operator_id, "direction": call.direction, "channels": call.channels,
        "status": call.status,
        "consent": {"state": call.consent_state, "method": call.consent_method,
                    "recorded_at": call.consent_recorded_at.isoformat() if call.consent_recorded_at else None},
        "raw_audio": {"retained": call.audio_blob_key is not None, "sha256": call.audio_sha256,
                      "bytes": call.audio_bytes, "duration": call.audio_duration, "codec": call.audio_codec},
        "contract_ended_on": contract_end.isoformat() if contract_end else None,
        "deleted_after": deadlines,
    }


def _transcript(session, call_id: str) -> dict[str, Any] | None:
    transcript = get_transcript(session=session, call_id=call_id)
    if transcript is None:
        return None
    turns = session.execute(select(TranscriptTurn).where(TranscriptTurn.call_id == call_id)
                            .order_by(TranscriptTurn.idx)).scalars()
    return {"language": transcript.language, "duration": transcript.duration, "redacted": True,
            "redacted_entity_types": entity_types_of(session=session, call_id=call_id),
            "turns": [{"speaker": t.speaker, "start": t.start, "end": t.end, "text": t.text} for t in turns]}


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def _write_bytes(archive: zipfile.ZipFile, name: str, data: bytes) -> dict[str, Any]:
    archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data,
                     compress_type=zipfile.ZIP_DEFLATED)
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _write_json(archive: zipfile.ZipFile, name: str, value: Any) -> dict[str, Any]:
    return _write_bytes(archive, name, _json_bytes(value))


def _write_blob(archive: zipfile.ZipFile, name: str, blobs: BlobStore, key: str,
                expected_sha256: str | None) -> dict[str, Any]:
    """Stream a decrypted blob into the archive (stored: audio is already compressed)."""
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(info, "w", force_zip64=True) as out:
            for chunk in blobs.iter_chunks(key):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except BlobError as error:
        raise PrivacyRequestError(500, "audio_integrity",
                                  f"the stored audio could not be read ({error.code}); nothing was disclosed") from None
    if expected_sha256 and digest.hexdigest() != expected_sha256:
        raise PrivacyRequestError(500, "audio_integrity",
                                  "the stored audio does not match its recorded sha256; nothing was disclosed")
    return {"path": name, "sha256": digest.hexdigest(), "bytes": size}


def _file_digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
