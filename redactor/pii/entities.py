"""The entity types redactor reports, each described once (exact names are part of the public API).

Everything that depends on an entity's kind reads its `EntitySpec`: the call rules (is it a
number, how many digits can it have, which question asks for it), evaluation (numeric leaks),
the anonymizer's default operator, the audio scrub of card data and the review UI's labels.
A new entity type is one spec here, one recognizer and one test table; a type without a spec is
an error, never a silent default. This module imports nothing heavy: the UI and the settings
read it without loading spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Operator = Literal["tag", "mask", "pseudonym"]


@dataclass(frozen=True)
class EntitySpec:
    """What redactor knows about one entity type.

    `digit_counts`: the digits a spoken value can have (numeric types only; a partial card
    answer is 4+ digits). `question_cues`: words of an operator question asking for it (defaults
    of `call_context.questions` in pii.yaml). `canonical_digits`: a pseudonym hashes the digits
    only (the same number spoken or written gives the same token). `card_data`: silenced in the
    retained raw audio too (PCI DSS v4.0 3.3.1).
    """

    type: str
    label_ja: str
    label_en: str
    numeric: bool = False
    digit_counts: range | None = None
    question_cues: tuple[str, ...] = ()
    operator: Operator = "tag"
    canonical_digits: bool = False
    card_data: bool = False

    def __post_init__(self) -> None:
        if self.numeric and not self.digit_counts:
            raise ValueError(f"numeric entity {self.type} needs digit_counts (a digit run's type is guessed from them)")
        if not self.numeric and (self.digit_counts or self.canonical_digits):
            raise ValueError(f"entity {self.type} is not numeric: drop digit_counts/canonical_digits or set numeric")


ENTITY_SPECS: dict[str, EntitySpec] = {spec.type: spec for spec in (
    EntitySpec("PERSON", "氏名", "Name",
               # お名前を, お名前と, フルネームで: 5+ kana readings, so a garbled 「おなまいを」「フルネイムで」 matches too
               question_cues=("お名前", "氏名", "フルネーム", "名義", "お宛名", "旧姓", "お名前を", "お名前と", "フルネームで")),
    EntitySpec("PHONE_NUMBER", "電話番号", "Phone number", numeric=True, digit_counts=range(10, 12),
               question_cues=("電話番号", "お電話", "携帯番号", "連絡先", "電話"), canonical_digits=True),
    EntitySpec("EMAIL_ADDRESS", "メールアドレス", "Email", question_cues=("メールアドレス", "メール", "アドレス")),
    EntitySpec("POSTAL_CODE", "郵便番号", "Postal code", numeric=True, digit_counts=range(7, 8),
               question_cues=("郵便番号",), canonical_digits=True),
    EntitySpec("ADDRESS", "住所", "Address", question_cues=("住所", "送付先", "お届け先")),
    EntitySpec("DATE_OF_BIRTH", "生年月日", "Date of birth", question_cues=("生年月日", "誕生日")),
    EntitySpec("CREDIT_CARD", "カード番号", "Card number", numeric=True, digit_counts=range(4, 20),
               question_cues=("カード番号", "カードの番号"), canonical_digits=True, card_data=True),
    EntitySpec("CARD_EXPIRY", "有効期限", "Card expiry", numeric=True, digit_counts=range(3, 7),
               question_cues=("有効期限",), canonical_digits=True, card_data=True),
    EntitySpec("CARD_CVV", "セキュリティコード", "Security code", numeric=True, digit_counts=range(3, 5),
               question_cues=("セキュリティコード",), canonical_digits=True, card_data=True),
    EntitySpec("MY_NUMBER", "マイナンバー", "My Number", numeric=True, digit_counts=range(12, 13),
               question_cues=("マイナンバー", "個人番号"), canonical_digits=True),
    EntitySpec("BANK_ACCOUNT", "口座番号", "Bank account", numeric=True, digit_counts=range(3, 11),
               question_cues=("口座", "支店", "店番", "記号と番号"), canonical_digits=True),
    EntitySpec("DRIVERS_LICENSE", "運転免許証番号", "Driver's licence", numeric=True, digit_counts=range(12, 13),
               question_cues=("免許",), canonical_digits=True),
    EntitySpec("PASSPORT", "旅券番号", "Passport", numeric=True, digit_counts=range(7, 8),
               question_cues=("パスポート", "旅券")),  # letters and digits (TK1234567): hashed whole
    EntitySpec("CUSTOMER_ID", "顧客番号", "Customer ID", numeric=True, digit_counts=range(4, 21),
               question_cues=("お客様番号", "お客さま番号", "契約番号", "会員番号", "ID", "アイディー")),
    EntitySpec("IP_ADDRESS", "IPアドレス", "IP address", numeric=True, digit_counts=range(4, 13)),
)}

ENTITY_TYPES: tuple[str, ...] = tuple(ENTITY_SPECS)
# Identifiers made of digits: a digit run may stand for them when speech recognition garbles.
NUMERIC_TYPES: tuple[str, ...] = tuple(t for t, spec in ENTITY_SPECS.items() if spec.numeric)
# Card data (PCI DSS): also silenced in the retained raw audio.
CARD_DATA_TYPES: tuple[str, ...] = tuple(t for t, spec in ENTITY_SPECS.items() if spec.card_data)


def spec_of(entity_type: str) -> EntitySpec:
    """The spec of an entity type; an unknown type is an error naming the valid ones."""
    try:
        return ENTITY_SPECS[entity_type]
    except KeyError:
        raise KeyError(f"unknown entity type {entity_type!r}; valid types: {list(ENTITY_TYPES)}") from None


def check_types(types, what: str = "entity type(s)") -> None:
    """Raise ValueError naming any of `types` that has no spec, and the valid types."""
    unknown = sorted(set(types) - set(ENTITY_SPECS))
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; valid types: {list(ENTITY_TYPES)}")
