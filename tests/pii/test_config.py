"""The YAML config: the bundled one loads; broken ones fail with messages that say what to fix."""

import pytest

from redactor.pii.config import PiiConfigError, load_config
from redactor.pii.recognizers import RECOGNIZERS


def test_bundled_config_enables_every_recognizer():
    config = load_config()
    assert set(config.enabled_recognizers()) == set(RECOGNIZERS)
    assert config.operator_for("PHONE_NUMBER").type == "tag"


def test_bundled_config_lists_no_organisation():
    """Organisations are recognised from the call; a site adds its own names to allow_list."""
    config = load_config()
    assert config.allow_list == [] and config.organisations.enabled
    assert "銀行" in config.organisations.business_suffixes and "Company" in config.organisations.ner_labels


@pytest.mark.parametrize("yaml_text, message", [
    ("recognizers: {ja_nope: {enabled: true}}", "valid names"),
    ("operators: {PHONE: {type: tag}}", "valid types"),
    ("operators: {default: {type: shred}}", "tag"),
    ("call_context: {questions: {SSN: [x]}}", "valid types"),
    ("score_threshold: 2", "score_threshold"),
    ("unknown_key: 1", "unknown_key"),
    ("organisations: {suffixes: [銀行]}", "suffixes"),
    ("organisations: {business_suffixes: 銀行}", "business_suffixes"),
    ("recognizers: [", "not valid YAML"),
])
def test_broken_configs(tmp_path, yaml_text, message):
    path = tmp_path / "pii.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(PiiConfigError, match=message):
        load_config(path)


def test_missing_file_names_the_fix(tmp_path):
    with pytest.raises(PiiConfigError, match="REDACTOR_PII_CONFIG"):
        load_config(tmp_path / "absent.yaml")


@pytest.mark.parametrize("value, mode", [("off", "off"), ("'off'", "off"), ("selective", "selective"), ("true", "all")])
def test_ner_mode_survives_yaml_booleans(tmp_path, value, mode):
    path = tmp_path / "pii.yaml"
    path.write_text(f"nlp: {{ner: {value}}}", encoding="utf-8")
    assert load_config(path).nlp.ner == mode


def test_disabled_recognizer_is_left_out(tmp_path):
    path = tmp_path / "pii.yaml"
    path.write_text("recognizers: {ja_card_cvv: {enabled: false}}", encoding="utf-8")
    assert "ja_card_cvv" not in load_config(path).enabled_recognizers()
