"""relative_names: the word after 「<relation>の」 is the relative's name, however it was heard; what
a relative has or does (娘の学校, 主人の携帯, 母の日) stays."""

import pytest

from redactor.pii.rules.relative_names import RelativeNames, heard_relative_names, name_before_name_of, relative_names

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


def _heard(text):
    return [text[s:e] for s, e in heard_relative_names(text)]


@pytest.mark.parametrize("text, names", [
    # a relation heard by its reading (っ, a long vowel dropped; katakana, hiragana, inside a word),
    # the slot however garbled, up to a particle a person's verb follows
    ("それで音の和田もが来るんです", ["和田も"]),                      # 夫 heard as 音
    ("おとの健二が言ってました", ["健二"]),
    ("イモートの佐和 ゆかに送りたいんです", ["佐和 ゆか"]),          # 妹, the name cut by a space
    ("いもおとの千里に代わります", ["千里"]),
    ("マゴの結い、が来られる日に", ["結い、"]),                      # 孫, the name heard with a pause
    ("あのつまの久美子も入ってます", ["久美子"]),                    # 妻 at the end of a longer word
    ("ムスメの遥香から聞きました", ["遥香"]),
    ("音の竹田 ソーが言ってたんですけど", ["竹田 ソー"]),
    ("イモートの江藤沙希に 100ドル送りたい", ["江藤沙希"]),           # the verb a few words on
    ("なかつまの根岸のりの文もお願いします", ["根岸のり"]),           # 「の分も」, 分 heard as 文
    ("マゴの翔太のぶんも予約したい", ["翔太"]),
    # a word that only sounds like a relation, with no person's verb after the slot: no name
    ("音の大きさが気になります", []),
    ("音の大きさを下げたい", []),
    ("つまの部分が壊れて", []),
    ("マゴの手が欲しい", []),
    ("音の大きさの分だけ下げて", []),
    ("事情の聞き取りに行ってもらいます", []),                        # 次女 by surface only
    ("音の学校の分も", []),
    # what a relative has or does, or another relation, is no name even with a verb
    ("音の方から言ってました", []),
    ("イモートの学校から電話が来て", []),
    ("マゴの友達が来るんです", []),
    ("つまの代わりに来ました", []),
    ("音の看病に行ってます", []),
    ("イモートの旦那が来ます", []),
    # a sentence's end inside the slot: no slot
    ("音の件です。わたしが言います", []),
])
def test_heard_relative_names(text, names):
    assert _heard(text) == names


@pytest.mark.parametrize("text, names", [
    # a name stands before 「の名前で」「の名義で」, however heard
    ("母、原田恵子の名前で予約してます", ["原田恵子"]),
    ("あと わたしのは良だ恵子の名前で予約して", ["は良だ恵子"]),
    ("たぶん、ヤマダの名義で契約してます", ["ヤマダ"]),
    # ... unless it is a relation, oneself or a word that is no name
    ("夫の名前で予約しました", []),
    ("私の名前で予約してます", []),
    ("主人の名義で契約しています", []),
    ("会社の名義で契約", []),
    ("家族の名前で", []),
    ("父親の名前で", []),
    ("ご本人の名前で", []),
    # nothing done in a name: a garbled word (明細 heard as 名前), a copula
    ("来月の名前で表示されます", []),
    ("それは佐藤さんの名前ですね", []),
])
def test_name_before_name_of(text, names):
    assert [text[s:e] for s, e in name_before_name_of(text)] == names


@pytest.mark.parametrize("turns, added", [
    ([("caller", "娘の傾向が決めてくれたのよ")], {(0, "傾向", "PERSON")}),
    ([("operator", "ご主人の健一様でいらっしゃいますね")], {(0, "健一", "PERSON")}),
    ([("caller", "主人の携帯に電話してください")], set()),
    ([("caller", "音の健二が言ってました")], {(0, "健二", "PERSON")}),
    ([("caller", "音の大きさが気になります")], set()),
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
