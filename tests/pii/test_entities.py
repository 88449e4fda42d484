"""The entity registry: every entity type is described once, and everything reads the description."""

from pathlib import Path

import pytest

from redactor.pii.config import load_config
from redactor.pii.dialogue import TurnContext
from redactor.pii.entities import CARD_DATA_TYPES, ENTITY_SPECS, ENTITY_TYPES, NUMERIC_TYPES, EntitySpec, spec_of
from redactor.pii.recognizers import RECOGNIZERS
from redactor.pii.rules.number_answers import guess_type

TESTS = Path(__file__).resolve().parent


def test_every_recognized_type_has_a_spec_and_every_spec_a_recognizer():
    recognized = {t for cls in RECOGNIZERS.values() for t in cls().supported_entities}
    assert recognized == set(ENTITY_TYPES)


@pytest.mark.parametrize("name", sorted(RECOGNIZERS))
def test_every_recognizer_has_its_test_table(name):
    assert (TESTS / f"test_{name}_recognizer.py").exists()


@pytest.mark.parametrize("entity_type", ENTITY_TYPES)
def test_every_spec_is_complete(entity_type):
    spec = spec_of(entity_type)
    assert spec.type == entity_type and spec.label_ja and spec.label_en
    assert load_config().operator_for(entity_type).type == spec.operator


@pytest.mark.parametrize("entity_type", NUMERIC_TYPES)
def test_a_digit_run_is_typed_by_the_expected_numeric_type(entity_type):
    """A digit count the expected type can have gives that type: no numeric type falls back to a
    guess (before the registry, a type missing from a digit-count table silently became CUSTOMER_ID)."""
    context = TurnContext(is_operator=False, expected=frozenset({entity_type}), number_expected=True)
    for digits in ENTITY_SPECS[entity_type].digit_counts:
        assert guess_type(digits, "1" * digits, 0, context) == entity_type


def test_a_numeric_type_without_digit_counts_is_refused():
    with pytest.raises(ValueError, match="digit_counts"):
        EntitySpec("TAX_ID", "税番号", "Tax ID", numeric=True)


def test_unknown_type_names_the_valid_ones():
    with pytest.raises(KeyError, match="valid types"):
        spec_of("SSN")


def test_card_data_is_scrubbed_from_the_raw_audio_by_default():
    from redactor.config import Settings

    assert set(CARD_DATA_TYPES) == {"CREDIT_CARD", "CARD_EXPIRY", "CARD_CVV"}
    assert set(Settings().raw_audio_scrub_entities) == set(CARD_DATA_TYPES)


def test_question_cues_come_from_the_specs_and_a_config_entry_replaces_one_type(tmp_path):
    assert load_config().call_context.questions["CARD_CVV"] == list(ENTITY_SPECS["CARD_CVV"].question_cues)
    path = tmp_path / "pii.yaml"
    path.write_text("call_context: {questions: {CARD_CVV: [裏の番号]}}", encoding="utf-8")
    questions = load_config(path).call_context.questions
    assert questions["CARD_CVV"] == ["裏の番号"]
    assert questions["PHONE_NUMBER"] == list(ENTITY_SPECS["PHONE_NUMBER"].question_cues)
