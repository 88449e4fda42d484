"""Digit runs the conversation says are identifiers go, even when no pattern validates them.

Speech recognition garbles numbers, and a leak costs more than a redacted count, so:
- runs of `always_redact_min_digits`+ digits go anywhere, groups a few garbled characters apart
  counted as one run (a read-back 「070 338に1946」, an unasked card number 「377に4011に…」);
- in a caller's answer to a number question (or continuing a long number from an earlier answer),
  runs of `fail_closed_min_digits`+ digits go, digit groups a few garbled characters apart are
  one run and homophone kanji glued to it go with it (午後8 = ごご8 = 558, 2位 = 2 + い);
- a bare number right after any request (「735です」) answers it, even when the cue was lost, and
  goes whole, filler and copula with it;
- recognition drops digits (the CVV 735 comes back as 「75です」), so a bare number answer, a
  number named in the answer (「裏の番号は75」) and any digits a caller says in a card dialogue
  (expiry 「29-8月です」) go whatever their length; in a card dialogue 年 and 月 are the expiry's,
  not a date's;
- a number cue just before digits in the same turn (「会員番号は5028」) needs no question at all.
Counts, prices, dates and times followed by a unit stay (3回目, 1,100円, 2週間), unless the run is
too long for one (「411119777013人」: a card number with its last digit heard as 人). The type is
the expected numeric type whose digit count fits (see entities.py), else a guess from the count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import Field

from redactor.pii.config import CallContextConfig
from redactor.pii.dialogue import CallView, TurnContext
from redactor.pii.digit_runs import NOT_UNIT_WORDS, THOUSANDS, digit_runs, followed_by_unit
from redactor.pii.entities import ENTITY_SPECS
from redactor.pii.lexicon.chars import CLOSING_MARKS, is_kanji
from redactor.pii.lexicon.speech import ACKNOWLEDGEMENTS, FILLERS
from redactor.pii.lexicon.spelling import LETTER_NAMES
from redactor.pii.numerals import NUMERAL_UNITS
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

_PREFIX = re.compile(rf"(?:[A-Za-z]{{1,4}}|(?:{LETTER_NAMES}){{1,4}})\s?(?:-|の)?、?\s?$")
# Kanji of the words that name a number (番号, 桁, 数字): said next to digits, never digits themselves.
_CUE_KANJI = set("番号桁数字")
# What a bare number answer holds besides the number, longest first (えーと before えー)
_NOT_THE_NUMBER = tuple(sorted({*ACKNOWLEDGEMENTS, *FILLERS, "です", "でした", "ですね", "だと", "と思います", "かな", "ね", "の",
                               "、", "。", ",", ".", " ", "　"}, key=lambda w: (-len(w), w)))
_BARE_REST_MAX = 3  # characters left after digits and fillers in a bare number answer
_EXPIRY_UNITS = ("年", "月")  # in a card dialogue, digits before these are the card's expiry
_NAMED_WINDOW = 8  # characters before a digit run searched for a number cue (「番号は、えっと、」)


@dataclass(frozen=True)
class NumberRun:
    """A digit run the call context says must go: span in the normalized turn text and its type."""

    start: int
    end: int
    entity_type: str


class NumberAnswersConfig(RuleConfig):
    fail_closed_min_digits: int = Field(
        3, ge=1, description="After a number question, runs this long are redacted (a bare or named number, "
                             "and the caller's digits in a card dialogue, go whatever their length).")
    always_redact_min_digits: int = Field(7, ge=4, description="Digit runs this long are redacted anywhere.")


class NumberAnswers(CallRule):
    NAME = "number_answers"
    Config = NumberAnswersConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            runs = self.runs(turn.text, turn.context, call.conf)
            context = turn.context
            if runs and not context.is_operator and (context.expects_number or context.after_request) \
                    and _fillers_only(turn.text, runs):
                # An answer that is the number and fillers goes whole: they say nothing, and
                # recognition's word times drift across them (「75」 stamped early, 「です」 over 735).
                runs = [NumberRun(0, len(turn.text), runs[0].entity_type)]
            for run in runs:
                spans.add_uncovered(turn.index, run.entity_type, run.start, run.end)

    def runs(self, text: str, context: TurnContext, conf: CallContextConfig) -> list[NumberRun]:
        """Digit runs to redact in one turn: long runs anywhere, shorter ones in answers to number questions."""
        bare = _bare_number(text, conf)
        # A bare number after any request answers a question whose cue was lost (「735です」).
        answering = not context.is_operator and (context.expects_number or (context.after_request and bare))
        if answering or context.answer_from is None or context.is_operator:
            return self._runs(text, 0, len(text), answering, bare, context, conf)
        # mono: the turn asks for a number, then answers it (「お電話番号をお願いします 090…」)
        return (self._runs(text, 0, context.answer_from, False, False, context, conf)
                + self._runs(text, context.answer_from, len(text), True, False, context, conf))

    def _runs(self, text: str, lo: int, hi: int, answering: bool, bare: bool, context: TurnContext,
              conf: CallContextConfig) -> list[NumberRun]:
        """The runs to redact that start in text[lo:hi]."""
        card = answering and context.in_card_dialogue
        runs = []
        for start, end in digit_runs(text, conf, bridge=True, lo=lo):
            if start >= hi:
                break
            if card and text.startswith(_EXPIRY_UNITS, end):
                end += 1  # 「29-8月」: the month is the expiry's too
            elif followed_by_unit(text, end, conf) and not self._too_long_for_a_count(text[start:end]):
                # 「080、4629、3178、1991年」: only the last group is a count or date; the groups before stay a number
                end = _drop_last_group(text, start, end)
                if end is None:
                    continue
            digits = sum(ch.isdigit() for ch in text[start:end])
            named = _named_before(text, start, conf)  # 「会員番号は8812です」 needs no question
            # recognition drops digits: a short answer still is (part of) the number asked for
            any_length = answering and (bare or named or card)
            if digits < self.config.always_redact_min_digits and not any_length and not (
                    (answering or named) and digits >= self.config.fail_closed_min_digits):
                continue
            prefix = _PREFIX.search(text[max(0, start - 16):start])
            if prefix and prefix.group().strip():
                start -= len(prefix.group())
            if answering:
                start, end = _glue(text, start, end)
            runs.append(NumberRun(start, end, guess_type(digits, text, start, context)))
        return runs

    def _too_long_for_a_count(self, run: str) -> bool:
        """One digit group of `always_redact_min_digits`+ digits before a unit is an identifier with
        a digit misheard as the unit (「…9777013人」): a count or price that long is written 1,100,000."""
        return run.isdigit() and len(run) >= self.config.always_redact_min_digits


def guess_type(digits: int, text: str, start: int, context: TurnContext) -> str:
    """The expected numeric type that fits the digit count; else a guess from the count."""
    numeric = [etype for etype in sorted(context.expected) if ENTITY_SPECS[etype].numeric]
    for etype in numeric:
        if digits in ENTITY_SPECS[etype].digit_counts:
            return etype
    if digits in (10, 11) and text[start:start + 1] == "0":
        return "PHONE_NUMBER"
    if 13 <= digits <= 19:
        return "CREDIT_CARD"
    if "ADDRESS" in context.expected and any(unit in text[start:] for unit in ("丁目", "番", "号")):
        return "ADDRESS"  # 3丁目18番7号 after a garbled address question
    if numeric and context.expects_number:
        return numeric[0]  # garbled: fewer or more digits than the asked type has, still that type
    return "CUSTOMER_ID"


def _bare_number(text: str, conf: CallContextConfig) -> bool:
    """A turn that is a number and little else: fillers, particles and です aside."""
    rest = text
    for start, end in reversed(digit_runs(text, conf, bridge=True)):
        rest = rest[:start] + rest[end:]
    for filler in _NOT_THE_NUMBER:
        rest = rest.replace(filler, "")
    return any(ch.isdigit() for ch in text) and len(rest) <= _BARE_REST_MAX


def _fillers_only(text: str, runs: list[NumberRun]) -> bool:
    """Nothing but fillers, particles and です is left of the turn without the runs."""
    rest = text
    for run in sorted(runs, key=lambda r: r.start, reverse=True):
        rest = rest[:run.start] + rest[run.end:]
    for filler in _NOT_THE_NUMBER:
        rest = rest.replace(filler, "")
    return rest == ""


def _drop_last_group(text: str, start: int, end: int) -> int | None:
    """End of the run without its last digit group (None when it has one group only)."""
    groups = list(re.finditer(r"\d+", text[start:end]))
    if len(groups) < 2 or THOUSANDS.fullmatch(text[start:end]):  # 12,345,678円 is one price
        return None
    return start + groups[-2].end()


def _named_before(text: str, start: int, conf: CallContextConfig) -> bool:
    """A number cue (番号, コード, 桁) just before the digits, in the same clause."""
    window = re.split(rf"[{CLOSING_MARKS}]", text[max(0, start - _NAMED_WINDOW):start])[-1]
    return any(cue in window for cue in conf.number_cues)


def _glue(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in up to two kanji glued to either end of a number answer: speech recognition writes
    digits as homophone kanji (午後8 = ごご8 = 558, 2位 = 2 + い). Units and cue words stay."""
    for _ in range(2):
        if start > 0 and _glueable(text[start - 1]):
            start -= 1
    for _ in range(2):
        if end < len(text) and _glueable(text[end]) and not text.startswith(NOT_UNIT_WORDS, end):  # 5631名義は
            end += 1
    return start, end


def _glueable(ch: str) -> bool:
    return is_kanji(ch) and ch not in NUMERAL_UNITS and ch not in _CUE_KANJI
