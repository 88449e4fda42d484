"""Periodic tasks of the service (the retention purges), on a thread of their own.

    scheduler = PeriodicScheduler(claim=...)
    scheduler.add("retention-purge", 3600, purge)   # at start, then at each full hour
    scheduler.start()
    ...
    scheduler.stop()

Time is cut into intervals aligned on the epoch (hourly: on the hour, UTC). A task runs at
start for the interval in progress, then at the start of each next one, but only if `claim`
(redactor.store.scheduled_runs: an insert under a unique key) says this process is the first to
run it for that interval: with several workers and servers on one database, each interval's
purge runs once, on whichever process gets there first, and still runs while any one is up.

They run from server start, independent of the worker: the worker starts only once the speech
and PII models have loaded, and retention must not wait for (or depend on) that. A task that
raises is logged by exception type and stack only (its message could quote personal data) and
runs again in its next interval.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

logger = logging.getLogger(__name__)

# claim(task name, start of the interval) -> True if this process runs the task for it.
Claim = Callable[[str, datetime], bool]
CLAIM_RETRY_S = 30.0  # after a failed claim (database unreachable), try again this soon


@dataclass
class PeriodicTask:
    name: str
    interval_s: float
    run: Callable[[], object]
    next_at: float = 0.0  # time.time() of the next attempt
    runs: int = 0
    failures: int = 0
    skipped: int = 0  # intervals another process ran


class PeriodicScheduler:
    """Runs each registered task once per interval (see the module docstring), on one daemon thread.

    Without `claim` every interval's run happens here (one process, or a test).
    """

    def __init__(self, claim: Claim | None = None, clock: Callable[[], float] = time.time) -> None:
        self.tasks: list[PeriodicTask] = []
        self.claim = claim
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, name: str, interval_s: float, run: Callable[[], object]) -> None:
        """Register `run` (call before start)."""
        if interval_s <= 0:
            raise ValueError(f"the interval of periodic task {name!r} must be positive, got {interval_s}")
        self.tasks.append(PeriodicTask(name, interval_s, run))

    def start(self) -> None:
        """Start the thread; every task is due at once, then at each interval's start (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        now = self.clock()
        for task in self.tasks:
            task.next_at = now
        self._thread = threading.Thread(target=self._run, name="redactor-periodic", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop after the task running now (if any) finishes, waiting at most `timeout_s`."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            for task in self.tasks:
                if self._stop.is_set() or self.clock() < task.next_at:
                    continue
                self._run_due(task)
            wait = min((t.next_at for t in self.tasks), default=self.clock() + 60) - self.clock()
            self._stop.wait(max(0.01, min(wait, 5.0)))

    def _run_due(self, task: PeriodicTask) -> None:
        slot = math.floor(self.clock() / task.interval_s)
        task.next_at = (slot + 1) * task.interval_s
        if self.claim is not None:
            slot_start = datetime.fromtimestamp(slot * task.interval_s, timezone.utc)
            try:
                claimed = self.claim(task.name, slot_start)
            except Exception as exc:  # noqa: BLE001 - the database may be briefly unreachable
                logger.error("claiming the run of periodic task %s failed (%s); retrying", task.name,
                             type(exc).__name__)
                task.next_at = min(task.next_at, self.clock() + CLAIM_RETRY_S)
                return
            if not claimed:
                task.skipped += 1
                return
        try:
            task.run()
            task.runs += 1
        except Exception as exc:  # noqa: BLE001 - logged without its message; runs again next interval
            task.failures += 1
            logger.error("periodic task %s raised %s\n%s", task.name, type(exc).__name__,
                         "".join(traceback.format_tb(exc.__traceback__)))
