"""The operator's read-back of an answer goes, found by how it SOUNDS, whatever its characters.

Operators confirm what they were told (「オオツカケンジ様ですね」「復唱いたします、神奈川県横浜市…で
よろしいでしょうか」), and recognition spells the repeat its own way: the caller's 「貼成がまち広」
comes back from the operator as 「貼せがわき広さま」, 「小事まこと」 as 「少女様」. Spelling differs;
the sound stays close. So for each operator turn, every finding of the caller's turns within
`lookback_turns` before it (the answer just given, and earlier ones: 「復唱いたします」 repeats all
that was collected over several exchanges) is looked for in the operator's words by reading
(Sudachi kana, soft: ー and ッ ignored): the stretch of whole words whose reading best matches
the finding's (rapidfuzz partial alignment) goes, typed as the finding, when it scores
`min_similarity` or more and covers at least `min_coverage` of the finding's reading, unless it
is an amount (digits before 円, 回: 「42,300円」 sounds like no answer). Single words of an answer
(a surname, a town) are looked for too, nearly verbatim, but only in the answer given since the
operator's previous turn: short readings match too much to search further back. Short readings
(under `min_kana`) are left to the other rules: two or three kana match anything. A number is
compared by its digits instead (the operator's 「53004日」 repeats the caller's 「530の004」): a digit
run of 4+ digits matching one the caller gave goes, unless it is an amount (18,420円, 3000円).

The read-back is added by time too (its words' seconds; `SpanSet.add_by_time`), so no later rule
drops it.

Recognition garbles a read-back further than its answer, so often only a piece of it matches. The
confirmation frame says where the whole repeat lies: in an operator sentence closing with a
confirmation (「〜ですね」「〜でよろしいでしょうか」「〜でお間違いないでしょうか」, found by reading:
「でお待ちがいない」 is でお間違いない heard), the SLOT before the frame (back to the sentence's start,
after fillers, openings like 復唱いたします and a topic label such as 「送付先は」) goes whole, whatever
its characters, when
- a read-back of a caller's answer (other than a name) was found in it; or
- its topic label reads as an item cue (「送付先は」「ソフ先は」 -> ADDRESS; questions.py); or
- it names a place and holds a number (「愛知県なごやしなかく…21」: an address on file read out); or
- it is a bare number (「0-3-29ですね」) and the caller's answer just given was a number.
A slot longer than `max_slot_chars`, holding general talk (ます, でした), or without a topic label
holding an amount (18,420円), is no read-back: it stays.
"""

from __future__ import annotations

import re

from pydantic import Field
from rapidfuzz import fuzz

from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.digit_runs import THOUSANDS, digit_runs, followed_by_unit
from redactor.pii.entities import ENTITY_TYPES, NUMERIC_TYPES
from redactor.pii.lexicon.chars import CLOSING_MARKS, HIRAGANA_RANGE, KANJI_RANGE
from redactor.pii.lexicon.speech import ACKNOWLEDGEMENTS, FILLERS, OPENINGS, alternation
from redactor.pii.lexicon.organisations import BANK_WORDS, BRANCH_WORDS
from redactor.pii.lexicon.spelling import AT_SIGN_WORDS, DOT_WORDS
from redactor.pii.questions import asked_types
from redactor.pii.readings import WordReadings, is_silent, reading_of, soft_reading, tokens_of
from redactor.pii.recognizers.address_shapes import GENERAL_TALK, MARKER
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet


# A part of an answer (one word of it: a surname, a town) is looked for nearly verbatim
PART_MIN_KANA = 3
PART_SIMILARITY = 85.0
PART_COVERAGE = 0.9

# Confirmation frames closing a read-back, by soft reading (ー and ッ dropped): でお待ちがいない is
# でお間違いない heard, 出すね is ですね
CONFIRMATION_FRAMES = ("デスネ", "デゴザイマスネ", "デヨロシイ", "デオマチガイ", "デマチガイ", "デアテ", "デヨカ")
# The frames of a mailing, whose slot is where it goes (「ご登録のご住所、…宛てにお送りいたします」, 宛て
# garbled away: 「…座に多くりいたします」); only an address or an item found there makes it one: what is
# sent and when (「請求書は来月10日に発送いたします」) are no read-back
MAILING_FRAMES = ("ニオオクリ", "ヘオオクリ", "ニユウソウ", "ヘユウソウ", "ニハソウ", "ヘハソウ", "ニゴソウフ", "ヘゴソウフ")
# Where a slot starts: after a sentence's closing, or a polite ending before a pause (「復唱いたします 」)
_SLOT_BOUNDARY = re.compile(rf"[{re.escape(CLOSING_MARKS)}]|(?:ます|ました|です|でした|ください)(?:[\s、,]+|(?=[^\sたねよがけかの]))")
_SLOT_LEAD = re.compile(rf"(?:(?:{alternation(FILLERS + ACKNOWLEDGEMENTS + OPENINGS)}|では|それでは|念のため)(?=[\s、,]|$)"
                        r"|[\s、,])+")
# A topic label opening a slot (「送付先は」「ご登録のご住所は」): up to 8 characters before は/が
_SLOT_TOPIC = re.compile(r"([^\s、,\d]{1,8}?)(?:は|が)[\s、,]*")
# A place named in a slot: a marker, or a prefecture heard in kana or garbled kanji (みやぎ県, 小御県)
_PLACE = re.compile(rf"{MARKER.pattern}|[{KANJI_RANGE}{HIRAGANA_RANGE}]{{2,4}}(?:県|府)")
_DIGIT = re.compile(r"[0-9０-９]")
# Where a mailing goes, spelled (Latin letters or a spoken at sign or dot) with digits: an e-mail address
_SPELLED = re.compile(rf"[A-Za-z]{{2,}}|{alternation(AT_SIGN_WORDS + DOT_WORDS)}|[@＠]")
# The bank's and the branch's names opening an account's read-back
_BANK_NAMES = re.compile(rf"(?:[^\s、,。\d]{{1,12}}?(?:{alternation(BANK_WORDS)})の?[\s、,]*)?"
                         rf"(?:[^\s、,。\d]{{1,10}}?(?:{alternation(BRANCH_WORDS)})の?[\s、,]*)?")
# A number read back: its digits compared with the caller's (a digit dropped or doubled still matches)
READ_BACK_MIN_DIGITS = 4
READ_BACK_DIGIT_SIMILARITY = 80.0
COUNT_MAX_DIGITS = 5  # digits before a unit this many or more are no count (「53004日」: a postal code, 日 misheard)
_DIGITS_ONLY = re.compile(r"[^0-9]")
BARE_NUMBER_REST = 4  # characters besides digits and separators a slot read back as a bare number holds


class ReadBacksConfig(RuleConfig):
    min_similarity: float = Field(70.0, ge=0, le=100, description="Best alignment score (0-100) of a read-back's "
                                                                  "reading against the answer's.")
    min_coverage: float = Field(0.6, gt=0, le=1, description="Share of the answer's reading the read-back's must span.")
    min_kana: int = Field(4, ge=2, description="Answers with shorter readings are not looked for.")
    lead_s: float = Field(0.4, ge=0, description="Seconds a read-back opening the operator's turn is muted before "
                                                 "its first recognized word (never before the previous turn ends).")
    lookback_turns: int = Field(4, ge=1, le=12, description="Caller turns before an operator turn whose answers it "
                                                            "may read back.")
    max_slot_chars: int = Field(60, ge=0, description="Longest confirmation slot (「…でよろしいでしょうか」) muted whole; "
                                                      "0 switches whole slots off.")


class ReadBacks(CallRule):
    NAME = "read_backs"
    Config = ReadBacksConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            if not turn.may_ask:  # the operator's, or a mono turn of unknown role (fail closed)
                continue
            answers = self._answers(call, spans, turn)
            words = WordReadings(turn.text)
            found_here: list[tuple[str, int, int]] = []
            for entity_type, reading, whole in answers:
                similarity, coverage = ((self.config.min_similarity, self.config.min_coverage) if whole
                                        else (PART_SIMILARITY, PART_COVERAGE))
                found = words.best_match(reading, similarity, coverage)
                if found is None:
                    continue
                start, end = found
                if _amount(turn.text, end, tuple(call.conf.number_units)):
                    continue
                found_here.append((entity_type, start, end))
                self._add(call, spans, turn, entity_type, start, end)
            for entity_type, start, end in self._digit_read_backs(call, spans, turn):
                found_here.append((entity_type, start, end))
                self._add(call, spans, turn, entity_type, start, end)
            for entity_type, start, end in self._slots(call, spans, turn, words, found_here):
                self._add(call, spans, turn, entity_type, start, end)

    def _add(self, call: CallView, spans: SpanSet, turn: TurnView, entity_type: str, start: int, end: int) -> None:
        seconds = turn.time_of(start, end)
        if seconds is None:
            spans.add_uncovered(turn.index, entity_type, start, end)
            return
        if not turn.text[:start].strip(" 、。"):
            # recognition starts a turn's first word late: from the previous turn's end on
            before = call.turns[turn.index - 1].end_s if turn.index else None
            seconds = (max(seconds[0] - self.config.lead_s, before if before is not None else 0.0), seconds[1])
        spans.add_by_time(turn.index, entity_type, start, end, *seconds)

    def _digit_read_backs(self, call: CallView, spans: SpanSet, operator: TurnView) -> list[tuple[str, int, int]]:
        """(type, start, end) of the operator's digit runs that repeat a number the caller gave within
        `lookback_turns` (digits compared, not readings: 「53004日」 for 「530の004」), not amounts."""
        given = []
        for turn in call.turns[max(0, operator.index - self.config.lookback_turns):operator.index]:
            if turn.is_operator:
                continue
            found = [(s.type, s.start, s.end) for s in spans.findings(turn.index)]
            found += [(t.type, t.start, t.end) for t in spans.times(turn.index)]
            for entity_type, start, end in found:
                digits = _DIGITS_ONLY.sub("", turn.text[start:end])
                if len(digits) >= READ_BACK_MIN_DIGITS:
                    given.append((entity_type, digits))
        if not given:
            return []
        repeats = []
        for start, end in digit_runs(operator.text, call.conf, bridge=True):
            digits = _DIGITS_ONLY.sub("", operator.text[start:end])
            # an amount (18,420円, 3000円) is no number read back; digits grouped in thousands with no
            # unit are (recognition writes 「740,285」 for an account number said in one breath)
            amount = followed_by_unit(operator.text, end, call.conf) and (
                len(digits) < COUNT_MAX_DIGITS or THOUSANDS.fullmatch(operator.text[start:end]) is not None)
            if len(digits) < READ_BACK_MIN_DIGITS or amount:
                continue
            best = max(given, key=lambda g: fuzz.partial_ratio(digits, g[1]))
            if fuzz.partial_ratio(digits, best[1]) >= READ_BACK_DIGIT_SIMILARITY:
                repeats.append((best[0], start, end))
        return repeats

    def _slots(self, call: CallView, spans: SpanSet, turn: TurnView, words: "WordReadings",
               found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """(type, start, end) of the confirmation slots of an operator turn that go whole."""
        if self.config.max_slot_chars == 0:
            return []
        slots = []
        frames = [(f, False) for f in words.word_starts(CONFIRMATION_FRAMES)]
        frames += [(f, True) for f in words.word_starts(MAILING_FRAMES)]
        for frame, mailing in frames:
            slot = _slot(turn.text, frame, call)
            if slot is None:
                continue
            start, end, topic_type = slot
            if mailing:  # its topic is what is sent (「ご案内は」「新しいカードは」), not where
                topic_type = None
                sent = _SLOT_TOPIC.match(turn.text, start, end)
                start = sent.end() if sent else start
            said = turn.text[start:end]
            # a topic label says what the slot holds; without one, an amount makes it a statement
            if len(said) > self.config.max_slot_chars or GENERAL_TALK.search(said) or (
                    topic_type is None and _holds_amount(turn.text, start, end, call)):
                continue
            read_back = next((t for t, a, b in found if a < end and start < b and t != "PERSON"), None)
            entity_type = read_back or topic_type
            if entity_type is None and _PLACE.search(said) and _DIGIT.search(said):
                entity_type = "ADDRESS"
            if entity_type is None and mailing and _SPELLED.search(said) and _DIGIT.search(said):
                entity_type = "EMAIL_ADDRESS"  # 「MEDを大臣77圧とエグザンプル メッドあてにお送りしました」
            if entity_type is None and not mailing and _bare_number(said):
                entity_type = _latest_numeric_answer(call, spans, turn)
            if entity_type == "BANK_ACCOUNT":
                start = _past_bank_names(turn.text, start, end)
            if entity_type is not None and end > start:
                slots.append((entity_type, start, end))
        return slots

    def _answers(self, call: CallView, spans: SpanSet, operator: TurnView) -> list[tuple[str, str, bool]]:
        """(type, reading, whole) of the findings of the caller turns within `lookback_turns`: word by
        word too for those since the operator's previous turn (the answer just given), whole only
        for earlier ones (a read-back of everything collected: 「復唱いたします、…」)."""
        answers, latest = [], True
        for turn in reversed(call.turns[max(0, operator.index - self.config.lookback_turns):operator.index]):
            if turn.is_operator:
                latest = False
                continue
            found = [(s.type, s.start, s.end) for s in spans.findings(turn.index)]
            found += [(t.type, t.start, t.end) for t in spans.times(turn.index)]
            for entity_type, start, end in found:
                said = turn.text[start:end]
                reading = reading_of(said)
                if len(reading) >= self.config.min_kana:
                    answers.append((entity_type, reading, True))
                if not latest:
                    continue
                # a read-back may repeat a part only (the surname of a full name, the town of an address)
                parts = [soft_reading(t.reading) for t in tokens_of(said) if not is_silent(t.surface)]
                answers += [(entity_type, part, False) for part in parts
                            if len(part) >= PART_MIN_KANA and part != reading]
        return answers


def _slot(text: str, frame: int, call: CallView) -> tuple[int, int, str | None] | None:
    """[start, end) of the slot before a confirmation frame starting at `frame`, and the type its
    topic label asks for (None without one); None when the slot is empty."""
    start = max((m.end() for m in _SLOT_BOUNDARY.finditer(text, 0, frame)), default=0)
    lead = _SLOT_LEAD.match(text, start)
    if lead and lead.end() <= frame:
        start = lead.end()
    topic_type = None
    topic = _SLOT_TOPIC.match(text, start, frame)
    if topic:
        types = asked_types(f"{topic.group(1)}をお願いします", call.conf)
        if types:
            topic_type = next(t for t in ENTITY_TYPES if t in types)
            start = topic.end()
    end = frame
    while end > start and text[end - 1] in " 　、,":
        end -= 1
    return (start, end, topic_type) if end > start else None


def _past_bank_names(text: str, start: int, end: int) -> int:
    """Where an account read back starts after the bank's and the branch's names that open it
    (「クスノキ銀行本町支店、店番412、普通…」): they name the bank, not the caller."""
    names = _BANK_NAMES.match(text, start, end)
    return names.end() if names else start


def _holds_amount(text: str, start: int, end: int, call: CallView) -> bool:
    """A count, price or time in the slot (18,420円, 2ヶ月): a statement, not a read-back."""
    return any(followed_by_unit(text, b, call.conf) for a, b in digit_runs(text, call.conf, bridge=False, lo=start)
               if b <= end)


def _bare_number(said: str) -> bool:
    """A slot that is a number and little else (「0-3-29」「7 3 5」)."""
    rest = re.sub(r"[0-9０-９\s、,\-ー.の]", "", said)
    return bool(_DIGIT.search(said)) and len(rest) <= BARE_NUMBER_REST


def _latest_numeric_answer(call: CallView, spans: SpanSet, operator: TurnView) -> str | None:
    """The numeric type of a finding in the caller's answer just given (since the operator's
    previous turn), else None."""
    for turn in reversed(call.turns[:operator.index]):
        if turn.is_operator:
            return None
        found = [s.type for s in spans.findings(turn.index)] + [t.type for t in spans.times(turn.index)]
        numeric = [t for t in found if t in NUMERIC_TYPES]
        if numeric:
            return numeric[0]
    return None


def _amount(text: str, end: int, units: tuple[str, ...]) -> bool:
    """Digits followed by a unit (42,300円, 3回): an amount, never a read-back, whatever it sounds like."""
    return bool(units) and text[end:].lstrip().startswith(units) and any(c.isdigit() for c in text[:end][-3:])
