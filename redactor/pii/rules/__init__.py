"""The call rules, one per file, in the one order they run.

Each rule sees the spans the rules before it left. The order, and why:
1. `context_lift`: questions lift the candidates of the asked types; from here on every span is
   a finding;
2. `allow_list`, `organisation_numbers`: text that is never redacted is protected first, so no
   later rule adds a span there;
3. `number_answers`, `address_answers`, `name_answers`, `honorific_names`, `relative_names`,
   `staff_names`, `spelled_items`: what
   the dialogue says must go, fail closed; `answer_windows`: the caller's answers to requests for
   personal items, by time (kept apart from the spans, so no later rule drops them);
   `read_backs`: the operator's read-back of those answers, found by reading;
4. `operator_names`: the operator's name in greeting and sign-off frames; `intro_slots`: the
   same slot by time where the frame was garbled;
5. `organisation_names`: organisation and product names are explained away (after every rule
   that may add a PERSON, before names are spread);
6. `name_propagation`: a name found once goes wherever it recurs.
"""

from __future__ import annotations

from pydantic import ValidationError

from redactor.pii.config import PiiConfig, PiiConfigError
from redactor.pii.rules.address_answers import AddressAnswers
from redactor.pii.rules.allow_list import AllowList
from redactor.pii.rules.answer_windows import AnswerWindows
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.rules.context_lift import ContextLift
from redactor.pii.rules.honorific_names import HonorificNames
from redactor.pii.rules.intro_slots import IntroSlots
from redactor.pii.rules.name_answers import NameAnswers
from redactor.pii.rules.name_propagation import NamePropagation
from redactor.pii.rules.number_answers import NumberAnswers
from redactor.pii.rules.operator_names import OperatorNames
from redactor.pii.rules.organisation_names import OrganisationNames
from redactor.pii.rules.organisation_numbers import OrganisationNumbers
from redactor.pii.rules.read_backs import ReadBacks
from redactor.pii.rules.relative_names import RelativeNames
from redactor.pii.rules.spelled_items import SpelledItems
from redactor.pii.rules.staff_names import StaffNames

RULES: tuple[type[CallRule], ...] = (
    ContextLift,
    AllowList,
    OrganisationNumbers,
    NumberAnswers,
    AddressAnswers,
    NameAnswers,
    HonorificNames,
    RelativeNames,
    StaffNames,
    SpelledItems,
    AnswerWindows,
    ReadBacks,
    OperatorNames,
    IntroSlots,
    OrganisationNames,
    NamePropagation,
)
RULE_NAMES: tuple[str, ...] = tuple(rule.NAME for rule in RULES)


def build_rules(config: PiiConfig) -> list[CallRule]:
    """The rules in their declared order, each configured from `rules.<NAME>` in the PII config."""
    unknown = sorted(set(config.rules) - set(RULE_NAMES))
    if unknown:
        raise PiiConfigError(f"unknown rule(s) {unknown} under 'rules' in the PII config; valid names: {list(RULE_NAMES)}")
    rules = []
    for rule in RULES:
        try:
            rule_config = rule.Config.model_validate(config.rules.get(rule.NAME) or {})
        except ValidationError as exc:
            raise PiiConfigError(f"PII config: rules.{rule.NAME} is invalid: {exc}") from None
        rules.append(rule(rule_config, config))
    return rules


__all__ = ["RULES", "RULE_NAMES", "CallRule", "RuleConfig", "build_rules"] + sorted(r.__name__ for r in RULES)
