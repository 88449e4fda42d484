"""Whole calls as the speech recognizer really writes them: garbled questions, digits written as
homophone kanji (午後 = ごご = 55, 位 = い), numbers split across turns or groups. Redaction must fail
closed on the numbers and still keep prices, counts, times and plan names."""

import pytest

from .helpers import assert_gone_kept, redact_pairs

pytestmark = pytest.mark.slow

OP, CA, MONO = "operator", "caller", "unknown"


@pytest.mark.parametrize("turns, gone, kept", [
    # a card dialogue: garbled cues (晩号, 機嫌, セキュリティー), split groups, homophones
    ([(OP, "かしこまりました。それではカード晩号をお願いいたします。"), (CA, "5 2 3 1、午後7 8位、1 1 0 4"),
      (OP, "はい"), (CA, "9 9 0 6です"), (OP, "有効機嫌をお願いします。"),
      (CA, "にせんにじゅうななねんの、じゅういちがつです"), (OP, "裏面のセキュリティーコード三ケタをお願いします。"),
      (CA, "えっと、4 0 9です")],
     ["5 2 3 1", "午後7 8", "1 1 0 4", "9 9 0 6", "にせんにじゅうななねん", "じゅういちがつ", "4 0 9"],
     ["有効機嫌", "セキュリティーコード"]),
    # mono recording: the question (garbled 番号) comes from an unknown speaker
    ([(MONO, "ご連絡先のお電話晩号をお願いいたします"), (MONO, "090の、午後1 2位の、3 3 7 8です")],
     ["090", "午後1 2", "3 3 7 8"], []),
    # the expiry question is lost entirely: the card dialogue still expects the expiry
    ([(OP, "カード番号をお願いします。"), (CA, "4539 1488 0343 6467"), (OP, "ありがとうございます。次に表の方の"),
      (CA, "28年の3月です")], ["4539", "6467", "28年の3月"], []),
    # a number request with no typed cue, garbled: the answer goes whatever it is
    ([(OP, "お問い合わせの受付晩号を教えていただけますか"), (CA, "はい、R、4 4 0 2 9です")], ["4 4 0 2 9"], []),
    ([(OP, "お手元の書類の右上にある8桁の数字をお願いします"), (CA, "1 2 0 0 3 4 7 7")], ["1 2 0 0 3 4 7 7"], []),
    # a number read out in groups, each pause written as a full stop, given without being asked;
    # an account number read back in thousands with a digit lost
    ([(OP, "確認のメールをお送りしました。"), (CA, "届きました。連絡先の電話は変わらず0-3。681-2。4-4-7-5です。")],
     ["0-3。681-2。4-4-7-5"], ["届きました"]),
    ([(OP, "返金先の口座をお願いいたします。"), (CA, "ゆうひ銀行の駅前支店。普通、口座番号は7.0.4.2.8.5です。"),
      (OP, "普通、740,285、ご名義をお願いします。"), (CA, "アオキショウタです"), (OP, "返金額3,480円をお振り込みします。")],
     ["7.0.4.2.8.5", "740,285"], ["3,480円", "普通"]),
    ([(OP, "お子様の生年月日をお願いします。"), (CA, "2015年4月3日です"),
      (OP, "ありがとうございます。小学生のお子様は一度に10冊まで借りられます。")], ["2015年4月3日"], ["10冊"]),
    # near misses: the same dialogues keep prices, counts, times and plan names
    ([(OP, "カード番号をお願いします。"), (CA, "4539 1488 0343 6467"), (OP, "お支払い回数はいかがなさいますか"),
      (CA, "3回払いで、1回あたり2,000円くらいになりますか")], ["4539"], ["3回払い", "2,000円"]),
    ([(OP, "ご用件をお伺いします"), (CA, "ギガプラン20を30にしたいんです。月額3,278円のままで")], [],
     ["ギガプラン20", "30に", "3,278円"]),
    ([(OP, "お電話晩号をお願いいたします"), (CA, "午後3時以降なら家にいます")], [], ["午後3時"]),
    ([(OP, "カード晩号をお願いします"), (CA, "あ、ちょっと待ってください。2分ほど")], [], ["2分"]),
    # addresses: the garbled ward/town goes with the block number, fillers and です stay
    ([(OP, "新しいご住所をお願いいたします。"), (CA, "はい、えーと、神奈川県よこはま氏西くとべ本町42の9、です")],
     ["よこはま氏西くとべ本町", "42の9"], ["はい、えーと、", "です"]),
    # mono: the request is inferred the operator's and the answers the caller's, so the answers
    # go as in stereo (a number answer's closing with it); the request stays
    ([(MONO, "新しい50兆有便番号からお願いいたします。"), (MONO, "有便番号は154000004、"),
      (MONO, "東京都接たがいやく対し度を3丁目18番7号です。")], ["接たがいやく対し度を", "18番", "7号"],
     ["新しい50兆有便番号からお願いいたします。"]),
    ([(OP, "ご十所をお願いします。"), (CA, "えっと、さいたましうらわく高砂2の7の12、メゾン高砂502号室です")],
     ["さいたましうらわく", "高砂", "502号室"], ["えっと、"]),
    ([(CA, "住所は大阪府ほにゃらら市きたく梅田1丁目2番3号です")], ["ほにゃらら市きたく", "3号"], ["住所は"]),
    ([(OP, "ご用件をお伺いします"), (CA, "東京都内の店舗で3番の窓口に行って、2丁目のコンビニの1号機で払いました")], [],
     ["東京都内の店舗", "3番の窓口", "2丁目のコンビニ", "1号機"]),
    ([(OP, "ご住所をお願いします。"), (CA, "あ、その前に、3番の窓口で聞いたんですけど")], [], ["3番の窓口"]),
])
def test_garbled_call(call_redactor, turns, gone, kept):
    assert_gone_kept("\n".join(redact_pairs(call_redactor, turns)), gone, kept)
