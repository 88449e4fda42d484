"""Redacted text -> display segments (chips, highlights), times, labels."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.ui.i18n import ENTITY_LABELS, ENTITY_TYPES, STATUS_LABELS, Labels
from api.ui.text import Segment, clock, find_hits, local_time, segments


def test_entity_types_match_the_pii_engine():
    from redactor.pii.entities import ENTITY_TYPES as ENGINE_TYPES

    assert set(ENTITY_TYPES) == set(ENGINE_TYPES)
    for lang in ENTITY_LABELS:
        assert set(ENTITY_LABELS[lang]) == set(ENGINE_TYPES), lang


def test_every_call_status_has_a_label_in_every_language():
    from redactor.store.models import CallStatus

    for lang, labels in STATUS_LABELS.items():
        assert set(labels) == set(CallStatus), lang


def chip(entity_type, pseudonym=None, hit=False):
    tag = f"<{entity_type}_{pseudonym}>" if pseudonym else f"<{entity_type}>"
    return Segment("chip", tag, entity_type=entity_type, pseudonym=pseudonym, hit=hit)


def plain(text, hit=False):
    return Segment("text", text, hit=hit)


SEGMENTS = [
    # --- tags as the anonymizer writes them
    ("<PERSON>です。", None, [chip("PERSON"), plain("です。")]),
    ("電話番号は<PHONE_NUMBER>です", None, [plain("電話番号は"), chip("PHONE_NUMBER"), plain("です")]),
    ("<PERSON_1a2b3c4d5e6f>様", None, [chip("PERSON", "1a2b3c4d5e6f"), plain("様")]),
    ("<CARD_EXPIRY><CARD_CVV>", None, [chip("CARD_EXPIRY"), chip("CARD_CVV")]),
    # --- not tags: unknown types, lower case, markup: stay literal text (escaped by Jinja)
    ("<script>alert(1)</script>", None, [plain("<script>alert(1)</script>")]),
    ("<FOO>と<person>", None, [plain("<FOO>と<person>")]),
    ("", None, []),
    # --- highlights
    ("住所を変更したい", "変更", [plain("住所を"), plain("変更", hit=True), plain("したい")]),
    ("変更の変更", "変更", [plain("変更", hit=True), plain("の"), plain("変更", hit=True)]),
    ("ABC abc", "abc", [plain("ABC", hit=True), plain(" "), plain("abc", hit=True)]),
    ("<PERSON>です", "PERSON", [chip("PERSON", hit=True), plain("です")]),  # a hit inside a tag marks the chip
    ("は<PHONE_NUMBER>です", "は<", [plain("は", hit=True), chip("PHONE_NUMBER", hit=True), plain("です")]),
    ("何もない", "ない", [plain("何も"), plain("ない", hit=True)]),
    ("何もない", "", [plain("何もない")]),
]


@pytest.mark.parametrize("text,query,expected", SEGMENTS)
def test_segments(text, query, expected):
    assert segments(text, find_hits(text, query)) == expected
    assert "".join(s.text for s in expected) == text  # nothing lost, nothing added


@pytest.mark.parametrize("seconds,tenths,expected", [
    (None, False, ""), (0, False, "0:00"), (7.9, False, "0:07"), (65, False, "1:05"),
    (3725, False, "1:02:05"), (5.06, True, "0:05.0"), (18.53, True, "0:18.5"), (-1, False, "0:00"),
])
def test_clock(seconds, tenths, expected):
    assert clock(seconds, tenths=tenths) == expected


def test_local_time_is_japan_time():
    assert local_time(datetime(2026, 11, 27, 0, 30, tzinfo=timezone.utc)) == "2026-11-27 09:30 JST"
    assert local_time(None) == ""


def test_labels_fall_back_to_japanese_then_the_key():
    en, ja = Labels("en"), Labels("fr")
    assert ja.lang == "ja" and ja("calls") == "通話一覧" and en("calls") == "Calls"
    assert en("no_such_label") == "no_such_label"
    assert ja.entity("PHONE_NUMBER") == "電話番号" and ja.entity("ADDRESS") == "住所" and ja.entity("PERSON") == "氏名"
    assert en.status("failed") == "Failed" and ja.reason("unknown_code") == "unknown_code"
