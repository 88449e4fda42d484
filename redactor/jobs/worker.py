"""The embedded worker: threads inside the API process that run queued jobs.

On start it re-queues every job a crash left in transcribing/redacting, then each of
`concurrency` threads claims jobs from the `JobQueue` and hands them to the processor (see
redactor.service.pipeline). The processor raises `JobFailure` for known outcomes; anything else counts
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
        self._stop = threading.Event()
        self._wake = threading.Condition()
        self._threads: list[threading.Thread] = []
        self.worker_id = worker_identity()

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Re-queue interrupted jobs, then start the threads (idempotent)."""
        if self._threads:
            return
        self._stop.clear()
        self.queue.requeue_interrupted()
        for index in range(self.concurrency):
            thread = threading.Thread(target=self._run, name=f"redactor-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Ask the threads to finish their current job and wait for them (at most timeout_s).

        A job still running afterwards is left in its running state; the next start re-queues it.
        """
        self._stop.set()
        self.wake()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]

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

    def run_one(self, job: ClaimedJob) -> None:
        """Process one claimed job and record its outcome."""
        try:
            self.processor(job)
        except JobCancelledError as cancelled:  # already final (or erased): nothing to record
            logger.info("job %d (call %s) was cancelled while running (%s); stopped, nothing stored",
                        job.job_id, job.call_id, cancelled.reason)
        except JobFailure as failure:
            state = self.queue.fail(job.job_id, failure.reason, transient=failure.transient)
            logger.warning("job %d (call %s) failed: %s -> %s", job.job_id, job.call_id, failure.reason, state)
        except Exception as exc:
            # The message may quote what the processor was working on (transcript text):
            # log the exception type and the stack only.
            state = self.queue.fail(job.job_id, FailureReason.INTERNAL_ERROR, transient=True)
            logger.error("job %d (call %s) raised %s -> %s\n%s", job.job_id, job.call_id,
                         type(exc).__name__, state, "".join(traceback.format_tb(exc.__traceback__)))
