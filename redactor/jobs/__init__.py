"""Persisted jobs and the embedded worker that runs them."""

from redactor.jobs.queue import ClaimedJob, JobQueue, SqlJobQueue
from redactor.jobs.states import (FailureReason, InvalidTransitionError, JobCancelledError, JobState,
                                  check_transition)
from redactor.jobs.worker import EmbeddedWorker, JobFailure

__all__ = ["ClaimedJob", "EmbeddedWorker", "FailureReason", "InvalidTransitionError", "JobCancelledError",
           "JobFailure", "JobQueue", "JobState", "SqlJobQueue", "check_transition"]
