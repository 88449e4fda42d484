"""relative_names: the word after 「<relation>の」 is the relative's name, however it was heard; what
a relative has or does (娘の学校, 主人の携帯, 母の日) stays."""

import pytest

from redactor.pii.rules.relative_names import RelativeNames, relative_names

from ..helpers import assert_gone_kept, redact_pairs, rule_effect


def _names(text):
    return [text[s:e] for s, e in relative_names(text)]


@pytest.mark.parametrize("text, names", [
    # a name, as said and as recognition turns it into an ordinary word
    ("娘の恵子が決めてくれたのよ", ["恵子"]),
    ("それは安いのか知らね、娘の傾向が決めてくれたのよ。", ["傾向"]),   # 恵子 heard as 傾向
    ("主人の健一に代わります", ["健一"]),
    ("妻の恵美子です", ["恵美子"]),
    ("息子のゆう子は", ["ゆう子"]),
    ("娘のけいこが", ["けいこ"]),                                         # a hiragana name ends at its particle
    ("娘のともこが言ってました", ["ともこ"]),
    ("母のはなこ、", ["はなこ"]),
    ("お母さんのケイコから聞きました", ["ケイコ"]),
    ("父の誠一郎と二人暮らしです", ["誠一郎"]),
    # what a relative has or does, another relation, a copula: no name
    ("母の日に", []),
    ("主人の携帯です", []),
    ("娘の学校から", []),
    ("ご主人の方でお手続きください", []),
    ("息子の嫁が", []),
    ("娘の分もお願いします", []),
    ("父の会社", []),
    ("母の名義で", []),
    ("娘のです", []),
    ("娘のなんですけど", []),
    ("妻の誕生日は3月です", []),
    ("息子の2人が", []),
    ("娘の結婚式で", []),                                                # the head of a longer word
    ("母の認知症が進んで", []),
    ("息子の保育園に", []),                                              # a word ending like a place
    ("父の入院費を", []),
    ("娘の千代が", ["千代"]),                                            # 代 ends names too
    # a relation inside a longer word is that word (叔父, 祖母 are relations of their own)
    ("叔父の家", []),
    ("分母の数", []),
    # no relation before it
    ("相手のスマホ", []),
])
def test_relative_names(text, names):
    assert _names(text) == names


@pytest.mark.parametrize("turns, added", [
    ([("caller", "娘の傾向が決めてくれたのよ")], {(0, "傾向", "PERSON")}),
    ([("operator", "ご主人の健一様でいらっしゃいますね")], {(0, "健一", "PERSON")}),
    ([("caller", "主人の携帯に電話してください")], set()),
])
def test_the_rule_adds_persons(turns, added):
    assert rule_effect(RelativeNames(), turns) == (added, set())


@pytest.mark.slow
@pytest.mark.parametrize("turns, gone, kept", [
    ([("operator", "ご契約の内容を確認しました"), ("caller", "それは安いのかしらね。娘の傾向が決めてくれたのよ")],
     ["傾向"], ["娘の", "決めてくれた"]),
    ([("caller", "主人の携帯に電話してください")], [], ["主人の携帯"]),
])
def test_relative_names_in_a_call(call_redactor, turns, gone, kept):
    assert_gone_kept(redact_pairs(call_redactor, turns)[-1], gone, kept)
