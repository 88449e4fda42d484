"""Malformed input gets a 4xx with a stable code, never a 500 (what a pen-test and schemathesis found)."""

from __future__ import annotations

import base64
import json

import pytest
from ui.conftest import sign_in


def cursor_at(started: str, call_id: str = "00000000-0000-4000-8000-000000000000") -> str:
    return base64.urlsafe_b64encode(json.dumps([started, call_id]).encode()).decode().rstrip("=")


def _assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("q", ["ab\x00c", "\x00", "山田\x00"])
def test_a_nul_in_the_search_text_is_refused(client, auth, q):
    _assert_error(client.get("/v1/search", params={"q": q}, headers=auth("qa")), 422, "query_invalid")


def test_a_cursor_without_a_time_zone_is_refused(client, auth):
    response = client.get("/v1/calls", params={"cursor": cursor_at("2026-11-27T09:30:00")}, headers=auth("qa"))
    _assert_error(response, 422, "cursor_invalid")
    good = client.get("/v1/calls", params={"cursor": cursor_at("2026-11-27T09:30:00+09:00")}, headers=auth("qa"))
    assert good.status_code == 200, good.text


def test_a_sequence_number_past_the_database_integer_is_refused(client, auth):
    """Found by tests/api/test_schemathesis.py: SQLite cannot bind an integer over 2**63 - 1."""
    response = client.get("/v1/audit-events", params={"after_seq": 2**70}, headers=auth("privacy_manager"))
    _assert_error(response, 422, "request_invalid")


def test_the_call_list_page_survives_a_nul_and_a_zoneless_cursor(client, api_keys):
    client.follow_redirects = True
    sign_in(client, api_keys["qa"])
    page = client.get("/ui/calls", params={"q": "ab\x00c"})
    assert page.status_code == 422
    assert 'name="q" value="ab' in page.text and 'aria-invalid="true"' in page.text
    listing = client.get("/ui/calls", params={"cursor": cursor_at("2026-11-27T09:30:00")})
    assert listing.status_code == 200  # the bad cursor is ignored: the first page


NESTED = "[" * 30_000 + "]" * 30_000  # past Python's recursion limit, under the 64 KiB metadata cap
LONG_NUMBER = '{"external_id": ' + "9" * 5000 + "}"  # past int's 4300-digit conversion limit


@pytest.mark.parametrize("metadata", [NESTED, LONG_NUMBER], ids=["deeply nested", "5000-digit integer"])
@pytest.mark.parametrize("metadata_first", [False, True], ids=["audio first", "metadata first"])
def test_unreadable_metadata_is_metadata_invalid_whatever_the_part_order(client, auth, metadata, metadata_first):
    parts = [("audio", ("call.wav", b"RIFF" + b"\0" * 4096, "audio/wav")), ("metadata", (None, metadata))]
    response = client.post("/v1/calls", headers=auth("telephony"), files=parts[::-1] if metadata_first else parts)
    _assert_error(response, 422, "metadata_invalid")
    assert not list(client.app.state.runtime.incoming_dir.glob("*"))
