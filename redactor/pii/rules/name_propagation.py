"""A name said once is a name everywhere in the call: 「長谷川千尋」 in turn 3 makes 「長谷川様」,
「チヒロ」 and the reading 「はせがわ」 in other turns names too.

Recognition spells the same name differently each time it is said (「盛りとしこです」, then
「森都市コサマーてに」 for 森敏子様宛てに): a name of `min_reading` kana or more (its reading, read
by Sudachi) also goes where a turn's reading holds it, over the characters that read so.

Runs after the rules that add and drop names, so it spreads the call's final names. Where a
recurrence is an organisation word (the stem of the call's organisation, a GiNZA organisation)
it is not spread there: the organisation evidence judges each new occurrence as it judged the
names already found.
"""

from __future__ import annotations

import re

import jaconv
from pydantic import Field

from redactor.pii.dialogue import CallView
from redactor.pii.lexicon.chars import KANJI_RANGE, is_hiragana, is_katakana
from redactor.pii.lexicon.speech import COPULAS, HONORIFICS, SELF_INTRODUCTIONS
from redactor.pii.readings import soft_reading, tokens_of
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.rules.organisation_names import OrganisationNames
from redactor.pii.spans import Span, SpanSet

_KANJI = re.compile(rf"[{KANJI_RANGE}々ヶ]")
_CUES_AFTER_SINGLE = (*HONORIFICS, *SELF_INTRODUCTIONS, *COPULAS, "が承", "って")
_DIGIT = re.compile(r"[0-9０-９]")


class NamePropagationConfig(RuleConfig):
    min_reading: int = Field(4, ge=3, description="Kana a name's reading needs to be looked for by reading.")


class NamePropagation(CallRule):
    NAME = "name_propagation"
    Config = NamePropagationConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        terms: set[str] = set()
        readings: set[str] = set()
        for turn in call.turns:
            for span in spans.findings(turn.index):
                if span.type == "PERSON":
                    value = turn.text[span.start:span.end]
                    tokens = call.tokens(turn.index, span.start, span.end)
                    terms |= name_terms(value, tokens)
                    reading = "" if _DIGIT.search(value) else "".join(r for _, _, r in char_readings(value))
                    if len(reading) >= self.config.min_reading:
                        readings.add(reading)
        for term in sorted(terms, key=len, reverse=True):
            if term not in call.text:
                continue
            for turn in call.turns:
                if term not in turn.text:
                    continue
                found = [Span("PERSON", s, e, spans.threshold) for s, e in find_occurrences(turn.text, term)]
                if call.organisations is not None:
                    found = OrganisationNames.keep(call, turn, found)
                for span in found:
                    spans.add_uncovered(turn.index, span.type, span.start, span.end)
        for reading in sorted(readings, key=len, reverse=True):
            for turn in call.turns:
                found = [Span("PERSON", s, e, spans.threshold) for s, e in find_by_reading(turn.text, reading)]
                if call.organisations is not None:
                    found = OrganisationNames.keep(call, turn, found)
                for span in found:
                    spans.add_uncovered(turn.index, span.type, span.start, span.end)


def name_terms(value: str, tokens) -> set[str]:
    """Terms to look for: the name, its parts (Sudachi 姓/名, space-separated) and their readings."""
    terms = {value.strip(), re.sub(r"[ 　・]", "", value)}
    terms.update(p for p in re.split(r"[ 　・…]+", value) if len(p) >= 2)
    for token in tokens:
        if "人名" not in token.tag_:
            continue
        terms.add(token.text)
        reading = token.morph.get("Reading")
        if reading and len(reading[0]) >= 3 and reading[0] != token.text:
            terms.add(reading[0])
            terms.add(jaconv.kata2hira(reading[0]))
    return {t for t in terms if t}


def find_occurrences(text: str, term: str) -> list[tuple[int, int]]:
    """Occurrences of a name term in a turn, with boundary rules for short terms."""
    spans = []
    for match in re.finditer(re.escape(term), text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if len(term) == 1:
            # 森, 平, 林: only as a name slot, never inside a word (平成, 森林, 青森).
            if _KANJI.match(before or " ") or not text.startswith(_CUES_AFTER_SINGLE, end):
                continue
        elif _KANJI.fullmatch(term[0]) and _KANJI.match(before or " ") and _KANJI.match(after or " "):
            continue  # a kanji name buried inside a longer compound
        elif not _KANJI.search(term) and len(term) <= 3 and _same_script(before, term[0]):
            continue  # a short kana reading inside a longer kana word
        spans.append((start, end))
    return spans


def char_readings(text: str) -> list[tuple[int, int, str]]:
    """(start, end, reading) pieces of `text`: a kana word read character by character, any other
    word (kanji) as a whole, in the comparable form of `soft_reading` (no ー, ッ, punctuation)."""
    pieces, pos = [], 0
    for token in tokens_of(text):
        start = text.find(token.surface, pos)
        if start < 0:
            continue
        pos = start + len(token.surface)
        if all(is_hiragana(c) or is_katakana(c) for c in token.surface):
            pieces.extend((start + i, start + i + 1, soft_reading(c)) for i, c in enumerate(token.surface))
        else:
            pieces.append((start, pos, soft_reading(token.reading)))
    return [p for p in pieces if p[2]]


def find_by_reading(text: str, reading: str) -> list[tuple[int, int]]:
    """[start, end) of the characters of `text` whose reading is `reading`, from a piece's start to a
    piece's end (「森都市コサマー」 holds モリトシコ over 「森都市コ」)."""
    pieces = char_readings(text)
    joined = "".join(r for _, _, r in pieces)
    starts, at = [], 0
    for _, _, r in pieces:
        starts.append(at)
        at += len(r)
    found = []
    for match in re.finditer(re.escape(reading), joined):
        first = next((i for i, a in enumerate(starts) if a == match.start()), None)
        last = next((i for i, a in enumerate(starts) if a + len(pieces[i][2]) == match.end()), None)
        if first is not None and last is not None and last >= first:
            found.append((pieces[first][0], pieces[last][1]))
    return found


def _same_script(a: str, b: str) -> bool:
    if not a:
        return False
    return (is_hiragana(a) and is_hiragana(b)) or (is_katakana(a) and is_katakana(b))
