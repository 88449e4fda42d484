"""pydantic models for redactor/conf/pii.yaml: recognizer switches, call context, operators, allow-list.

Each call rule validates its own settings (`rules.<name>`, see redactor/pii/rules/); this module
knows only that they are mappings, so that it imports no rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from redactor.pii.entities import ENTITY_SPECS, check_types
from redactor.pii.lexicon.organisations import (BUSINESS_SUFFIXES, DEPARTMENT_WORDS,
                                               ORGANISATION_NER_LABELS)
from redactor.pii.lexicon.speech import HONORIFICS, SELF_INTRODUCTIONS
from redactor.pii.recognizers import RECOGNIZERS

DEFAULT_CONFIG_PATH = Path(__file__).resolve().parent.parent / "conf" / "pii.yaml"


class PiiConfigError(ValueError):
    """The PII config file is missing, not YAML, or does not match the schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecognizerSwitch(_Strict):
    enabled: bool = True
    context: list[str] | None = Field(None, description="Replaces the recognizer's built-in context words.")


class OperatorConfig(_Strict):
    type: Literal["tag", "mask", "pseudonym"] = "tag"
    masking_char: str = Field("*", min_length=1, max_length=1)


class CallContextConfig(_Strict):
    operator_speakers: list[str] = ["operator", "agent", "staff", "オペレーター"]
    questions: dict[str, list[str]] = Field(
        default_factory=lambda: {t: list(spec.question_cues) for t, spec in ENTITY_SPECS.items() if spec.question_cues},
        description="Entity type -> cue words in a question; a type given here replaces its cues in entities.py.")
    # 「お名前とご住所でお調べいたします」「お名前でお探しします」 ask too: the caller answers with them
    request_markers: list[str] = ["お願い", "教えて", "お伺い", "伺え", "頂戴", "いただけ", "ください", "ますか", "でしょうか",
                                  "調べ", "しらべ", "お探し", "おさがし", "？", "?"]
    continuation_markers: list[str] = ["続き", "もう一度", "もう一回", "恐れ入ります"]
    lookback_turns: int = Field(3, ge=1, le=10)
    number_units: list[str] = Field(default_factory=list, description="Words after a number that make it a count or price.")
    unknown_speakers: list[str] = Field(["unknown"], description="Speakers of mono recordings: their questions count too.")
    fuzzy_cues: bool = Field(True, description="Also match question cues on the Sudachi reading (garbled ASR).")
    number_cues: list[str] = Field(["番号", "桁", "ケタ", "ナンバー", "数字", "コード", "期限", "暗証"],
                                   description="Words that make any operator request a request for a number.")
    dialogue_lookback_turns: int = Field(8, ge=1, le=20, description="How long a card/identity dialogue lasts.")
    dialogue_followups: dict[str, list[str]] = Field(
        default_factory=lambda: {"CREDIT_CARD": ["CARD_EXPIRY"], "POSTAL_CODE": ["ADDRESS"]},
        description="A question for the key type makes these types expected for the dialogue's turns.")
    bridge_max_chars: int = Field(3, ge=0, le=8, description="Garbled characters bridged between digit groups.")
    continuation_min_digits: int = Field(7, ge=4, description="An answer this long makes the next answers continue it.")
    quantity_cues: list[str] = Field(
        ["いくら", "何円", "何回", "何時", "何個", "何人", "何日", "何か月", "何ヶ月", "何ギガ", "何GB", "金額", "料金", "予算",
         "何歳", "何階", "何台", "何枚", "何件", "何名", "何本", "何分", "何度"],
        description="Words of a question about an amount: a bare number answering it is no identifier.")

    @field_validator("questions", "dialogue_followups")
    @classmethod
    def _known_types(cls, value: dict[str, list[str]], info) -> dict[str, list[str]]:
        check_types(value)
        if info.field_name == "dialogue_followups":  # here the values are entity types too
            check_types({t for types in value.values() for t in types})
            return value
        defaults = {t: list(spec.question_cues) for t, spec in ENTITY_SPECS.items() if spec.question_cues}
        return {**defaults, **value}


class OrganisationsConfig(_Strict):
    """Evidence that a name-shaped word is an organisation or product (see redactor/pii/organisations.py)."""

    enabled: bool = True
    greeting_openers: list[str] = Field(
        ["お電話ありがとうございます", "お問い合わせありがとうございます", "いつもご利用ありがとうございます",
         "お待たせいたしました", "お待たせしました", "お待たせ致しました"],
        description="Operator openings followed by the organisation's name.")
    business_suffixes: list[str] = Field(default_factory=lambda: list(BUSINESS_SUFFIXES),
                                         description="Words that end organisation and product names (銀行, 電力, モバイル).")
    business_prefixes: list[str] = Field(["株式会社", "有限会社", "合同会社", "(株)", "(有)"],
                                         description="Words that open organisation names.")
    department_words: list[str] = Field(default_factory=lambda: list(DEPARTMENT_WORDS),
                                        description="Departments said after the organisation in a greeting.")
    ner_labels: list[str] = Field(default_factory=lambda: list(ORGANISATION_NER_LABELS),
                                  description="GiNZA NER labels that are organisations or products.")
    person_cues_after: list[str] = Field([*HONORIFICS, *SELF_INTRODUCTIONS],
                                         description="Words right after a span that make it a person's name anyway.")
    person_cues_before: list[str] = Field(["名前は", "名前が", "名前、", "名義は", "名義が", "氏名は", "フルネームは",
                                           "フルネームで", "私は", "わたしは", "わたくしは"],
                                          description="Words right before a span that make it a person's name anyway.")


class NlpConfig(_Strict):
    model: str = "ja_ginza"
    ner: Literal["all", "selective", "off"] = Field(
        "selective", description="GiNZA NER on every turn, only on turns that may hold a name, or never.")
    max_chunk_bytes: int = Field(40000, ge=1000, le=49149, description="SudachiPy rejects input over 49,149 bytes.")
    batch_size: int = Field(64, ge=1)


    @field_validator("ner", mode="before")
    @classmethod
    def _yaml_booleans(cls, value):
        # YAML reads a bare `off` as False (and `on` as True)
        return {False: "off", True: "all"}.get(value, value) if isinstance(value, bool) else value


class PiiConfig(_Strict):
    language: Literal["ja"] = "ja"
    score_threshold: float = Field(0.5, gt=0, le=1)
    recognizers: dict[str, RecognizerSwitch] = Field(default_factory=dict)
    operators: dict[str, OperatorConfig] = Field(default_factory=lambda: {"default": OperatorConfig()})
    allow_list: list[str] = Field(default_factory=list, description="A site's own names and numbers, kept verbatim.")
    call_context: CallContextConfig = CallContextConfig()
    organisations: OrganisationsConfig = OrganisationsConfig()
    nlp: NlpConfig = NlpConfig()
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Rule name -> its settings (validated by the rule; see redactor/pii/rules).")

    @field_validator("recognizers")
    @classmethod
    def _known_recognizers(cls, value: dict[str, RecognizerSwitch]) -> dict[str, RecognizerSwitch]:
        unknown = sorted(set(value) - set(RECOGNIZERS))
        if unknown:
            raise ValueError(f"unknown recognizer(s) {unknown}; valid names: {sorted(RECOGNIZERS)}")
        return value

    @field_validator("operators")
    @classmethod
    def _known_operator_keys(cls, value: dict[str, OperatorConfig]) -> dict[str, OperatorConfig]:
        check_types({k for k in value if k != "default"})
        return value

    def operator_for(self, entity_type: str) -> OperatorConfig:
        """The operator configured for an entity type, else the configured default, else the type's own."""
        return (self.operators.get(entity_type) or self.operators.get("default")
                or OperatorConfig(type=ENTITY_SPECS[entity_type].operator))

    def enabled_recognizers(self) -> dict[str, RecognizerSwitch]:
        """Every registered recognizer with its switch (absent from the file: enabled)."""
        return {name: self.recognizers.get(name, RecognizerSwitch()) for name in RECOGNIZERS
                if self.recognizers.get(name, RecognizerSwitch()).enabled}


def load_config(path: Path | str | None = None) -> PiiConfig:
    """Read and validate the YAML config (default: the bundled redactor/conf/pii.yaml)."""
    path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PiiConfigError(f"PII config {path} does not exist; set REDACTOR_PII_CONFIG to a YAML file "
                             f"or unset it to use {DEFAULT_CONFIG_PATH}") from None
    except yaml.YAMLError as exc:
        raise PiiConfigError(f"PII config {path} is not valid YAML: {exc}") from None
    try:
        return PiiConfig.model_validate(raw or {})
    except ValidationError as exc:
        raise PiiConfigError(f"PII config {path} is invalid: {exc}") from None
