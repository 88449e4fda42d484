"""An answer to an address question is redacted whole, however garbled (fail closed).

Speech recognition mangles the ward and town of an address (東京都世田谷区太子堂 -> 東京都接たがいやく
対し度を) while the block number (3丁目18番7号) survives; the address recognizer alone then leaves the
garbled part, which still identifies the caller. In a caller's turn answering an address question
(call context, garbled cues included: see readings.py), or answering any request when it opens
with a place and a block number follows (the cue was lost: 「ご従事をお願いできますか」 -> 「静岡市が
多いく安道にの14の9です」), each sentence holding a place marker or a
block number gives one ADDRESS span:

- start: the first prefecture/city/ward marker, else the start of the answer clause, after fillers
  (はい、えーと), a topic (住所は / 郵便番号は) and a postal code said first (154-0004、);
- end: through the last marker or block number reached without a sentence ending or general talk
  between (丁目/番地/番/号, 3-18-7, 42の9, 18ばん), then building and room (コーポ若林201号室), and on
  to the clause end when what is left there is short and no sentence (です, 、 + a non-address phrase).
"""

from __future__ import annotations

import re

from redactor.pii.dialogue import CallView, TurnContext
from redactor.pii.lexicon.speech import ACKNOWLEDGEMENTS, FILLERS, alternation
from redactor.pii.recognizers.address_shapes import (ANSWER_BLOCK, GARBLED_MIDDLE_MAX, GENERAL_TALK, MARKER,
                                                      SENTENCE_ENDS, garbled_block_after, room_end)
from redactor.pii.readings import WordReadings, allowed_edits, reading_of
from redactor.pii.recognizers.ja_address_recognizer import BUILDING_WORDS, JaAddressRecognizer
from redactor.pii.recognizers.prefectures import PREFECTURES
from redactor.pii.rules.base import CallRule
from redactor.pii.spans import SpanSet

_SENTENCE = re.compile(rf"[^{re.escape(SENTENCE_ENDS)}]+")
_FILLER = re.compile(rf"[\s、,ー・]*(?:{alternation((*ACKNOWLEDGEMENTS, *FILLERS))})"
                     r"(?=[\s、,。ー]|$|はい|ええ|えー|えっ|えと|あの|うん|まあ)[\s、,ー]*")
_SPACES = re.compile(r"[\s、,ー・]+")
# 「住所は」「新しい住所の方が」「郵便番号は」: the topic of the answer, not part of it.
_TOPIC = re.compile(r"[^、。\d]{0,12}?(?:住所|所在地|お住まい|住まい|宛先|送付先|お届け先|届け先|郵便番号|番号)"
                    r"(?:の方)?(?:は|が|ですが|なんですが|で|も)[、,\s]*")
_POSTAL = re.compile(r"〒?\s?\d{3}-?\d{4}(?![\d\-])(?:です|で)?[、,\s]*")
# A clause ending (verb, です, ね) followed by a pause: what follows is a new clause.
_CLAUSE_BREAK = re.compile(r"(?:です|ます|まして|ました|でした|けど|ので|って|んで|たら|ね|よ)[、,\s]+")
# Where an address answer ends: a copula or verb after the address, or a pause.
_CLAUSE_END_WORDS = (r"です|でよろ|でお間違|で登録|でご登録|でござ|でしょう|になりま|でお願|にお住|に住|に引っ越|へ引っ越"
                     r"|って|まで|宛")
_CLAUSE_END = re.compile(_CLAUSE_END_WORDS + r"|[ねよでにはがを](?=[、,\s]|$)|[、,]")
# Between two parts of one garbled address (東京都接たがいやく対し度を3丁目) only these words break it.
_GAP_BREAK = re.compile(_CLAUSE_END_WORDS)
_TRAIL = re.compile(r"[\s、,・の\-]+$")
_DIGIT = re.compile(r"\d")
_BUILDING = re.compile(BUILDING_WORDS)
_SCANNER = JaAddressRecognizer()
_PREFECTURE_READINGS = tuple(reading_of(p) for p in PREFECTURES)
# Digits of a block or room after a spoken prefecture; not a count or price (3回, 2人, 1,100円)
_BLOCK_DIGITS = re.compile(r"\d+(?![\d,]|\s?(?:回|件|個|人|名|台|枚|歳|才|倍|円|時|分|秒|日|週|か月|ヶ月|カ月|月|年|%|％|点|つ|本"
                           r"|番(?!地|\s?の?\s?\d)))")
# A clause ending between a place and the digits after it (「東京都に住んでいて、090…」): no address goes on
_VERB_BREAK = re.compile(r"て[、,\s]")


class AddressAnswers(CallRule):
    NAME = "address_answers"

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            found = address_answer_spans(turn.text, turn.context)
            if not found and not turn.is_operator:
                found = volunteered_address_spans(turn.text)
            for start, end in found:
                spans.add_uncovered(turn.index, "ADDRESS", start, end)


def volunteered_address_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of addresses a caller gives unasked (「資料は母と同じ住所に… いわらきけん つくばし
    はずまに5、1、つくばてらす6.8です」): a prefecture heard by its reading, however written (いわらきけん,
    イバラ危険, いわらき 県), with digits following it in one garbled phrase, through the last of them
    to the clause end. Digits that count something (3回, 2人) make no address."""
    found: list[tuple[int, int]] = []
    for start, end in spoken_prefectures(text):
        if found and start < found[-1][1]:
            continue  # the same place read two ways (東京都, 東京都に)
        pos = end
        while True:
            digit = _BLOCK_DIGITS.search(text, pos)
            if digit is None or digit.start() - pos > GARBLED_MIDDLE_MAX:
                break
            gap = text[pos:digit.start()]
            if any(ch in SENTENCE_ENDS for ch in gap) or GENERAL_TALK.search(gap) or _GAP_BREAK.search(gap) \
                    or _VERB_BREAK.search(gap):
                break
            pos = digit.end()
        if pos > end:
            finish = start + len(_TRAIL.sub("", text[start:_to_clause_end(text, pos, len(text))]))
            found.append((start, finish))
    return found


def spoken_prefectures(text: str) -> list[tuple[int, int]]:
    """[start, end) of the whole words reading as a prefecture with its 県/府/都/道 (a kana off for
    long readings: イワラキケン is イバラキケン; short ones exactly)."""
    words = WordReadings(text)
    found = []
    for reading in _PREFECTURE_READINGS:
        share = 1 - allowed_edits(len(reading)) / len(reading)
        match = words.best_match(reading, 100.0 * share - 0.01, share)
        if match is not None:
            found.append(match)
    return sorted(found)


def address_answer_spans(text: str, context: TurnContext) -> list[tuple[int, int]]:
    """[start, end) spans of `text` (a normalized turn) to redact as ADDRESS: the address said in a
    caller's answer to an address question (or, in mono, after the turn's own address question)."""
    if context.is_operator:
        return []
    if "ADDRESS" in context.expected or (context.after_request and opens_with_address(text)):
        lo = 0
    elif context.address_from is not None:
        lo = context.address_from
    else:
        return []
    spans = []
    for sentence in _SENTENCE.finditer(text, lo):
        span = _sentence_span(text, sentence.start(), sentence.end())
        if span is not None:
            spans.append(span)
    return spans


def opens_with_address(text: str) -> bool:
    """The answer opens with a place (after fillers) and a block number follows it within one garbled
    phrase (「静岡市が多いく安道にの14の9です」): an answer to an address request whose cue was lost."""
    lead = _FILLER.match(text)
    marker = MARKER.match(text, lead.end() if lead else 0)
    return marker is not None and garbled_block_after(text, marker.end(), pattern=ANSWER_BLOCK) is not None


def _sentence_span(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The address in one sentence text[lo:hi] of an address answer, if it names a place or a block."""
    blocks = [m for m in ANSWER_BLOCK.finditer(text, lo, min(len(text), hi + 12)) if m.end() <= hi]
    markers = list(MARKER.finditer(text, lo, hi))
    evidence = sorted(blocks + markers, key=lambda m: m.start())
    if not evidence:
        return None
    lead = _answer_start(text, lo, evidence[0].start())
    evidence = [m for m in evidence if m.start() >= lead]
    if not evidence:
        return None
    first_block = next((m.start() for m in evidence if m in blocks), hi)
    first_marker = next((m.start() for m in evidence if m in markers), None)
    start = first_marker if first_marker is not None and first_marker <= first_block else lead
    pos = evidence[0].end()
    for match in evidence[1:]:  # chain markers and block numbers across a garbled middle
        gap = text[pos:match.start()]
        if len(gap) > GARBLED_MIDDLE_MAX or GENERAL_TALK.search(gap) or _GAP_BREAK.search(gap):
            break
        pos = max(pos, match.end())
    if not any(m in blocks for m in evidence):
        end = _place_only_end(text, pos, hi)
    else:
        pos = max(pos, _SCANNER.extend(text, pos))
        end = room_end(text, _building_clauses(text, _to_clause_end(text, pos, hi), hi))
    end = start + len(_TRAIL.sub("", text[start:end]))
    return (start, end) if end > start else None


def _answer_start(text: str, lo: int, first_evidence: int) -> int:
    """Where the answer clause starts: after a clause said before the address, fillers, the topic
    (住所は) and a postal code said first — never past the first marker or block number."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, lo, first_evidence)]
    pos = max(breaks, default=lo)
    while True:
        before = pos
        for pattern in (_FILLER, _TOPIC, _POSTAL, _SPACES):
            match = pattern.match(text, pos)
            if match and match.end() <= first_evidence and match.end() > pos:
                pos = match.end()
        if pos == before:
            return pos


def _to_clause_end(text: str, pos: int, hi: int, digits: bool = True) -> int:
    """Fail closed up to the clause end when what is left of the clause is short and no sentence
    (a garbled building name, 号 said apart); else `pos`."""
    end = _CLAUSE_END.search(text, pos, hi)
    stop = end.start() if end else hi
    rest = text[pos:stop]
    if len(rest) > GARBLED_MIDDLE_MAX or GENERAL_TALK.search(rest) or (not digits and _DIGIT.search(rest)):
        return pos
    return stop


def _building_clauses(text: str, pos: int, hi: int) -> int:
    """Past clauses after 「、」 that go on with the building or room (、コーポわかばやしの201 / 、201号室):
    they start with a number or name a building, and are short and no sentence."""
    while pos < hi and text[pos] in "、,":
        start = _SPACES.match(text, pos).end()
        filler = _FILLER.match(text, start)
        start = filler.end() if filler else start
        end = _CLAUSE_END.search(text, start, hi)
        stop = end.start() if end else hi
        clause = text[start:stop]
        if not clause or len(clause) > GARBLED_MIDDLE_MAX or GENERAL_TALK.search(clause):
            break
        if not (clause[0].isdigit() or (_BUILDING.search(clause) and _DIGIT.search(clause))):
            break
        pos = stop
    return pos


def _place_only_end(text: str, pos: int, hi: int) -> int:
    """End of a place named without a block number (東京都世田谷区です, 東京都接たがいやく対し度を):
    the garbled rest of the clause goes with it, unless a number there makes it general talk
    (大阪市のプラン20, 千葉県で3回目): then only the place name itself."""
    extended = _SCANNER.extend(text, pos)
    if _DIGIT.search(text, pos, extended):
        return pos
    return max(extended, _to_clause_end(text, pos, hi, digits=False))
