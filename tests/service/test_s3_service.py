"""The service on an S3-compatible bucket (a real SeaweedFS server, scripts/s3-server): uploads are
sealed into the bucket, nothing lands in <data_dir>/blobs, raw audio streams back from it, and a
consent withdrawal deletes the object."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def s3_client(s3_server, tmp_path):
    from servers import environment

    from api.main import create_app
    from redactor.api_keys import create_key
    from redactor.config import Settings

    url = f"{s3_server['REDACTOR_BLOB_STORE_URL']}{uuid.uuid4().hex}/"
    with environment(s3_server):
        settings = Settings(data_dir=tmp_path / "data", blob_store_url=url)
        with TestClient(create_app(settings, start_worker=False)) as client:
            runtime = client.app.state.runtime
            with runtime.db.session() as session:
                tokens = {role: create_key(session=session, role=role, label=role).token
                          for role in ("telephony", "privacy_manager")}
                session.commit()
            client.headers_for = lambda role: {"Authorization": f"Bearer {tokens[role]}"}
            yield client


def test_upload_read_and_erase_through_the_bucket(s3_client, sample_calls, call_metadata, tmp_path):
    sample = next(c for c in sample_calls if c["channels"] == "mono")
    audio = sample["path"].read_bytes()
    files = [("metadata", (None, json.dumps(call_metadata()), "application/json")),
             ("audio", ("call.ogg", audio, "audio/ogg"))]
    response = s3_client.post("/v1/calls", files=files, headers=s3_client.headers_for("telephony"))
    assert response.status_code == 202, response.text
    call_id = response.json()["id"]

    blobs = s3_client.app.state.runtime.blobs
    listed = blobs.client.list_objects_v2(Bucket=blobs.bucket, Prefix=blobs.prefix).get("Contents", [])
    assert len(listed) == 1 and list(blobs.keys()) == [listed[0]["Key"].rsplit("/", 1)[1]]
    stored = blobs.client.get_object(Bucket=blobs.bucket, Key=listed[0]["Key"])["Body"].read()
    assert audio[1000:1064] not in stored  # the bucket holds the envelope, not the recording
    assert not (tmp_path / "data" / "blobs").exists()

    read = s3_client.get(f"/v1/calls/{call_id}/audio", headers=s3_client.headers_for("privacy_manager"))
    assert read.status_code == 200 and read.content == audio

    withdrawn = s3_client.post(f"/v1/calls/{call_id}/consent", headers=s3_client.headers_for("telephony"),
                               json={"state": "withdrawn"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert blobs.client.list_objects_v2(Bucket=blobs.bucket, Prefix=blobs.prefix).get("Contents", []) == []
