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
"""

from __future__ import annotations

import re

from redactor.pii.dialogue import CallView
from redactor.pii.lexicon.chars import HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS
from redactor.pii.lexicon.names import NOT_NAMES, RELATIONS, RELATIVE_THING_SUFFIXES, RELATIVE_THINGS
from redactor.pii.lexicon.speech import HONORIFICS, alternation
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


class RelativeNames(CallRule):
    NAME = "relative_names"

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            for start, end in relative_names(turn.text):
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
