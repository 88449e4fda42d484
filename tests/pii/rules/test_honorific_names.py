"""A word addressed with an honorific is a name, however garbled; stock words that take one are not."""

import pytest

from redactor.pii.rules.honorific_names import addressed_names

from ..helpers import assert_gone_kept, redact_pairs


def _names(text):
    return [text[s:e] for s, e in addressed_names(text)]


@pytest.mark.parametrize("text, names", [
    # read-backs of a name, as said and as recognition garbles them
    ("長谷川千尋様ですね", ["長谷川千尋"]),
    ("貼せがわき広さまですね", ["貼せがわき広"]),
    ("1991年7月22日生まれの発生がまさま、確認が取れました", ["発生がま"]),
    ("担当の佐藤さんにお伝えします", ["佐藤"]),
    ("はい、田中様でございますね", ["田中"]),
    ("TANAKA様ですね", ["TANAKA"]),
    ("山田花子さん", ["山田花子"]),  # a given name ending in 子 is no stock word
    ("けんたくんの件で", ["けんた"]),
    ("はなちゃんが", ["はな"]),
    ("鈴木殿", ["鈴木"]),
    ("中村様、鈴木様", ["中村", "鈴木"]),
    # no pause written after the honorific: 「で」 and what an operator says next still end the word
    ("お宛名は仲村冷なさまでよろしいですか", ["仲村冷な"]),
    ("おかださまありがとうございます", ["おかだ"]),
    ("生まれの発生がまさま確認が取れました", ["発生がま"]),
    ("ヤマダ様お待たせいたしました", ["ヤマダ"]),
    ("すずきさまいつもご利用いただき", ["すずき"]),
    ("アベヒロ雪様個人番号は必要ございません", ["アベヒロ雪"]),  # 様 straight into a kanji word
    ("石井沢様家族代理としてご登録がございます", ["石井沢"]),
    # a name written like a date comes back in digits (四月一日 read back as 4月2日): still a name
    ("4月2日おり様でいらっしゃいますね", ["4月2日おり"]),
    ("4月2日ちさまのご契約は", ["4月2日ち"]),
    # 様 straight into an honorific-prefixed word (ご連絡, ご本人, お電話)
    ("盛り様ご連絡ありがとうございます", ["盛り"]),
    ("うえんわんみんさまご 本人のご契約は", ["うえんわんみん"]),
    ("ヤマダ様お電話ありがとうございます", ["ヤマダ"]),
    # the word is cut at a pause, a particle, a sentence's unmarked end or max_chars
    ("確認できました4月2日様のご契約", ["4月2日"]),
    ("確認いたしますうえんわんみんさまご 本人", ["うえんわんみん"]),
    ("ますみ様", ["ますみ"]),
    # a name read back in short parts with pauses between (グエン・ヴァン・ミン様 heard so)
    ("確認いたします 具演、1、民様ご本人のご契約は", ["具演、1、民"]),
    ("長谷川、千尋様ですね", ["長谷川、千尋"]),
    ("はい、田中様", ["田中"]),                                          # a reply is no part
    ("では、林様", ["林"]),
    ("お客様、田中様", ["田中"]),
    ("ありがとうございます、林様", ["林"]),                                            # ます opening the word is no end
    ("はい、ますみ様", ["ますみ"]),
    ("ご契約者様の、ながせがわちひろさま", ["ながせがわちひろ"]),
    ("お申込みいただいたうえのやまたろう様", ["やまたろう"]),  # cut at a particle
    ("ご案内はKLMNOPQRSTU様", ["NOPQRSTU"]),  # at most max_chars (8)
    # a part in kana is a name's reading, longer than its kanji (上柳 かみやなぎ, a foreign name in
    # katakana); it may start after a particle (「お名前は|わたなべ、」)
    ("お名前はわたなべ、ひでこ様ですね", ["わたなべ、ひでこ"]),
    ("こちらはかみやなぎ、れんさまでよろしいですか", ["かみやなぎ、れん"]),
    ("同僚のシャルマー、アニルさんも来ます", ["シャルマー、アニル"]),
    ("ご同行はジョンソン、マイクさんですね", ["ジョンソン、マイク"]),
    ("もしもし、たかはし、ゆうこ様", ["たかはし、ゆうこ"]),
    # ... but not a reply, a greeting, a clause's end or a pointer before the pause
    ("そうですね、やまだ様", ["やまだ"]),
    ("もしもし、やまだ様", ["やまだ"]),
    ("かしこまりました、ささきさま", ["ささき"]),
    ("すみません、ささきさん", ["ささき"]),
    ("確認しますので、ささきさん", ["ささき"]),
    ("こちらの、たなかさん", ["たなか"]),
    ("ご本人確認のため、山田様の", ["山田"]),
    ("ご本人、やまだ様", ["やまだ"]),
    ("ありがとうございます、やまださま", ["やまだ"]),
    ("お客様の、まつもとひろし様", ["まつもとひろし"]),                    # a long addressed word stands alone
    # stock words that take an honorific name nobody
    ("お客様センターでございます", []),
    ("お客様のご登録", []),
    ("ご本人様でいらっしゃいますか", []),
    ("ご契約者様ご本人様でしょうか", []),
    # a role is a noun with a role suffix, listed or not; a name ending in 人 is still a name
    ("賀子込まりました。ご注文者様のお名前をお願いいたします", []),
    ("ご購入者様と保護者様、会員様", []),
    ("なおと様、直人様ですね", ["なおと", "直人"]),
    # a role suffix alone names no role: the rest of the name was lost (グエン様 heard as 員様)
    ("員様、カード番号の下4桁をお願いします", ["員"]),
    ("はい、者様ですね", ["者"]),
    ("皆様にご案内しております", []),
    ("奥様からのお電話ですね", []),
    ("お疲れさまです", []),
    ("おかげさまで", []),
    ("お客様ありがとうございます", []),
    ("皆様でお越しください", []),
    ("お疲れさまでした", []),
    ("たくさんあります", []),
    ("みなさん、お元気ですか", []),
    ("お子さんの分も", []),
    ("担当者様にお伝えください", []),
    # an honorific that is part of another word
    ("さまざまなプランがございます", []),
    ("ちゃんと届きました", []),
    ("様子を見ます", []),
    ("さまざまでございます", []),
    ("ご利用の様子を確認します", []),
    ("所定の様式でお送りください", []),
    ("お客様個人番号はお伺いしておりません", []),
    ("ご氏名をお願いします", []),
    # a count of people or things addressed is no name
    ("2名様ですね", []),
    ("お1人様1点限りです", []),
    ("3組様までご案内できます", []),
    ("101号室様宛てです", []),
    ("お客様ご本人でしょうか", []),
    ("3番の窓口の方が", []),
    # a title addresses a name like an honorific, as said and as recognition hears it
    ("内科の村井先生に診てもらってます", ["村井"]),
    ("むらい先生に紹介状を書いてもらって", ["むらい"]),
    ("それで、こさかへ先生が言うには", ["こさかへ"]),              # 小坂江 heard with へ
    ("ムライ先生、", ["ムライ"]),
    ("毎月いつもむらい先生に診てもらって", ["むらい"]),              # a lead-in word is no part
    # ... but a title also follows a role, a pointer, a time or a particle: no name there
    ("担当の先生に聞いてください", []),
    ("先生に聞いてみます", []),
    ("主治医の先生が言ってました", []),
    ("かかりつけの先生", []),
    ("その先生が", []),
    ("今日先生に診てもらいました", []),
    ("担任先生から電話が", []),
    ("校長先生が", []),
    ("歯医者先生", []),
])
def test_addressed_names(text, names):
    assert _names(text) == names


@pytest.mark.slow
@pytest.mark.parametrize("turns, gone, kept", [
    ([("caller", "はい、ほんにんです"), ("operator", "貼せがわき広さまですね。ご本人確認をお願いします")],
     ["貼せがわき広"], ["ご本人確認"]),
    ([("operator", "お客様センターでございます"), ("caller", "皆さんにお世話になってます")],
     [], ["お客様センター", "皆さん"]),
])
def test_honorific_names_in_a_call(call_redactor, turns, gone, kept):
    text = "\n".join(redact_pairs(call_redactor, turns))
    assert_gone_kept(text, gone, kept)
