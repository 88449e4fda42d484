"""Who speaks each turn of a mono recording, inferred from the conversation (speaker_roles.py).

Rows are recognized mono turns as speech recognition gives them (garbled, cut at pauses, two
voices in one segment) and the roles the conversation gives them: O operator, C caller,
U unknown (the rules then let the turn both ask and answer: fail closed).
"""

import pytest

from redactor.pii.config import load_config
from redactor.pii.dialogue import CallView
from redactor.pii.normalize import normalize
from redactor.pii.speaker_roles import infer_roles, sentence_leads

from .helpers import turn_contexts

CONF = load_config().call_context
ROLE = {"operator": "O", "caller": "C", "unknown": "U"}


def _roles(texts, times=None, speakers=None):
    speakers = speakers or ["unknown"] * len(texts)
    return "".join(ROLE[r] for r in infer_roles(speakers, [normalize(t).text for t in texts], CONF, times))


@pytest.mark.parametrize("texts, roles", [
    # register: the greeting, the company's words, humble forms; the caller's plain explanation
    (["お電話ありがとうございます", "ミナトテレコムお客様センター", "担当の佐々木でございます",
      "もしもし、契約の内容を確認したいんですけど"], "OOOC"),
    # the trade's stock phrases garbled (read by their kana: 貸しこまりました, かしこなりました)
    (["もしもし、解約したいんですけど", "貸しこまりました", "かしこなりました"], "COO"),
    # a request for a personal item (garbled: おめがい, 青年学気) and the answer after it
    (["お電話ありがとうございます", "ご本人確認のため青年学気をおめがいいたします", "昭和52年11月3日です"], "OOC"),
    (["もしもし", "お名前を教えていただけますか", "ヤマダタロウです", "ヤマダ様ですね"], "COCO"),
    # honorific forms for the caller's things (お持ち, お変わり) are the operator's
    (["運転免許証などはおもちですか", "はい持ってます"], "OC"),
    (["もしもし", "ご住所はお変わりないですか", "変わってないです"], "COC"),
    # a caller's question: the open turn after it is the operator's answer
    (["もしもし", "お客様番号ってどこでわかるんですか", "毎月の明細の右上に記載があります"], "CCO"),
    # a sentence cut in two by a pause goes on with the same speaker (not after は or を: they ask)
    (["もしもし、解約したいんですけど", "ご契約のプランが", "ギガプラン20で月額3278円"], "COO"),
    (["もしもし、解約したいんですけど", "かしこまりました", "カード番号を", "4111 1111 1111 1111"], "COUU"),
    # the opening: an open first turn is the greeting, and so are the open turns before the
    # operator's introduction
    (["ソラメットサポートですく、", "いまいでございます。", "電気代のことなんですけど"], "OOC"),
    (["春火電力です", "福井が担当いたします"], "OO"),
    # ...unless the caller speaks first (a recording that starts late)
    (["はい本人です", "ありがとうございます"], "CU"),
    # two voices in one recognized segment stay unknown: a request and its answer, or both registers
    (["お電話ありがとうございます", "青年学期をお願いいたします 平成3年7月22日です"], "OU"),
    (["お電話ありがとうございます", "4,458円税込みでございます あとお客様番号ってどこでわかるんですか"], "OU"),
    (["お電話ありがとうございます", "お名前をお願いします 糸をまさみです"], "OU"),
    # ...but an operator going on after a question of their own is one voice
    (["お電話ありがとうございます", "さようでございますか、今後は上限を設定することも可能ですが"], "OO"),
    # ambiguous: a bare acknowledgement or an item with nothing around it says nobody
    (["もしもし、解約したいんですけど", "はい", "0.66."], "CUU"),
    # humble お…します and a garbled request for an item are the operator's; casual 〜とか the caller's
    (["もしもし、解約したいんですけど", "請求書をお送りいたしますので"], "CO"),
    (["もしもし", "有効機限のおめがいします", "27年の10月です"], "COC"),
    (["お電話ありがとうございます", "口座振替にすると割引とかあります?"], "OC"),
    # the caller's requests for a service are no operator requests
    (["もしもし", "母の名義にしてください。", "かしこまりました"], "CUO"),
    (["お電話ありがとうございます", "住所変更お願いします。"], "OU"),
    (["お電話ありがとうございます", "メールアドレスの変更をお願いしたいです。契約者の新井です。"], "OU"),
    (["お電話ありがとうございます", "夫の岩田健太郎の分もお願いできますか"], "OU"),
    # the greeting is the first turn only: the caller may speak next without a word of plain speech
    (["ソラネットサポートデスク、三宅です。", "回線を速いのに変えたいです。", "かしこまりました"], "OUO"),
])
def test_mono_roles(texts, roles):
    assert _roles(texts) == roles


def test_a_long_pause_ends_the_sentence():
    texts = ["もしもし、解約したいんですけど", "ご契約のプランが", "ギガプラン20で月額3278円"]
    assert _roles(texts, [(0.0, 2.0), (3.0, 4.0), (4.3, 6.0)]) == "COO"
    assert _roles(texts, [(0.0, 2.0), (3.0, 4.0), (7.0, 9.0)]) == "COU"


def test_known_speakers_keep_their_roles():
    # stereo: the channel says who speaks, whatever the words
    assert _roles(["もしもし、解約したいんですけど", "かしこまりました"], speakers=["operator", "caller"]) == "OC"


def test_the_plan_reads_inferred_roles():
    texts = ["お電話ありがとうございます", "お名前をお願いします", "山田太郎です"]
    contexts = turn_contexts(["unknown"] * 3, texts, CONF)
    assert contexts[1].is_operator and not contexts[2].is_operator and contexts[2].name_answer
    call = CallView.build(["unknown"] * 3, [normalize(t) for t in texts], CONF)
    assert [t.may_ask for t in call.turns] == [True, True, False]
    assert [t.speaker for t in call.turns] == ["unknown"] * 3  # the transcript's speaker stays


def test_a_question_cut_in_two_is_read_whole():
    texts = ["お電話ありがとうございます", "ご契約者様のお名前をおめが", "いたします", "ハットリマサトです"]
    times = [(0.0, 1.5), (2.0, 4.0), (4.1, 5.0), (5.5, 7.0)]
    assert _roles(texts, times) == "OOOC"
    roles = infer_roles(["unknown"] * 4, texts, CONF, times)
    assert sentence_leads(["unknown"] * 4, roles, texts, CONF, times) == ["", "", "ご契約者様のお名前をおめが", ""]
    call = CallView.build(["unknown"] * 4, [normalize(t) for t in texts], CONF, timings=[(*t, ()) for t in times])
    assert call.turns[2].utterance == "ご契約者様のお名前をおめがいたします" and call.turns[3].utterance == texts[3]
    # stereo turns are whole already: no leads
    assert sentence_leads(["operator", "operator"], ["operator", "operator"], texts[1:3], CONF) == ["", ""]
