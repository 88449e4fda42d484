"""Items spelled out letter by letter, or read with アット/ドット, go whole however they come back.

An e-mail address or ID said on the phone is spelled (「エム、ティー、…アットマーク…ドットジェーピー」)
and recognition returns a mix of Latin letters, kana and digits that no e-mail pattern accepts
(「MTAKANASHI.NETにまるに1アットマークエグザンプルドッドJPです」「S1をS1IMI-DU-RAT-EG-DANQUL コム」).
An item is a chain of anchors, each at most `max_gap` characters of non-pause text from the
next: Latin runs (two letters or more, or a letter and digits), the spoken symbols (アット, ドット,
ハイフン, アンダーバー, @ ...) and, next to those, spoken domain endings (コム, ジェーピー ...). A chain
is an EMAIL_ADDRESS when it holds a spoken symbol with another anchor, or `min_letters` spelled
characters (Latin runs in one case, as spelling comes back); acronyms and units (IP, NTT, kWh,
128GB), product names in their own case (iPhone, Galaxy S24) and a lone symbol (「アットホーム」) stay.

Letters read one by one come back joined by hyphens (「S-H-I-M-I-D-U-A-T-EG-ZAN-PUL」「HINA-P-07016A」):
three groups or more with a letter alone among them are one spelled run. Or as their katakana
names, each set off by a separator, a long vowel often dropped (「ピー・イ・アール・イ・アイ」), or as
single Latin letters set off the same way (「H、O、F、F、M、A、N」): four or more are an item (DVD, ICU stay); one that holds no at sign, dot or domain spells a name when
a name was asked for and an address was not. A domain said at the
end of an address (a word, then its ending: 「エグザンプル、 チェーピー」「EGザンプル、こむ」「エグザンプル
しようJP」, a garbled ドット between) is an anchor like a spoken symbol, and an at sign (アット, or
its tail と/っと right before a domain) takes the local part said before it, however it was
heard (「アイスイーチアイアイカミリンアット…」), back to a pause or the item's label (アドレス), and
the domain's word said right after it. An at sign said between two words, no pause around it
(「カミリーアットエグザンプル」), is an address alone; recognition writes a heard at sign as 「&」
too, after a spelled run (「S1iHINA&EGザンプル」; AT&T, H&M stay).

A spoken IP address (「203.0.113.58」「2103.0 113.58」「192ドット168ドット1ドット1」) is four or more
digit groups joined by dots, spoken dots or spaces, two of them dots at least (a version 2.1.4 stays);
a digit read aloud inside a group may come back as a short katakana word (「100」 said いちぜろぜろ,
heard 「1ベロ0」).

Recognition cuts an item at the pauses of its spelling, most of all in a mono recording, where
the cut pieces become turns of their own (「ISHIY」「カミリーアットエグザンプル」「シイオをJPが…」,
「…アドレスは198.51」「1ベロ0.27でございます」). So the turns one speaker said one after another, each
at most `max_pause_s` after the last (the same speaker label and no inferred roles that differ),
are read as one utterance too: an item whose chain runs over a turn boundary goes in every turn
it touches, its pieces all redacted and muted, the pauses between them too (a letter's tail falls
there). An item within one turn is that turn's own.
"""

from __future__ import annotations

import re

import jaconv
from pydantic import Field

from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.lexicon.chars import CLOSING_MARKS, KANJI_RANGE, KATAKANA_RANGE
from redactor.pii.lexicon.speech import alternation
from redactor.pii.lexicon.spelling import AT_SIGN_WORDS, DOMAIN_ENDINGS, DOT_WORDS, LETTER_NAMES_CLIPPED, SYMBOL_WORDS
from redactor.pii.numerals import KANA_DIGITS
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet
from redactor.pii.speaker_roles import CALLER, OPERATOR, UNKNOWN

# Letters read one by one, as recognition joins them: three hyphened groups or more, one a letter alone
_LETTER_BY_LETTER = (r"(?<![A-Za-z0-9\-])(?=[A-Za-z0-9\-]*(?<![A-Za-z])[A-Za-z](?![A-Za-z]))"
                     r"[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8}){2,}(?![A-Za-z0-9])")
# Letters read one by one and written as their katakana names, each set off by a separator
# (「ピー・イ・アール・イ・アイ」「エム、ケー、ティー、エー」): four or more spell a name or an ID
_LETTER_NAME_RUN = (rf"(?:{LETTER_NAMES_CLIPPED})(?:[・、,\s]+(?:{LETTER_NAMES_CLIPPED})(?![{KATAKANA_RANGE}ー])){{3,}}"
                    # ... or as single Latin letters (「H、O、F、F、M、A、N」)
                    r"|(?<![A-Za-z])[A-Za-z](?:[・、,\s]+[A-Za-z](?![A-Za-z])){3,}")
# A domain at the end of an address: a word, a dot said or garbled (up to 3 characters), its ending
_DOMAIN = (rf"(?:(?!{alternation(AT_SIGN_WORDS)})[{KATAKANA_RANGE}ーA-Za-z]){{3,}}[\s、。]{{0,2}}(?:{alternation(DOT_WORDS)}|[.．]|[^\s、。A-Za-z]{{1,3}})?"
           rf"[\s、。]{{0,2}}(?:{alternation(DOMAIN_ENDINGS)})(?=アテ|[^A-Za-z{KATAKANA_RANGE}ー]|$)")
# The at sign, said or written; recognition writes a heard アット as 「&」 too (「S1iHINA&EGザンプル」),
# taken after a run of six letters or digits only, as long as a spelled local part is (AT&T, H&M,
# SMBC&NTT stay)
_AT = rf"(?:{alternation(AT_SIGN_WORDS)}|[@＠]|(?<=[A-Za-z0-9]{{6}})&)"
_SYMBOLS = rf"{alternation((*DOT_WORDS, *SYMBOL_WORDS))}|{_AT}|_|{_DOMAIN}"
_STRONG = re.compile(rf"{_LETTER_BY_LETTER}|{_LETTER_NAME_RUN}|{_SYMBOLS}|[A-Za-z]{{2,}}[A-Za-z0-9]*|[A-Za-z][0-9]+[A-Za-z0-9]*")
_LETTER_NAME_RUN_ONLY = re.compile(_LETTER_NAME_RUN)
_ONE_LETTER = re.compile(rf"(?:{LETTER_NAMES_CLIPPED})|[A-Za-z]")
_AT_SIGN = re.compile(rf"(?:{alternation(AT_SIGN_WORDS)}|[@＠]|っと|と)$")
# Where the local part said before an at sign starts: after a pause, a sentence's polite end or
# the item's label
_LOCAL_PART_START = re.compile(rf"(?:[{CLOSING_MARKS}、,]|(?:です|ます|ました)\s|アドレス(?:は|が)?|メール(?:は|が)?)\s*")
LOCAL_PART_MAX = 20  # characters of a local part said before an at sign
# spoken domain endings: part of an item next to one, never an item alone
_WEAK = re.compile(r"コム|ジェーピー|ネット|オルグ|シーオー|エヌイー|オーアールジー|[A-Za-z]")
_SYMBOL = re.compile(_SYMBOLS)
_AT_ONLY = re.compile(_AT)
# A word said right against an at sign (「カミリーアットエグザンプル」): the local part before it, the
# domain after it; 「アットホーム」 has none before it
_WORD_BEFORE = re.compile(rf"[{KATAKANA_RANGE}ーA-Za-z0-9]{{2,}}$")
_WORD_AFTER = re.compile(rf"[{KATAKANA_RANGE}ーA-Za-z]{{2,}}")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
_ACRONYM = re.compile(r"[A-Z]{2,3}")  # IP, PC, ID, NTT, SIM: words, not spelled items
_PAUSE = re.compile(rf"[{CLOSING_MARKS}\n]|\.(?=\s)|(?:です|でした|ですね|でお|でよろ|でお間違|あてに|宛て|に送|に変更|に連絡)")
_DOT = rf"(?:[.．]|{alternation(DOT_WORDS)}|てん|点)"
# A group after the first: up to three digits, or digits with one of them read aloud and heard as
# a short katakana word between them (「1ベロ0」 for いちぜろぜろ; never a spoken dot)
_IP_GROUP = rf"(?:\d(?!{alternation(DOT_WORDS)})[{KATAKANA_RANGE}ー]{{1,3}}\d{{1,2}}|\d{{1,3}})"
IP_ADDRESS = re.compile(rf"(?<!\d)\d{{1,4}}(?:\s*{_DOT}\s*{_IP_GROUP}|\s+{_IP_GROUP}){{3,}}(?!\d)")
_IP_KANA = re.compile(rf"(?<=\d)(?!{alternation(DOT_WORDS)})[{KATAKANA_RANGE}ー]+(?=\d)")  # the kana of a group
# Digits as read aloud, in katakana (ゼロ, イチ, キュー)
DIGIT_READINGS = frozenset(jaconv.hira2kata(kana) for kana in KANA_DIGITS)
TURN_JOINT = " "  # between the turns of one utterance read as one text: a space, no pause


class SpelledItemsConfig(RuleConfig):
    max_gap: int = Field(8, ge=0, le=20, description="Most characters between two anchors of one item.")
    min_letters: int = Field(6, ge=2, le=20, description="Latin letters that make a lone run an item.")
    max_pause_s: float = Field(1.5, ge=0, le=10, description="Longest pause between two turns of one speaker "
                                                               "that an item spelled over both may span.")


class SpelledItems(CallRule):
    NAME = "spelled_items"
    Config = SpelledItemsConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            for etype, start, end in spelled_items(turn.text, self.config.max_gap, self.config.min_letters):
                spans.add_uncovered(turn.index, _item_type(etype, turn, turn.text[start:end]), start, end)
        for utterance in utterances(call, self.config.max_pause_s):
            for etype, pieces in items_across_turns(utterance, self.config.max_gap, self.config.min_letters):
                said = "".join(turn.text[start:end] for turn, start, end in pieces)
                etype = _item_type(etype, pieces[0][0], said)
                for k, (turn, start, end) in enumerate(pieces):
                    spans.add_uncovered(turn.index, etype, start, end)
                    seconds = _piece_seconds(turn, start, end, pieces[k + 1][0] if k + 1 < len(pieces) else None)
                    if seconds is not None:
                        spans.add_by_time(turn.index, etype, start, end, *seconds)


def _item_type(etype: str, turn: TurnView, said: str) -> str:
    """Letter names read one by one with no at sign, dot or domain spell a name when a name was
    asked for and an address was not (「名字がピー・イ・アール・イ…」); else what `spelled_items`
    typed it (Latin runs stay addresses: recognition writes garbled words in Latin letters too)."""
    expected = turn.context.expected
    if (etype == "EMAIL_ADDRESS" and "PERSON" in expected and "EMAIL_ADDRESS" not in expected
            and _LETTER_NAME_RUN_ONLY.search(said) and not _SYMBOL.search(said)):
        return "PERSON"
    return etype


def _piece_seconds(turn: TurnView, start: int, end: int, next_turn: TurnView | None) -> tuple[float, float] | None:
    """When a piece of an item said over several turns was spoken: its words' times, and up to
    the next piece's turn, for the pause between two pieces of one spelling is no pause in it
    (recognition times a letter's tail early and leaves it between the turns). None without times."""
    spoken = turn.time_of(start, end) or ((turn.start_s, turn.end_s) if turn.start_s is not None else None)
    if spoken is None or spoken[1] is None:
        return None
    lo, hi = spoken
    if next_turn is not None and next_turn.start_s is not None:
        hi = max(hi, next_turn.start_s)
    return lo, hi


def utterances(call: CallView, max_pause_s: float) -> list[list[TurnView]]:
    """Runs of two turns or more that one speaker said one after another, each at most
    `max_pause_s` after the last (turns without times: one after another)."""
    runs: list[list[TurnView]] = []
    for turn in call.turns:
        if runs and _goes_on(runs[-1][-1], turn, max_pause_s):
            runs[-1].append(turn)
        else:
            runs.append([turn])
    return [run for run in runs if len(run) > 1]


def _goes_on(before: TurnView, turn: TurnView, max_pause_s: float) -> bool:
    """`turn` may go on with what `before` said: the same speaker label (mono: "unknown" for
    both), roles that do not differ where they were inferred, a short pause (or no times)."""
    roles = {_role(before), _role(turn)} - {UNKNOWN}
    if turn.speaker != before.speaker or len(roles) > 1:
        return False
    if before.end_s is None or turn.start_s is None:
        return True
    return turn.start_s - before.end_s <= max_pause_s


def _role(turn: TurnView) -> str:
    return OPERATOR if turn.is_operator else UNKNOWN if turn.may_ask else CALLER


def items_across_turns(turns: list[TurnView], max_gap: int = 8,
                       min_letters: int = 6) -> list[tuple[str, list[tuple[TurnView, int, int]]]]:
    """The items of `turns` read as one text whose chain runs over a turn boundary: (type,
    [(turn, start, end) of each piece]), the pieces in turn offsets, whitespace trimmed."""
    text = TURN_JOINT.join(turn.text for turn in turns)
    bounds, offset = [], 0
    for turn in turns:
        bounds.append((turn, offset, offset + len(turn.text)))
        offset += len(turn.text) + len(TURN_JOINT)
    found = []
    for etype, start, end in spelled_items(text, max_gap, min_letters):
        pieces = []
        for turn, lo, hi in bounds:
            a, b = max(start, lo) - lo, min(end, hi) - lo
            piece = turn.text[a:b] if a < b else ""
            if piece.strip():
                a += len(piece) - len(piece.lstrip())
                b -= len(piece) - len(piece.rstrip())
                pieces.append((turn, a, b))
        if len(pieces) > 1:
            found.append((etype, pieces))
    return found


def spelled_items(text: str, max_gap: int = 8, min_letters: int = 6) -> list[tuple[str, int, int]]:
    """(type, start, end) of every spelled-out e-mail/ID and spoken IP address in `text`."""
    items = [("IP_ADDRESS", m.start(), m.end()) for m in IP_ADDRESS.finditer(text)
             if len(re.findall(_DOT, m.group())) >= 2 and _heard_digits(_IP_KANA.findall(m.group()))]
    for start, end in _chains(text, max_gap):
        anchors = [a for a in _STRONG.finditer(text, start, end) if not _is_unit(text, a)]
        while anchors and _ACRONYM.fullmatch(anchors[0].group()):  # 「IDはAB12CD」: the ID stays
            anchors.pop(0)
        if not anchors:
            continue
        start = anchors[0].start()
        spelled = sum(_spelled_letters(a.group()) for a in anchors)
        spoken_symbol = len(anchors) >= 2 and any(_SYMBOL.fullmatch(text, *a.span()) for a in anchors)  # not 「アットホーム」
        spoken_symbol = spoken_symbol or any(_at_between_words(text, a) for a in anchors)
        at_domain = _AT_SIGN.search(text[max(0, start - 3):start]) is not None and _DOMAIN_ONLY.match(anchors[0].group())
        if spoken_symbol or at_domain:
            start = _local_part_start(text, start, anchors[0])
        letter_names = any(_LETTER_NAME_RUN_ONLY.fullmatch(a.group()) and not _alphabet_run(a.group()) for a in anchors)
        if (spoken_symbol or at_domain or letter_names or spelled >= min_letters) and not any(
                s <= start and end <= e for _, s, e in items):
            items.append(("EMAIL_ADDRESS", start, end))
    return sorted(items, key=lambda item: item[1])


_DOMAIN_ONLY = re.compile(_DOMAIN)


def _heard_digits(kana_words: list[str]) -> bool:
    """The kana between an IP address's digits are one digit read aloud as recognition may hear
    it: its reading, or for two kana or more the reading one kana off (ベロ for ゼロ, イシ for
    イチ). One at most: units between numbers (「0.5キロ2.0キロ3.5」; キロ is one kana off ゼロ) stay."""
    return len(kana_words) <= 1 and all(
        any(len(reading) == len(kana) and sum(a != b for a, b in zip(reading, kana)) <= (len(kana) > 1)
            for reading in DIGIT_READINGS) for kana in kana_words)


def _local_part_start(text: str, start: int, first: re.Match) -> int:
    """Where an address whose first anchor is a spoken symbol (アット, ドット, a domain after a heard
    と) starts: back over the local part said before it, to a pause or the label; else `start`."""
    if not _SYMBOL.fullmatch(text, *first.span()):
        return start
    before = text[max(0, start - LOCAL_PART_MAX):start]
    cut = max((m.end() for m in _LOCAL_PART_START.finditer(before)), default=0)
    local = before[cut:].lstrip()
    return start - len(local) if local.strip() else start


def _at_between_words(text: str, anchor: re.Match) -> bool:
    """An at sign said between two words, no pause around it: the heart of an address."""
    return (_AT_ONLY.fullmatch(text, *anchor.span()) is not None and _WORD_BEFORE.search(text, 0, anchor.start()) is not None
            and _WORD_AFTER.match(text, anchor.end()) is not None)


def _chains(text: str, max_gap: int) -> list[tuple[int, int]]:
    """[start, end) of each chain of strong anchors (extended by weak ones next to it, and by the
    domain's word said right after an at sign that ends it)."""
    chains: list[list[int]] = []
    for match in _STRONG.finditer(text):
        if chains and _joins(text, chains[-1][1], match.start(), max_gap):
            chains[-1][1] = max(chains[-1][1], match.end())
        else:
            chains.append([match.start(), match.end()])
        if _AT_ONLY.fullmatch(text, *match.span()) and (domain := _WORD_AFTER.match(text, match.end())):
            chains[-1][1] = domain.end()  # the domain's word (「&EGザンプル」), whatever anchors it holds
    for chain in chains:  # spoken domain endings right after an item belong to it
        while True:
            weak = _WEAK.search(text, chain[1])
            if weak is None or not _joins(text, chain[1], weak.start(), max_gap):
                break
            chain[1] = weak.end()
    return [(start, end) for start, end in chains]


def _alphabet_run(anchor: str) -> bool:
    """Single letters in alphabetical order (「A、B、C、D」): options listed, nothing spelled."""
    letters = "".join(re.findall(r"[A-Za-z]", anchor)).upper()
    return len(letters) >= 2 and letters in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _spelled_letters(anchor: str) -> int:
    """The characters of an anchor's Latin runs as spelling comes back (MTAKANASHI, rena, S1IMI,
    「DNAHESHINHINAACTOEGザンプル。コム」's letters), not words: an acronym (NTT; 「NTT コム」 spells
    nothing) or a product name in its own case (iPhone, Galaxy); a run of letter names counts
    each name (「ピー・イ・アール・イ」: 4)."""
    if _LETTER_NAME_RUN_ONLY.fullmatch(anchor):
        return len(_ONE_LETTER.findall(anchor))
    return sum(len(run) for run in _LATIN_RUN.findall(anchor)
               if not _ACRONYM.fullmatch(run) and (run.isupper() or run.islower()))


def _is_unit(text: str, anchor: re.Match) -> bool:
    """Letters right after a number are its unit (120kWh, 100Mbps, 5GB), not a spelled item."""
    return anchor.group().isalpha() and anchor.start() > 0 and text[anchor.start() - 1].isdigit()


def _joins(text: str, end: int, start: int, max_gap: int) -> bool:
    return start - end <= max_gap and not _PAUSE.search(text, end, start)
