"""staff_names: a member of staff the operator names by role (担当の西園寺から, ドライバーの小野寺が) or
as the sender (西園寺よりお電話) is a name, however heard; roles, the company and times stay."""

import pytest

from redactor.pii.rules.staff_names import StaffNames, staff_names

from ..helpers import rule_effect


def _names(text):
    return [text[s:e] for s, e in staff_names(text)]


@pytest.mark.parametrize("text, names", [
    # <role>の X から/より/が <what staff do>, as said and as recognition hears it
    ("担当の北条からご連絡いたします", ["北条"]),
    ("担当の北上寺からご連絡いたします", ["北上寺"]),
    ("担当の鳳凰寺から相手の方にご連絡いたします", ["鳳凰寺"]),      # whom, between who and what
    ("ドライバーの沢渡がお伺いします", ["沢渡"]),
    ("ドライバーのさわたりがまいります", ["さわたり"]),
    ("作業員の大河内 よりお電話いたします", ["大河内"]),
    ("担当の宇佐美より折り返しお電話差し上げます", ["宇佐美"]),
    ("係の宮の下がお持ちします", ["宮の下"]),                         # の inside a garbled name
    # X より <what staff do>: the sender, however heard, digits too
    ("明日までに北条よりご連絡いたします", ["北条"]),
    ("本日中に法上15 よりお電話いたします", ["法上15"]),
    # roles, the company, a time: no name
    ("担当の者からご連絡いたします", []),
    ("担当の者から改めてご連絡いたします", []),
    ("係の者が伺います", []),
    ("担当の方からご連絡します", []),
    ("担当部署からご連絡いたします", []),
    ("担当者よりご連絡いたします", []),
    ("弊社よりお電話いたします", []),
    ("後ほど担当よりご連絡いたします", []),
    ("本日よりご案内しております", []),
    ("明日10時よりご案内", []),
    ("こちらより折り返しお電話いたします", []),
    ("私よりご説明いたします", []),
    ("サポートセンターよりご連絡します", []),
    ("ドライバーが参ります", []),
    ("ドライバーの到着が遅れております", []),
    # より comparing or naming a place, not a sender acting humbly: no name
    ("通常よりお届けが遅れております", []),
    ("公式サイトよりご連絡ください", []),
    ("予定より訪問が遅れる見込みです", []),
])
def test_staff_names(text, names):
    assert _names(text) == names


@pytest.mark.parametrize("turns, added", [
    ([("operator", "担当の北上寺からご連絡いたします")], {(0, "北上寺", "PERSON")}),
    # the frame is the operator's: a caller saying it about staff is read by the other rules
    ([("caller", "担当の北上寺からご連絡があるんですね")], set()),
    ([("operator", "担当の者からご連絡いたします")], set()),
])
def test_the_rule_adds_persons(turns, added):
    assert rule_effect(StaffNames(), turns) == (added, set())
