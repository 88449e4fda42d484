"""The privacy manager's section: consent policy, audit-chain status, recent audit events.

privacy_manager only; every other role gets a 403 page. Forms carry the session's CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from api.deps import RuntimeDep
from api.ui.web import CsrfError, UiUser, UiUserDep, check_csrf, render
from redactor import audit, consent
from redactor.api_keys import Principal
from redactor.store.models import AuditEvent

router = APIRouter(include_in_schema=False)

RECENT_EVENTS = 20


def _forbidden(request: Request, user: UiUser):
    return render(request, "ui/message.html", {"message": "forbidden"}, user=user, status_code=403)


@router.get("/ui/privacy")
def privacy_home(request: Request, user: UiUserDep, runtime: RuntimeDep):
    """Consent policy form, audit verification, the latest audit events (types and ids only)."""
    if not user.is_privacy_manager:
        return _forbidden(request, user)
    with runtime.db.read_session() as session:
        allowed = consent.get_allowed_states(session)
        problems = audit.verify_chain(session)
        event_count = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        events = list(session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())
                                      .limit(RECENT_EVENTS)).scalars())
    return render(request, "ui/privacy.html", {
        "consent_states": consent.CONSENT_STATES, "allowed": allowed, "problems": problems,
        "event_count": event_count, "events": events, "saved": request.query_params.get("saved") == "1",
        "error": None,
    }, user=user)


@router.post("/ui/privacy/consent-policy")
async def save_consent_policy(request: Request, user: UiUserDep, runtime: RuntimeDep):
    """Replace the consent policy (audited with old and new values by redactor.consent)."""
    if not user.is_privacy_manager:
        return _forbidden(request, user)
    try:
        await check_csrf(request, user)
    except CsrfError:
        return render(request, "ui/message.html", {"message": "csrf_failed"}, user=user, status_code=403)
    form = await request.form()
    chosen = [state for state in form.getlist("allowed_states") if state in consent.CONSENT_STATES]
    actor = Principal(key_id=user.key_id, role=user.role).actor
    with runtime.db.session() as session:
        consent.set_allowed_states(session=session, allowed=chosen, actor=actor)
        session.commit()
    return RedirectResponse("/ui/privacy?saved=1#consent-policy", status_code=303)
