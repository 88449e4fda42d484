"""The operator's own name in the opening and the sign-off is muted by TIME, however it was heard.

`operator_names` redacts the name slot where the frame around it survives recognition. When it
does not (「ソラネットを客様情報など口中に知れございます」 for 「ソラネットお客様情報窓口、中西でございます」,
「みなとてでこのお客様相談室 クマバラでございます」), the slot is still where the frame puts it:
right before the operator's self-introduction ending (でございます, です, と申します, が承ります; a
garbled 「…ございます」 without its で too) in the call's opening operator turn (of the opening's
turns, the last holding one: a mono greeting is recognized in parts), and before
「が承りました」「が担当いたしました」 in the sign-off. The slot is the words spoken in the
`slot_s` seconds before that ending, back to the previous pause or the frame's department or
business word (at most `max_chars` characters): they are redacted and muted by time
(`SpanSet.add_by_time`), typed PERSON. Only the last ending of a turn counts (「ハルカ電力で
ございます。担当坂本です。」: the company comes first).
"""

from __future__ import annotations

import re

from pydantic import Field

from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.lexicon.chars import PAUSE_MARKS
from redactor.pii.lexicon.speech import alternation
from redactor.pii.operator_intro import INTRO_END, OPENING_TURNS, SIGNOFF_END
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

# 「…ございます」 with its で lost (「口中に知れございます」), but not ありがとうございます / おめでとうございます
_BARE_GOZAIMASU = re.compile(r"(?<!とう)(?<!と)ござ(?:い|り)ます")
_PAUSE = re.compile(rf"[\s{re.escape(PAUSE_MARKS)}]")


class IntroSlotsConfig(RuleConfig):
    slot_s: float = Field(1.2, gt=0, description="Seconds before the introduction's ending that hold the name.")
    max_chars: int = Field(8, ge=1, description="Characters the slot may span at most.")


class IntroSlots(CallRule):
    NAME = "intro_slots"
    Config = IntroSlotsConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        operators = [turn for turn in call.turns if turn.is_operator]
        if not operators:
            return
        frame = _frame_words(self.pii)
        sign_off = operators[-1]
        opening, ending = operators[0], None
        for turn in _opening_turns(call) or operators[:1]:
            endings = [m.start() for m in INTRO_END.finditer(turn.text)] or [
                m.start() for m in _BARE_GOZAIMASU.finditer(turn.text)]
            if endings:
                opening, ending = turn, max(endings)
        self._slot(opening, spans, ending, frame)
        if sign_off is not opening:
            self._slot(sign_off, spans, max((m.start() for m in SIGNOFF_END.finditer(sign_off.text)), default=None),
                       frame)

    def _slot(self, turn: TurnView, spans: SpanSet, ending: int | None, frame: re.Pattern) -> None:
        """Mute and redact the words in the `slot_s` seconds before `ending`, back to a pause or the
        frame's last department or business word (「お客様センターの|」「担当の|」)."""
        if not ending:
            return
        start = max(0, ending - self.config.max_chars)
        bounds = [m.end() for m in _PAUSE.finditer(turn.text, start, ending)]
        bounds += [m.end() for m in frame.finditer(turn.text, 0, ending) if start <= m.end() < ending]
        start = max([start] + bounds)
        while start < ending:
            seconds = turn.time_of(start, ending)
            if seconds is None:
                return  # no word times: the text frames (operator_names) alone
            if seconds[1] - seconds[0] <= self.config.slot_s:
                spans.add_by_time(turn.index, "PERSON", start, ending, *seconds)
                return
            start += 1


def _opening_turns(call: CallView) -> list[TurnView]:
    """The operator turns before the caller first speaks (a mono greeting recognized in parts:
    「ソラネットサポートです」「今井でございます」; a mono turn whose role is unknown may be the
    operator's too), at most OPENING_TURNS."""
    turns = []
    for turn in call.turns[:OPENING_TURNS]:
        if not turn.may_ask:
            break
        turns.append(turn)
    return turns


def _frame_words(pii) -> re.Pattern:
    """The organisation's words that may come right before the name (a department, a business
    word, 担当), with the particle after them."""
    words = list(pii.organisations.department_words) + list(pii.organisations.business_suffixes) + ["担当", "担当者"]
    return re.compile(rf"(?:{alternation(words)})(?:の|は|、|\s)*")
