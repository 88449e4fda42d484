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
    ("エムティーアットマークエグザンプルドットコムです", [("EMAIL_ADDRESS", "アットマークエグザンプルドットコム")]),
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
])
def test_spelled_items(text, items):
    assert _items(text) == items
