"""The worker: threads that run queued jobs, inside `redactor serve` or `redactor worker`.

Each of `concurrency` threads claims jobs from the `JobQueue` and hands them to the processor
(see redactor.service.pipeline); one more thread renews the lease of every job being worked on,
four times per lease, so that only a job whose worker died (or lost the database) is taken over
by another worker (redactor.jobs.queue). The processor raises `JobFailure` for known outcomes; anything else counts
as a transient internal error and is retried with backoff until the job's attempts run out.

Periodic tasks (the retention purge) do not run here: redactor.service.scheduler runs them from
server start, since this worker starts only once the models have loaded.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable

from redactor.jobs.queue import ClaimedJob, JobQueue, worker_identity
from redactor.jobs.states import FailureReason, JobCancelledError

logger = logging.getLogger(__name__)


class JobFailure(Exception):
    """A job failed for a known reason (a stable code; never personal data)."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class EmbeddedWorker:
    """Runs jobs from `queue` with `processor` on `concurrency` daemon threads."""

    def __init__(self, queue: JobQueue, processor: Callable[[ClaimedJob], None], *,
                 concurrency: int = 1, poll_interval_s: float = 1.0) -> None:
        self.queue = queue
        self.processor = processor
        self.concurrency = concurrency
        self.poll_interval_s = poll_interval_s
        self.heartbeat_interval_s = queue.lease_seconds / 4
        self._stop = threading.Event()
        self._wake = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._heartbeat: threading.Thread | None = None
        self._leases_done = threading.Event()  # set once no job thread is left to renew leases for
        self._held: dict[int, ClaimedJob] = {}  # jobs being worked on, by id: their leases are renewed
        self._held_lock = threading.Lock()
        self.worker_id = worker_identity()

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the threads (idempotent). Jobs a killed worker left running are re-queued by
        whichever worker claims next once their lease has expired."""
        if self._threads:
            return
        self._stop.clear()
        self._leases_done.clear()
        for index in range(self.concurrency):
            thread = threading.Thread(target=self._run, name=f"redactor-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self._heartbeat = threading.Thread(target=self._renew_leases, name="redactor-worker-leases", daemon=True)
        self._heartbeat.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Claim nothing more, let the threads finish their current job and wait for them (at most
        timeout_s: the drain on SIGTERM).

        A job still running afterwards keeps its lease until the process exits; another worker
        takes it over once the lease has expired.
        """
        self._stop.set()
        self.wake()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]
        if not self._threads and self._heartbeat is not None:  # else the leases of jobs still running stay renewed
            self._leases_done.set()
            self._heartbeat.join(max(0.0, deadline - time.monotonic()))
            self._heartbeat = None

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def wake(self) -> None:
        """Tell idle threads a job was enqueued (saves up to one poll interval)."""
        with self._wake:
            self._wake.notify_all()

    # --- loops ------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                job = self.queue.claim_next(self.worker_id)
            except Exception as exc:  # noqa: BLE001 - logged by type and frames: driver messages quote parameters
                logger.error("claiming a job failed (%s); retrying in %.1f s\n%s", type(exc).__name__,
                             self.poll_interval_s, "".join(traceback.format_tb(exc.__traceback__)))
                job = None
            if job is None:
                with self._wake:
                    self._wake.wait(self.poll_interval_s)
                continue
            self.run_one(job)

    def _renew_leases(self) -> None:
        while not self._leases_done.wait(self.heartbeat_interval_s):
            with self._held_lock:
                held = list(self._held.values())
            for job in held:
                try:
                    renewed = self.queue.renew(job)
                except Exception as exc:  # noqa: BLE001 - the database may be briefly unreachable: retry
                    logger.error("renewing the lease of job %d failed (%s); retrying", job.job_id, type(exc).__name__)
                    continue
                if not renewed:
                    logger.warning("job %d (call %s): the claim was lost (lease expired, or the job ended "
                                   "elsewhere); its results will be refused", job.job_id, job.call_id)
                    with self._held_lock:
                        self._held.pop(job.job_id, None)

    def run_one(self, job: ClaimedJob) -> None:
        """Process one claimed job (its lease renewed meanwhile) and record its outcome."""
        with self._held_lock:
            self._held[job.job_id] = job
        try:
            self._process(job)
        finally:
            with self._held_lock:
                self._held.pop(job.job_id, None)

    def _process(self, job: ClaimedJob) -> None:
        try:
            self.processor(job)
        except JobCancelledError as cancelled:  # already final, erased, or taken over: nothing to record
            logger.info("job %d (call %s) was cancelled while running (%s); stopped, nothing stored",
                        job.job_id, job.call_id, cancelled.reason)
        except JobFailure as failure:
            state = self.queue.fail(job, failure.reason, transient=failure.transient)
            logger.warning("job %d (call %s) failed: %s -> %s", job.job_id, job.call_id, failure.reason, state)
        except Exception as exc:
            # The message may quote what the processor was working on (transcript text):
            # log the exception type and the stack only.
            state = self.queue.fail(job, FailureReason.INTERNAL_ERROR, transient=True)
            logger.error("job %d (call %s) raised %s -> %s\n%s", job.job_id, job.call_id,
                         type(exc).__name__, state, "".join(traceback.format_tb(exc.__traceback__)))
