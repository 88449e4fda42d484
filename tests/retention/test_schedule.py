"""The scheduled purge runs from server start, whatever happens to the speech and PII models."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from fastapi.testclient import TestClient

from api.main import create_app
from redactor.api_keys import create_key
from redactor.service.runtime import ServiceRuntime
from redactor.service.scheduler import PeriodicScheduler
from redactor.store.types import utcnow

from .helpers import DAY, add_call, artifacts_of


def wait_for(condition, timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_purge_runs_from_start_and_hourly_although_the_models_failed(service_settings, tmp_path):
    settings = service_settings.model_copy(update={"whisper_model_dir": tmp_path / "no-model-here",
                                                   "purge_interval_seconds": 1})
    runtime = ServiceRuntime.open(settings)
    expired = add_call(runtime, started_at=utcnow() - 400 * DAY)
    with runtime.db.session() as session:
        token = create_key(session=session, role="privacy_manager", label="pm").token
        session.commit()
    runtime.close()

    with TestClient(create_app(settings)) as client:  # the worker's models fail to load
        runtime = client.app.state.runtime
        assert wait_for(lambda: artifacts_of(runtime, expired) == set()), "the purge did not run at start"
        assert wait_for(lambda: runtime.model_error is not None)
        assert runtime.worker is None and not runtime.models_ready
        ready = client.get("/readyz")  # a process that should run jobs but cannot: not ready, and says why
        assert ready.status_code == 503 and ready.json()["checks"]["worker"] == "not_running"
        assert ready.json()["error"]["code"] == "not_ready"
        later = add_call(runtime, started_at=utcnow() - 400 * DAY)
        assert wait_for(lambda: artifacts_of(runtime, later) == set(), timeout_s=10), "no second run"
        report = client.get("/v1/retention/report", headers={"Authorization": f"Bearer {token}"}).json()
    last = report["last_purge_at"]
    assert last is not None and abs(utcnow() - _parse(last)) < timedelta(seconds=30)
    assert all(artifact["overdue"] == 0 for artifact in report["artifacts"])


def test_no_purge_has_run_yet_says_so(client, auth):
    report = client.get("/v1/retention/report", headers=auth("privacy_manager")).json()
    assert report["last_purge_at"] is None  # the test client starts neither worker nor schedule


def test_scheduler_runs_at_start_then_every_interval_and_survives_a_failing_task():
    ran = threading.Event()
    calls = {"good": 0, "bad": 0}

    def good():
        calls["good"] += 1
        if calls["good"] >= 3:
            ran.set()

    def bad():
        calls["bad"] += 1
        raise RuntimeError("伊藤雅美")  # logged by type only; the schedule goes on

    scheduler = PeriodicScheduler()
    scheduler.add("good", 0.05, good)
    scheduler.add("bad", 0.05, bad)
    scheduler.start()
    try:
        assert ran.wait(10)
    finally:
        scheduler.stop()
    assert not scheduler.running and calls["bad"] >= 2
    assert [task.failures > 0 for task in scheduler.tasks] == [False, True]


def _parse(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_two_processes_run_each_interval_once(runtime):
    """Two schedulers (as in two workers) on one database: every interval's run happens once."""
    from redactor.store.scheduled_runs import claim_run

    ran: list[tuple[str, object]] = []  # (process, start of the interval it ran the purge for)
    lock = threading.Lock()

    def scheduler_of(name):
        current = {}

        def claim(task, slot):
            current["slot"] = slot
            return claim_run(db=runtime.db, task=task, slot_start=slot, claimed_by=name)

        def purge():
            with lock:
                ran.append((name, current["slot"]))

        scheduler = PeriodicScheduler(claim=claim)
        scheduler.add("retention-purge", 0.25, purge)
        return scheduler

    schedulers = [scheduler_of("worker-a"), scheduler_of("worker-b")]
    for scheduler in schedulers:
        scheduler.start()
    time.sleep(2.0)
    for scheduler in schedulers:
        scheduler.stop()
    slots = [slot for _, slot in ran]
    assert len(slots) >= 5 and len(set(slots)) == len(slots), ran  # one run per interval, never two
    assert sum(s.tasks[0].skipped for s in schedulers) >= 5  # the other process found each run taken
