"""Text classes that leaked or were over-redacted on unseen calls (issue 11), through the whole engine.

Each case is a short dialogue written for this table (none is from the dev set): what must go and
what must stay in the last turn. The rules and recognizers each have their own table; this one
checks that they hold together (GiNZA's names, organisation evidence, name propagation).
"""

import pytest

from .helpers import assert_gone_kept, redact_pairs

pytestmark = pytest.mark.slow

OP, CA = "operator", "caller"


@pytest.mark.parametrize("turns, gone, kept", [
    # names in Latin letters, passport style, either order
    ([(OP, "パスポートと同じ表記でお名前をお願いします。"), (CA, "MORIKAWA AYAKAです。")], ["MORIKAWA", "AYAKA"], []),
    ([(OP, "ご予約のお名前を頂戴できますか。"), (CA, "えっと、Shunsuke Ohnoで取ってます")], ["Shunsuke", "Ohno"], []),
    ([(CA, "カードの名義がKENTA HATTORIなんですけど")], ["KENTA", "HATTORI"], []),
    ([(OP, "ご用件をお伺いします。"), (CA, "Galaxy S24の画面が割れて、Google Chromeも開かなくて")], [],
     ["Galaxy S24", "Google Chrome"]),
    # a one-character given name said alone in a name answer
    ([(OP, "お名前をお願いします。"), (CA, "小西です。"), (OP, "下のお名前もお願いいたします。"), (CA, "薫。")], ["薫"], []),
    ([(OP, "フルネームでお願いします。"), (CA, "えっと、大島、純です")], ["大島", "純"], []),
    # a birth date without its year, in answer to the birth-date question
    ([(OP, "ご本人確認のため、生年月日をお願いします。"), (CA, "9月27日です。")], ["9月27日"], []),
    ([(OP, "お誕生日を教えていただけますか。"), (CA, "えっと、じゅうにがつふつかです")], ["じゅうにがつふつか"], []),
    ([(OP, "お引っ越しの日はいつでしょうか。"), (CA, "4月6日です。")], [], ["4月6日"]),
    # spoken IP addresses
    ([(OP, "ルーターのIPアドレスを読み上げていただけますか。"),
      (CA, "ひゃくななじゅうに てん にじゅうろく てん いち てん ご です")], ["ひゃくななじゅうに", "にじゅうろく"], []),
    # digits of any length in a card dialogue and right after a number request
    ([(OP, "カード番号をお願いします。"), (CA, "5300 2211 0847 1936です"), (OP, "有効期限をお願いします。"),
      (CA, "31-4月です。")], ["31-4"], []),
    ([(OP, "セキュリティコード3桁をお願いいたします。"), (CA, "41です。")], ["41"], []),
    ([(OP, "ご契約の電話番号をお願いします。"), (CA, "ゼロナナゼロ…えっと…にーにーきゅういち、さんさんゼロよん")],
     ["ゼロナナゼロ", "にーにーきゅういち", "さんさんゼロよん"], []),
    ([(OP, "会員番号をお願いします。"), (CA, "７７０４３です")], ["７７０４３"], []),
    # companies named after a surname are organisations, not people
    ([(OP, "お名前をお願いします。"), (CA, "西村です。"), (OP, "西村様ですね。お勤め先をお願いします。"),
      (CA, "西村建設です。")], [], ["西村建設"]),
    ([(OP, "お名前をお願いします。"), (CA, "岡田運輸の岡田と申します")], [], ["岡田運輸"]),
    ([(CA, "引き落としは前田銀行さんからでお願いします")], [], ["前田銀行"]),
])
def test_text_class(call_redactor, turns, gone, kept):
    assert_gone_kept(redact_pairs(call_redactor, turns)[-1], gone, kept)
