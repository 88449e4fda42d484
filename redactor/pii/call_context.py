"""A call is one conversation: an operator's question is context for the caller's answer.

`plan_turn_contexts` finds, for every turn, the entity types recent operator questions asked
for (「お電話番号をお願いします」 -> PHONE_NUMBER). The redactor lifts weak candidates of those
types, and `fail_closed_numbers` redacts digit runs in a caller's answer to a number question
even when no pattern validates them: speech recognition garbles, and a leak costs more than a
redacted count.

Real speech recognition garbles both sides of the dialogue, so the plan is built to fail closed:
- cue words also match on the Sudachi reading, a few kana off (有効きげ ~ 有効期限, see readings.py);
- ANY request naming a number (「〜番号を」「3桁を」「コードを」 + 「お願いします」) makes the answer
  a number answer, even when no cue says which type;
- an answer holding a long digit sequence makes the next answers (until the next question) a
  continuation of it: card and phone numbers get split across turns;
- a card number question opens a card dialogue whose later answers may be its expiry;
- inside a number answer, digit groups separated by a few garbled characters (080、午後1 2位、903 4,
  where 午後 was 「ごご」 = 55) are one run, and homophone kanji glued to it go with it;
- a bare number right after any request (「735です」) answers it, even when the cue was lost;
- a number cue just before digits in the same turn (「会員番号は5028」) needs no question at all.
In mono recordings (speaker unknown) every turn may be a question or an answer.
A name question (`asks_for_name`: not a read-back, not 名義変更) marks the caller's next turn
`name_answer`: its answer clause is the name, however garbled (see name_answer.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from redactor.pii.config import CallContextConfig
from redactor.pii.entities import NUMERIC_TYPES
from redactor.pii.numerals import NUMERAL_UNITS
from redactor.pii.readings import allowed_edits, fuzzy_find, reading_of, soft_reading, tokens_of, words_reading
from redactor.pii.recognizers.base import LETTER_NAMES, SEP

_DIGIT_RUN = re.compile(rf"(?<![\d.])\d+(?:{SEP}\d+)*")
_PREFIX = re.compile(rf"(?:[A-Za-z]{{1,4}}|(?:{LETTER_NAMES}){{1,4}})\s?(?:-|の)?、?\s?$")
_SENTENCE_END = set("。．.!?！？\n")
# Kanji of the words that name a number (番号, 桁, 数字): said next to digits, never digits themselves.
_CUE_KANJI = set("番号桁数字")
_ELLIPTIC_REQUEST = re.compile(r"を[、。\s]*(?:[。]|$)")
_SENTENCES = re.compile(r"[^。．.!?！？\n]+[。．.!?！？]*")
# A read-back of a name already given: 「ヤマダ様でよろしいでしょうか」「村上様ですね」
_KANJI_END = re.compile(r"[\u4e00-\u9fff]$")
_READ_BACK = re.compile(r"(?:様|さま)(?:で(?:よろしい|お間違い|ございますね|すね)|、)|でよろしいでしょうか|でお間違いな")
_THOUSANDS = re.compile(r"\d{1,3}(?:[,，]\d{3})+")
_FILLERS = ("えっと", "えーと", "えー", "ええ", "あの", "あっ", "はい", "です", "でした", "ですね", "だと",
            "と思います", "かな", "ね", "の", "、", "。", ",", ".", " ", "　", "あ", "え")
_BARE_REST_MAX = 3  # characters left after digits and fillers in a bare number answer
_NAMED_WINDOW = 8  # characters before a digit run searched for a number cue (「番号は、えっと、」)
# Readings (as readings.soft_reading gives them) of words many cues end in: 番号, ナンバー, コード.
_GENERIC_TAILS = ("バンゴウ", "ナンバ", "コド")
# Digit counts each numeric type can have (a partial card answer is 4+ digits).
_DIGIT_COUNTS = {
    "PHONE_NUMBER": range(10, 12), "POSTAL_CODE": range(7, 8), "CARD_CVV": range(3, 5),
    "CARD_EXPIRY": range(3, 7), "CREDIT_CARD": range(4, 20), "MY_NUMBER": range(12, 13),
    "DRIVERS_LICENSE": range(12, 13), "BANK_ACCOUNT": range(3, 11), "PASSPORT": range(7, 8),
    "CUSTOMER_ID": range(4, 21), "IP_ADDRESS": range(4, 13),
}


@dataclass(frozen=True)
class TurnContext:
    """What the conversation expects in one turn.

    `number_expected`: the turn answers a request for some number (type unknown) or continues
    a number given in an earlier answer.
    """

    is_operator: bool
    expected: frozenset[str]
    number_expected: bool = False
    after_request: bool = False  # the previous turns hold a request of any kind (cue garbled away)
    answer_from: int | None = None  # mono: the turn asks for a number and answers it from here on
    asked_here: frozenset[str] = frozenset()  # mono: types the turn itself asks for (in `expected` too)
    address_from: int | None = None  # mono: the turn asks for an address and answers it from here on
    name_answer: bool = False  # the caller's first turn after a name question: its answer clause is the name
    name_from: int | None = None  # mono: the turn asks for a name and answers it from here on

    @property
    def expects_number(self) -> bool:
        """Earlier turns asked for a number (the turn's own question counts from `answer_from` only)."""
        return self.number_expected or any(t in NUMERIC_TYPES for t in self.expected - self.asked_here)


@dataclass(frozen=True)
class NumberRun:
    """A digit run the call context says must go: span in the normalized turn text and its type."""

    start: int
    end: int
    entity_type: str


def is_operator(speaker: str, conf: CallContextConfig) -> bool:
    return speaker.strip().lower() in {s.lower() for s in conf.operator_speakers}


def may_ask(speaker: str, conf: CallContextConfig) -> bool:
    """Operators ask; so may anyone in a mono recording, where the speaker is unknown."""
    name = speaker.strip().lower()
    return is_operator(speaker, conf) or name in {s.lower() for s in conf.unknown_speakers}


def _is_request(text: str, conf: CallContextConfig) -> bool:
    """A request marker, or a clause ending in を (「カード番号を。」: the rest was lost or elided)."""
    return any(marker in text for marker in conf.request_markers) or _ELLIPTIC_REQUEST.search(text) is not None


def request_end(text: str, conf: CallContextConfig) -> int:
    """Offset just after the last request marker (0 if none): in a mono turn holding both the
    question and its answer, what follows is the answer."""
    ends = [text.rfind(m) + len(m) for m in conf.request_markers if m in text]
    ends += [m.end() for m in _ELLIPTIC_REQUEST.finditer(text)]
    return max(ends, default=0)


def asked_types(text: str, conf: CallContextConfig) -> set[str]:
    """Entity types an operator turn asks for (cue word + request marker), else empty.

    A cue matches verbatim, or (with `fuzzy_cues`) on the reading, a few kana off for long cues.
    """
    if not _is_request(text, conf):
        return set()
    found = {etype for etype, cues in conf.questions.items() if any(cue in text for cue in cues)}
    if conf.fuzzy_cues:
        reading = words_reading(text)
        for etype, cues in conf.questions.items():
            if etype not in found and any(_reading_hit(reading, cue) for cue in cues):
                found.add(etype)
    return found


def _reading_hit(reading: str, cue: str) -> bool:
    """The cue's reading, a few kana off, is in the turn's reading. Cues ending in a generic word
    (郵便番号, 個人番号) spend the edits on their own part only: ユウビンバンゴウ is not コジンバンゴウ."""
    cue_reading = _cue_reading(cue)
    budget = allowed_edits(len(cue_reading))
    for tail in _GENERIC_TAILS:
        if cue_reading.endswith(tail) and len(cue_reading) > len(tail):
            if tail not in reading:
                return False
            budget = min(budget, (len(cue_reading) - len(tail)) // 3)
            break
    return fuzzy_find(reading, cue_reading, budget)


@lru_cache(maxsize=1024)
def _cue_reading(cue: str) -> str:
    """A cue's comparable reading; the same few dozen cues are read for every operator turn."""
    return reading_of(cue) if not cue.isascii() else soft_reading(cue.upper())


def asks_for_number(text: str, conf: CallContextConfig) -> bool:
    """A request naming any number (「ご注文番号をお願いします」「下4桁を教えてください」)."""
    if not _is_request(text, conf):
        return False
    if any(cue in text for cue in conf.number_cues):
        return True
    if not conf.fuzzy_cues:
        return False
    # A garbled cue keeps its reading (晩号 = バンゴウ). Short readings (コド, ケタ) must end a word,
    # else 子供 (コドモ) or 掛けた (カケタ) would ask for a number.
    cue_readings = {_cue_reading(cue) for cue in conf.number_cues}
    reading = words_reading(text)
    if any(r in reading for r in cue_readings if len(r) >= 4):
        return True
    return any(soft_reading(t.reading).endswith(r) for t in tokens_of(text) for r in cue_readings if 2 <= len(r) < 4)


def plan_turn_contexts(speakers: list[str], texts: list[str], conf: CallContextConfig) -> list[TurnContext]:
    """For each turn, what recent questions asked for (previous `lookback_turns` turns), and
    whether it answers a number request or continues a number given in an earlier answer."""
    asked: list[set[str]] = []
    number_asked: list[bool] = []
    new_question: list[bool] = []  # a request that is not 「続きをお願いします」: ends a continuation
    open_request: list[bool] = []  # a request not about an amount (いくら, 何回): a bare number answers it
    long_answer: list[bool] = []
    name_asked: list[bool] = []  # a question for the caller's name (not a read-back, not 名義変更)
    card_answer: list[bool] = []  # an answer holding a card-length number opens a card dialogue too
    said = 0
    last_question: set[str] = set()
    last_number = False
    contexts = []
    greeted = False
    for i, (speaker, text) in enumerate(zip(speakers, texts)):
        operator = is_operator(speaker, conf)
        window = range(max(0, i - conf.lookback_turns), i)
        expected: set[str] = set()
        for j in window:
            expected |= asked[j]
        for j in range(max(0, i - conf.dialogue_lookback_turns), i):
            for etype in asked[j] | ({"CREDIT_CARD"} if card_answer[j] else set()):
                expected.update(conf.dialogue_followups.get(etype, ()))
        if operator and not greeted:
            expected.add("PERSON")  # the opening operator turn introduces the operator by name
            greeted = True
        continues = not operator and _continues(i, new_question, long_answer, conf)
        number = continues or any(number_asked[j] for j in window)
        after_request = not operator and any(open_request[j] for j in window)
        asking = may_ask(speaker, conf)
        here = asked_types(text, conf) if asking else set()
        here_number = asks_for_number(text, conf) if asking else False
        answer_from, asked_here = None, frozenset()
        # mono: 「ご住所をお願いします 東京都…」 answers the address question in the same turn
        address_from = request_end(text, conf) if asking and not operator and "ADDRESS" in here else None
        if asking and not operator and (here_number or here & set(NUMERIC_TYPES)):
            # mono: question and answer may share one turn (「ご住所をお願いします 大阪府…」)
            # numbers only: a name-shaped word in the question itself must not be lifted as a PERSON
            asked_here = frozenset((here & set(NUMERIC_TYPES)) - expected)
            expected |= asked_here
            answer_from = request_end(text, conf)
        name_asked.append(asking and "PERSON" in here and asks_for_name(text, conf))
        name_from = request_end(text, conf) if name_asked[-1] and not operator else None
        contexts.append(TurnContext(operator, frozenset(expected), number, after_request, answer_from, asked_here,
                                    address_from, not operator and _answers_name(i, speakers, name_asked, conf),
                                    name_from))
        repeat = asking and not here and not here_number and any(m in text for m in conf.continuation_markers)
        if repeat:
            here, here_number = set(last_question), last_number  # 「続きをお願いします」: the same question
        if here or here_number:
            last_question, last_number = here, here_number
        asked.append(here)
        number_asked.append(here_number)
        new_question.append(asking and _is_request(text, conf) and not repeat)
        open_request.append(new_question[-1] and (here_number or not any(q in text for q in conf.quantity_cues)))
        longest = _digit_count_max(text, conf) if not operator else 0
        long_answer.append(longest >= conf.continuation_min_digits)
        if not operator:  # a number said over several answers (3530 1113 / はい / 0790 6881)
            said = (said if continues else 0) + longest
        card_answer.append(not operator and 13 <= said <= 19)
    return contexts


def asks_for_name(text: str, conf: CallContextConfig) -> bool:
    """A sentence that requests the caller's name (「お名前をお願いします」, garbled cues too): not a
    read-back (「名義はヤマダ様でよろしいでしょうか」) nor a request about something else that
    names a name word (「名義変更のお手続きをお願いします」「氏名欄にご記入ください」)."""
    cues = conf.questions.get("PERSON", [])
    for sentence in _SENTENCES.findall(text):
        if not _is_request(sentence, conf) or _READ_BACK.search(sentence):
            continue
        # a cue word inside a compound (名義変更, 氏名欄) is no question for the name: blank it out
        for cue in (c for c in cues if _KANJI_END.search(c)):
            sentence = re.sub(rf"{re.escape(cue)}(?=[\u4e00-\u9fff])(?!様)", "、", sentence)
        if "PERSON" in asked_types(sentence, conf):
            return True
    return False


def _answers_name(i: int, speakers: list[str], name_asked: list[bool], conf: CallContextConfig) -> bool:
    """Turn i is the first non-operator turn after a name question (operator turns may come between;
    in mono, where every turn may ask, only the turn right after the question)."""
    for j in range(i - 1, max(-1, i - 1 - conf.lookback_turns), -1):
        if name_asked[j]:
            return True
        if not is_operator(speakers[j], conf):
            return False
    return False


def _continues(i: int, new_question: list[bool], long_answer: list[bool], conf: CallContextConfig) -> bool:
    """An earlier answer, with no new question since, held a long number: this turn may go on with it."""
    for j in range(i - 1, max(-1, i - 1 - conf.lookback_turns), -1):
        if long_answer[j]:
            return True
        if new_question[j]:
            return False
    return False


def _digit_count_max(text: str, conf: CallContextConfig) -> int:
    return max((sum(ch.isdigit() for ch in text[s:e]) for s, e in _runs(text, conf, bridge=True)), default=0)


def _runs(text: str, conf: CallContextConfig, bridge: bool, lo: int = 0) -> list[tuple[int, int]]:
    """Digit runs from `lo` on; with `bridge`, groups a few garbled characters apart are one run."""
    runs: list[list[int]] = []
    for match in _DIGIT_RUN.finditer(text, lo):
        start, end = match.span()
        if bridge and runs and _bridgeable(text, runs[-1][1], start, conf):
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [(s, e) for s, e in runs]


def _bridgeable(text: str, gap_start: int, gap_end: int, conf: CallContextConfig) -> bool:
    gap = text[gap_start:gap_end]
    return (len(gap.strip()) <= conf.bridge_max_chars and not any(ch in _SENTENCE_END for ch in gap)
            and not _followed_by_unit(text, gap_start, conf))


def fail_closed_numbers(text: str, context: TurnContext, conf: CallContextConfig) -> list[NumberRun]:
    """Digit runs to redact in one turn: long runs anywhere, shorter ones in answers to number questions."""
    # A bare number after any request answers a question whose cue was lost (「735です」).
    answering = not context.is_operator and (context.expects_number
                                             or (context.after_request and _bare_number(text, conf)))
    if answering or context.answer_from is None or context.is_operator:
        return _number_runs(text, 0, len(text), answering, context, conf)
    # mono: the turn asks for a number, then answers it (「お電話番号をお願いします 090…」)
    return (_number_runs(text, 0, context.answer_from, False, context, conf)
            + _number_runs(text, context.answer_from, len(text), True, context, conf))


def _number_runs(text: str, lo: int, hi: int, answering: bool, context: TurnContext,
                 conf: CallContextConfig) -> list[NumberRun]:
    """The runs to redact that start in text[lo:hi]."""
    runs = []
    for start, end in _runs(text, conf, bridge=answering, lo=lo):
        if start >= hi:
            break
        if _followed_by_unit(text, end, conf):
            # 「080、4629、3178、1991年」: only the last group is a count or date; the groups before stay a number
            end = _drop_last_group(text, start, end)
            if end is None:
                continue
        digits = sum(ch.isdigit() for ch in text[start:end])
        named = answering or _named_before(text, start, conf)  # 「会員番号は8812です」 needs no question
        if digits < conf.always_redact_min_digits and not (named and digits >= conf.fail_closed_min_digits):
            continue
        prefix = _PREFIX.search(text[max(0, start - 16):start])
        if prefix and prefix.group().strip():
            start -= len(prefix.group())
        if answering:
            start, end = _glue(text, start, end)
        runs.append(NumberRun(start, end, guess_type(digits, text, start, context)))
    return runs


def _bare_number(text: str, conf: CallContextConfig) -> bool:
    """A turn that is a number and little else: fillers, particles and です aside."""
    rest = text
    for start, end in reversed(_runs(text, conf, bridge=True)):
        rest = rest[:start] + rest[end:]
    for filler in _FILLERS:
        rest = rest.replace(filler, "")
    return any(ch.isdigit() for ch in text) and len(rest) <= _BARE_REST_MAX


def _drop_last_group(text: str, start: int, end: int) -> int | None:
    """End of the run without its last digit group (None when it has one group only)."""
    groups = list(re.finditer(r"\d+", text[start:end]))
    if len(groups) < 2 or _THOUSANDS.fullmatch(text[start:end]):  # 12,345,678円 is one price
        return None
    return start + groups[-2].end()


def _named_before(text: str, start: int, conf: CallContextConfig) -> bool:
    """A number cue (番号, コード, 桁) just before the digits, in the same clause."""
    window = re.split(r"[。！？!?]", text[max(0, start - _NAMED_WINDOW):start])[-1]
    return any(cue in window for cue in conf.number_cues)


def _glue(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in up to two kanji glued to either end of a number answer: speech recognition writes
    digits as homophone kanji (午後8 = ごご8 = 558, 2位 = 2 + い). Units and cue words stay."""
    for _ in range(2):
        if start > 0 and _glueable(text[start - 1]):
            start -= 1
    for _ in range(2):
        if end < len(text) and _glueable(text[end]):
            end += 1
    return start, end


def _glueable(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" and ch not in NUMERAL_UNITS and ch not in _CUE_KANJI


def _followed_by_unit(text: str, end: int, conf: CallContextConfig) -> bool:
    rest = text[end:end + 6].lstrip()
    return rest.startswith(tuple(conf.number_units)) if conf.number_units else False


def guess_type(digits: int, text: str, start: int, context: TurnContext) -> str:
    """The expected numeric type that fits the digit count; else a guess from the count."""
    numeric = [etype for etype in sorted(context.expected) if etype in _DIGIT_COUNTS]
    for etype in numeric:
        if digits in _DIGIT_COUNTS[etype]:
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
