"""The privacy manager's section: retention policy and report, legal holds, privacy requests,
consent policy, and the audit chain's verification status.

privacy_manager only; every other role gets a 403 page. Every form carries the session's CSRF
token. Changes go through the same functions as the JSON API (redactor.retention, redactor.consent),
which audit them. Disclosure and deletion runs are listed here; the requests themselves are
handled as cases (api.ui.privacy_case_routes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import RuntimeDep
from api.ui.access import access_overview
from api.ui.web import CsrfError, FormValueError, UiUser, UiUserDep, check_csrf, render
from redactor import audit, consent
from redactor.api_keys import Principal
from redactor.errors import HoldError, RetentionPolicyError
from redactor.privacy_requests.records import list_requests
from redactor.retention.holds import list_holds, place_hold, release_hold
from redactor.retention.policy import ARTIFACTS, get_policy, iso_duration, parse_policy, set_policy
from redactor.retention.report import AGE_BUCKETS, retention_report
from redactor.store.models import AuditEvent
from redactor.store.types import utcnow

router = APIRouter(include_in_schema=False)

RECENT_EVENTS = 20
RECENT_REQUESTS = 50


def ui_actor(user: UiUser) -> audit.Actor:
    return Principal(key_id=user.key_id, role=user.role).actor


def forbidden(request: Request, user: UiUser):
    return render(request, "ui/message.html", {"message": "forbidden"}, user=user, status_code=403)


def _policy_form(session: Session) -> dict[str, Any]:
    """The retention policy as the form shows it: ISO durations, the rest as JSON."""
    policy = get_policy(session)
    advanced = {"operator_groups": [g.model_dump() for g in policy.operator_groups],
                "overrides": json.loads(policy.model_dump_json())["overrides"]}
    return {"limits": {a: iso_duration(getattr(policy.limits, a)) for a in ARTIFACTS},
            "count_from": policy.count_from, "advanced": json.dumps(advanced, ensure_ascii=False, indent=2)}


def _page(request: Request, user: UiUser, runtime, *, status_code: int = 200, **overrides: Any):
    with runtime.db.read_session() as session:
        context = {
            "consent_states": consent.CONSENT_STATES, "allowed": consent.get_allowed_states(session),
            "chain": audit.chain_status(session),
            "events": list(session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())
                                           .limit(RECENT_EVENTS)).scalars()),
            "policy_form": _policy_form(session), "artifacts": ARTIFACTS,
            "age_buckets": [label for label, _ in AGE_BUCKETS],
            "report": retention_report(session, now=utcnow()),
            "holds": list_holds(session, active_only=True),
            "requests": list_requests(session, limit=RECENT_REQUESTS),
            "access": access_overview(session, now=utcnow()),
            "saved": request.query_params.get("saved"), "error": None, "error_section": None,
        }
    context.update(overrides)
    return render(request, "ui/privacy.html", context, user=user, status_code=status_code)


@router.get("/ui/privacy")
def privacy_home(request: Request, user: UiUserDep, runtime: RuntimeDep):
    if not user.is_privacy_manager:
        return forbidden(request, user)
    return _page(request, user, runtime)


async def checked_form(request: Request, user: UiUser):
    """The form of a privacy POST, or a response refusing it (wrong role or CSRF)."""
    if not user.is_privacy_manager:
        return None, forbidden(request, user)
    try:
        return await check_csrf(request, user), None
    except CsrfError:
        return None, render(request, "ui/message.html", {"message": "csrf_failed"}, user=user, status_code=403)
    except FormValueError as error:
        return None, error.render(request, user)


def _saved(section: str) -> RedirectResponse:
    return RedirectResponse(f"/ui/privacy?saved={section}#{section}", status_code=303)


@router.post("/ui/privacy/consent-policy")
async def save_consent_policy(request: Request, user: UiUserDep, runtime: RuntimeDep):
    """Replace the consent policy (audited with old and new values by redactor.consent)."""
    form, refused = await checked_form(request, user)
    if refused:
        return refused
    chosen = [s for s in form.getlist("allowed_states") if s in consent.CONSENT_STATES]
    with runtime.db.session() as session:
        consent.set_allowed_states(session=session, allowed=chosen, actor=ui_actor(user))
        session.commit()
    return _saved("consent-policy")


@router.post("/ui/privacy/retention-policy")
async def save_retention_policy(request: Request, user: UiUserDep, runtime: RuntimeDep):
    """Replace the retention policy: three default limits, the anchor, groups/overrides as JSON."""
    form, refused = await checked_form(request, user)
    if refused:
        return refused
    submitted = {"limits": {a: str(form.get(f"limit_{a}") or "").strip() for a in ARTIFACTS},
                 "count_from": str(form.get("count_from") or ""), "advanced": str(form.get("advanced") or "")}
    try:
        advanced = json.loads(submitted["advanced"] or "{}")
        if not isinstance(advanced, dict) or set(advanced) - {"operator_groups", "overrides"}:
            raise RetentionPolicyError("the JSON must be an object with operator_groups and overrides only")
        policy = parse_policy({"limits": submitted["limits"], "count_from": submitted["count_from"], **advanced})
    except (ValueError, RetentionPolicyError) as error:  # JSONDecodeError is a ValueError
        message = str(error) if isinstance(error, RetentionPolicyError) else f"JSON: {getattr(error, 'msg', error)}"
        return _page(request, user, runtime, status_code=422, policy_form=submitted, error=message,
                     error_section="retention-policy")
    with runtime.db.session() as session:
        set_policy(session=session, policy=policy, actor=ui_actor(user))
        session.commit()
    return _saved("retention-policy")


@router.post("/ui/privacy/holds")
async def add_hold(request: Request, user: UiUserDep, runtime: RuntimeDep):
    """Place a legal hold on a call (call id + reason)."""
    form, refused = await checked_form(request, user)
    if refused:
        return refused
    call_id, reason = str(form.get("call_id") or "").strip(), str(form.get("reason") or "")
    return _change_hold(request, user, runtime, lambda session: place_hold(
        session=session, call_id=call_id, reason=reason, actor=ui_actor(user), now=utcnow()))


@router.post("/ui/privacy/holds/{call_id}/release")
async def end_hold(call_id: str, request: Request, user: UiUserDep, runtime: RuntimeDep):
    """Release the active hold of a call; what expired meanwhile goes at the next purge."""
    _, refused = await checked_form(request, user)
    if refused:
        return refused
    return _change_hold(request, user, runtime, lambda session: release_hold(
        session=session, call_id=call_id, actor=ui_actor(user), now=utcnow()))


def _change_hold(request: Request, user: UiUser, runtime, change: Callable[[Session], object]):
    """Run a hold change (place or release) and commit it; a HoldError re-renders the page."""
    try:
        with runtime.db.session() as session:
            change(session)
            session.commit()
    except HoldError as error:
        return _page(request, user, runtime, status_code=error.status, error=error.message, error_section="holds")
    return _saved("holds")
