"""The one settings object of redactor.

Every value can be set by an environment variable `REDACTOR_<NAME>` (or a `.env` file in the
working directory). Secrets have no default here: each comes from its value, its `*_FILE`
(a mounted secret), or a 0600 key file in `keys_dir`, created on first use outside cluster mode
(see `redactor.key_material`, the one place keys are loaded, and `Settings.cluster_mode`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository's model store: weights are assembled here by `redactor models install`.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / "models" / "faster-whisper-base"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REDACTOR_", env_file=".env", extra="ignore")

    # --- where things live -------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Database, encrypted audio and key files.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite (WAL) at <data_dir>/redactor.db."
    )
    blob_store_url: str | None = Field(
        None, description="Where encrypted audio is kept: s3://BUCKET/PREFIX/ for an S3-compatible bucket "
                          "(credentials and endpoint from the standard AWS_* settings); default: <data_dir>/blobs."
    )
    keys_dir: Path | None = Field(
        None, description="Key files created on first use; default: <data_dir>/keys. Keep it outside the "
                          "data dir and back it up apart (the server warns at start when keys sit inside)."
    )
    work_dir: Path | None = Field(
        None, description="Plaintext audio while it is handled (uploads being received, in incoming/; decrypted "
                          "audio while a job runs), disclosure ZIPs; default: a private 0700 folder "
                          "in /dev/shm (memory: a killed process leaves nothing on disk), else <data_dir>/work."
    )

    # --- PII detection and anonymization -----------------------------------------------
    pii_config: Path | None = Field(
        None, description="YAML recognizer/operator config; default: the bundled redactor/conf/pii.yaml."
    )
    pseudonym_key: SecretStr | None = Field(
        None, description="HMAC key for the pseudonym operator; default: <keys_dir>/pseudonym.key."
    )
    pseudonym_key_file: Path | None = Field(
        None, description="File holding the pseudonym key (base64), e.g. a mounted secret; never created."
    )

    # --- speech recognition -------------------------------------------------------------
    whisper_model_dir: Path = Field(DEFAULT_MODEL_DIR, description="A CTranslate2 Whisper model directory.")
    whisper_device: Literal["cpu", "cuda", "auto"] = Field(
        "cpu", description="Where Whisper runs; a GPU site sets cuda (with compute type float16)."
    )
    whisper_compute_type: str = Field("int8", description="CTranslate2 compute type: int8, float16, float32, ...")
    whisper_cpu_threads: int = Field(1, ge=0, description="Threads per decode; one worker per core does better.")
    whisper_beam_size: int = Field(
        1, ge=1, description="Greedy (1) matched beam 5's CER at 1.3x the speed: benchmarks/asr_bench.py."
    )
    whisper_vad_filter: bool = Field(
        True, description="Silero VAD before decoding (always on for stereo channels: silence invites invented text)."
    )
    whisper_batch_size: int = Field(
        0, ge=0, description="0: sequential decoding with temperature fallback; >0: BatchedInferencePipeline batch."
    )

    # --- service ------------------------------------------------------------------------
    audio_key: SecretStr | None = Field(
        None, description="AES-256-GCM key (base64) for audio at rest; default: <keys_dir>/audio.key."
    )
    audio_key_file: Path | None = Field(
        None, description="File holding the audio key (base64), e.g. a mounted secret; never created."
    )
    caller_hash_key: SecretStr | None = Field(
        None, description="HMAC key for caller-number hashes; default: <keys_dir>/caller.key."
    )
    caller_hash_key_file: Path | None = Field(
        None, description="File holding the caller-hash key (base64), e.g. a mounted secret; never created."
    )
    audit_key: SecretStr | None = Field(
        None, description="HMAC key of the audit chain (never stored in the database); default: <keys_dir>/audit.key."
    )
    audit_key_file: Path | None = Field(
        None, description="File holding the audit key (base64), e.g. a mounted secret; never created."
    )
    max_upload_bytes: int = Field(200 * 1024 * 1024, ge=1, description="Uploads beyond this get 413.")
    max_audio_seconds: int = Field(
        4 * 3600, ge=1, description="Longest recording accepted: longer gets 422 audio_too_long at upload, and "
                                    "decoding stops there (memory bounded by the limit, whatever a header claims)."
    )
    max_body_bytes: int = Field(
        1024 * 1024, ge=1, description="Any other request body (JSON, the UI's forms) beyond this gets 413, "
                                       "before it is read."
    )
    worker_concurrency: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1,
        description="Calls processed at once by a worker process (`redactor worker`, or the one inside "
                    "`redactor serve`); default: one per CPU core, since a second thread barely speeds up one "
                    "Whisper decode but a second call runs at full speed.",
    )
    job_max_attempts: int = Field(3, ge=1, description="Tries of a job before it fails for good (transient errors).")
    job_retry_backoff_seconds: float = Field(
        5.0, ge=0, description="Wait before the first retry; doubles with each further attempt."
    )
    job_lease_seconds: float = Field(
        60.0, gt=0, description="How long a worker's claim on a job lasts; it is renewed four times per lease "
                                "while the job runs. A job whose worker died is taken over by another worker "
                                "(or by the restarted server) once its lease has expired.",
    )

    # --- retention ----------------------------------------------------------------------
    purge_interval_seconds: int = Field(3600, ge=1, description="How often expired artifacts are purged.")

    # --- privacy cases and the third-party ledger ---------------------------------------
    privacy_case_target_days: int = Field(
        14, ge=1, description="The \"without delay\" target: a case whose requester is not notified this many days "
                              "after it arrived is listed as overdue.",
    )
    privacy_request_fee_yen: int = Field(
        1000, ge=0, description="The fee of a disclosure or purpose-notification request (the privacy policy's).",
    )
    third_party_record_retention_days: int = Field(
        3 * 365, ge=365, description="How long a third-party provision record is kept after the provision (APPI: "
                                     "1 to 3 years); older records go at the purge.",
    )

    # --- redacted audio -----------------------------------------------------------------
    redaction_padding_ms: int = Field(150, ge=0, description="Widening of each redacted span in the audio.")
    redaction_fill: Literal["tone", "silence"] = Field(
        "tone", description="What replaces a redacted span in the redacted audio: a 1 kHz tone or silence."
    )
    raw_audio_scrub_entities: list[str] = Field(
        # redactor.pii.entities.CARD_DATA_TYPES (tests/pii/test_entities.py keeps them in step: the
        # settings module imports no package, or redactor.pii -> redactor.config would be a cycle)
        default_factory=lambda: ["CREDIT_CARD", "CARD_CVV", "CARD_EXPIRY"],
        description="Entity types silenced in the retained raw audio right after processing (PCI DSS 3.3.1).",
    )

    # --- authentication ----------------------------------------------------------------
    auth_failure_limit: int = Field(
        10, ge=1, description="Failed authentications (API keys, UI sign-in) from one client address within "
                              "the window before that address gets 429 (every key refused) until the window passes."
    )
    auth_failure_window_seconds: int = Field(
        300, ge=1, description="The sliding window of REDACTOR_AUTH_FAILURE_LIMIT, in seconds."
    )

    # --- review workspace (web UI at /ui/) ---------------------------------------------------
    ui_session_idle_minutes: int = Field(60, ge=1, description="A browser session ends after this long unused.")
    ui_session_max_hours: int = Field(12, ge=1, description="A browser session ends this long after sign-in.")

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'redactor.db').resolve()}"

    @property
    def cluster_mode(self) -> bool:
        """True on a database server (PostgreSQL), which several processes and machines may share;
        false on the embedded SQLite file, which one machine's processes use.

        In cluster mode only `redactor db upgrade` migrates (every other process refuses a schema
        that is not current), and keys come only from configuration, never created on first use
        (a key created by one node would be unknown to the others).
        """
        return not self.sqlalchemy_url.startswith("sqlite")


def get_settings() -> Settings:
    """Settings read from the environment now (tests change the environment between calls)."""
    return Settings()
