"""An unhandled exception becomes a 500 in the error shape, and its message is never logged."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from api.main import create_app

SECRET_TEXT = "山田太郎 090-1234-5678"


def test_unhandled_exception_is_contained_and_logged_without_its_message(service_settings, caplog):
    app = create_app(service_settings, start_worker=False)

    @app.get("/boom")
    def boom():
        try:
            raise KeyError(SECRET_TEXT)
        except KeyError as inner:
            raise RuntimeError(f"while processing {SECRET_TEXT}") from inner

    caplog.set_level(logging.DEBUG)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
        assert client.get("/healthz").status_code == 200  # still serving

    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_error",
                                         "message": "the service failed; the error was logged"}}
    assert "unhandled RuntimeError in GET /boom" in caplog.text
    assert "test_unhandled_errors.py" in caplog.text  # the frames are there to find the bug
    # The whole number, not "090": botocore's DEBUG lines (S3 blob store) carry hex signatures.
    assert "山田" not in caplog.text and "090-1234-5678" not in caplog.text
    assert "1234-5678" not in caplog.text
    assert SECRET_TEXT not in response.text
