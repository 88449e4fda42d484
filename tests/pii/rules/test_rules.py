"""The rules' shape: one declared order, one config model each, a test table each, pii.yaml settings."""

from pathlib import Path

import pytest

from redactor.pii.config import PiiConfig, PiiConfigError, load_config
from redactor.pii.rules import RULE_NAMES, RULES, build_rules
from redactor.pii.rules.base import CallRule, RuleConfig

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("rule", RULES, ids=RULE_NAMES)
def test_every_rule_has_the_shape_and_its_test_table(rule):
    assert issubclass(rule, CallRule) and issubclass(rule.Config, RuleConfig)
    assert rule.__module__ == f"redactor.pii.rules.{rule.NAME}"  # one rule per file, named after it
    assert (TESTS / f"test_{rule.NAME}.py").exists()


def test_names_are_unique_and_the_bundled_config_sets_every_rule():
    assert len(set(RULE_NAMES)) == len(RULE_NAMES)
    config = load_config()
    assert list(config.rules) == list(RULE_NAMES)  # listed in the order they run
    assert [type(rule) for rule in build_rules(config)] == list(RULES)


@pytest.mark.parametrize("rules, message", [
    ({"name_propagaton": {}}, "valid names"),
    ({"number_answers": {"fail_closed_min_digits": 0}}, "fail_closed_min_digits"),
    ({"context_lift": {"boost": 0.3, "lift": 1}}, "lift"),
    ({"allow_list": {"enabled": "sometimes"}}, "enabled"),
])
def test_bad_rule_settings_name_the_rule_and_the_fix(rules, message):
    with pytest.raises(PiiConfigError, match=message):
        build_rules(PiiConfig(rules=rules))


def test_a_rule_is_configured_from_its_own_section():
    rules = {type(r).NAME: r for r in build_rules(PiiConfig(rules={"number_answers": {"fail_closed_min_digits": 5},
                                                                   "name_propagation": {"enabled": False}}))}
    assert rules["number_answers"].config.fail_closed_min_digits == 5
    assert rules["name_propagation"].config.enabled is False and rules["context_lift"].config.boost == 0.35
