"""Persisted jobs and the embedded worker that runs them."""

from redactor.jobs.queue import ClaimedJob, JobQueue, SqlJobQueue
from redactor.jobs.states import (ClaimLostError, FailureReason, InvalidTransitionError, JobCancelledError,
                                  JobState, check_transition)
from redactor.jobs.worker import EmbeddedWorker, JobFailure

__all__ = ["ClaimLostError", "ClaimedJob", "EmbeddedWorker", "FailureReason", "InvalidTransitionError",
           "JobCancelledError", "JobFailure", "JobQueue", "JobState", "SqlJobQueue", "check_transition"]
