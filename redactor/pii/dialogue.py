"""A call as the rules see it: turns in order, who speaks, what each turn is expected to hold.

A call is one conversation: an operator's question is context for the caller's answer.
`plan_turn_contexts` finds, for every turn, the entity types recent operator questions asked
for (「お電話番号をお願いします」 -> PHONE_NUMBER), and whether it answers a number request.

Real speech recognition garbles both sides of the dialogue, so the plan is built to fail closed:
- cue words also match on the Sudachi reading, a few kana off (see questions.py);
- ANY request naming a number makes the answer a number answer, even when no cue says which type;
- an answer holding a long digit sequence makes the next answers (until the next question) a
  continuation of it: card and phone numbers get split across turns;
- a card number question (or a card-length answer) opens a card dialogue whose later answers may
  be its expiry (`dialogue_followups`);
- a bare number right after any request (「735です」) answers it, even when the cue was lost.
In mono recordings (speaker "unknown") each turn's role is inferred from the conversation
(speaker_roles.py: register, the opening greeting, questions and their answers, sentences cut
in two), and the plan and every rule then read the turn as the operator's or the caller's; a turn
whose role stays unknown may be a question or an answer: a turn that asks and then answers in
itself marks where its answer starts (`answer_from`, `address_from`, `name_from`). A name question
(not a read-back, not 名義変更) marks the caller's next turn `name_answer`.

A `CallView` carries the turns' normalized text, speaker, plan, the NLP tokens of the whole call,
the organisation evidence, and, where the transcript has them, each turn's time span and words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from redactor.pii.config import CallContextConfig
from redactor.pii.digit_runs import longest_digit_count
from redactor.pii.entities import CARD_DATA_TYPES, NUMERIC_TYPES
from redactor.pii.normalize import NormalizedText
from redactor.pii.organisations import CallOrganisations, OrganisationFinder
from redactor.pii.questions import asked_types, asks_for_name, asks_for_number, is_request, request_end
from redactor.pii.recognizers.names import sudachi_tags, tokens_in
from redactor.pii.speaker_roles import CALLER, OPERATOR, infer_roles, sentence_leads


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
    def in_card_dialogue(self) -> bool:
        """Card data is expected: a card number, expiry or security code question is recent."""
        return not self.expected.isdisjoint(CARD_DATA_TYPES)

    @property
    def expects_number(self) -> bool:
        """Earlier turns asked for a number (the turn's own question counts from `answer_from` only)."""
        return self.number_expected or any(t in NUMERIC_TYPES for t in self.expected - self.asked_here)


@dataclass(frozen=True)
class TimedWord:
    """A recognized word: [start, end) in the turn's original text, its time span in seconds and
    the recognizer's probability for it (None where the transcript has none)."""

    start: int
    end: int
    start_s: float
    end_s: float
    probability: float | None = None


@dataclass(frozen=True)
class TurnView:
    """One turn: `text` is the normalized text rule offsets refer to (one line, no line breaks)."""

    index: int
    speaker: str  # as the transcript has it ("unknown" in mono: the redacted turn keeps it)
    text: str
    normalized: NormalizedText
    offset: int  # where the turn starts in the call's joined text
    context: TurnContext
    may_ask: bool  # an operator, or a mono turn whose role stayed unknown
    start_s: float | None = None
    end_s: float | None = None
    words: tuple[TimedWord, ...] = ()
    lead: str = ""  # mono: the previous turn's unfinished sentence this turn goes on with (same speaker)

    @property
    def is_operator(self) -> bool:
        return self.context.is_operator

    def probability_of(self, start: int, end: int) -> float | None:
        """The mean recognizer probability of the words under [start, end) of `text`; None without it."""
        lo, hi = self.normalized.to_original(start, end)
        under = [w.probability for w in self.words if w.start < hi and lo < w.end and w.probability is not None]
        return sum(under) / len(under) if under else None

    @property
    def utterance(self) -> str:
        """The turn with the start of its sentence cut off by a pause (「お名前をおめが」+「いたします」):
        what a request is read in."""
        return self.lead + self.text

    def time_of(self, start: int, end: int) -> tuple[float, float] | None:
        """The time span of the words under [start, end) of `text`; None without word timings."""
        lo, hi = self.normalized.to_original(start, end)
        under = [w for w in self.words if w.start < hi and lo < w.end]
        return (under[0].start_s, under[-1].end_s) if under else None


@dataclass
class CallView:
    """A whole call for the rules: turns, the NLP analysis of their joined text, organisation evidence."""

    turns: tuple[TurnView, ...]
    text: str  # the turns' texts joined by newlines, as Presidio and GiNZA saw them
    artifacts: object | None = None  # presidio NlpArtifacts (GiNZA Doc in .tokens); None in rule tests
    organisations: CallOrganisations | None = None
    conf: CallContextConfig = field(default_factory=CallContextConfig)

    @classmethod
    def build(cls, speakers: Sequence[str], texts: Sequence[NormalizedText], conf: CallContextConfig,
              nlp: Callable[[str], object] | None = None, organisation_finder: OrganisationFinder | None = None,
              timings: Sequence[tuple[float | None, float | None, tuple[TimedWord, ...]]] | None = None) -> "CallView":
        """Plan the dialogue; with `nlp` (joined text -> NlpArtifacts) tokenize the call, with
        `organisation_finder` gather its organisation evidence."""
        lines = [t.text.replace("\n", " ").replace("\r", " ") for t in texts]
        timings = timings or [(None, None, ())] * len(lines)
        times = [(start_s, end_s) for start_s, end_s, _ in timings]
        roles = infer_roles(speakers, lines, conf, times)
        leads = sentence_leads(speakers, roles, lines, conf, times)
        contexts = plan_turn_contexts(lines, roles, leads, conf)
        turns, offset = [], 0
        for index, (speaker, norm, line, context, role, lead, (start_s, end_s, words)) in enumerate(
                zip(speakers, texts, lines, contexts, roles, leads, timings)):
            turns.append(TurnView(index, speaker, line, norm, offset, context, role != CALLER,
                                  start_s, end_s, words, lead))
            offset += len(line) + 1
        joined = "\n".join(lines)
        call = cls(tuple(turns), joined, nlp(joined) if nlp is not None else None, None, conf)
        if organisation_finder is not None:
            call.organisations = organisation_finder.for_call(
                lines, [t.may_ask for t in turns], call.tags, call.entity_spans(organisation_finder.conf.ner_labels))
        return call

    def tags(self, turn: int, start: int, end: int) -> list[str]:
        """Sudachi part-of-speech tags of the tokens over [start, end) of a turn ([] without NLP)."""
        lo = self.turns[turn].offset
        return sudachi_tags(self.artifacts, lo + start, lo + end)

    def tokens(self, turn: int, start: int, end: int) -> list:
        """GiNZA tokens over [start, end) of a turn ([] without NLP)."""
        lo = self.turns[turn].offset
        return tokens_in(getattr(self.artifacts, "tokens", None), lo + start, lo + end)

    def entity_spans(self, labels) -> list[list[tuple[int, int]]]:
        """GiNZA's entities with one of `labels`, per turn (turn-relative offsets)."""
        labels = set(labels)
        per_turn: list[list[tuple[int, int]]] = [[] for _ in self.turns]
        for ent in getattr(self.artifacts, "entities", None) or ():
            if ent.label_ in labels:
                turn = self.turn_at(ent.start_char)
                lo, line = self.turns[turn].offset, self.turns[turn].text
                per_turn[turn].append((ent.start_char - lo, min(ent.end_char, lo + len(line)) - lo))
        return per_turn

    def turn_at(self, offset: int) -> int:
        """The turn holding an offset of the joined text."""
        lo, hi = 0, len(self.turns) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.turns[mid].offset <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


def timing_of(turn, original: str) -> tuple[float | None, float | None, tuple[TimedWord, ...]]:
    """A turn's time span and word timings, where the turn (a transcript Turn or a mapping) has
    them and its words spell its text exactly; else what is known (nothing is guessed)."""
    get = turn.get if isinstance(turn, Mapping) else (lambda key: getattr(turn, key, None))
    start_s, end_s, words = get("start"), get("end"), get("words") or ()
    start_s = float(start_s) if isinstance(start_s, (int, float)) else None
    end_s = float(end_s) if isinstance(end_s, (int, float)) else None
    timed, position = [], 0
    for word in words:
        wget = word.get if isinstance(word, Mapping) else (lambda key, w=word: getattr(w, key, None))
        text, w_start, w_end, probability = wget("word"), wget("start"), wget("end"), wget("probability")
        if not isinstance(text, str) or not isinstance(w_start, (int, float)) or not isinstance(w_end, (int, float)):
            return start_s, end_s, ()
        probability = float(probability) if isinstance(probability, (int, float)) else None
        timed.append(TimedWord(position, position + len(text), float(w_start), float(w_end), probability))
        position += len(text)
    if position != len(original):
        return start_s, end_s, ()
    return start_s, end_s, tuple(timed)


def plan_turn_contexts(texts: Sequence[str], roles: Sequence[str], leads: Sequence[str],
                       conf: CallContextConfig) -> list[TurnContext]:
    """For each turn, what recent questions asked for (previous `lookback_turns` turns), and
    whether it answers a number request or continues a number given in an earlier answer.
    `roles`: each turn's OPERATOR, CALLER or UNKNOWN (speaker_roles.infer_roles);
    `leads`: the unfinished sentence each mono turn goes on with (speaker_roles.sentence_leads)."""
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
    for i, (role, text) in enumerate(zip(roles, texts)):
        operator = role == OPERATOR
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
        asking = role != CALLER  # an operator, or a turn whose role is unknown
        utterance = leads[i] + text  # a question cut in two by a pause is read whole
        here = asked_types(utterance, conf) if asking else set()
        here_number = asks_for_number(utterance, conf) if asking else False
        answer_from, asked_here = None, frozenset()
        # mono: 「ご住所をお願いします 東京都…」 answers the address question in the same turn
        address_from = request_end(text, conf) if asking and not operator and "ADDRESS" in here else None
        if asking and not operator and (here_number or here & set(NUMERIC_TYPES)):
            # mono: question and answer may share one turn (「お電話番号をお願いします 090…」)
            # numbers only: a name-shaped word in the question itself must not be lifted as a PERSON
            asked_here = frozenset((here & set(NUMERIC_TYPES)) - expected)
            expected |= asked_here
            answer_from = request_end(text, conf)
        name_asked.append(asking and "PERSON" in here and asks_for_name(utterance, conf))
        name_from = request_end(text, conf) if name_asked[-1] and not operator else None
        contexts.append(TurnContext(operator, frozenset(expected), number, after_request, answer_from, asked_here,
                                    address_from, not operator and _answers_name(i, roles, name_asked, conf),
                                    name_from))
        repeat = asking and not here and not here_number and any(m in text for m in conf.continuation_markers)
        if repeat:
            here, here_number = set(last_question), last_number  # 「続きをお願いします」: the same question
        if here or here_number:
            last_question, last_number = here, here_number
        asked.append(here)
        number_asked.append(here_number)
        new_question.append(asking and is_request(text, conf) and not repeat)
        open_request.append(new_question[-1] and (here_number or not any(q in text for q in conf.quantity_cues)))
        longest = longest_digit_count(text, conf) if not operator else 0
        long_answer.append(longest >= conf.continuation_min_digits)
        if not operator:  # a number said over several answers (3530 1113 / はい / 0790 6881)
            said = (said if continues else 0) + longest
        card_answer.append(not operator and 13 <= said <= 19)
    return contexts


def _answers_name(i: int, roles: list[str], name_asked: list[bool], conf: CallContextConfig) -> bool:
    """Turn i is the first non-operator turn after a name question (operator turns may come between;
    in mono, where every turn may ask, only the turn right after the question)."""
    for j in range(i - 1, max(-1, i - 1 - conf.lookback_turns), -1):
        if name_asked[j]:
            return True
        if roles[j] != OPERATOR:
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
