"""Prometheus metrics of the service, in their own registry (nothing personal in any label)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

PROCESSING_BUCKETS = (1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800)


class _JobStateCollector:
    """Reads the number of jobs per state from the database at scrape time."""

    def __init__(self, counts: Callable[[], dict[str, int]]) -> None:
        self._counts = counts

    def collect(self):
        family = GaugeMetricFamily("redactor_jobs", "Jobs by state.", labels=["state"])
        for state, count in sorted(self._counts().items()):
            family.add_metric([state], count)
        yield family


class ServiceMetrics:
    def __init__(self, job_counts: Callable[[], dict[str, int]] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.processing_seconds = Histogram(
            "redactor_job_processing_seconds", "Wall time to process one call (decrypt, transcribe, "
            "redact, store).", buckets=PROCESSING_BUCKETS, registry=self.registry)
        self.audio_seconds = Counter(
            "redactor_audio_seconds_processed", "Seconds of audio processed.", registry=self.registry)
        self.jobs_finished = Counter(
            "redactor_jobs_finished", "Jobs that reached done or failed.", ["outcome"], registry=self.registry)
        self.uploads = Counter(
            "redactor_uploads", "Accepted uploads by outcome.", ["outcome"], registry=self.registry)
        if job_counts is not None:
            self.registry.register(_JobStateCollector(job_counts))

    def render(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)
