"""A relative named after their relation is a name, however speech recognition heard it.

Callers name a family member once, right after saying who they are: 「娘の恵子が決めてくれた」
「主人の健一に代わります」. Recognition turns the name into an ordinary word (「娘の傾向が決めて
くれた」), and the name recognizers then see a common noun. The slot decides: the word after
「<relation>の」 (娘 息子 主人 妻 母 父 ..., `RELATIONS`) and before a particle, a copula, an
honorific (ご主人の健一様) or a pause is a PERSON, unless it is a word that follows a relation in
other sentences: what the relative has or does (娘の学校, 主人の携帯, 母の日, 夫の名義:
`RELATIVE_THINGS`, also heading a longer word, 娘の結婚式; and words ending like them,
`RELATIVE_THING_SUFFIXES`: 保育園), another relation (娘の息子), or a word holding a digit. The word is a run of kanji or katakana (with the kana a given
name ends in: 恵美子, ゆう子) or a short hiragana run (けいこ); a relation inside a longer kanji
word (叔父, 祖母) is that word, not the relation.

Recognition garbles the relation too: 夫 comes back as 音 (オト for オット), 妹 as イモート, 孫 as
マゴ, 妻 as the end of a longer word (いくつま). So a relation is also found by its reading, at the
end of the words before 「の」, the kana recognition drops (っ, a long vowel) left out. A word that
merely sounds like one (音の大きさ) must then be followed by what a person does: the slot after
「の」, a short run of words however garbled (「音の起きた数 マーが」), ends at a particle that a
verb of a person follows (が来る, も入って, に…送る, が言って: `PERSON_VERBS`), or at 「の分」 (妻の
<name>の分も, 分 heard as 文 or ぶん).

A name also stands where a relation or oneself would (「夫の名前で予約」): the words before
「の名前で」「の名義で」 and what is done in a name (予約, 契約, 登録 ...: `DONE_IN_A_NAME`), back to a
pause or 「の」, are a name unless they are a relation, oneself or a word that is no name
(`name_before_name_of`; 「翌月の明細で表示」 heard as 「翌月の名前で表示」 is done in no name).
"""

from __future__ import annotations

import re

from redactor.pii.dialogue import CallView
from redactor.pii.lexicon.chars import HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS
from redactor.pii.lexicon.names import (
    NOT_NAME_SUFFIXES,
    NOT_NAMES,
    PERSON_VERBS,
    RELATIONS,
    RELATIVE_THING_SUFFIXES,
    RELATIVE_THINGS,
    SELF_REFERENCES,
)
from redactor.pii.lexicon.speech import DONE_IN_A_NAME, HONORIFICS, alternation
from redactor.pii.readings import is_silent, reading_of, soft_reading, tokens_of
from redactor.pii.rules.base import CallRule
from redactor.pii.spans import SpanSet

_WORD = rf"[{KANJI_RANGE}々ヶ{KATAKANA_RANGE}ー]{{1,5}}|[{HIRAGANA_RANGE}]{{2,4}}?[{KANJI_RANGE}]?"
# What ends the slot: a particle, a copula, an honorific, a pause, or the end of the turn
_AFTER = rf"(?=が|は|に|と|も|を|から|って|の|や|です|でした|だ|{alternation(HONORIFICS)}|[\s{PAUSE_MARKS}」]|$)"
RELATIVE_NAME = re.compile(
    rf"(?<![{KANJI_RANGE}々])(?:{alternation(RELATIONS)})の[\s、]?(?P<name>{_WORD}){_AFTER}")
_DIGIT = re.compile(r"[0-9０-９]")
# A word of two characters or more heads longer ones too (結婚式, 病気がち, 大学院)
_THING_PREFIXES = tuple(w for w in RELATIVE_THINGS if len(w) >= 2)
_COPULA = re.compile(r"^(?:です|でし|でござ|だっ|だよ|だね|だけ|など|なん)")


# A relation heard by its reading: what the words before 「の」 may hold at most (いくつま)
_HEARD_BEFORE = 6
# The slot after a relation heard by its reading: at most this many characters up to the particle,
# and the person's verb at most VERB_REACH characters after it (「に 1500ポンド送りたい」)
_HEARD_SLOT, _VERB_REACH = 8, 10
_SLOT_END = re.compile(r"が|も|に|を|は|と|から|の")
# 「妻の<name>の分も」: a share done for the person (分, heard 文 or ぶん) ends the slot as a verb would
_PORTION = re.compile("ブン(?:モ|ヲ|ハ|ノ)")
_PERSON_VERB = re.compile(rf"[^{PAUSE_MARKS}]{{0,{_VERB_REACH}}}?(?:{alternation(PERSON_VERBS)})")
_SENTENCE_IN_SLOT = re.compile(rf"[{PAUSE_MARKS.replace('、', '')}]|です|ます|でした")
_NOT_IN_SLOT = re.compile(rf"{_SENTENCE_IN_SLOT.pattern}|の")
# 「<name>の名前で」: the name before what is done in its name (予約, 契約, 登録 ...)
_NAME_OF = re.compile(rf"(?<=[\s{PAUSE_MARKS}の])(?P<name>[^\s{PAUSE_MARKS}の]{{1,8}})の\s?(?:名前|名義)で(?!す|し)"
                      rf"[^{PAUSE_MARKS}]{{0,4}}?(?:{alternation(DONE_IN_A_NAME)})")
# Where a long vowel is written as its vowel kana (イモウト, オカアサン): that kana goes, as ー does
_LONG_VOWEL = re.compile(r"(?<=[アカサタナハマヤラワガザダバパャ])ア|(?<=[イキシチニヒミリギジヂビピエケセテネヘメレゲゼデベペ])イ"
                         r"|(?<=[ウクスツヌフムユルグズヅブプュオコソトノホモヨロヲゴゾドボポョ])ウ")


def _plain(kana: str) -> str:
    """A reading as recognition may hear it: without ー, っ, or a long vowel's second kana."""
    return _LONG_VOWEL.sub("", soft_reading(kana))


# Relations whose reading is an everyday word's too are matched by surface only: 次女 (ジジョ: 事情の
# 聞き取りに行って), 家内 (カナイ: 〜しかないの)
_SOUNDALIKES = ("次女", "家内")
_RELATION_READINGS = tuple(sorted({_plain("".join(t.reading for t in tokens_of(w))) for w in RELATIONS
                                   if w not in _SOUNDALIKES}, key=len, reverse=True))


class RelativeNames(CallRule):
    NAME = "relative_names"

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            for start, end in [*relative_names(turn.text), *heard_relative_names(turn.text),
                               *name_before_name_of(turn.text)]:
                spans.add_uncovered(turn.index, "PERSON", start, end)


def relative_names(text: str) -> list[tuple[int, int]]:
    """[start, end) of every relative's name said after its relation (「娘の傾向が」 -> 傾向)."""
    found = []
    for match in RELATIVE_NAME.finditer(text):
        name = match.group("name")
        if name in RELATIVE_THINGS or name.startswith(_THING_PREFIXES) or name.endswith(RELATIVE_THING_SUFFIXES) \
                or name in RELATIONS or name in NOT_NAMES or _DIGIT.search(name) \
                or _COPULA.match(name):
            continue
        found.append(match.span("name"))
    return found


def _no_name(word: str) -> bool:
    """A word that fills a name's slot after a relation and is no name (学校, 旦那, 方, 2人)."""
    return (word in RELATIVE_THINGS or word.startswith(_THING_PREFIXES) or word.startswith(RELATIONS)
            or word in NOT_NAMES or bool(_DIGIT.search(word)) or bool(_COPULA.match(word)))


def heard_relative_names(text: str) -> list[tuple[int, int]]:
    """[start, end) of the slot after a relation heard by its reading (「音の起きた数 マーが言って」 ->
    起きた数 マー), where a verb of a person follows the slot's particle."""
    found = []
    tokens = tokens_of(text)
    offsets, offset = [], 0
    for token in tokens:
        offsets.append(offset)
        offset += len(token.surface)
    for index, token in enumerate(tokens):
        if token.surface != "の" or index == 0 or not _ends_with_relation(tokens, offsets, index):
            continue
        slot = offsets[index] + 1
        if slot < len(text) and text[slot] in " 、":
            slot += 1
        end = _slot_end(text, slot)
        if end is not None and not _no_name(text[slot:end].strip()):
            found.append((slot, end))
    return found


def _ends_with_relation(tokens, offsets, index: int) -> bool:
    """Whether the words before tokens[index] (back to a pause, at most `_HEARD_BEFORE` characters)
    end with a relation's reading (音 = オト for オット, イモート, いくつま)."""
    reading, first = "", index
    while first > 0 and not is_silent(tokens[first - 1].surface) \
            and offsets[index] - offsets[first - 1] <= _HEARD_BEFORE:
        first -= 1
        reading = tokens[first].reading + reading
    return bool(reading) and _plain(reading).endswith(_RELATION_READINGS)


def _slot_end(text: str, start: int) -> int | None:
    """Where the slot starting at `start` ends: the last particle at most `_HEARD_SLOT` characters on
    that a verb of a person follows; None where there is none or the slot holds a sentence's end."""
    best = None
    for match in _SLOT_END.finditer(text, start + 1, min(len(text), start + _HEARD_SLOT + 1)):
        if match.group() == "の":  # 「…の分も」: what is done for the person, heard as 分 文 ぶん
            if _PORTION.match(reading_of(text[match.end():match.end() + 3])):
                return match.start() if not _SENTENCE_IN_SLOT.search(text, start, match.start()) else best
            continue
        if _NOT_IN_SLOT.search(text, start, match.start()):
            break
        if _PERSON_VERB.match(text, match.end()) or _PERSON_VERB.match(text, match.end() + 1) and text[match.end()] == " ":
            best = match.start()
    return best


def name_before_name_of(text: str) -> list[tuple[int, int]]:
    """[start, end) of a name said before 「の名前で」「の名義で」 (「私、能登健吾の名前で予約」), not a
    relation, oneself or a word that is no name (夫の名前で, 私の名前で, 会社の名義で)."""
    found = []
    for match in _NAME_OF.finditer(" " + text):
        name = match.group("name")
        if name.endswith(RELATIONS + SELF_REFERENCES + NOT_NAME_SUFFIXES) or name in NOT_NAMES \
                or name.startswith(RELATIONS + SELF_REFERENCES) and len(name) <= 3 or _no_name(name):
            continue
        found.append((match.start("name") - 1, match.end("name") - 1))
    return found
