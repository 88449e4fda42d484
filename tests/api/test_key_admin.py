"""Admin and keys that can read raw audio: minting one is flagged and shown; the last admin stays.

Before: an admin could mint a privacy_manager key (which plays raw audio) with nothing to tell
it apart in the audit log, and could revoke its own last key (a schemathesis run locked itself out).
"""

from __future__ import annotations

import json

from sqlalchemy import select
from ui.conftest import sign_in

from redactor.store.models import AuditEvent


def test_the_last_admin_key_cannot_be_revoked_over_the_api(client, auth, key_ids):
    own = client.delete(f"/v1/api-keys/{key_ids['admin']}", headers=auth("admin"))
    assert own.status_code == 409 and own.json()["error"]["code"] == "last_admin_key"
    assert client.get("/v1/api-keys", headers=auth("admin")).status_code == 200  # still in
    second = client.post("/v1/api-keys", headers=auth("admin"), json={"role": "admin", "label": "deputy"}).json()
    assert client.delete(f"/v1/api-keys/{key_ids['admin']}", headers=auth("admin")).status_code == 204
    last = client.delete(f"/v1/api-keys/{second['key_id']}", headers={"Authorization": f"Bearer {second['key']}"})
    assert last.status_code == 409


def test_minting_a_privacy_manager_key_is_flagged_and_shown_on_the_privacy_page(client, auth, api_keys):
    minted = client.post("/v1/api-keys", headers=auth("admin"), json={"role": "privacy_manager"}).json()
    qa = client.post("/v1/api-keys", headers=auth("admin"), json={"role": "qa"}).json()
    with client.app.state.runtime.db.read_session() as session:
        created = {json.loads(e.details)["key_id"]: e for e in session.execute(
            select(AuditEvent).where(AuditEvent.type == "api_key.created")).scalars()}
    assert json.loads(created[minted["key_id"]].details)["reads_raw_audio"] is True
    assert created[minted["key_id"]].actor_role == "admin"
    assert json.loads(created[qa["key_id"]].details)["reads_raw_audio"] is False
    client.follow_redirects = True
    sign_in(client, api_keys["privacy_manager"])
    page = client.get("/ui/privacy")
    section = page.text.split('id="raw-audio-key-mints"', 1)[1].split("</table>", 1)[0]
    assert minted["key_id"] in section and qa["key_id"] not in section
    assert minted["key"] not in page.text
