"""Shared pieces for the PERSON recognizers: name-shaped regexes and the word lists they check."""

from __future__ import annotations

import re

from redactor.pii.readings import allowed_edits, reading_of
from redactor.text_distance import edit_distance

KANJI_NAME = r"[\u4e00-\u9fff々ヶ]{1,6}"
KANA_NAME = r"[ァ-ヺ][ァ-ヺー]{0,7}(?:[ 　・][ァ-ヺ][ァ-ヺー]{0,7}){0,3}"
# Hiragana parts never run into the copula or a self-introduction (村上なお|です).
_HIRA = r"(?:(?!です|でした|でござ|と申|といい|って|さん|さま|ちゃん|くん)[ぁ-ゖ])"
MIXED_NAME = rf"[\u4e00-\u9fff々]{{1,4}}(?![がはをのにとでもへや]){_HIRA}{{2,4}}"
HIRAGANA_NAME = rf"{_HIRA}{{2,6}}"
ANY_NAME = rf"(?:{MIXED_NAME}|{KANJI_NAME}|{KANA_NAME})"

# Words that take 様/さん but are not names (お客様, ご本人様, 奥さん, 同様).
NOT_NAMES = {
    "客", "皆", "奥", "本人", "家族", "契約者", "代理人", "担当者", "父", "母", "同", "神", "王", "嬢", "息子", "娘",
    "兄", "弟", "姉", "妹", "旦那", "主人", "子", "お子", "皆さん", "名義人", "利用者", "申込者", "様", "各位", "殿",
    "先方", "業者", "他", "貴", "ご", "お", "運転手", "医者", "大家", "管理人", "相手", "担当", "本日", "確認", "以上",
    "承知", "了解", "結構", "大丈夫", "名前", "名義", "番号", "住所", "電話", "メール", "連絡先", "契約", "当社", "弊社",
    "完了", "以下", "同日", "予定", "変更", "解約", "手続", "手続き", "請求", "支払", "返金", "料金", "プラン",
    "カード", "ポイント", "サービス", "オプション", "マイページ", "ルーター", "テレビ", "スマホ", "アプリ", "コード",
    "ベトナム", "アメリカ", "中国", "韓国", "日本", "ネット", "インターネット", "メーター", "キャンペーン",
    "アルファベット", "カタカナ", "ひらがな", "漢字", "フルネーム", "旧姓", "新しい", "ほう", "こちら", "そちら",
    "わかりました", "すみません", "ありがとう", "よろしく", "はい", "いいえ", "えっと", "あの", "ええ", "そう",
    "ベトナム人", "中国人", "韓国人", "アメリカ人", "先方", "相手方", "この方", "部屋", "本部", "全部", "一部",
    "私", "僕", "俺", "自分", "わたし", "わたくし", "あたし", "ぼく", "おれ", "うち", "家族", "親", "子", "夫婦", "本人様",
    "ええと", "えーと", "えーっと", "えっとー", "あのー", "えー", "うーん", "んー", "その", "うん", "あー", "なんか",
    "ちょっと待って", "すいません", "どうも", "こんにちは", "お世話", "よろしい", "おねがい",
    "もしもし", "なるほど", "まあ", "じゃあ", "ちょっと", "お願い", "今", "先月", "今月", "来月", "家", "自宅", "携帯",
}
# Role endings only: 人, 方, 屋, 部 end real names too (雅人, 緒方, 土屋, 服部).
NOT_NAME_SUFFIXES = ("者", "客", "族", "員", "社", "長", "先", "殿", "様", "課", "係", "店", "本人", "個人", "他人",
                     "法人", "代理人", "名義人", "管理人", "友人", "知人", "主人", "夫人", "外国人", "日本人", "担当",
                     "窓口", "センター", "デスク", "会社", "銀行", "支店", "部署", "部門")
RELATIONS = ("夫", "妻", "主人", "父", "母", "息子", "娘", "長男", "長女", "次男", "次女", "三男", "兄", "弟", "姉", "妹",
             "祖父", "祖母", "奥さん", "家内", "旦那", "子供", "孫", "義父", "義母", "嫁", "父親", "母親", "配偶者",
             "お父さん", "お母さん", "おばあちゃん", "おじいちゃん")


# Verb endings: a word ending so is a phrase (込まりました, 承知いたします), never a name.
VERB_ENDINGS = ("ました", "ます", "ません", "ませ", "ください", "下さい", "でした")
# Stock operator phrases speech recognition garbles into name-looking words: かしこまりました comes
# back as 「賀子込まりました」 (Sudachi: 賀子 = a given name + 込ま).
STOCK_PHRASES = ("かしこまりました", "承知いたしました", "承知しました", "少々お待ちください", "失礼いたしました",
                 "お待たせいたしました", "恐れ入ります", "申し訳ございません", "ありがとうございます", "承りました",
                 "よろしくお願いいたします", "お世話になっております", "確認いたします", "確認いたしました",
                 "お調べいたします", "お待ちくださいませ", "ご案内いたします")
_STOCK_READINGS: list[str] = []
_PHRASE_TAIL = re.compile(r"[^\s、。,.!?！？]{0,8}?(?:ました|ます|ません|ください|下さい)")
# A name followed by these is a name in a sentence (田中です, 田中が承りました, 田中様), not a phrase's head.
_AFTER_NAME = ("で", "が", "と", "は", "を", "に", "も", "の", "へ", "や", "さ", "様", "君", "氏", "殿", "ちゃん", "くん")
_WORD_BREAK = " 　、。,.!?！？\n"


def is_plausible_name(value: str) -> bool:
    """False for words that look like a name slot filler but are common nouns, roles or phrases."""
    value = value.strip(" 　・")
    if not value or value in NOT_NAMES or value in RELATIONS or value.endswith(NOT_NAME_SUFFIXES):
        return False
    if value.endswith(VERB_ENDINGS):
        return False
    return not any(ch.isdigit() or ch.isascii() and ch.isalpha() for ch in value)


def garbled_stock_phrase(text: str, start: int, end: int) -> bool:
    """The span [start, end) is part of a garbled stock operator phrase (「賀子込まりました」 =
    かしこまりました, 「賞味お待ちください」 = 少々お待ちください), judged on readings a few kana off.

    Only where the span runs straight on (no particle, honorific or copula) into a polite verb
    ending; and not where the rest without the span already is the phrase (「森かしこまりました」).
    """
    tail = _PHRASE_TAIL.match(text, end)
    if tail is None or text.startswith(_AFTER_NAME, end):
        return False
    if not _STOCK_READINGS:
        _STOCK_READINGS.extend(reading_of(p) for p in STOCK_PHRASES)
    for lo in range(start, max(-1, start - 7), -1):
        if lo < start and text[lo] in _WORD_BREAK:
            break
        word = reading_of(text[lo:tail.end()])
        rest = reading_of(text[lo:start] + text[end:tail.end()])
        for phrase in _STOCK_READINGS:
            budget = max(allowed_edits(len(phrase)), len(phrase) // 4)
            if rest != phrase and edit_distance(word, phrase) <= budget:
                return True
    return False


def tokens_in(doc, start: int, end: int) -> list:
    """The tokens of `doc` overlapping the character span [start, end)."""
    span = doc.char_span(start, end, alignment_mode="expand") if doc is not None else None
    return [t for t in span if not t.is_space] if span is not None else []


def sudachi_tags(nlp_artifacts, start: int, end: int) -> list[str]:
    """Sudachi part-of-speech tags of the tokens overlapping [start, end)."""
    if nlp_artifacts is None:
        return []
    return [t.tag_ for t in tokens_in(nlp_artifacts.tokens, start, end)]


def has_verb(nlp_artifacts, start: int, end: int) -> bool:
    """True when the span holds a verb or auxiliary (承知しました, 千夏がします): not a name."""
    return any(tag.startswith(("動詞", "助動詞")) for tag in sudachi_tags(nlp_artifacts, start, end))


def has_proper_noun(nlp_artifacts, start: int, end: int) -> bool:
    """True when Sudachi tags a token of the span as a proper noun (人名, 地名, 固有名詞)."""
    return any("固有名詞" in tag for tag in sudachi_tags(nlp_artifacts, start, end))
