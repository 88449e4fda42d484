"""A telephony key reaches only the calls it uploaded; contract ends tell nothing about calls.

Before: re-posting another integration's external_id returned that call's id (200, even with
garbage audio), after which the key could read the call's metadata or erase it with a consent
change, and `POST /v1/contract-ends` said how many calls a number had.
"""

from __future__ import annotations

import pytest
from test_uploads import sample, upload  # noqa: F401  (the sample fixture)

from redactor.api_keys import create_key


@pytest.fixture
def other_integration(client) -> dict[str, str]:
    """The Authorization header of a second telephony key (another telephony system)."""
    with client.app.state.runtime.db.session() as session:
        token = create_key(session=session, role="telephony", label="second PBX").token
        session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def first_call(client, auth, sample, call_metadata) -> str:
    response = upload(client, auth("telephony"), call_metadata("pbx-0001"), sample[1])
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_another_integrations_external_id_never_returns_its_call(client, auth, other_integration, first_call,
                                                                 sample, call_metadata):
    garbage = upload(client, other_integration, call_metadata("pbx-0001"), b"not audio at all")
    assert garbage.status_code == 415, garbage.text
    assert first_call not in garbage.text
    own = upload(client, other_integration, call_metadata("pbx-0001"), sample[1])
    assert own.status_code == 202, own.text  # a call of its own: the same id, another system
    assert own.json()["id"] != first_call
    again = upload(client, other_integration, call_metadata("pbx-0001"), b"not audio at all")
    assert again.status_code == 200 and again.json()["id"] == own.json()["id"]  # its own retry
    retry = upload(client, auth("telephony"), call_metadata("pbx-0001"), b"not audio at all")
    assert retry.status_code == 200 and retry.json()["id"] == first_call


def test_a_telephony_key_reads_and_changes_only_its_own_calls(client, auth, other_integration, first_call):
    read = client.get(f"/v1/calls/{first_call}", headers=other_integration)
    assert read.status_code == 404 and read.json()["error"]["code"] == "call_not_found"
    withdraw = client.post(f"/v1/calls/{first_call}/consent", headers=other_integration, json={"state": "withdrawn"})
    assert withdraw.status_code == 404 and withdraw.json()["error"]["code"] == "call_not_found"
    shown = client.get(f"/v1/calls/{first_call}", headers=auth("telephony"))
    assert shown.status_code == 200 and shown.json()["consent"]["state"] == "granted"  # untouched
    assert client.get(f"/v1/calls/{first_call}", headers=auth("qa")).status_code == 200
    changed = client.post(f"/v1/calls/{first_call}/consent", headers=auth("telephony"), json={"state": "declined"})
    assert changed.status_code == 200, changed.text


def test_contract_ends_do_not_tell_whether_a_number_has_calls(client, auth, first_call, call_metadata):
    known = call_metadata()["caller_number"]  # the caller of first_call
    answers = [client.post("/v1/contract-ends", headers=auth("telephony"),
                           json={"caller_number": number, "ended_on": "2026-02-28"})
               for number in (known, "03-9999-0000", known)]  # the last one replaces the first
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    assert {a.text for a in answers} == {'{"ended_on":"2026-02-28"}'}
