"""Everything the service holds for its lifetime, built once from `Settings`.

    runtime = ServiceRuntime.open(settings)     # data dir, migrations (or the check), keys, blob store, queue
    runtime.sweep_leftovers()                   # the server only: files a killed process left
    runtime.start_scheduler()                   # the hourly retention purge, from now on
    runtime.start_worker()                      # loads the models in the background, then works
    ...
    runtime.close()

`redactor keys create` and other commands use `ServiceRuntime.open` without starting anything.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from redactor import audit
from redactor.blobstore import open_blob_store
from redactor.config import Settings
from redactor.identity import CallerHasher
from redactor.jobs.queue import SqlJobQueue, worker_identity
from redactor.jobs.worker import EmbeddedWorker
from redactor.key_material import AudioKeyFiles, KeyMaterial, KeyName
from redactor.private_files import private_dir
from redactor.privacy_cases.provisions import provision_ledger_purge_task
from redactor.retention.orphans import sweep_orphan_blobs
from redactor.retention.schedule import retention_purge_task
from redactor.service.metrics import ServiceMetrics
from redactor.service.pipeline import CallPipeline
from redactor.service.scheduler import PeriodicScheduler
from redactor.service.work_dir import ProcessFolder, private_work_dir, sweep_work_dir
from redactor.store.db import Database, open_database, prepare_sqlite_file
from redactor.store.scheduled_runs import claim_run

if TYPE_CHECKING:  # the models' modules are heavy: imported only where the models load
    from redactor.service.redacted_audio_step import RedactedAudioStep
    from redactor.pii import CallRedactor
    from redactor.transcribe import Transcriber

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallProcessing:
    """What processes every call, built from `Settings`: the worker's pipeline and
    `redactor eval-audio` load it here, so the measurement runs the service's own code."""

    transcriber: Transcriber
    call_redactor: CallRedactor
    audio_step: RedactedAudioStep

    @classmethod
    def load(cls, settings: Settings, keys: KeyMaterial) -> CallProcessing:
        from redactor.service.redacted_audio_step import RedactedAudioStep
        from redactor.pii import CallRedactor
        from redactor.transcribe import Transcriber

        pseudonym_key = keys.load(KeyName.PSEUDONYM)
        return cls(transcriber=Transcriber.from_settings(settings),
                   call_redactor=CallRedactor.load(config_path=settings.pii_config, pseudonym_key=pseudonym_key),
                   audio_step=RedactedAudioStep.from_settings(settings))


class ServiceRuntime:
    def __init__(self, settings: Settings, db: Database, keys: KeyMaterial) -> None:
        self.settings = settings
        self.db = db
        self.keys = keys
        data_dir = Path(settings.data_dir)
        # The current audio key and the retired ones, followed as `redactor keys rotate-audio` changes them.
        self.audio_keys = AudioKeyFiles(keys)
        self.blobs = open_blob_store(settings.blob_store_url, data_dir=data_dir, keys=self.audio_keys)
        self.caller_hasher = CallerHasher(keys.load(KeyName.CALLER))
        # Plaintext audio while it is handled (0600 files), in memory where the host allows: decrypted
        # for the job being processed, and (in incoming/) uploads being received, before encryption;
        # in a folder of this process's own (see ProcessFolder), removed at close.
        self.work_root = settings.work_dir or private_work_dir(data_dir)
        private_dir(self.work_root, what="temporary folder")
        self._own_folder = ProcessFolder(self.work_root)
        self.work_dir = self._own_folder.path
        self.incoming_dir = self.work_dir / "incoming"
        private_dir(self.incoming_dir, what="temporary folder")
        self.worker: EmbeddedWorker | None = None
        self.queue = SqlJobQueue(db, max_attempts=settings.job_max_attempts,
                                 backoff_seconds=settings.job_retry_backoff_seconds,
                                 lease_seconds=settings.job_lease_seconds, on_enqueue=self._wake_worker)
        self.metrics = ServiceMetrics(job_counts=self.queue.counts_by_state)
        self.pipeline: CallPipeline | None = None
        self.model_error: str | None = None  # a code when loading the models failed
        self.runs_jobs = False  # start_worker was called: this process is (also) a worker
        self._models_ready = threading.Event()
        self._loader: threading.Thread | None = None
        self._closed = threading.Event()
        # Periodic tasks run from server start (start_scheduler), whether or not the models load;
        # each interval's run happens once across every process on the database.
        self.identity = worker_identity()
        self.scheduler = PeriodicScheduler(claim=self._claim_periodic_run)
        self.scheduler.add("retention-purge", settings.purge_interval_seconds,
                           retention_purge_task(self.db, self.blobs, self.queue))
        self.scheduler.add("provision-ledger-purge", settings.purge_interval_seconds,
                           provision_ledger_purge_task(self.db, settings.third_party_record_retention_days))

    @classmethod
    def open(cls, settings: Settings) -> ServiceRuntime:
        """Create the data dir (0700, or tighten it), load keys, migrate the database (in cluster
        mode: check that `redactor db upgrade` has migrated it, and that every key is configured).

        Commands (`redactor keys`, `redactor purge`) open the runtime while servers and workers may
        be running on the same data dir, so this does not touch temp files; servers and workers
        call `sweep_leftovers()` at start.
        """
        private_dir(Path(settings.data_dir), what="data directory")
        keys = KeyMaterial.from_settings(settings)
        url = settings.sqlalchemy_url
        if settings.cluster_mode:
            keys.load_all()  # a node missing a key refuses now, not at its first upload or job
        prepare_sqlite_file(url)
        db = open_database(url, audit_key=keys.load(KeyName.AUDIT))
        try:
            if settings.cluster_mode:
                db.require_current()  # other nodes may be running: only `redactor db upgrade` migrates
            else:
                db.upgrade()
        except Exception:
            db.dispose()
            raise
        runtime = cls(settings, db, keys)
        with db.session() as session:
            if audit.ensure_keyed(session):
                session.commit()
        return runtime

    def sweep_leftovers(self) -> int:
        """Remove plaintext uploads, decrypted job audio, partial and orphan blobs left by a crash.

        Servers and workers call this at start, before they accept uploads or run jobs. It takes
        only what processes that are gone left: the folders of processes still running (their
        uploads and job audio), blob writes in progress and blobs not yet committed stay.
        """
        self.keys.warn_if_beside(Path(self.settings.data_dir))
        leftovers = sweep_work_dir(self.work_root)
        leftovers += self.blobs.sweep_temp_files()
        # Blobs a killed process put but never recorded: the same sweep (and age grace) as the
        # purge's, so a blob a concurrent command has just written is never taken.
        leftovers += sweep_orphan_blobs(self.db, self.blobs, actor=audit.SYSTEM)
        if leftovers:
            logger.info("removed %d temporary or orphaned file(s) left by an earlier run", leftovers)
        return leftovers

    # --- models and worker ----------------------------------------------------------------
    @property
    def models_ready(self) -> bool:
        return self._models_ready.is_set()

    def load_models(self) -> None:
        """Load Whisper and the PII engine once (slow: tens of seconds on a small CPU)."""
        self.use_processing(CallProcessing.load(self.settings, self.keys))

    def use_processing(self, processing: CallProcessing) -> None:
        """Build the worker's pipeline around loaded models (tests share one loaded pair across runtimes)."""
        self.pipeline = CallPipeline(db=self.db, queue=self.queue, blobs=self.blobs,
                                     transcriber=processing.transcriber, call_redactor=processing.call_redactor,
                                     work_dir=self.work_dir, metrics=self.metrics)
        self.pipeline.extra_steps.append(processing.audio_step)
        self._models_ready.set()

    def start_worker(self, *, background: bool = True) -> None:
        """Load the models (in a thread unless `background` is False), then start the worker."""
        self.runs_jobs = True

        def run() -> None:
            try:
                self.load_models()
            except Exception as exc:
                self.model_error = getattr(exc, "code", None) or type(exc).__name__
                logger.error("loading the models failed (%s): %s; the worker is not running",
                             self.model_error, exc)
                return
            if self._closed.is_set():
                return
            self.run_jobs()

        if background:
            self._loader = threading.Thread(target=run, name="redactor-model-loader", daemon=True)
            self._loader.start()
        else:
            run()

    def run_jobs(self) -> None:
        """Start the worker's threads on the pipeline built by `load_models` / `use_processing`."""
        self.runs_jobs = True
        self.worker = EmbeddedWorker(self.queue, self.pipeline, concurrency=self.settings.worker_concurrency)
        self.worker.start()
        logger.info("worker started (%d thread(s))", self.settings.worker_concurrency)

    def start_scheduler(self) -> None:
        """Start the periodic tasks (the retention purge runs now unless another process ran it in
        this interval, then once per interval across the processes).

        Independent of the models and the worker: retention never waits for model loading.
        """
        self.scheduler.start()
        logger.info("retention purge scheduled every %d s", self.settings.purge_interval_seconds)

    def _claim_periodic_run(self, task: str, slot_start: datetime) -> bool:
        return claim_run(db=self.db, task=task, slot_start=slot_start, claimed_by=self.identity)

    def _wake_worker(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    def close(self, *, drain_seconds: float = 30.0) -> None:
        """Stop the periodic tasks and the worker (current jobs get `drain_seconds` to finish; one
        still running afterwards is taken over by another worker once its lease expires);
        remove this process's folders; close the DB."""
        self._closed.set()  # a loader still loading (a daemon thread) will not start the worker
        self.scheduler.stop()
        if self.worker is not None:
            self.worker.stop(drain_seconds)
        self._own_folder.remove()
        self.db.dispose()
