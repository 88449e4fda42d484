"""The job state machine: queued -> transcribing -> redacting -> done | failed(reason)."""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    QUEUED = "queued"
    TRANSCRIBING = "transcribing"
    REDACTING = "redacting"
    DONE = "done"
    FAILED = "failed"


# A job holds a worker only in these states; a restart puts them back in the queue.
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


def check_transition(current: str, new: str) -> None:
    """Raise InvalidTransitionError unless `current -> new` is in the state machine."""
    if JobState(new) not in ALLOWED_TRANSITIONS[JobState(current)]:
        raise InvalidTransitionError(f"a job cannot go from {current} to {new}")


class FailureReason(StrEnum):
    """Stable reason codes of failed jobs (also the calls' status_reason)."""

    AUDIO_MISSING = "audio_missing"  # the encrypted audio is gone (purged or lost)
    AUDIO_INTEGRITY = "audio_integrity"  # the stored audio failed authentication
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"  # transient errors until max attempts
    INTERRUPTED_TOO_OFTEN = "interrupted_too_often"  # the process died during each attempt
    INTERNAL_ERROR = "internal_error"
