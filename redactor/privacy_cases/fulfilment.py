"""Fulfilling a case with what the service already does.

    disclosure            the disclosure package (redactor.privacy_requests.disclosure); it holds raw
                          audio, so it is built when the privacy manager downloads it, each time audited
    deletion              erase everything of the caller (redactor.privacy_requests.deletion)
    stop_of_use           consent withdrawn on every call of the caller: their audio, transcripts and
                          redacted audio are erased and nothing of them is processed again
    correction, addition  the call metadata changes asked for (redactor.privacy_cases.corrections)
    purpose_notification  nothing to run: the purposes go out with the notification

The step is checked before anything runs and recorded after it ran; the data-changing part
(erasure, consent withdrawal) is itself idempotent, so a failure between the two is finished by
fulfilling again.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from redactor import audit
from redactor.blobstore import BlobStore
from redactor.consent import ConsentState
from redactor.errors import PrivacyCaseError
from redactor.jobs.queue import JobQueue
from redactor.privacy_cases import cases
from redactor.privacy_cases.corrections import MetadataChange, apply_changes
from redactor.privacy_cases.states import Action, CaseState, CaseType, check
from redactor.privacy_requests.deletion import erase_caller
from redactor.privacy_requests.disclosure import DisclosurePackage, build_disclosure
from redactor.retention import erase
from redactor.retention.consent_changes import change_consent
from redactor.store.calls import calls_of_caller
from redactor.store.db import Database
from redactor.store.privacy_cases import PrivacyCase

logger = logging.getLogger(__name__)

STOP_OF_USE_METHOD = "privacy_case"  # the consent method recorded on calls withdrawn by a case
_NO_CONSENT = frozenset({ConsentState.DECLINED, ConsentState.WITHDRAWN})


def _ready_case(db: Database, case_id: str, *, types: set[CaseType]) -> PrivacyCase:
    """The case, checked: of one of `types` and ready to be fulfilled."""
    with db.read_session() as session:
        case = cases.get_case(session, case_id)
    if case.type not in types:
        raise PrivacyCaseError(409, "case_type_mismatch", f"case {case_id} is a {case.type} request; "
                               + ("download its package with POST /v1/privacy-cases/{id}/disclosure-package"
                                  if case.type == CaseType.DISCLOSURE else "fulfil it with POST /v1/privacy-cases/{id}/fulfilment"))
    check(Action.FULFIL, state=case.state, type=case.type)
    _check_caller_known(case)
    return case


def _check_caller_known(case: PrivacyCase) -> None:
    if case.caller_hash is None:
        raise PrivacyCaseError(409, "case_caller_erased", f"the caller of case {case.id} had all their data erased "
                               "by a deletion case, so there is nothing left to act on; reject the case instead")


def fulfil(*, db: Database, blobs: BlobStore, queue: JobQueue, case_id: str, changes: list[MetadataChange],
           actor: audit.Actor, now: datetime) -> PrivacyCase:
    """Fulfil a deletion, stop-of-use, correction, addition or purpose-notification case."""
    case = _ready_case(db, case_id, types=set(CaseType) - {CaseType.DISCLOSURE})
    if changes and case.type not in (CaseType.CORRECTION, CaseType.ADDITION):
        raise PrivacyCaseError(422, "changes_unexpected", f"a {case.type} case takes no metadata changes")
    request_id, outcome = None, {}
    if case.type == CaseType.DELETION:
        result = erase_caller(db=db, blobs=blobs, caller_hash=case.caller_hash,
                              verification_method=case.identity_method, verification_note=case.identity_note,
                              actor=actor, now=now)
        request_id = result.request_id
        outcome = {"calls_erased": result.calls_erased, "calls_held": result.calls_held,
                   "held_call_ids": result.held_call_ids}
    elif case.type == CaseType.STOP_OF_USE:
        outcome = _stop_use(db, blobs, queue, case.caller_hash, actor=actor, now=now)
    with db.session() as session:
        if case.type in (CaseType.CORRECTION, CaseType.ADDITION):
            outcome = apply_changes(session, cases.get_case(session, case_id), changes, actor=actor, now=now)
        fulfilled = cases.fulfil(session, case_id=case_id, outcome=outcome, privacy_request_id=request_id,
                                 actor=actor, now=now)
        if case.type == CaseType.DELETION:
            # Nothing of the caller may remain: their cases keep no caller hash either.
            erase.secure_delete(session)
            cases.forget_caller(session, caller_hash=case.caller_hash)
        session.commit()
    if case.type == CaseType.DELETION and not erase.scrub_database(db):
        logger.warning("deletion case %s: the WAL checkpoint was busy; old page images go at the next checkpoint",
                       case_id)
    return fulfilled


def _stop_use(db: Database, blobs: BlobStore, queue: JobQueue, caller_hash: str, *, actor: audit.Actor,
              now: datetime) -> dict[str, int]:
    with db.read_session() as session:
        calls = [(c.id, c.consent_state) for c in calls_of_caller(session=session, caller_hash=caller_hash)]
    withdrawn = held = 0
    for call_id, state in calls:
        if state in _NO_CONSENT:
            continue
        changed = change_consent(db=db, blobs=blobs, queue=queue, call_id=call_id, state=ConsentState.WITHDRAWN,
                                 method=STOP_OF_USE_METHOD, recorded_at=now, actor=actor, now=now)
        withdrawn += 1
        held += changed.held
    return {"calls_withdrawn": withdrawn, "calls_held": held}


def disclosure_package(*, db: Database, blobs: BlobStore, case_id: str, actor: audit.Actor, now: datetime,
                       work_dir: Path) -> DisclosurePackage:
    """Build the disclosure ZIP of a disclosure case: the first build fulfils the case, a later one
    (until the requester is notified) is a re-download. Each build is audited."""
    with db.read_session() as session:
        case = cases.get_case(session, case_id)
    if case.type != CaseType.DISCLOSURE:
        raise PrivacyCaseError(409, "case_type_mismatch", f"case {case_id} is a {case.type} request; only a "
                               "disclosure case has a package")
    first = case.state != CaseState.FULFILLED
    if first:
        check(Action.FULFIL, state=case.state, type=case.type)
    _check_caller_known(case)
    package = build_disclosure(db=db, blobs=blobs, caller_hash=case.caller_hash,
                               verification_method=case.identity_method, verification_note=case.identity_note,
                               actor=actor, now=now, work_dir=work_dir)
    try:
        with db.session() as session:
            if first:
                cases.fulfil(session, case_id=case_id, outcome={"calls": package.calls},
                             privacy_request_id=package.request_id, actor=actor, now=now)
            audit.record(session, type="privacy_case.package_downloaded", actor=actor, now=now,
                         details={"case_id": case_id, "privacy_request_id": package.request_id,
                                  "package_sha256": package.sha256, "calls": package.calls})
            session.commit()
    except BaseException:
        package.path.unlink(missing_ok=True)
        raise
    return package
