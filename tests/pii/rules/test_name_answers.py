"""An answer to a name question goes whole, however garbled; answers that are no name stay."""

import pytest

from redactor.pii.questions import asks_for_name
from redactor.pii.config import load_config
from redactor.pii.normalize import normalize
from redactor.pii.dialogue import CallView, TimedWord
from redactor.pii.rules.name_answers import (NameAnswers, introduced_names, name_answer_spans, named_names, other_half,
                                             unasked_names)
from redactor.pii.spans import Span, SpanSet

from ..helpers import assert_gone_kept, last_turn_context, redact_pairs, rule_effect

CONF = load_config().call_context
ASK = ("operator", "ご本人確認のため、お名前と生年月日をお願いいたします。")


def _spans(turns):
    text, context = last_turn_context(turns, CONF)
    return [text[s:e] for s, e in name_answer_spans(text, context)]


@pytest.mark.parametrize("answer, spans", [
    # the surname misheard into ordinary words: the whole clause goes
    ("糸をまさみです。生年月日は1985年3月2日です。", ["糸をまさみ"]),
    ("はい、えーと、言うとまさみと申します", ["言うとまさみ"]),
    ("あ、すみません、鈴木 はなこです", ["鈴木 はなこ"]),
    ("わたくし、田名川けんじでございます", ["田名川けんじ"]),
    ("私は、山下の道子といいます", ["山下の道子"]),
    ("名前は、小林 へいたです。", ["小林 へいた"]),
    ("契約者は主人の、中じま勇介です", ["中じま勇介"]),
    ("えっと、上野。上野さとしです", ["上野"]),
    ("はい。大坂ひろみ、1990年の11月3日です", ["大坂ひろみ"]),
    ("あっ、森です", ["森"]),
    ("はるかです", ["はるか"]),                                 # a given name ending in か is no question
    ("あやの、です", ["あやの"]),
    # another answer said first: the name after it
    ("1975年10月8日で、渡辺恵美です。", ["渡辺恵美"]),
    ("名前ですね。高はしみゆきです", ["高はしみゆき"]),
    ("契約は母なんです。森田としこです", ["森田としこ"]),
    # no name: digits only, yes alone, the caller themself, not knowing, waiting, questions back
    ("09012345678です", []),
    ("はい", []),
    ("はい、本人です", []),
    ("いえ、違います", []),
    ("はい、お願いします", []),
    ("すみません、もう一度お願いします", []),
    ("主人のですか？", []),
    ("それがですね、", []),
    ("私です", []),
    ("わかりません", []),
    ("ちょっと待ってください", []),
    ("え、漢字ですか？", []),
    ("フルネームでいいですか", []),
    ("誰の名前ですか", []),
    ("はい、そうです。夫です", []),
    ("大丈夫です", []),
    ("前に電話したときに言ったんですけど", []),
    # too long for a name: the recognizers alone decide
    ("それがですね、ちょっと今手元に書類がなくて", []),
    ("いつもお世話になっておりますけれども用件なんですが", []),
])
def test_answer_to_a_name_question(answer, spans):
    assert _spans([ASK, ("caller", answer)]) == spans


@pytest.mark.parametrize("turns, spans", [
    # the question garbled (生年月日 -> 青年学気) still asks for the name
    ([("operator", "ご本人確認のため、お名前と青年学気をお願いいたします。"), ("caller", "糸をまさみです。")], ["糸をまさみ"]),
    ([("operator", "ご契約者様のお名前をフルネームでお願いします"), ("caller", "はい、さ党ゆうこです")], ["さ党ゆうこ"]),
    ([("operator", "口座の名義をお伺いできますか"), ("caller", "ヤ間田タロウです")], ["ヤ間田タロウ"]),
    # operator turns between the question and the answer
    ([("operator", "お名前をお願いします。"), ("operator", "フルネームでお願いします。"), ("caller", "糸をまさみ")], ["糸をまさみ"]),
    # mono: question and answer in one turn, or in the next turn
    ([("unknown", "お名前をお願いします 糸をまさみです")], ["糸をまさみ"]),
    ([("unknown", "お名前をお願いします。"), ("unknown", "糸をまさみです")], ["糸をまさみ"]),
    # only the first answer turn: a later caller turn is general talk
    ([("operator", "お名前をお願いします。"), ("caller", "糸をまさみです"), ("operator", "はい"), ("caller", "明日です")], []),
    # no name question: a read-back, 名義変更, a form field, other questions
    ([("operator", "名義はムラカミ ナオ様でよろしいでしょうか。"), ("caller", "はい、そうです")], []),
    ([("operator", "名義はヤマダ様でお間違いないですか"), ("caller", "ヤマ田です")], []),
    ([("operator", "名義変更のお手続きをお願いします。"), ("caller", "書類です")], []),
    ([("operator", "氏名欄にご記入ください。"), ("caller", "はい、分かりました")], []),
    ([("operator", "ご用件をお伺いします。"), ("caller", "引っ越しです")], []),
    ([("operator", "お手続きの用紙を郵送いたしますので、ご返送ください。"), ("caller", "郵送なんですね")], []),
    # operators' turns are never answers
    ([("operator", "お名前をお願いします。"), ("operator", "糸をまさみ様ですね")], []),
])
def test_name_dialogue(turns, spans):
    assert _spans(turns) == spans


@pytest.mark.parametrize("text, names", [
    # whoever introduces themself names themself, question or not, however the name was heard
    ("あ、はい、盛りと申します。先月の電気代が高くて", ["盛り"]),            # 森と申します
    ("だいだと申しますけど、今日検針の人が", ["だいだ"]),                   # 平と申しますけど
    ("はい 山田って言います", ["山田"]),
    ("私、ヤマシタといいます", ["ヤマシタ"]),
    ("担当の佐藤と申します", ["佐藤"]),                                   # the role is no part of it
    ("先日お電話した田中って言います", ["田中"]),                           # a long clause: its last word
    # no introduction: 申し訳, 言いますか, a clause that is no name
    ("ちょっと申し訳ないんですが", []),
    ("と言いますか、その", []),
    ("何と言いますか", []),
    ("そうと言いますのも", []),
    ("ちょっと言いますね", []),                                          # adverbs that take と
    ("はっきりと申しますと", []),
    ("きちんと申し上げます", []),
    ("だと言います", []),
    ("けんと申します", ["けん"]),
])
def test_self_introductions(text, names):
    text = normalize(text).text
    assert [text[s:e] for s, e in introduced_names(text)] == names


@pytest.mark.parametrize("text, names", [
    # a name said right after naming it: ended by a quotation, a pause or a space too
    ("検針員の名前は、寄しむらって名札つけてたけど", ["寄しむら"]),
    ("契約あるのは奥さんの名前ですね。ねーはむいらん 私は契約ないです", ["ねーはむいらん"]),
    ("名前は、田中太郎です。", ["田中太郎"]),
    ("前の担当の名前は、サトウという人でした", ["サトウ"]),
    # a foreign name said part by part, in letters or katakana
    ("奥さんの名前ですね。HAM、D、LAN、私は契約ないです", ["HAM、D、LAN"]),
    ("奥さんの名前ですね。ファム、ティ、ラン。私は契約ないです", ["ファム、ティ、ラン"]),
    # what follows is no name: a verb, a phrase, a reply, a question back
    ("名前は、変わってないです", []),
    ("名前が、違うんですけど", []),
    ("名前は。漢字で書くと難しいんですけど", []),
    ("名前ですね。はい", []),
    ("名前は、わかりません", []),
    ("名前は、どなたのですか", []),
])
def test_names_said_after_naming_them(text, names):
    text = normalize(text).text
    assert [text[s:e] for s, e in named_names(text)] == names


@pytest.mark.parametrize("text, name, half", [
    # a word opening the clause, set off by a pause before a found name that ends the clause
    ("またなげ、エミです", "エミ", "またなげ"),                   # ワタナベ エミです
    ("えっと、ワタナベ、エミ", "エミ", "ワタナベ"),
    ("田中 エミと申します", "エミ", "田中"),
    # fillers, particles, digits, a clause going on: no other half
    ("はい、エミです", "エミ", None),
    ("娘の、エミです", "エミ", None),
    ("またなげ、エミの件で", "エミ", None),
    ("3番、エミです", "エミ", None),
])
def test_the_other_half_of_a_name(text, name, half):
    start = text.index(name)
    span = other_half(text, start, start + len(name))
    assert (text[span[0]:span[1]] if span else None) == half


def _other_half_added(probability):
    """A request, then 「またなげ、エミです」 with エミ found, its words at `probability`."""
    turns = [("operator", "カタカナでお願いします"), ("caller", "またなげ、エミです")]
    texts = [normalize(t) for _, t in turns]
    timings = [(0.0, 2.0, ()), (3.0, 5.0, tuple(TimedWord(i, i + 1, 3.0 + 0.2 * i, 3.2 + 0.2 * i, probability)
                                                 for i in range(len(turns[1][1]))))]
    call = CallView.build([s for s, _ in turns], texts, CONF, timings=timings)
    spans = SpanSet(2, 0.5)
    spans.add_candidate(1, Span("PERSON", 5, 7, 0.85))
    NameAnswers().apply(call, spans)
    return [call.turns[1].text[s.start:s.end] for s in sorted(spans.findings(1), key=lambda s: s.start)]


def test_the_other_half_goes_when_recognition_doubted_it():
    assert _other_half_added(0.3) == ["またなげ", "エミ"]
    assert _other_half_added(0.9) == ["エミ"]        # heard with confidence: a word of its own


@pytest.mark.parametrize("turns, names", [
    # a caller names themself unasked, the turn's last sentence, and the operator's next turn opens
    # by addressing a new name: the sentence's N is the name, however garbled
    ([("caller", "薬の配達先を変えたいんですが。前川陽子です。"), ("operator", "前川様、新しい配達先をお願いします")],
     ["前川陽子"]),
    ([("caller", "薬の配達先を変えたいんですが 前日は要項です"), ("operator", "前かまさま新しい配達先を お願いします")],
     ["前日は要項"]),                                                    # 前川陽子です, both garbled
    ([("caller", "はい、あの、解約したくて。森です"), ("operator", "はい、盛り様、ご契約の確認をいたします")], ["森"]),
    ([("caller", "住所を変えたいです。えっと、たなか けいこです"), ("operator", "田中様ですね。ご住所をお願いします")],
     ["たなか けいこ"]),
    # a foreign name said in parts: the short parts set off before N go with it (グエン・ティ・ランです)
    ([("caller", "体の重症変更をしたいです。VNP。藍です。"), ("operator", "員様、カード番号の下4桁をお願いします")],
     ["VNP。藍"]),
    ([("caller", "住所変更です。グエン、ティ、ランです"), ("operator", "グエン様、ご住所をお願いします")],
     ["グエン、ティ、ラン"]),
    # the addressed word is new as a name, though its characters were said before (会員 in the greeting)
    ([("operator", "クローバーカード会員センターです"), ("caller", "体の重症変更をしたいです。VNP。藍です。"),
      ("operator", "員様、カード番号の下4桁をお願いします")], ["VNP。藍"]),
    # a label names the slot: no confirmation needed, the label itself matched on its reading
    ([("caller", "メールアドレスの健康をお願いいしたいです。契約者のあらいです。"), ("operator", "あらいさが新しいアドレスを")],
     ["あらい"]),
    ([("caller", "ビザ申請の情報をお伝えします。氏名は長尾理沙です。"), ("operator", "かしこまりました")], ["長尾理沙"]),
    ([("caller", "美田申請の情報をお伝えします。 市名は長久々です。"), ("operator", "長おさま 青年学期をお願いします")],
     ["長久々"]),                                                        # 氏名は長尾理沙です
    ([("caller", "名前は田中です。住所を変えたいんですけど"), ("operator", "お客様、ご住所をお願いします")], ["田中"]),
    # the operator addresses no one, a stock word, or a name said before: no name given
    ([("caller", "薬の配達先を変えたいんですが。前川です。"), ("operator", "かしこまりました。ご住所をお願いします")], []),
    ([("caller", "住所変更です"), ("operator", "お客様、ご住所をお願いします")], []),
    ([("caller", "はい、そうです"), ("operator", "お客様、ありがとうございます")], []),
    ([("operator", "お名前をお願いします"), ("caller", "山田です"), ("operator", "山田様ですね"),
      ("caller", "明日です"), ("operator", "山田様、明日ですね")], ["山田"]),       # 明日 stays: 山田 said before
    ([("operator", "お名前をお願いします"), ("caller", "やまだです"), ("operator", "承知しました"),
      ("caller", "配送日です"), ("operator", "山田様、配送日ですね")], ["やまだ"]),   # said before, by reading
    # stock replies, refusals, purposes, relations, companies and numbers are no name, confirmed or not
    ([("caller", "はい、そうです"), ("operator", "山田様、ありがとうございます")], []),
    ([("caller", "大丈夫です"), ("operator", "山田様、ありがとうございます")], []),
    ([("caller", "はい、ほんにんです"), ("operator", "貼せがわき広さまですね")], []),       # in kana: the same words
    ([("caller", "だいじょうぶです"), ("operator", "山田様、ありがとうございます")], []),
    ([("caller", "わかりません"), ("operator", "山田様、では確認します")], []),
    ([("caller", "住所変更です"), ("operator", "山田様、ご住所をお願いします")], []),
    ([("caller", "料金プランの変更です"), ("operator", "山田様、プランですね")], []),
    ([("caller", "引っ越しの件です"), ("operator", "山田様、いつもご利用ありがとうございます")], []),  # found by caller ID
    ([("caller", "予約の確認です"), ("operator", "山田様、ご予約ですね")], []),
    ([("caller", "明日までです"), ("operator", "山田様、明日ですね")], []),
    ([("caller", "ハルカ電力です"), ("operator", "山田様、ありがとうございます")], []),
    ([("caller", "1234です"), ("operator", "山田様、ありがとうございます")], []),
    ([("caller", "電話したのは妻です"), ("operator", "山田様、ありがとうございます")], []),
    ([("caller", "契約者の妻です"), ("operator", "かしこまりました")], []),
    ([("caller", "名前は同じです"), ("operator", "かしこまりました")], []),
    ([("caller", "住所を変えたいんです"), ("operator", "山田様、ご住所をお願いします")], []),
    # the purpose sentence is never N; only the last sentence, unless a label names it
    ([("caller", "引っ越しです。あと、前川です"), ("operator", "前川様、ご住所をお願いします")], ["前川"]),
    ([("caller", "前川です。引っ越しなんです"), ("operator", "前川様、ご住所をお願いします")], []),
])
def test_names_given_unasked(turns, names):
    added, _ = rule_effect(NameAnswers(), turns)
    assert [value for _, value, kind in sorted(added) if kind == "PERSON"] == names


@pytest.mark.parametrize("text, names", [
    # the sentence alone, as confirmed by the operator's next turn
    ("引っ越しの件で。小池です。", ["小池"]),
    ("はい、お願いします。わたくし、前川でございます", ["前川"]),
    ("住所の変更です", []),
    ("はい。お願いします。", []),
    ("いえ、結構です", []),
    ("家族の件なんです", []),
    ("それって本当ですか", []),
])
def test_the_unasked_sentence(text, names):
    text = normalize(text).text
    assert [text[s:e] for s, e in unasked_names(text, confirmed=True)] == names


@pytest.mark.parametrize("text, names", [
    # a caller's greeting, then 「N です」: who is calling, unconfirmed and however heard
    ("もしもし、薬師寺です。アプリにログインできなくて", ["薬師寺"]),
    ("もしもし、薬指です。アクリにログインできなくなっちゃって", ["薬指"]),
    ("あの、すみません、オオニシですけど、請求書の件で", ["オオニシ"]),
    ("こんにちは、山田ですが、カードの件で", ["山田"]),
    # ...but no reply, purpose, self-reference or number
    ("もしもし、大丈夫です", []),
    ("もしもし、引っ越しの件です", []),
    ("こんにちは、予約の確認です", []),
    ("もしもし、私です", []),
    ("もしもし、3時の予約です", []),
    ("もしもし、ちょっと聞きたいんですけど、", []),
    # without a greeting opening the turn, or confirmation, or a label, nothing
    ("請求書の件で、山田ですけど", []),
    # how the name is written is a label too
    ("娘はののか、ひらがなでののかです", ["ののか"]),
    ("ひらがなで大丈夫です", []),
])
def test_a_name_right_after_the_callers_greeting(text, names):
    text = normalize(text).text
    assert [text[s:e] for s, e in unasked_names(text, confirmed=False)] == names


@pytest.mark.parametrize("text, asks", [
    ("お名前をお願いします。", True),
    ("ご契約者様のお名前を頂戴できますか", True),
    ("フルネームで教えていただけますか", True),
    ("名義人の氏名をお願いします", True),
    ("おなまいをお願いいたします", True),                      # garbled cues, a kana off
    ("フルネイムでお願いします", True),
    ("ご名技をお願いします", True),                            # 名義, same reading
    ("名義はヤマダ タロウ様でよろしいでしょうか。", False),   # a read-back
    ("名義変更のお手続きをお願いします。", False),
    ("お名前の確認が取れました。ありがとうございます。", False),  # no request
])
def test_asks_for_name(text, asks):
    assert asks_for_name(text, CONF) is asks


@pytest.mark.slow
@pytest.mark.parametrize("turns, gone, kept", [
    # the real case (Whisper base on a committed sample): 伊藤 heard as 糸を
    ([("operator", "ご本人確認のため、お名前と青年学気をお願いいたします。"),
      ("caller", "糸をまさみです。青年学期は1985年3月2日です。")], ["糸を", "まさみ", "1985年3月2日"], ["青年学期は"]),
    ([("operator", "お名前をお願いできますか"), ("caller", "えっと、言うと正美と申します")], ["言うと", "正美"], ["えっと"]),
    ([("operator", "ご契約者様のお名前をお願いします"), ("caller", "あ、はい、すず木の花子です")], ["すず木の花子"], ["あ、はい"]),
    ([("operator", "お名前をフルネームでお願いします。"), ("caller", "名前は、高はしみゆきです。")], ["高はしみゆき"], ["名前は"]),
    # near misses: what a caller says instead of a name stays
    ([("operator", "お名前をお願いします。"), ("caller", "ちょっと待ってください")], [], ["ちょっと待ってください"]),
    ([("operator", "お名前をお願いします。"), ("caller", "はい、本人です")], [], ["本人です"]),
    ([("operator", "お名前をお願いします。"), ("caller", "え、漢字ですか？")], [], ["漢字ですか"]),
    ([("operator", "お名前をお願いします。"), ("caller", "わかりません")], [], ["わかりません"]),
])
def test_garbled_name_answer(call_redactor, turns, gone, kept):
    assert_gone_kept(redact_pairs(call_redactor, turns)[-1], gone, kept)


@pytest.mark.slow
def test_garbled_name_propagates_to_later_mentions(call_redactor):
    turns = [("operator", "お名前をお願いします。"), ("caller", "糸をまさみです。"),
             ("operator", "糸をまさみ様ですね。ご用件をお伺いします。"), ("caller", "引っ越しの手続きです")]
    texts = redact_pairs(call_redactor, turns)
    assert "糸を" not in texts[2] and "ご用件" in texts[2]
    assert texts[3] == "引っ越しの手続きです"
