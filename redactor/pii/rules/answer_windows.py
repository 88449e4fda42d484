"""The caller's answer to a request for a personal item goes by TIME, whatever was recognized.

Speech recognition garbles answers beyond any pattern (「小事まこと 小事ね IDはSN 午後0時9時7時」
for a name and an ID), but the conversation still says when they were spoken: after the operator
asks for a personal item (「お名前とお電話番号をお願いします」; the cues match on their reading a
few kana off, questions.py), the caller's speech until the operator speaks again is the answer.
So, in a recording whose speakers are known (stereo), for each caller turn of that window:

- its answer is redacted in the transcript: from past the fillers (はい、えーと) to the end of the
  turn, or to a sentence that opens a new topic (「あと、」「ところで」), which ends the window;
  what QA may hear of it stays: the items' labels (「電話番号が」「IDは」), a sentence's closing
  (です, と申します) and sentences that plainly answer nothing (「番号言えばいいですか？」; a sentence
  ends at its marks, or where recognition wrote none, at a question's ending or at a polite
  ending before a pause: 「…です 父の…も必要ですか通知カードに…」);
- the finding carries the seconds the answer was spoken (`SpanSet.add_by_time`): its words'
  times, and for an answer that ends its turn `trail_s` on (recognition cuts the ends of turns
  short) but never into the operator's next turn, so the redacted audio mutes what recognition
  mistimed.

The window is bounded: it ends when the operator speaks again (a bare 「はい」 back-channel does
not end it), after `max_turns` caller turns, or `max_window_s` seconds after the request. In a
mono recording the speakers are inferred (speaker_roles.py); a turn whose role stayed unknown
may ask (its request opens a window, and what follows the request in the turn is its answer)
and may answer (it is in the window, uncounted), failing closed. A turn
that is plainly not an answer stays, text and audio (the window goes on past it): fillers and stock
replies alone (「はい、そうです」「ちょっと待ってください」), a refusal (「わかりません」), a short question
back (「漢字ですか？」), none holding a digit.

The finding's type is the requested one; a request for several items takes card data first (it
is scrubbed from the retained raw audio too, PCI DSS), else the first requested type; a request
naming only "a number" (「番号をお願いします」) takes the numeric type the dialogue expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import Field

from redactor.pii.config import CallContextConfig
from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.entities import CARD_DATA_TYPES, ENTITY_TYPES, NUMERIC_TYPES
from redactor.pii.lexicon.names import RELATIONS, SELF_REFERENCES
from redactor.pii.lexicon.chars import CLOSING_MARKS, KANJI_RANGE, PAUSE_MARKS, SENTENCE_END_MARKS
from redactor.pii.lexicon.speech import (ACKNOWLEDGEMENTS, FILLERS, OPENINGS, QUESTION_ENDINGS, REFUSALS,
                                         STOCK_REPLIES, TOPIC_CHANGES, alternation)
from redactor.pii.questions import answer_start, asked_types, asks_for_name, asks_for_number
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

_PAUSES = rf"\\s{re.escape(PAUSE_MARKS)}…"
_LEADING = re.compile(rf"(?:(?:{alternation(FILLERS + ACKNOWLEDGEMENTS + OPENINGS)})(?=[{_PAUSES}0-9]|$)"
                      rf"|[{_PAUSES}])+")
_SENTENCE = re.compile(rf"[^{re.escape(SENTENCE_END_MARKS)}\n]+[{re.escape(SENTENCE_END_MARKS)}]*")
# Where recognition wrote no mark, a sentence still ends at a question's ending (「必要ですか通知カード
# に…」; not ですから, ですかね, ですかな) and at a polite ending before a pause (「…です 父の…」)
_UNMARKED_SENTENCE_END = re.compile(rf"(?:{alternation(QUESTION_ENDINGS)})(?![らねな{re.escape(PAUSE_MARKS)}]|\s*$)"
                                    r"|(?:です|ます|でした|ました)(?=[ 　]+\S)")
_SENTENCE_END = re.compile(rf"[{re.escape(CLOSING_MARKS)}\n]")
# Where a request's clause may start: a sentence's end, marked or a polite ending before a pause
# (「名義変更の場合お支払いの口座も変更が必要です 新しい口座をお伺いしても…」: the name cue of the
# sentence before asks for nothing)
# and a reason given before it (「カード番号は新しくなりますので、変更のご連絡をお願いいたします」: the card
# number is the reason's topic, the request is for the contact)
_CLAUSE_START = re.compile(rf"[{re.escape(CLOSING_MARKS)}\n]|(?:です|ます|でした|ました)[ 　]+|ので[、,　 ]+")
# Verbs that ask for information (garbled お願い too: おめがい, 追加がいできますか); 「ご確認ください」
# 「お控えください」 instruct rather than ask, and お持ち asks only as a question (「お持ちですか」), not
# in a condition or another verb (「お持ちでしたら」「お持ちの場合」「お持ち運び」「お持ちいただき」)
_ASKING = re.compile(r"お?願い|[ねめ]がい|がい(?:いた|し|でき)|教え|伺|うかが|頂戴|いただけますか|いただけますでしょうか"
                     r"|お聞かせ|お持ち(?!\s*(?:でしたら|の場合|であれば|なら|運|帰|込|いただ|くだ))|お手元|お分かり|わかりますか"
                     r"|できますか|できますでしょうか")
# A clause saying the item is not wanted
_DECLINES = re.compile(r"不要|必要(?:は|が)?(?:ございません|ありません|ない)|ておりません|しておりません|お控え|なくて(?:大丈夫|結構)"
                       r"|ないでください|しないで|できません|ことがございません")
MAX_CLAUSE = 40  # characters before an asking verb that its request may span
CANONICAL_VERB = "お願い"
VERB_TAIL = 12  # characters of the asking verb's ending (できますでしょうか) read with its clause
# 「漢字ですか？」「フルネームでいいですか」「私のですか」 (never a bare か: さやか, はるか)
_QUESTION_BACK = re.compile(rf"(?:{alternation(QUESTION_ENDINGS + ('ですかね',))}|[？?])[。\s]*$")
_DIGIT = re.compile(r"[0-9０-９]")
_DIGIT_RUN = re.compile(r"[0-9０-９]+")
# A short topic opening a clause (「青年学期は」): a label when its reading is a cue's
_TOPIC = re.compile(rf"(?:(?<=^)|(?<=[{_PAUSES}]))([^\d{_PAUSES}]{{2,6}}?)(?:は|が)[{_PAUSES}]*")
MAX_COUNT_DIGITS = 2  # a number said with a unit this short is a count or a time, never an identifier
# A sentence opening a new topic (「あと、」「あと引っ越し予定日は」; not 「あと3日」)
_TOPIC_CHANGE = re.compile(rf"(?:{alternation(TOPIC_CHANGES)}|あと(?![0-9０-９一二三四五六七八九十何少]))")
_TRIM = re.compile(rf"[{_PAUSES}]+")
_CLAUSE_PAUSE = re.compile(r"[、，,\s]+")
_KANJI = re.compile(rf"[{KANJI_RANGE}]")
_TAIL_PAUSE = re.compile(rf"[{_PAUSES}]+$")
# How an answer sentence closes (「…です。」「…と申します」): heard, kept
_CLOSING = re.compile(rf"(?:です|でございます|と申します|といいます|と言います|って言います)?[{_PAUSES}]*$")
# Item names callers say before their values besides the question cues (「名前は」「記号が」)
ITEM_WORDS = ("名前", "住所", "電話", "携帯", "記号", "店番", "支店", "ID")
_ANY_NUMBER = "<number>"  # what a request naming only "a number" asks for (「番号をお願いします」)
# Identifiers whose answer is digits (an expiry is a date: 「27年の10月」)
DIGIT_ANSWERS = frozenset(NUMERIC_TYPES) - {"CARD_EXPIRY"} | {_ANY_NUMBER}
_SELVES = frozenset(SELF_REFERENCES) | frozenset(RELATIONS)
MAX_NOT_ANSWER = 20  # characters: a longer turn is an answer, whatever words it holds
_VERB_ENDING_ONLY = re.compile(r"(?:いた)?(?:します|しました|ます|ました|ください|でしょうか)$")


class AnswerWindowsConfig(RuleConfig):
    max_window_s: float = Field(20.0, gt=0, description="A caller turn starting later than this after the request "
                                                          "is no answer to it.")
    max_turns: int = Field(3, ge=1, description="Caller turns a window holds at most.")
    trail_s: float = Field(0.5, ge=0, description="Seconds an answer's muting goes on after its last recognized "
                                                  "word (within its turn, or short of the operator's next turn).")


class AnswerWindows(CallRule):
    NAME = "answer_windows"
    Config = AnswerWindowsConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        conf = call.conf
        for request in call.turns:
            if not request.may_ask:
                continue
            types = requested_types(request.utterance, conf)
            if not types:
                continue
            if not request.is_operator:  # mono, role unknown: the turn may hold its answer too
                self._answer_within(call, spans, request, types)
            self._window(call, spans, request, types)

    def _answer_within(self, call: CallView, spans: SpanSet, turn: TurnView, types: set[str]) -> None:
        """A mono turn of unknown role asking for an item: what follows its last request is
        heard as the answer (「青年学期をお願いいたします 平成3年5月16日です」)."""
        start = answer_start(turn.text, call.conf)
        parts, _ = answer_parts(turn.text[start:], expectation(types, call.conf))
        entity_type = _window_type(types, turn)
        for lo, hi in ((start + a, start + b) for a, b in parts):
            last = not _TRIM.sub("", turn.text[hi:])
            seconds = _seconds(turn, lo, hi, last, None, turn.end_s, self.config.trail_s)
            if seconds is None:
                spans.add_uncovered(turn.index, entity_type, lo, hi)
            else:
                spans.add_by_time(turn.index, entity_type, lo, hi, *seconds)

    def _window(self, call: CallView, spans: SpanSet, request: TurnView, types: set[str]) -> None:
        answers, window_end = self._answers(call, request)
        expected = expectation(types, call.conf)
        for turn in answers:
            parts, topic_changed = answer_parts(turn.text, expected)
            entity_type = _window_type(types, turn)
            for start, end in parts:
                last = not _TRIM.sub("", turn.text[end:])  # nothing heard after it in its turn
                seconds = _seconds(turn, start, end, last, request.end_s, window_end, self.config.trail_s)
                if seconds is None:  # no times (a text transcript): the text alone
                    spans.add_uncovered(turn.index, entity_type, start, end)
                else:
                    spans.add_by_time(turn.index, entity_type, start, end, *seconds)
            if topic_changed:
                return

    def _answers(self, call: CallView, request: TurnView) -> tuple[list[TurnView], float | None]:
        """The caller turns of the window after `request`, and when the operator speaks again
        (None: not within the window, or unknown)."""
        answers: list[TurnView] = []
        for turn in call.turns[request.index + 1:]:
            if turn.is_operator:
                if is_backchannel(turn.text):
                    continue
                return answers, turn.start_s
            if turn.may_ask and requested_types(turn.utterance, call.conf):
                # mono, role unknown, asking for an item: the operator again (its own window follows),
                # after what may still be an answer or a read-back
                return answers + [turn], turn.end_s
            # mono turns of unknown role may answer (fail closed); recognition cuts an answer at
            # its pauses into many of them, so they do not count towards max_turns
            counted = [t for t in answers if not t.may_ask]
            if len(counted) >= self.config.max_turns or not _starts_within(turn, request, self.config.max_window_s):
                break
            answers.append(turn)
        return answers, None


def requested_types(text: str, conf: CallContextConfig) -> set[str]:
    """The personal items an operator turn asks for, each request read in its own clause (the
    words before an asking verb: 「お名前とお電話番号をお願いします」「お客様番号はお手元にございますか」):
    typed cues (a name only when the caller's name is asked for, not read back), or
    {"<number>"} when a clause asks for some number only. Clauses that say the item is NOT
    wanted (「個人番号はお控えください」「番号のご案内は不要です」) ask for nothing."""
    types: set[str] = set()
    for clause in request_clauses(text):
        if _DECLINES.search(re.sub(r"\s", "", clause)):
            continue
        found = asked_types(clause, conf)
        if "PERSON" in found and not asks_for_name(clause, conf):
            found.discard("PERSON")
        if not found & set(NUMERIC_TYPES) and asks_for_number(clause, conf):
            found.add(_ANY_NUMBER)
        types |= found
    return types


def request_clauses(text: str) -> list[str]:
    """Each asking verb with the words before it (back to the previous verb, a sentence end, marked
    or a polite ending before a pause, or `MAX_CLAUSE` characters) and its ending; the verb itself
    reads お願い (questions.py then knows it for a request however it was garbled)."""
    clauses, boundary = [], 0
    for verb in _ASKING.finditer(text):
        lo = max(boundary, verb.start() - MAX_CLAUSE)
        begin = max((m.end() for m in _CLAUSE_START.finditer(text, lo, verb.start())), default=lo)
        close = _SENTENCE_END.search(text, verb.end())
        end = min(close.end() if close else len(text), verb.end() + VERB_TAIL)  # 「お伺い|できますでしょうか」
        # the verb read as お願い however garbled (「お名前をおめがいします」), its ending kept (でしょうか)
        clauses.append(text[begin:verb.start()] + CANONICAL_VERB + text[verb.end():end])
        boundary = verb.end()
    return clauses


def _window_type(types: set[str], answer: TurnView) -> str:
    """Card data first, else the first requested type in ENTITY_TYPES order; some number: the
    numeric type the answer's dialogue expects (a card dialogue's expiry), else CUSTOMER_ID."""
    if _ANY_NUMBER in types:
        expected = [t for t in ENTITY_TYPES if t in answer.context.expected and t in NUMERIC_TYPES]
        types = (types - {_ANY_NUMBER}) | {next((t for t in expected if t in CARD_DATA_TYPES),
                                                 expected[0] if expected else "CUSTOMER_ID")}
    return next((t for t in CARD_DATA_TYPES if t in types), None) or next(t for t in ENTITY_TYPES if t in types)


def is_backchannel(text: str) -> bool:
    """An operator turn that only acknowledges (「はい」「ええ」) while the caller goes on."""
    return not _TRIM.sub("", _LEADING.sub("", text))


@dataclass(frozen=True)
class Expectation:
    """What the answer to one request looks like: the items' `labels` said before their values
    (「電話番号が」「IDは」), the `units` that make a number a count or time (3時, 2分), and whether
    only identifiers made of digits were asked for (`numbers_only`: the answer holds digits)."""

    labels: re.Pattern
    cues: frozenset[str]
    conf: CallContextConfig
    units: tuple[str, ...] = ()
    numbers_only: bool = False


def expectation(types: set[str], conf: CallContextConfig) -> Expectation:
    """The answer to a request for `types` (requested_types' result)."""
    cues = {cue for cues in conf.questions.values() for cue in cues} | set(conf.number_cues) | set(ITEM_WORDS)
    return Expectation(_labels(tuple(sorted(cues, key=len, reverse=True))), frozenset(cues), conf,
                       tuple(conf.number_units),
                       bool(types) and types <= DIGIT_ANSWERS)


@lru_cache(maxsize=8)
def _labels(cues: tuple[str, ...]) -> re.Pattern:
    return re.compile(rf"(?<![^{_PAUSES}のはがで])(?:{alternation(cues)})(?:は|が|も|で|、)+[{_PAUSES}]*")


def answer_parts(text: str, expected: Expectation) -> tuple[list[tuple[int, int]], bool]:
    """([start, end) runs of a caller turn that answer, topic_changed): past the leading
    fillers, up to a sentence opening a new topic, without the sentences that plainly answer
    nothing (「番号言えばいいですか？」, or no digits where a number was asked) and without the
    items' labels (「電話番号が」), which QA may hear; topic_changed when a new topic ended it."""
    parts, topic_changed = _answer_sentences(text, expected)
    kept = []
    for start, end in parts:
        for label in _labels_in(text, start, end, expected):
            before = start + len(_TAIL_PAUSE.sub("", text[start:label.start()]))
            if before > start:
                kept.append((start, before))
            start = label.end()
        if end > start:
            kept.append((start, end))
    return kept, topic_changed


def _labels_in(text: str, start: int, end: int, expected: Expectation) -> list[re.Match]:
    """The items' labels in text[start:end]: verbatim, or a short topic (「青年学期は」) that would
    ask for an item if requested (its reading a few kana off a cue, as questions.py reads them)."""
    labels = list(expected.labels.finditer(text, start, end))
    for topic in _TOPIC.finditer(text, start, end):
        # a verbatim cue inside a longer topic (「締密書電話は」: a garbled name, then 電話) is no label
        if not any(cue in topic.group(1) for cue in expected.cues) and asked_types(
                f"{topic.group(1)}を{CANONICAL_VERB}します", expected.conf):
            labels.append(topic)
    return sorted(labels, key=lambda m: m.start())


def _answer_sentences(text: str, expected: Expectation) -> tuple[list[tuple[int, int]], bool]:
    lead = _LEADING.match(text)
    pos = lead.end() if lead else 0
    parts: list[tuple[int, int]] = []
    for sentence_start, sentence in _sentences(text, pos):
        body = sentence.lstrip(" 　、")
        said = _LEADING.sub("", body, count=1)
        if _TOPIC_CHANGE.match(said):
            return parts, True
        start = sentence_start + len(sentence) - len(body)
        # a number's closing goes with it: recognition drops digits (「75です」 for 735) and their
        # sound is then timed to the next word
        closing = _TAIL_PAUSE if expected.numbers_only else _CLOSING
        end = start + len(closing.sub("", body, count=1)) or start + len(body.rstrip(" 　、"))
        if end <= start or _not_an_answer(said, expected):
            continue
        if expected.numbers_only:
            start = _past_worded_clauses(text, start, end)
        if parts and not text[parts[-1][1]:start].strip(" 　、。.!！?？"):
            parts[-1] = (parts[-1][0], end)  # the next sentence of the same answer
        else:
            parts.append((start, end))
    return parts, False


def _past_worded_clauses(text: str, start: int, end: int) -> int:
    """Where a number answer's digits start to matter: past the clauses before its first digit
    that are words (kanji, no digit: 「母の口座で、しらかば銀行の札幌駅前支店、普通の7 2 4…」 keeps the
    bank and branch audible); a clause without kanji may be digits heard as kana (ぜろきゅう) and stays
    in the answer, and so does the clause holding the first digit."""
    first_digit = _DIGIT.search(text, start, end)
    if first_digit is None:
        return start
    for pause in _CLAUSE_PAUSE.finditer(text, start, first_digit.start()):
        if not _KANJI.search(text, start, pause.start()):
            break
        start = pause.end()
    return start


def _sentences(text: str, pos: int) -> list[tuple[int, str]]:
    """(start, text) of each sentence from `pos` on: up to its closing marks, or up to an
    ending recognition wrote no mark after."""
    found = []
    for sentence in _SENTENCE.finditer(text, pos):
        start = sentence.start()
        for question in _UNMARKED_SENTENCE_END.finditer(text, start, sentence.end()):
            found.append((start, text[start:question.end()]))
            start = question.end()
        found.append((start, text[start:sentence.end()]))
    return found


def _not_an_answer(sentence: str, expected: Expectation) -> bool:
    """Where only a number was asked for, a count or a time in place of its digits (「午後3時以降
    なら家にいます」); else, with no digit and short: stock replies, a refusal, the caller
    themself or a relative (「本人です」「夫です」), a question back."""
    if expected.numbers_only and _DIGIT.search(sentence) and not _identifier_digits(sentence, expected.units):
        return True
    if not sentence or _DIGIT.search(sentence) or len(sentence) > MAX_NOT_ANSWER:
        return not sentence
    rest = sentence
    for reply in sorted(STOCK_REPLIES, key=len, reverse=True):
        rest = rest.replace(reply, "")
    rest = _TRIM.sub("", _LEADING.sub("", rest))
    if not rest or re.split("[はが]", _CLOSING.sub("", rest, count=1))[-1] in _SELVES:  # 「契約者は私です」
        return True
    if _VERB_ENDING_ONLY.match(rest):  # 「します」: the end of a request recognition cut at a pause (mono)
        return True
    return any(word in sentence for word in REFUSALS) or _QUESTION_BACK.search(sentence) is not None


def _identifier_digits(sentence: str, units: tuple[str, ...]) -> bool:
    """Digits other than one short count or time said with its unit (3時, 2分ほど); several
    of them are an identifier garbled into times (午後0時9時7時)."""
    runs = list(_DIGIT_RUN.finditer(sentence))
    return len(runs) > 1 or any(len(run.group()) > MAX_COUNT_DIGITS
                                or not sentence[run.end():].lstrip().startswith(units or ("\0",)) for run in runs)


def _starts_within(turn: TurnView, request: TurnView, limit_s: float) -> bool:
    if turn.start_s is None or request.end_s is None:
        return True  # no times (a text transcript): the turn order alone says it answers
    return turn.start_s - request.end_s <= limit_s


def _seconds(turn: TurnView, start: int, end: int, last: bool, window_start: float | None,
             window_end: float | None, trail_s: float) -> tuple[float, float] | None:
    """When the answer [start, end) was spoken: its words' times (the turn's, without word times),
    from no earlier than the request's end, going on `trail_s` after its last word (recognition
    times the ends of words early and cuts the ends of turns short) within its turn, or, when
    nothing was heard after it (`last`), short of the operator's next turn. None without times."""
    spoken = turn.time_of(start, end)
    if spoken is None:
        if turn.start_s is None or turn.end_s is None:
            return None
        spoken = (turn.start_s, turn.end_s)
    lo, hi = spoken[0], spoken[1] + trail_s
    if window_start is not None:
        lo = max(lo, min(window_start, spoken[0]))
    limit = window_end if last else turn.end_s
    if limit is not None:
        hi = min(hi, max(limit, spoken[1]))
    return (lo, hi) if hi > lo else None
