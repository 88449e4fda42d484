"""The privacy case state machine: every (type, state, action) is allowed or refused as the table says."""

from __future__ import annotations

import itertools

import pytest

from redactor.errors import CaseTransitionError
from redactor.privacy_cases.states import Action, CaseState, CaseType, allowed_actions, check, due_next

S, A = CaseState, Action
FEE = {CaseType.DISCLOSURE, CaseType.PURPOSE_NOTIFICATION}  # carry a fee and can be withheld
NO_FEE = set(CaseType) - FEE

# (types, state, action) -> the state it leads to. Everything not listed is refused.
ALLOWED = {
    # the application form goes out, or came with the request
    **{(t, S.RECEIVED, A.SEND_FORM): S.FORM_SENT for t in CaseType},
    **{(t, S.RECEIVED, A.VERIFY_IDENTITY): S.IDENTITY_VERIFIED for t in CaseType},
    **{(t, S.FORM_SENT, A.VERIFY_IDENTITY): S.IDENTITY_VERIFIED for t in CaseType},
    # the fee, for disclosure and purpose notification only, after identity
    **{(t, S.IDENTITY_VERIFIED, A.RECORD_FEE): S.FEE_RECEIVED for t in FEE},
    # decisions: once identity (and the fee, where due) are in
    **{(t, S.FEE_RECEIVED, A.FULFIL): S.FULFILLED for t in FEE},
    **{(t, S.FEE_RECEIVED, A.WITHHOLD): S.WITHHELD for t in FEE},
    **{(t, S.IDENTITY_VERIFIED, A.FULFIL): S.FULFILLED for t in NO_FEE},
    # rejection of any open case
    **{(t, s, A.REJECT): S.REJECTED for t in CaseType for s in (S.RECEIVED, S.FORM_SENT, S.IDENTITY_VERIFIED)},
    **{(t, S.FEE_RECEIVED, A.REJECT): S.REJECTED for t in FEE},  # no other type ever gets there
    # the requester is told every outcome
    **{(t, s, A.NOTIFY): S.NOTIFIED for t in CaseType for s in (S.FULFILLED, S.WITHHELD, S.REJECTED)},
}
ALL = list(itertools.product(CaseType, CaseState, Action))


@pytest.mark.parametrize("type_,state,action", ALL, ids=[f"{t}-{s}-{a}" for t, s, a in ALL])
def test_every_transition_is_allowed_or_refused_as_the_table_says(type_, state, action):
    expected = ALLOWED.get((type_, state, action))
    if expected is not None:
        assert check(action, state=state, type=type_) == expected
        assert action in allowed_actions(state, type_)
    else:
        with pytest.raises(CaseTransitionError) as refused:
            check(action, state=state, type=type_)
        assert (refused.value.status, refused.value.code) == (409, "case_transition_refused")
        assert action not in allowed_actions(state, type_)


@pytest.mark.parametrize("type_,action,fragment", [
    (CaseType.DELETION, A.RECORD_FEE, "carries no fee"),
    (CaseType.CORRECTION, A.WITHHOLD, "reject it with a reason instead"),
    (CaseType.DISCLOSURE, A.FULFIL, "what is due next is record_fee"),
])
def test_refusals_say_what_to_do_instead(type_, action, fragment):
    with pytest.raises(CaseTransitionError, match=fragment):
        check(action, state=S.IDENTITY_VERIFIED, type=type_)


def test_a_notified_case_is_closed():
    for action in Action:
        with pytest.raises(CaseTransitionError, match="the case is closed"):
            check(action, state=S.NOTIFIED, type=CaseType.DISCLOSURE)


DUE_NEXT = [
    (CaseType.DISCLOSURE, S.RECEIVED, A.SEND_FORM),
    (CaseType.DISCLOSURE, S.FORM_SENT, A.VERIFY_IDENTITY),
    (CaseType.DISCLOSURE, S.IDENTITY_VERIFIED, A.RECORD_FEE),
    (CaseType.PURPOSE_NOTIFICATION, S.IDENTITY_VERIFIED, A.RECORD_FEE),
    (CaseType.DELETION, S.IDENTITY_VERIFIED, A.FULFIL),
    (CaseType.DISCLOSURE, S.FEE_RECEIVED, A.FULFIL),
    (CaseType.DISCLOSURE, S.WITHHELD, A.NOTIFY),
    (CaseType.CORRECTION, S.REJECTED, A.NOTIFY),
    (CaseType.STOP_OF_USE, S.FULFILLED, A.NOTIFY),
    (CaseType.ADDITION, S.NOTIFIED, None),
]


@pytest.mark.parametrize("type_,state,expected", DUE_NEXT)
def test_what_is_due_next(type_, state, expected):
    assert due_next(state, type_) == expected
    if expected is not None:  # the normal course is always an allowed step
        assert expected in allowed_actions(state, type_)
