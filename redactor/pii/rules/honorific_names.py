"""A word addressed with an honorific is a name, whatever speech recognition made of it.

The operator reads the caller's name back with 様 (「長谷川千尋様ですね」), and recognition garbles
it into ordinary words (「貼せがわき広さまですね」「生まれの発生がまさま」): the name recognizers
need a name's shape, the honorific does not. The word before an honorific (様 さん 殿 ...; back to a
pause, a particle の/は/を/に/へ, the end of a sentence recognition wrote no mark after (「確認
いたしますうえんわんみんさま」), or at most `max_chars` characters) is a PERSON unless it is a
stock word that takes an honorific (お客様, 皆様, 奥様, ご契約者様, お疲れさま, たくさん ...) or a
count of people (2名様, お1人様). Digits do not make it no name: a name written like a date
(四月一日 read back as 「4月2日おり様」) comes back in digits. The honorific counts only as a word of its own: followed by a pause, a particle,
a copula, 「で」 (「中村様でよろしいですか」) or what an operator says next to an addressed name
(「岡田さまありがとうございます」; recognition often writes no pause there), or for 様, any next
word in kanji (「阿部様個人番号は」); not 「さまざま」「ちゃんと」「様子」「様式」.

A title (先生: `TITLES`) addresses a name the same way (「堀江先生に診てもらって」, heard
「ほりへ先生に」), but it follows a role or a pointer as often (担当の先生, 主治医の先生, その先生,
今日先生に): the word before a title must not end in a particle, name a role or a time.
"""

from __future__ import annotations

import re

from pydantic import Field

from redactor.pii.dialogue import CallView
from redactor.pii.lexicon.chars import HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS
from redactor.pii.lexicon.names import NOT_NAMES
from redactor.pii.lexicon.speech import (
    ACKNOWLEDGEMENTS,
    AFTER_ADDRESS,
    FILLERS,
    HONORIFICS,
    OPENINGS,
    TITLES,
    alternation,
)
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

HONORIFIC = re.compile(
    rf"(?:{alternation([*TITLES, *(h for h in HONORIFICS if h != 'ちゃん')])}|ちゃん(?!と))"  # ちゃんと: properly
    rf"(?=$|[\s{PAUSE_MARKS}」』)）]|です|でし|でござ|でいらっしゃ|ね|の|は|が|を|に|と|も|へ|で|から|より|って|、|{alternation(AFTER_ADDRESS)})"
    # 様 runs straight into the operator's next word where recognition wrote no pause
    # (「阿部様個人番号は」「盛り様ご連絡ありがとう」), but not into the words it forms (様子, 様式,
    # 様々, 様相, 様態, 様変わり)
    rf"|(?:様|さま)(?=[{KANJI_RANGE}]|[ごお]\s?[{KANJI_RANGE}])(?![子式々相態変])"
)
# Where the addressed word starts: after a pause, or after a particle once the word has two
# characters (「担当の佐藤さん」; but 「はなちゃん」 keeps its は).
_PAUSE = re.compile(rf"[\s{PAUSE_MARKS}「『(（:：・]")
_PARTICLES = "のはをにへ"
# Words that take an honorific and name nobody (a word ending in one of these is no name either:
# ご契約者様, お客さん, 担当者様). Prefixes お/ご are part of the stock word where it takes them.
STOCK_WORDS = (
    "客", "お客", "皆", "みな", "みんな", "奥", "お子", "ご本人", "本人", "契約者", "名義人", "利用者",
    "担当者", "担当", "ご家族", "家族", "ご主人", "主人", "ご依頼主", "お父", "お母", "おとう", "おかあ", "父", "母",
    "お兄", "お姉", "おにい", "おねえ", "おじい", "おばあ", "おじ", "おば", "娘", "息子", "旦那", "ご両親", "ご親族",
    "お嬢", "坊", "坊っ", "赤", "王", "神", "仏", "殿", "お疲れ", "おつかれ", "ご苦労", "お世話", "おかげ", "お陰",
    "ご馳走", "ごちそう", "お待ちどお", "お互い", "おたがい", "たく", "ご同輩", "お得意", "業者",
    "ご利用者", "ご契約者", "相手", "先方", "お相手", "お隣", "ご近所", "大家", "患者", "お医者", "医者", "店員",
    "運転手", "配達員", "係", "係員", "オペレーター", "スタッフ", "社員", "職員", "会員", "ご年配", "年配",
)
# Words before a title that name a role, a pointer or a time, not the person (主治医の先生 is cut at
# の anyway: a word before a title ending in a particle is none)
_TITLED_ROLES = ("医", "医者", "担任", "担当", "校長", "教頭", "院長", "副院長", "主任", "塾", "学校", "病院", "その", "この", "あの",
                 "どの", "今日", "明日", "昨日", "前回", "次回", "毎回", "いつも", "今度", "先日", "女", "男", "若い", "別の", "ほかの", "他の")
# Words that lead up to a titled name without a pause (「いつも堀江先生に」)
_TITLED_LEADS = ("いつも", "今日", "昨日", "明日", "前回", "次回", "毎回", "今度", "先日")
# Particles and a verb's て form ending the word before a title (担当の先生, 聞いて先生に); not へ, which
# ends names as heard (堀江 as ほりへ)
_TITLED_ENDS = ("の", "は", "が", "を", "に", "で", "と", "も", "や", "て")
# A word ending in a role suffix names a role, whatever noun comes before it (ご注文者様, ご購入者様,
# 保護者様, 会員様): no Japanese name ends in 者 or 員, while 人 (直人) and 主 do, so they stay out.
# The suffix alone is no role (「員様、カード番号の…」 for グエン様: the rest of the name was lost).
ROLE_SUFFIXES = ("者", "員")
# A count of people or things addressed (2名様, お1人様, 3組様) or a bare number
_DIGIT_END = re.compile(r"[0-9０-９][名人組件点枚台社店部室号階番]{0,2}$")
# A name read back in parts: at most this many parts before the addressed word, of at most
# MAX_PART characters each, or MAX_KANA_PART morae where recognition wrote the part in kana (a
# name's reading is longer than its kanji: 渡辺 is わたなべ, a foreign name in katakana); replies and
# fillers are no part
MAX_PARTS, MAX_PART, MAX_KANA_PART = 3, 3, 6
_KANA_PART = re.compile(rf"^[{HIRAGANA_RANGE}{KATAKANA_RANGE}ー]+$")
_SMALL_KANA = re.compile(r"[ぁぃぅぇぉゃゅょゎァィゥェォャュョヮ]")  # one mora with the kana before it
# Nouns that end a clause before a pause (「確認のため、」「ご不在の場合、」), no part of a name
_CLAUSE_NOUNS = {"ため", "とき", "場合", "ところ", "あいだ", "ついで", "次第", "都合", "おかげ"}
# What ends a sentence or a clause, not a name (「そうですね、」「確認しますので、」)
_NOT_PART_ENDS = ("ね", "よ", "か", "ます", "です", "ません", "ました", "でした", "けど", "ので", "から", "って", "さい")
_NOT_PARTS = {*ACKNOWLEDGEMENTS, *FILLERS, *OPENINGS, "では", "じゃあ", "それでは", "まず", "また", "あと", "次に", "なお",
              "はいはい", "そう", "どうも", "本日", "今日", "先日", "以上", "それで", "それでは", "ちなみに", "ところで",
              "こちら", "そちら", "あちら", "どちら", "こちらの", "そちらの", "あちらの", "その", "この"}
# A sentence's end that recognition wrote no mark after: the addressed word starts after it
_SENTENCE_ENDS = ("ます", "です", "ました", "でした", "ません")


class HonorificNamesConfig(RuleConfig):
    max_chars: int = Field(8, ge=1, le=12, description="Longest addressed word taken as a name.")


class HonorificNames(CallRule):
    NAME = "honorific_names"
    Config = HonorificNamesConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            for start, end in addressed_names(turn.text, self.config.max_chars):
                spans.add_uncovered(turn.index, "PERSON", start, end)


def addressed_names(text: str, max_chars: int = 8) -> list[tuple[int, int]]:
    """[start, end) of every word `text` addresses with an honorific, stock words left out."""
    found = []
    for match in HONORIFIC.finditer(text):
        end = match.start()
        start = end
        while start > 0 and end - start < max_chars and not _PAUSE.match(text, start - 1) \
                and not (text[start - 1] in _PARTICLES and end - start >= 2) and not _after_sentence_end(text, start):
            start -= 1
        word = text[start:end]
        if match.group() in TITLES:
            if _no_titled_name(word):
                continue
            # 「いつもほりへ先生」: the lead-in word and what comes before it are no part of the name
            cut = max((word.rfind(w) + len(w) for w in _TITLED_LEADS if w in word[:-1]), default=0)
            start = start + cut
        if word and not _DIGIT_END.search(word) and not word.endswith(STOCK_WORDS) \
                and not (len(word) > 1 and word.endswith(ROLE_SUFFIXES)):
            found.append((_earlier_parts(text, start, end), end))
    return found


def _earlier_parts(text: str, start: int, end: int) -> int:
    """Where a name read back in short parts with pauses between starts (「具演、1、民様」 for グエン・
    ヴァン・ミン様, 「やまだ、はなこ様」, 「わたなべ、ひでこ様」): up to `MAX_PARTS` parts, each set off
    by 、 and starting after a pause or a particle, before a short addressed word; never a filler, a
    reply, a clause's end or a stock word."""
    if not _short_part(text[start:end]):
        return start
    for _ in range(MAX_PARTS):
        if start < 2 or text[start - 1] not in "、,":
            return start
        lo = start - 1
        while lo > 0 and start - 1 - lo <= MAX_KANA_PART + 2 and not _PAUSE.match(text, lo - 1) \
                and not (text[lo - 1] in _PARTICLES and start - 1 - lo >= 2):
            lo -= 1
        part = text[lo:start - 1]
        after_particle = lo > 0 and not _PAUSE.match(text, lo - 1)
        if not part or not _short_part(part) or (after_particle and (
                text[lo - 1] not in _PARTICLES or len(part) < 3 or part in _CLAUSE_NOUNS)) \
                or part in _NOT_PARTS or part.endswith(STOCK_WORDS + ROLE_SUFFIXES + HONORIFICS + _NOT_PART_ENDS):
            return start
        start = lo
    return start


def _short_part(part: str) -> bool:
    """At most `MAX_PART` characters, or `MAX_KANA_PART` morae of kana (small kana join the one before)."""
    if _KANA_PART.match(part):
        return len(part) - len(_SMALL_KANA.findall(part)) <= MAX_KANA_PART
    return len(part) <= MAX_PART


def _after_sentence_end(text: str, start: int) -> bool:
    """text[:start] ends a sentence with a verb ending that follows more of the sentence (「確認いたします|」,
    not the start of 「ますみ」)."""
    for ending in _SENTENCE_ENDS:
        if text.endswith(ending, 0, start):
            lo = start - len(ending)
            return lo > 0 and not _PAUSE.match(text, lo - 1)
    return False


def _no_titled_name(word: str) -> bool:
    """The word before a title names nobody: a role (主治医, 担任), a pointer or a time (その, 今日), or
    it ends in a particle or a verb's て form (担当の, 聞いて)."""
    return not word or word in NOT_NAMES or word.endswith(_TITLED_ROLES + _TITLED_ENDS)
