"""The codes of a privacy case and its state machine, as the privacy policy runs a request.

    received -> form_sent -> identity_verified -> fee_received -> fulfilled | withheld | rejected -> notified
                 (optional)                      (disclosure and
                                                  purpose notification only)

The application form may come with the request (then identity is verified straight from
`received`). Disclosure and notification of the purpose of use carry a fee, which must be
recorded before the case is decided. Only those two types can be withheld (the policy's reasons:
harm to someone's life, body, property or other rights, serious hindrance to the business, a
violation of law); any open case can be rejected (identity or the agent's authority not
verified, fee not paid, ...). Every decision ends with the requester being notified.

`check(action, state=..., type=...)` is the one place that says whether a step is allowed.
"""

from __future__ import annotations

from enum import StrEnum

from redactor.errors import CaseTransitionError


class CaseType(StrEnum):
    DISCLOSURE = "disclosure"  # 開示
    PURPOSE_NOTIFICATION = "purpose_notification"  # 利用目的の通知
    CORRECTION = "correction"  # 訂正
    ADDITION = "addition"  # 追加
    DELETION = "deletion"  # 削除
    STOP_OF_USE = "stop_of_use"  # 利用停止


FEE_TYPES = frozenset({CaseType.DISCLOSURE, CaseType.PURPOSE_NOTIFICATION})
WITHHOLDABLE_TYPES = frozenset({CaseType.DISCLOSURE, CaseType.PURPOSE_NOTIFICATION})


class Channel(StrEnum):
    """How the request arrived."""

    EMAIL = "email"
    POST = "post"
    PHONE = "phone"
    API = "api"  # an integration's POST /v1/privacy-requests


class Requester(StrEnum):
    PERSON = "person"  # 本人
    AGENT = "agent"  # 代理人


class AgentRelationship(StrEnum):
    PARENT = "parent"  # 未成年者の法定代理人（親権者）
    ADULT_GUARDIAN = "adult_guardian"  # 成年後見人
    APPOINTED_AGENT = "appointed_agent"  # 本人が委任した任意代理人


class AgentAuthorityMethod(StrEnum):
    """How the agent's authority was checked (agents only)."""

    POWER_OF_ATTORNEY = "power_of_attorney"  # 委任状（本人の印鑑登録証明書付き）
    FAMILY_REGISTER = "family_register"  # 戸籍謄本など親権を示す書類
    GUARDIANSHIP_CERTIFICATE = "guardianship_certificate"  # 登記事項証明書
    OTHER = "other"


class NoticeMethod(StrEnum):
    """How the form went out and how the requester was told the outcome."""

    POST = "post"
    EMAIL = "email"
    PHONE = "phone"


class FeeMethod(StrEnum):
    POSTAL_MONEY_ORDER = "postal_money_order"  # 定額小為替（申請書に同封）
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"


class WithholdReason(StrEnum):
    """The privacy policy's reasons not to disclose."""

    HARM_TO_RIGHTS = "harm_to_rights"  # 本人又は第三者の生命、身体、財産その他の権利利益を害するおそれ
    BUSINESS_HINDRANCE = "business_hindrance"  # 業務の適正な実施に著しい支障を及ぼすおそれ
    LAW_VIOLATION = "law_violation"  # 他の法令に違反することとなる場合


class RejectReason(StrEnum):
    IDENTITY_NOT_VERIFIED = "identity_not_verified"
    AGENT_AUTHORITY_NOT_VERIFIED = "agent_authority_not_verified"
    FORM_NOT_RETURNED = "form_not_returned"
    FEE_NOT_PAID = "fee_not_paid"
    NOT_WARRANTED = "not_warranted"  # e.g. the data to correct is accurate
    WITHDRAWN_BY_REQUESTER = "withdrawn_by_requester"


class CaseState(StrEnum):
    RECEIVED = "received"
    FORM_SENT = "form_sent"
    IDENTITY_VERIFIED = "identity_verified"
    FEE_RECEIVED = "fee_received"
    FULFILLED = "fulfilled"
    WITHHELD = "withheld"
    REJECTED = "rejected"
    NOTIFIED = "notified"


class Action(StrEnum):
    SEND_FORM = "send_form"
    VERIFY_IDENTITY = "verify_identity"
    RECORD_FEE = "record_fee"
    FULFIL = "fulfil"
    WITHHOLD = "withhold"
    REJECT = "reject"
    NOTIFY = "notify"


# The state each action leads to.
RESULT: dict[Action, CaseState] = {
    Action.SEND_FORM: CaseState.FORM_SENT,
    Action.VERIFY_IDENTITY: CaseState.IDENTITY_VERIFIED,
    Action.RECORD_FEE: CaseState.FEE_RECEIVED,
    Action.FULFIL: CaseState.FULFILLED,
    Action.WITHHOLD: CaseState.WITHHELD,
    Action.REJECT: CaseState.REJECTED,
    Action.NOTIFY: CaseState.NOTIFIED,
}
OPEN_STATES = frozenset({CaseState.RECEIVED, CaseState.FORM_SENT, CaseState.IDENTITY_VERIFIED,
                         CaseState.FEE_RECEIVED})
DECIDED_STATES = frozenset({CaseState.FULFILLED, CaseState.WITHHELD, CaseState.REJECTED})


def ready_for_decision(state: str, type: str) -> bool:
    """Identity verified and, for the types that carry one, the fee received."""
    if type in FEE_TYPES:
        return state == CaseState.FEE_RECEIVED
    return state == CaseState.IDENTITY_VERIFIED


def refusal(action: Action, *, state: str, type: str) -> str | None:
    """Why `action` is not allowed now (a message naming what to do instead), or None if it is."""
    if state == CaseState.FEE_RECEIVED and type not in FEE_TYPES:
        return f"a {type} case has no fee step, so it cannot be in state {state}"
    if action == Action.SEND_FORM:
        ok = state == CaseState.RECEIVED
    elif action == Action.VERIFY_IDENTITY:
        ok = state in (CaseState.RECEIVED, CaseState.FORM_SENT)
    elif action == Action.RECORD_FEE:
        if type not in FEE_TYPES:
            return f"a {type} request carries no fee; only {', '.join(sorted(FEE_TYPES))} do"
        ok = state == CaseState.IDENTITY_VERIFIED
    elif action == Action.WITHHOLD:
        if type not in WITHHOLDABLE_TYPES:
            return (f"a {type} request cannot be withheld, only {', '.join(sorted(WITHHOLDABLE_TYPES))}; "
                    "reject it with a reason instead")
        ok = ready_for_decision(state, type)
    elif action == Action.FULFIL:
        ok = ready_for_decision(state, type)
    elif action == Action.REJECT:
        ok = state in OPEN_STATES
    else:  # NOTIFY
        ok = state in DECIDED_STATES
    if ok:
        return None
    step = due_next(state, type)
    hint = f"what is due next is {step.value}" if step else "the case is closed"
    return f"a {type} case in state {state} cannot take the step {action.value}; {hint}"


def check(action: Action, *, state: str, type: str) -> CaseState:
    """The state `action` leads to; CaseTransitionError when the case does not allow it now."""
    problem = refusal(action, state=state, type=type)
    if problem:
        raise CaseTransitionError(problem)
    return RESULT[action]


def allowed_actions(state: str, type: str) -> list[Action]:
    """Every step the case can take now, in the order of the process."""
    return [action for action in Action if refusal(action, state=state, type=type) is None]


def due_next(state: str, type: str) -> Action | None:
    """The next step of the normal course (None once the requester was notified)."""
    if state == CaseState.RECEIVED:
        return Action.SEND_FORM
    if state == CaseState.FORM_SENT:
        return Action.VERIFY_IDENTITY
    if state == CaseState.IDENTITY_VERIFIED:
        return Action.RECORD_FEE if type in FEE_TYPES else Action.FULFIL
    if state == CaseState.FEE_RECEIVED:
        return Action.FULFIL
    if state in DECIDED_STATES:
        return Action.NOTIFY
    return None
