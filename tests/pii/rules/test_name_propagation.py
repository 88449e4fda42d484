"""name_propagation: a name found once goes wherever it recurs in the call, never into an
organisation word or a longer word."""

import pytest

from redactor.pii.config import PiiConfig
from redactor.pii.rules.allow_list import AllowList
from redactor.pii.rules.name_propagation import NamePropagation

from ..helpers import rule_effect

OP, CA = "operator", "caller"


@pytest.mark.parametrize("turns, spans, added", [
    # the whole name, its parts and the surname before an honorific in other turns
    ([(CA, "長谷川 千尋です"), (OP, "長谷川様ですね。千尋様の生年月日をお願いします。")],
     [(0, "長谷川 千尋", "PERSON", 0.9)], {(1, "長谷川", "PERSON"), (1, "千尋", "PERSON")}),
    # a garbled name answer, said back by the operator
    ([(CA, "糸をまさみです。"), (OP, "糸をまさみ様ですね。")], [(0, "糸をまさみ", "PERSON", 0.5)],
     {(1, "糸をまさみ", "PERSON")}),
    # one-kanji names only in a name slot, never inside a word (森林, 青森)
    ([(CA, "森です"), (OP, "森様、青森の森林の件ですね")], [(0, "森", "PERSON", 0.9)], {(1, "森", "PERSON")}),
    # a name recurring as the call's organisation word is not spread there
    ([(OP, "お電話ありがとうございます。ハルカ電力の佐藤です。"), (OP, "お名前をお願いします。"), (CA, "ハルカです"),
      (OP, "ハルカ電力のプランですね")], [(0, "佐藤", "PERSON", 0.9), (2, "ハルカ", "PERSON", 0.5)], set()),
    # the same name spelled otherwise: found by its reading (4 kana or more), over the characters read so
    ([(CA, "盛りとしこです"), (OP, "かしこまりました、森都市コサマーてにお送りします。")],
     [(0, "盛りとしこ", "PERSON", 0.5)], {(1, "森都市コ", "PERSON")}),
    ([(CA, "ワタヌキです"), (OP, "わたぬき様ですね")], [(0, "ワタヌキ", "PERSON", 0.9)], {(1, "わたぬき", "PERSON")}),
    # short readings are not looked for (森 = モリ is in 盛り上がり), nor a reading only part of a word holds
    ([(CA, "森です"), (OP, "盛り上がりましたね")], [(0, "森", "PERSON", 0.9)], set()),
    ([(CA, "高橋です"), (OP, "高速道路の端で")], [(0, "高橋", "PERSON", 0.9)], set()),
    # other types are not spread
    ([(CA, "090-1234-5678です"), (OP, "090-1234-5678ですね")], [(0, "090-1234-5678", "PHONE_NUMBER", 1.0)], set()),
])
def test_name_propagation(turns, spans, added):
    assert rule_effect(NamePropagation(), turns, spans) == (added, set())


def test_allowed_text_is_not_spread_into():
    config = PiiConfig(allow_list=["ヤマダ電機"])
    turns = [(CA, "ヤマダです"), (CA, "ヤマダ電機で買いました")]
    from redactor.pii.dialogue import CallView
    from redactor.pii.normalize import normalize
    from redactor.pii.spans import Span, SpanSet

    call = CallView.build([s for s, _ in turns], [normalize(t) for _, t in turns], config.call_context)
    spans = SpanSet(2, 0.5)
    spans.add_candidate(0, Span("PERSON", 0, 3, 0.9))
    AllowList(pii=config).apply(call, spans)
    NamePropagation().apply(call, spans)
    assert spans.findings(1) == []
