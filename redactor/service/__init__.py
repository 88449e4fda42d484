"""The service layer: runtime (DB, blob store, queue, worker), upload intake, metrics, CLI."""
