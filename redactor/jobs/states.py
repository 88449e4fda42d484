"""The job state machine: queued -> transcribing -> redacting -> done | failed(reason)."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"
    TRANSCRIBING = "transcribing"
    REDACTING = "redacting"
    DONE = "done"
    FAILED = "failed"


# A job holds a worker (and a lease) only in these states; an expired lease puts it back in the queue.
RUNNING_STATES = frozenset({JobState.TRANSCRIBING, JobState.REDACTING})
FINAL_STATES = frozenset({JobState.DONE, JobState.FAILED})

ALLOWED_TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.TRANSCRIBING, JobState.FAILED}),
    JobState.TRANSCRIBING: frozenset({JobState.REDACTING, JobState.QUEUED, JobState.FAILED}),
    JobState.REDACTING: frozenset({JobState.DONE, JobState.QUEUED, JobState.FAILED}),
    JobState.DONE: frozenset(),
    JobState.FAILED: frozenset({JobState.QUEUED}),  # an operator may retry a failed job
}


class InvalidTransitionError(RuntimeError):
    code = "job_transition_invalid"


class JobCancelledError(RuntimeError):
    """The job was cancelled or its call erased while a worker held it: stop, store nothing.

    Raised by the queue when a worker tries to move such a job on, and by the pipeline when its
    storing transaction finds the results may no longer be kept. The job is already final (or
    gone) when this is raised, so the worker records nothing more.
    """

    code = "job_cancelled"

    def __init__(self, job_id: int, reason: str) -> None:
        super().__init__(f"job {job_id} was cancelled ({reason})")
        self.job_id = job_id
        self.reason = reason


class ClaimLostError(JobCancelledError):
    """The worker's claim on the job ended: its lease expired and the job went back to the queue
    (and perhaps to another worker). Everything this worker still had to write is refused."""

    code = "job_claim_lost"

    def __init__(self, job_id: int) -> None:
        super().__init__(job_id, FailureReason.CLAIM_LOST)


def check_transition(current: str, new: str) -> None:
    """Raise InvalidTransitionError unless `current -> new` is in the state machine."""
    if JobState(new) not in ALLOWED_TRANSITIONS[JobState(current)]:
        raise InvalidTransitionError(f"a job cannot go from {current} to {new}")


class FailureReason(StrEnum):
    """Stable reason codes of failed jobs (also the calls' status_reason)."""

    AUDIO_MISSING = "audio_missing"  # the encrypted audio is gone (purged or lost)
    AUDIO_INTEGRITY = "audio_integrity"  # the stored audio failed authentication
    AUDIO_KEY_UNAVAILABLE = "audio_key_unavailable"  # sealed with a (retired) audio key not installed
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"  # transient errors until max attempts
    INTERRUPTED_TOO_OFTEN = "interrupted_too_often"  # the process died during each attempt
    INTERNAL_ERROR = "internal_error"
    # Cancellations: the results of a running job may no longer be kept (nothing is stored).
    CONSENT_WITHDRAWN = "consent_withdrawn"  # the job was cancelled by a consent withdrawal
    CONSENT_NOT_ALLOWED = "consent_not_allowed"  # the consent state or policy changed meanwhile
    CALL_ERASED = "call_erased"  # the call was deleted (deletion request) while the job ran
    RAW_AUDIO_ERASED = "raw_audio_erased"  # the raw audio the job used was purged meanwhile
    JOB_CANCELLED = "job_cancelled"  # cancelled for a reason it did not record
    # Not a job's failure: why a worker stopped a job that is no longer its own.
    CLAIM_LOST = "claim_lost"  # the lease expired and the job was re-queued meanwhile
