"""What an operator's turn asks for: entity types, any number, the caller's name.

Real speech recognition garbles the question too, so a cue word also matches on its Sudachi
reading a few kana off (有効きげ ~ 有効期限, 有便番号 ~ 郵便番号; see readings.py), and ANY request
naming a number (「〜番号を」「3桁を」「コードを」 + 「お願いします」) asks for a number even when no cue
says which type.
"""

from __future__ import annotations

import re
from functools import lru_cache

from redactor.pii.config import CallContextConfig
from redactor.pii.lexicon.chars import HIRAGANA_RANGE, KANJI_RANGE, PAUSE_MARKS, SENTENCE_END_MARKS
from redactor.pii.readings import allowed_edits, fuzzy_find, reading_of, soft_reading, tokens_of, words_reading

_ELLIPTIC_REQUEST = re.compile(r"を[、。\s]*(?:[。]|$)")
_SENTENCES = re.compile(rf"[^{SENTENCE_END_MARKS}\n]+[{SENTENCE_END_MARKS}]*")
# A read-back of a name already given: 「ヤマダ様でよろしいでしょうか」「村上様ですね」
_KANJI_END = re.compile(rf"[{KANJI_RANGE}]$")
_READ_BACK = re.compile(r"(?:様|さま)(?:で(?:よろしい|お間違い|ございますね|すね)|、)|でよろしいでしょうか|でお間違いな")
# Readings (as readings.soft_reading gives them) of words many cues end in: 番号, ナンバー, コード.
_GENERIC_TAILS = ("バンゴウ", "ナンバ", "コド")


def is_request(text: str, conf: CallContextConfig) -> bool:
    """A request marker, or a clause ending in を (「カード番号を。」: the rest was lost or elided)."""
    return any(marker in text for marker in conf.request_markers) or _ELLIPTIC_REQUEST.search(text) is not None


def request_end(text: str, conf: CallContextConfig) -> int:
    """Offset just after the last request marker (0 if none): in a mono turn holding both the
    question and its answer, what follows is the answer."""
    ends = [text.rfind(m) + len(m) for m in conf.request_markers if m in text]
    ends += [m.end() for m in _ELLIPTIC_REQUEST.finditer(text)]
    return max(ends, default=0)


# The rest of a request's verb after its marker (「お願い|いたします」「お伺い|できますでしょうか」)
_REQUEST_TAIL = re.compile(rf"(?:[{HIRAGANA_RANGE}\s]{{0,10}}?(?:ます|ますか|ください|でしょうか)(?![{HIRAGANA_RANGE}]))?"
                           rf"[{PAUSE_MARKS}\s]*")


def answer_start(text: str, conf: CallContextConfig) -> int:
    """Where the answer starts in a mono turn holding a request and its answer: past the last
    request marker and the rest of its verb (0 if the turn holds no request)."""
    end = request_end(text, conf)
    tail = _REQUEST_TAIL.match(text, end) if end else None
    return tail.end() if tail else end


def asked_types(text: str, conf: CallContextConfig) -> set[str]:
    """Entity types an operator turn asks for (cue word + request marker), else empty.

    A cue matches verbatim, or (with `fuzzy_cues`) on the reading, a few kana off for long cues.
    """
    if not is_request(text, conf):
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
    if not is_request(text, conf):
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


def asks_for_name(text: str, conf: CallContextConfig) -> bool:
    """A sentence that requests the caller's name (「お名前をお願いします」, garbled cues too): not a
    read-back (「名義はヤマダ様でよろしいでしょうか」) nor a request about something else that
    names a name word (「名義変更のお手続きをお願いします」「氏名欄にご記入ください」)."""
    cues = conf.questions.get("PERSON", [])
    for sentence in _SENTENCES.findall(text):
        if not is_request(sentence, conf) or _READ_BACK.search(sentence):
            continue
        # a cue word inside a compound (名義変更, 氏名欄) is no question for the name: blank it out
        for cue in (c for c in cues if _KANJI_END.search(c)):
            sentence = re.sub(rf"{re.escape(cue)}(?=[{KANJI_RANGE}])(?!様)", "、", sentence)
        if "PERSON" in asked_types(sentence, conf):
            return True
    return False
