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
three groups or more with a letter alone among them are one spelled run. A domain said at the
end of an address (a word, then its ending: 「エグザンプル、 チェーピー」「EGザンプル、こむ」「エグザンプル
しようJP」, a garbled ドット between) is an anchor like a spoken symbol, and an at sign (アット, or
its tail と/っと right before a domain) takes the local part said before it, however it was
heard (「アイスイーチアイアイカミリンアット…」), back to a pause or the item's label (アドレス).

A spoken IP address (「203.0.113.58」「2103.0 113.58」「192ドット168ドット1ドット1」) is four or more
digit groups joined by dots, spoken dots or spaces, two of them dots at least (a version 2.1.4 stays).
"""

from __future__ import annotations

import re

from pydantic import Field

from redactor.pii.dialogue import CallView
from redactor.pii.lexicon.chars import CLOSING_MARKS, KANJI_RANGE, KATAKANA_RANGE
from redactor.pii.lexicon.speech import alternation
from redactor.pii.lexicon.spelling import AT_SIGN_WORDS, DOMAIN_ENDINGS, DOT_WORDS, SYMBOL_WORDS
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

# Letters read one by one, as recognition joins them: three hyphened groups or more, one a letter alone
_LETTER_BY_LETTER = (r"(?<![A-Za-z0-9\-])(?=[A-Za-z0-9\-]*(?<![A-Za-z])[A-Za-z](?![A-Za-z]))"
                     r"[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8}){2,}(?![A-Za-z0-9])")
# A domain at the end of an address: a word, a dot said or garbled (up to 3 characters), its ending
_DOMAIN = (rf"(?:(?!{alternation(AT_SIGN_WORDS)})[{KATAKANA_RANGE}ーA-Za-z]){{3,}}[\s、。]{{0,2}}(?:{alternation(DOT_WORDS)}|[.．]|[^\s、。A-Za-z]{{1,3}})?"
           rf"[\s、。]{{0,2}}(?:{alternation(DOMAIN_ENDINGS)})(?=アテ|[^A-Za-z{KATAKANA_RANGE}ー]|$)")
_SYMBOLS = rf"{alternation((*AT_SIGN_WORDS, *DOT_WORDS, *SYMBOL_WORDS))}|[@＠_]|{_DOMAIN}"
_STRONG = re.compile(rf"{_LETTER_BY_LETTER}|{_SYMBOLS}|[A-Za-z]{{2,}}[A-Za-z0-9]*|[A-Za-z][0-9]+[A-Za-z0-9]*")
_AT_SIGN = re.compile(rf"(?:{alternation(AT_SIGN_WORDS)}|[@＠]|っと|と)$")
# Where the local part said before an at sign starts: after a pause, a sentence's polite end or
# the item's label
_LOCAL_PART_START = re.compile(rf"(?:[{CLOSING_MARKS}、,]|(?:です|ます|ました)\s|アドレス(?:は|が)?|メール(?:は|が)?)\s*")
LOCAL_PART_MAX = 20  # characters of a local part said before an at sign
# spoken domain endings: part of an item next to one, never an item alone
_WEAK = re.compile(r"コム|ジェーピー|ネット|オルグ|シーオー|エヌイー|オーアールジー|[A-Za-z]")
_SYMBOL = re.compile(_SYMBOLS)
_LETTER = re.compile(r"[A-Za-z]")
_ACRONYM = re.compile(r"[A-Z]{2,3}")  # IP, PC, ID, NTT, SIM: words, not spelled items
_PAUSE = re.compile(rf"[{CLOSING_MARKS}\n]|\.(?=\s)|(?:です|でした|ですね|でお|でよろ|でお間違|あてに|宛て|に送|に変更|に連絡)")
_DOT = rf"(?:[.．]|{alternation(DOT_WORDS)}|てん|点)"
IP_ADDRESS = re.compile(rf"(?<!\d)\d{{1,4}}(?:\s*{_DOT}\s*\d{{1,3}}|\s+\d{{1,3}}){{3,}}(?!\d)")


class SpelledItemsConfig(RuleConfig):
    max_gap: int = Field(8, ge=0, le=20, description="Most characters between two anchors of one item.")
    min_letters: int = Field(6, ge=2, le=20, description="Latin letters that make a lone run an item.")


class SpelledItems(CallRule):
    NAME = "spelled_items"
    Config = SpelledItemsConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            for etype, start, end in spelled_items(turn.text, self.config.max_gap, self.config.min_letters):
                spans.add_uncovered(turn.index, etype, start, end)


def spelled_items(text: str, max_gap: int = 8, min_letters: int = 6) -> list[tuple[str, int, int]]:
    """(type, start, end) of every spelled-out e-mail/ID and spoken IP address in `text`."""
    items = [("IP_ADDRESS", m.start(), m.end()) for m in IP_ADDRESS.finditer(text)
             if len(re.findall(_DOT, m.group())) >= 2]
    for start, end in _chains(text, max_gap):
        anchors = [a for a in _STRONG.finditer(text, start, end) if not _is_unit(text, a)]
        while anchors and _ACRONYM.fullmatch(anchors[0].group()):  # 「IDはAB12CD」: the ID stays
            anchors.pop(0)
        if not anchors:
            continue
        start = anchors[0].start()
        spelled = sum(len(a.group()) for a in anchors if _spelled(a.group()))
        spoken_symbol = len(anchors) >= 2 and any(_SYMBOL.fullmatch(a.group()) for a in anchors)  # not 「アットホーム」
        at_domain = _AT_SIGN.search(text[max(0, start - 3):start]) is not None and _DOMAIN_ONLY.match(anchors[0].group())
        if spoken_symbol or at_domain:
            start = _local_part_start(text, start, anchors[0])
        if (spoken_symbol or at_domain or spelled >= min_letters) and not any(
                s <= start and end <= e for _, s, e in items):
            items.append(("EMAIL_ADDRESS", start, end))
    return sorted(items, key=lambda item: item[1])


_DOMAIN_ONLY = re.compile(_DOMAIN)


def _local_part_start(text: str, start: int, first: re.Match) -> int:
    """Where an address whose first anchor is a spoken symbol (アット, ドット, a domain after a heard
    と) starts: back over the local part said before it, to a pause or the label; else `start`."""
    if not _SYMBOL.fullmatch(first.group()):
        return start
    before = text[max(0, start - LOCAL_PART_MAX):start]
    cut = max((m.end() for m in _LOCAL_PART_START.finditer(before)), default=0)
    local = before[cut:].lstrip()
    return start - len(local) if local.strip() else start


def _chains(text: str, max_gap: int) -> list[tuple[int, int]]:
    """[start, end) of each chain of strong anchors (extended by weak ones next to it)."""
    chains: list[list[int]] = []
    for match in _STRONG.finditer(text):
        if chains and _joins(text, chains[-1][1], match.start(), max_gap):
            chains[-1][1] = match.end()
        else:
            chains.append([match.start(), match.end()])
    for chain in chains:  # spoken domain endings right after an item belong to it
        while True:
            weak = _WEAK.search(text, chain[1])
            if weak is None or not _joins(text, chain[1], weak.start(), max_gap):
                break
            chain[1] = weak.end()
    return [(start, end) for start, end in chains]


def _spelled(run: str) -> bool:
    """A Latin run as spelling comes back (MTAKANASHI, rena, S1IMI), not a word: an acronym (NTT)
    or a product name in its own case (iPhone, Galaxy)."""
    return bool(_LETTER.match(run)) and not _ACRONYM.fullmatch(run) and (run.isupper() or run.islower())


def _is_unit(text: str, anchor: re.Match) -> bool:
    """Letters right after a number are its unit (120kWh, 100Mbps, 5GB), not a spelled item."""
    return anchor.group().isalpha() and anchor.start() > 0 and text[anchor.start() - 1].isdigit()


def _joins(text: str, end: int, start: int, max_gap: int) -> bool:
    return start - end <= max_gap and not _PAUSE.search(text, end, start)
