"""Spelled-out e-mails and IDs and spoken IP addresses go whole, however recognition returns them."""

import pytest

from redactor.pii.config import load_config
from redactor.pii.dialogue import CallView, TimedWord
from redactor.pii.normalize import normalize
from redactor.pii.rules.spelled_items import SpelledItems, spelled_items
from redactor.pii.spans import SpanSet

CONFIG = load_config()


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
    # a spelled local part heard as one word with its domain: its letters count as spelled
    ("新しいのにしてください。SUZUKITAROACTOEGザンプル。コムで。", [("EMAIL_ADDRESS", "SUZUKITAROACTOEGザンプル。コム")]),
    # an at sign said between two words is an address alone; the domain's word goes with it;
    # 「&」 for a heard at sign after a spelled run (case mixed: 「S1iHINA」)
    ("カミリーアットエグザンプル", [("EMAIL_ADDRESS", "カミリーアットエグザンプル")]),
    ("メールはヤマモトアットマークジーメールです", [("EMAIL_ADDRESS", "ヤマモトアットマークジーメール")]),
    ("DNA1S1iHINA&EGザンプル", [("EMAIL_ADDRESS", "DNA1S1iHINA&EGザンプル")]),
    ("SATO1KenJI&エグダンプル コムです", [("EMAIL_ADDRESS", "SATO1KenJI&エグダンプル コム")]),
    ("aoyama.k2&exampleドットコム", [("EMAIL_ADDRESS", "aoyama.k2&exampleドットコム")]),
    # spoken IP addresses, dots heard or dropped
    ("IPアドレスは203.0.113.58です", [("IP_ADDRESS", "203.0.113.58")]),
    ("さっきipl ドレス見たら2103.0 113.58ってなってて", [("IP_ADDRESS", "2103.0 113.58")]),
    ("192ドット168ドット1ドット1です", [("IP_ADDRESS", "192ドット168ドット1ドット1")]),
    ("172 てん 26 てん 1 てん 5 です", [("IP_ADDRESS", "172 てん 26 てん 1 てん 5")]),
    # a digit read aloud heard as a kana word one kana off (ベロ, イシ for ゼロ, イチ)
    ("198.51 1ベロ0.27でございます", [("IP_ADDRESS", "198.51 1ベロ0.27")]),
    ("10.0.1イシ2.8です", [("IP_ADDRESS", "10.0.1イシ2.8")]),
    ("192ドット168ドッド1ゼロ0ドット3", [("IP_ADDRESS", "192ドット168ドッド1ゼロ0ドット3")]),
    # letters read one by one written as their katakana names, a long vowel often dropped: four or
    # more, each set off by a separator, spell a name or an ID (a word heard between stays in the chain)
    ("苗字がケー・オ・ジー・エー・ダブリュー・エーです", [("EMAIL_ADDRESS", "ケー・オ・ジー・エー・ダブリュー・エー")]),
    ("IDはエム、ケー、ティー、エーです", [("EMAIL_ADDRESS", "エム、ケー、ティー、エー")]),
    ("ホフマン、H、O、F、F、M、A、N、Nです", [("EMAIL_ADDRESS", "H、O、F、F、M、A、N、N")]),
    ("プランA、B、C、Dがございます", []),  # options listed in alphabetical order
    # ... three letters are an acronym (DVD, ICU), a name in katakana is no spelling
    ("ディー・ブイ・ディー・プレーヤーです", []),
    ("アイ・シー・ユーに入院しています", []),
    ("エー、ビー、シーの3つのプランがございます", []),
    ("ファム・ティ・ランです", []),
    ("エイミー・ケイ・ワイズです", []),
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
    ("とてもアットホームな店です", []),
    ("AT&Tの回線とH&Mのお店、Q&Aのページ、SMBC&NTTの提携です", []),
    # measures with units between the numbers are no IP address; nor is a date
    ("0.5ミリ2.0ミリ3.5ミリです", []),
    ("0.5キロ2.0キロ3.5キロです", []),
    ("1.5リットル2.5リットル3.5リットルです", []),
    ("2026.12.3に発送します", []),
    # a domain without a local part or an at sign is a site, not an address; hyphened words and
    # numbers without a letter alone stay
    ("ホームページはエグザンプル ドットコムです", []),
    ("ジーメールドットコムのアドレスです", []),
    ("NTTコムの回線です", []),
    ("NTT コムの回線です", []),
    ("T-SHIRTとWi-Fiルーター、090-1234-5678です", []),
])
def test_spelled_items(text, items):
    assert _items(text) == items


def _call_items(turns):
    """(turn, value, type) of every finding the rule adds to a dialogue of (speaker, text, start_s, end_s)."""
    call = CallView.build([s for s, _, _, _ in turns], [normalize(t) for _, t, _, _ in turns], CONFIG.call_context,
                          timings=[(start_s, end_s, ()) for _, _, start_s, end_s in turns])
    spans = SpanSet(len(turns), CONFIG.score_threshold)
    SpelledItems(SpelledItems.Config(**CONFIG.rules["spelled_items"])).apply(call, spans)
    return [(t.index, t.text[s.start:s.end], s.type) for t in call.turns for s in spans.findings(t.index)]


@pytest.mark.parametrize("turns, found", [
    # recognition cuts spelling at its pauses into turns of their own (mono: speaker unknown); an
    # item running over the boundary goes in every turn it touches
    ([("unknown", "ご登録のアドレスですが", 0.0, 2.0), ("unknown", "YAMAD", 2.3, 3.2),
      ("unknown", "タロウアットエグザンプル", 3.8, 5.0), ("unknown", "ドットJPあてにお送りします", 5.6, 7.5)],
     [(1, "YAMAD", "EMAIL_ADDRESS"), (2, "タロウアットエグザンプル", "EMAIL_ADDRESS"), (3, "ドットJP", "EMAIL_ADDRESS")]),
    ([("unknown", "新しいのにしてください", 0.0, 2.0), ("unknown", "SATO1KenJI&エグザンプル", 2.0, 4.0),
      ("unknown", "コムで", 4.0, 4.6)],
     [(1, "SATO1KenJI&エグザンプル", "EMAIL_ADDRESS"), (2, "コム", "EMAIL_ADDRESS")]),
    ([("unknown", "割り当てのアドレスは10.20", 0.0, 3.0), ("unknown", "1セロ0.7でございます", 3.4, 5.0)],
     [(0, "10.20", "IP_ADDRESS"), (1, "1セロ0.7", "IP_ADDRESS")]),
    # one caller's turns (stereo) too
    ([("caller", "KENJI", 0.0, 1.0), ("caller", "アットエグザ", 1.1, 3.0)],
     [(0, "KENJI", "EMAIL_ADDRESS"), (1, "アットエグザ", "EMAIL_ADDRESS")]),
    # no item over a long pause, between two speakers (labels or inferred roles: a caller's name,
    # then the operator's 「アットホーム」), nor where the joined text holds none
    ([("unknown", "割り当てのアドレスは10.20", 0.0, 3.0), ("unknown", "1セロ0.7でございます", 6.4, 8.0)], []),
    ([("caller", "KENJI", 0.0, 1.0), ("operator", "アットホームな雰囲気ですね", 1.1, 3.0)], []),
    ([("unknown", "お名前をお願いいたします", 0.0, 2.0), ("unknown", "KENJI", 2.5, 3.0),
      ("unknown", "アットホームな雰囲気でございます", 3.1, 5.0)], []),
    ([("unknown", "プランはファミリー", 0.0, 2.0), ("unknown", "コースでございます", 2.1, 3.0)], []),
    ([("unknown", "月額は3.5", 0.0, 2.0), ("unknown", "ギガで2,980円です", 2.1, 3.0)], []),
    ([("unknown", "お届けは2026.12", 0.0, 2.0), ("unknown", "3日になります", 2.1, 3.0)], []),
    ([("unknown", "NTT", 0.0, 1.0), ("unknown", "コムの回線です", 1.1, 2.0)], []),
])
def test_items_spelled_over_turns(turns, found):
    assert _call_items(turns) == found


@pytest.mark.parametrize("asked, typed", [
    ("お名前をアルファベットで一文字ずつお願いします", "PERSON"),   # letters only, a name asked for: a name
    ("メールアドレスをお願いします", "EMAIL_ADDRESS"),
    ("ご用件をお伺いします", "EMAIL_ADDRESS"),
])
def test_a_spelling_is_typed_by_what_was_asked(asked, typed):
    turns = [("operator", asked, 0.0, 2.0), ("caller", "ケー・オ・ジー・エー・ダブリュー・エーです", 2.5, 5.0)]
    assert _call_items(turns) == [(1, "ケー・オ・ジー・エー・ダブリュー・エー", typed)]


def test_the_pauses_between_the_pieces_of_one_item_are_muted_too():
    turns = [("unknown", "YAMAD", 2.3, 3.2), ("unknown", "タロウアットエグザンプル", 3.8, 5.0),
             ("unknown", "ドットJPあてにお送りします", 5.6, 7.5)]
    texts = [normalize(t) for _, t, _, _ in turns]
    timings = []
    for text, (_, _, start_s, end_s) in zip(texts, turns):  # one word per character, evenly timed
        step = (end_s - start_s) / len(text.text)
        timings.append((start_s, end_s, tuple(TimedWord(i, i + 1, start_s + i * step, start_s + (i + 1) * step)
                                              for i in range(len(text.text)))))
    call = CallView.build(["unknown"] * 3, texts, CONFIG.call_context, timings=timings)
    spans = SpanSet(3, CONFIG.score_threshold)
    SpelledItems(SpelledItems.Config(**CONFIG.rules["spelled_items"])).apply(call, spans)
    timed = [(t.index, t.text[s.start:s.end], round(s.start_s, 2), round(s.end_s, 2))
             for t in call.turns for s in spans.times(t.index)]
    # each piece from its first word to the next piece's turn; the last to its own last word
    assert timed == [(0, "YAMAD", 2.3, 3.8), (1, "タロウアットエグザンプル", 3.8, 5.6), (2, "ドットJP", 5.6, 6.28)]
