"""Periodic tasks of the service (the retention purge), on a thread of their own.

    scheduler = PeriodicScheduler()
    scheduler.add("retention-purge", 3600, purge)   # first run at start(), then every hour
    scheduler.start()
    ...
    scheduler.stop()

They run from server start, independent of the embedded worker: the worker starts only once
the speech and PII models have loaded, and retention must not wait for (or depend on) that.
A task that raises is logged by exception type and stack only (its message could quote
personal data) and runs again at its next time.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass
class PeriodicTask:
    name: str
    interval_s: float
    run: Callable[[], object]
    next_at: float = 0.0  # time.monotonic() of the next run
    runs: int = 0
    failures: int = 0


class PeriodicScheduler:
    """Runs each registered task at start, then every `interval_s`, on one daemon thread."""

    def __init__(self) -> None:
        self.tasks: list[PeriodicTask] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, name: str, interval_s: float, run: Callable[[], object]) -> None:
        """Register `run` (call before start)."""
        if interval_s <= 0:
            raise ValueError(f"the interval of periodic task {name!r} must be positive, got {interval_s}")
        self.tasks.append(PeriodicTask(name, interval_s, run))

    def start(self) -> None:
        """Start the thread; every task runs at once, then on its interval (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        now = time.monotonic()
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
                if self._stop.is_set() or time.monotonic() < task.next_at:
                    continue
                task.next_at = time.monotonic() + task.interval_s
                try:
                    task.run()
                    task.runs += 1
                except Exception as exc:  # noqa: BLE001 - logged without its message; retried next time
                    task.failures += 1
                    logger.error("periodic task %s raised %s\n%s", task.name, type(exc).__name__,
                                 "".join(traceback.format_tb(exc.__traceback__)))
            wait = min((t.next_at for t in self.tasks), default=time.monotonic() + 60) - time.monotonic()
            self._stop.wait(max(0.05, min(wait, 5.0)))
