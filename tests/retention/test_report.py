"""GET /v1/retention/report: counts by age and the oldest artifact of each kind vs its limit."""

from __future__ import annotations

from redactor import audit
from redactor.retention.holds import place_hold
from redactor.retention.report import retention_report

from .helpers import DAY, T0, add_call


def test_report_counts_by_age_and_names_the_oldest(runtime):
    now = T0 + 100 * DAY
    ages = [0.5, 3, 20, 45, 99]  # days
    ids = [add_call(runtime, started_at=now - age * DAY, transcript=False, redacted_audio=False) for age in ages]
    with runtime.db.session() as session:
        place_hold(session=session, call_id=ids[-1], reason="case 1", actor=audit.Actor("privacy_manager"), now=now)
        session.commit()
    with runtime.db.read_session() as session:
        report = retention_report(session, now=now)
    raw = next(a for a in report.artifacts if a.artifact == "raw_audio")
    assert raw.count == 5
    assert raw.by_age == {"under_1d": 1, "1d_to_7d": 1, "7d_to_30d": 1, "30d_to_90d": 1,
                          "90d_to_365d": 1, "over_365d": 0}
    assert raw.overdue == 1 and raw.on_hold == 1  # 45 days: past 30, purge pending; 99: held
    oldest = raw.oldest
    assert oldest.call_id == ids[-1] and oldest.on_hold is True
    assert oldest.limit_seconds == 30 * 86400
    assert oldest.seconds_until_due == (30 - 99) * 86400
    assert report.active_holds == 1 and report.pending_deletions == 0


def test_report_over_http(client, auth):
    runtime = client.app.state.runtime
    add_call(runtime, started_at=T0)
    response = client.get("/v1/retention/report", headers=auth("privacy_manager"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [a["artifact"] for a in body["artifacts"]] == ["raw_audio", "redacted_transcript", "redacted_audio"]
    raw = body["artifacts"][0]
    assert raw["count"] == 1 and raw["oldest"]["due_at"].startswith("2026-02-09T09:30:00")
    assert raw["overdue"] == 1  # T0 is long past at the real clock
    purge = client.post("/v1/retention/purge", headers=auth("privacy_manager")).json()
    assert purge["counts"]["raw_audio"] == 1
    after = client.get("/v1/retention/report", headers=auth("admin")).json()
    assert after["artifacts"][0]["count"] == 0 and after["artifacts"][0]["oldest"] is None
