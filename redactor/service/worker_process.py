"""`redactor worker`: a process that runs transcription jobs and the periodic tasks, no HTTP.

A cluster runs API replicas (`redactor serve --no-worker`) and as many of these as it has
machines for transcription, all on one PostgreSQL database and one S3 bucket. Each worker takes
jobs from the shared queue (redactor.jobs.queue: leases, fencing), `worker_concurrency` at a
time (one per core; one CPU thread per decode), and claims each periodic run (the purges) once
per interval with the others (redactor.service.scheduler).

SIGTERM (or SIGINT) drains: no new job is claimed, the jobs running get `--drain-seconds` to
finish, then the process exits. A job still running then (or when the process is killed) is
taken over by another worker once its lease expires.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from redactor.config import Settings
    from redactor.service.runtime import CallProcessing

logger = logging.getLogger(__name__)


@click.command()
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Calls processed at once (default: REDACTOR_WORKER_CONCURRENCY, one per CPU core).")
@click.option("--drain-seconds", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="On SIGTERM, how long the running jobs may take to finish before the process exits.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]), help="Log level.")
def worker(concurrency: int | None, drain_seconds: float, log_level: str) -> None:
    """Run transcription jobs and the periodic purges (no HTTP); SIGTERM drains."""
    from redactor.config import get_settings

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    if concurrency is not None:
        settings = settings.model_copy(update={"worker_concurrency": concurrency})
    if not run_worker(settings, drain_seconds=drain_seconds):
        raise SystemExit(1)


def run_worker(settings: Settings, *, drain_seconds: float, processing: CallProcessing | None = None,
               stop: threading.Event | None = None) -> bool:
    """Work until SIGTERM/SIGINT (or `stop` is set), then drain; False if the models failed to load.

    `processing` replaces the models loaded from `settings` (the cluster test's stand-in
    transcriber); everything else is the service's own code.
    """
    from redactor.service.runtime import ServiceRuntime

    stop = stop or threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    runtime = ServiceRuntime.open(settings)
    try:
        runtime.sweep_leftovers()
        runtime.start_scheduler()
        if processing is None:
            runtime.start_worker(background=False)
        else:
            runtime.use_processing(processing)
            runtime.run_jobs()
        if runtime.worker is None:
            return False  # the loader logged why
        logger.info("worker %s ready", runtime.worker.worker_id)
        while not stop.wait(1.0):  # woken by the signal handler (or the caller)
            pass
        logger.info("draining: no new jobs; waiting up to %.0f s for the running ones", drain_seconds)
    finally:
        runtime.close(drain_seconds=drain_seconds)
    return True
