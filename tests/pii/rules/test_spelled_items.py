"""Spelled-out e-mails and IDs and spoken IP addresses go whole, however recognition returns them."""

import pytest

from redactor.pii.rules.spelled_items import spelled_items


def _items(text):
    return [(etype, text[s:e]) for etype, s, e in spelled_items(text)]


@pytest.mark.parametrize("text, items", [
    # e-mails spelled out and garbled: Latin runs, kana digits and spoken symbols in one chain
    ("MTAKANASHI.NETにまるに1アットマークエグザンプルドッドJPです。",
     [("EMAIL_ADDRESS", "MTAKANASHI.NETにまるに1アットマークエグザンプルドッドJP")]),
    ("S1をS1IMI-DU-RAT-EG-DANQUL コムラテにお送りします",
     [("EMAIL_ADDRESS", "S1をS1IMI-DU-RAT-EG-DANQUL コム")]),
    ("ご登録のアドレスはRENA N0の1にアットエグザンプル NEJPでお間違いないですか",
     [("EMAIL_ADDRESS", "RENA N0の1にアットエグザンプル NEJP")]),
    ("sho.shimizu@example.comです", [("EMAIL_ADDRESS", "sho.shimizu@example.com")]),
    ("エムティーアットマークエグザンプルドットコムです", [("EMAIL_ADDRESS", "エムティーアットマークエグザンプルドットコム")]),
    # letters read one by one come back hyphened; a domain said at the end (its ドット garbled) and
    # the local part said before the at sign go with them
    ("かしこまりました。DLK-HS-I-H-I-N-E-A-A-T-EG-ZAMPL コムに変更いたしました。",
     [("EMAIL_ADDRESS", "DLK-HS-I-H-I-N-E-A-A-T-EG-ZAMPL コム")]),
    ("ご S-H-I-M-I-D-U-A-T-EG-ZAN-PUL 小村手にお送りします", [("EMAIL_ADDRESS", "S-H-I-M-I-D-U-A-T-EG-ZAN-PUL")]),
    ("完了しましたらHINA-P-07016Aとエグザンプル、 チェーピーアテにご連絡します。",
     [("EMAIL_ADDRESS", "HINA-P-07016Aとエグザンプル、 チェーピー")]),
    ("新しいのにしてください。DNA-HS-I-H-I-N-A-Aっとエグダンプル。コムで。",
     [("EMAIL_ADDRESS", "DNA-HS-I-H-I-N-A-Aっとエグダンプル。コム")]),
    ("ご登録のメールアドレス アイス1以外 カミリアットエグザンプル しようJPアテにお送りします",
     [("EMAIL_ADDRESS", "アイス1以外 カミリアットエグザンプル しようJP")]),
    ("ご登録のメールなどです アイスイーチアイアイカミリンアット エグザンプル 使用をJPが手にお送りします",
     [("EMAIL_ADDRESS", "アイスイーチアイアイカミリンアット エグザンプル 使用をJP")]),
    ("やまだアットマークジーメールドットコムです", [("EMAIL_ADDRESS", "やまだアットマークジーメールドットコム")]),
    ("会員IDはAB12CDです", [("EMAIL_ADDRESS", "AB12CD")]),
    # spoken IP addresses, dots heard or dropped
    ("IPアドレスは203.0.113.58です", [("IP_ADDRESS", "203.0.113.58")]),
    ("さっきipl ドレス見たら2103.0 113.58ってなってて", [("IP_ADDRESS", "2103.0 113.58")]),
    ("192ドット168ドット1ドット1です", [("IP_ADDRESS", "192ドット168ドット1ドット1")]),
    ("172 てん 26 てん 1 てん 5 です", [("IP_ADDRESS", "172 てん 26 てん 1 てん 5")]),
    # ordinary text stays: short acronyms, one spoken symbol alone, prices, versions with one dot
    ("IPアドレスを確認してください", []),
    ("NTTのPCからです", []),
    ("アットホームな雰囲気です", []),
    ("月額3,278円、合計4,158円です", []),
    ("2.5ギガです", []),
    ("従量料金は120kWhまでが1kWhあたり29円80銭です", []),
    ("100Mbpsから1Gbpsに変更できます", []),
    ("iPhone 15とGalaxy S24、容量は128GBと256GBです", []),
    ("ルーターの型番はWX-3600HPで、バージョン2.1.4です", []),
    ("ドット柄のケースです", []),
    # a domain without a local part or an at sign is a site, not an address; hyphened words and
    # numbers without a letter alone stay
    ("ホームページはエグザンプル ドットコムです", []),
    ("ジーメールドットコムのアドレスです", []),
    ("NTTコムの回線です", []),
    ("T-SHIRTとWi-Fiルーター、090-1234-5678です", []),
])
def test_spelled_items(text, items):
    assert _items(text) == items
