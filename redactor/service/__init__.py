"""The service layer: runtime (DB, blob store, queue, worker), the call pipeline and its redacted-audio
step, upload intake, metrics, CLI (keys, purge, audit)."""
