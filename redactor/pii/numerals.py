"""Spoken numerals: kanji numerals (〇九〇, 五十二) and kana readings (ゼロキューゼロ, にじゅうよっか).

Each converter works on a list of `Piece`s (a normalized character with the original span it came
from) and returns a new list, so that the offset map back to the original text survives every step.
Conversion is deliberately conservative: 「に」「ご」 are particles and 「五十嵐」「健二」 are names,
so a kana run is converted only when it is clearly a number and a kanji run only when it stands
next to digits, numeral units or separators.
"""

from __future__ import annotations

from dataclasses import dataclass

import jaconv
import kanjize

from redactor.pii.lexicon.chars import is_hiragana, is_kanji, is_katakana
from redactor.pii.lexicon.speech import FILLERS


@dataclass(frozen=True)
class Piece:
    """One character of the normalized text and the [start, end) span it covers in the original."""

    char: str
    start: int
    end: int


KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
KANJI_POSITIONAL = {"十": 10, "百": 100, "千": 1000}
# Kanji that may follow a number (so a numeral before them is a number, not part of a name).
NUMERAL_UNITS = set("年月日時分秒丁目番地号条円歳回件階棟室桁つ枚台人個")
ERA_NAMES = {"明治", "大正", "昭和", "平成", "令和"}

# Kana readings of digits. "Strong" readings are two kana or more: single-kana ones (に, ご) are
# also particles, so a run must hold at least two strong readings to count as a number.
KANA_DIGITS = {
    "ぜろ": 0, "れい": 0, "まる": 0, "いち": 1, "いっ": 1, "にい": 2, "にー": 2, "に": 2, "さん": 3,
    "よん": 4, "ごー": 5, "ごう": 5, "ご": 5, "ろく": 6, "ろっ": 6, "なな": 7, "しち": 7, "はち": 8,
    "はっ": 8, "きゅう": 9, "きゅー": 9, "きゅ": 9,
}
KANA_POSITIONAL = {"じゅう": 10, "じゅー": 10, "じゅっ": 10, "ひゃく": 100, "びゃく": 100, "ぴゃく": 100,
                   "せん": 1000, "ぜん": 1000}
# Day-of-month readings (ついたち..とおか, はつか) and the month readings that use other forms.
KANA_DAYS = {"ついたち": 1, "ふつか": 2, "みっか": 3, "よっか": 4, "いつか": 5, "むいか": 6, "なのか": 7,
             "ようか": 8, "ここのか": 9, "とおか": 10, "はつか": 20}
KANA_MONTH_SPECIAL = {"しがつ": 4, "しちがつ": 7, "くがつ": 9}
KANA_UNITS = {"ねん": "年", "がつ": "月", "にち": "日", "ちょうめ": "丁目", "ばんち": "番地"}
KANA_ERAS = {"めいじ": "明治", "たいしょう": "大正", "しょうわ": "昭和", "へいせい": "平成", "れいわ": "令和"}

_TOKENS = sorted(
    [(k, "digit") for k in KANA_DIGITS] + [(k, "pos") for k in KANA_POSITIONAL]
    + [(k, "day") for k in KANA_DAYS] + [(k, "month") for k in KANA_MONTH_SPECIAL],
    key=lambda item: -len(item[0]),
)


def _is_kanji(ch: str) -> bool:
    return bool(ch) and (is_kanji(ch) or ch in "々〆")


def convert_kanji_numerals(pieces: list[Piece]) -> list[Piece]:
    """Turn kanji numeral runs that are clearly numbers into ASCII digits."""
    out: list[Piece] = []
    i, n = 0, len(pieces)
    while i < n:
        ch = pieces[i].char
        if ch not in KANJI_DIGITS and ch not in KANJI_POSITIONAL:
            out.append(pieces[i])
            i += 1
            continue
        j = i
        while j < n and (pieces[j].char in KANJI_DIGITS or pieces[j].char in KANJI_POSITIONAL):
            j += 1
        run = pieces[i:j]
        before = "".join(p.char for p in pieces[max(0, i - 2):i])
        after = pieces[j].char if j < n else ""
        if _kanji_run_is_number(run, before, after):
            out.extend(_kanji_run_to_digits(run))
        else:
            out.extend(run)
        i = j
    return out


def _kanji_run_is_number(run: list[Piece], before: str, after: str) -> bool:
    """`before` holds up to two characters before the run, `after` the one after it."""
    text = "".join(p.char for p in run)
    last = before[-1:] if before else ""
    if _is_kanji(after) and after not in NUMERAL_UNITS:
        return False  # 五十嵐, 健二郎: part of a name or word
    if len(text) >= 3 and all(c in KANJI_DIGITS for c in text):
        return True  # 〇九〇, 四七〇二: a digit string, whatever surrounds it
    if after in NUMERAL_UNITS or before in ERA_NAMES:
        return True  # 西七丁目, 十二条, 昭和五十二年
    if _is_kanji(last) and last not in NUMERAL_UNITS:
        return False  # 健二, 浩一
    if len(text) == 1:
        # A lone numeral counts only when a unit or a digit group follows (三番, 七丁目, 二の5).
        return after in NUMERAL_UNITS or after.isdigit()
    return True


def _kanji_run_to_digits(run: list[Piece]) -> list[Piece]:
    text = "".join(p.char for p in run)
    if all(c in KANJI_DIGITS for c in text):
        return [Piece(str(KANJI_DIGITS[p.char]), p.start, p.end) for p in run]
    try:
        value = kanjize.kanji2number(text)
    except Exception:  # kanjize rejects malformed numerals such as 十十; keep them as text
        return run
    return [Piece(d, run[0].start, run[-1].end) for d in str(value)]


_FIRST_CHARS = frozenset(token[0] for token, _ in _TOKENS)
_ERA_FIRST_CHARS = frozenset(era[0] for era in KANA_ERAS)


def _match_token(hira: str, i: int) -> tuple[str, str] | None:
    if i >= len(hira) or hira[i] not in _FIRST_CHARS:
        return None
    for token, kind in _TOKENS:
        if hira.startswith(token, i):
            return token, kind
    return None


def convert_kana_numerals(pieces: list[Piece]) -> list[Piece]:
    """Turn runs of kana numeral readings (ぜろはちぜろ, にじゅうよっか, しょうわ) into digits/kanji."""
    hira = jaconv.kata2hira("".join(p.char for p in pieces))
    out: list[Piece] = []
    i, n = 0, len(pieces)
    while i < n:
        if hira[i] not in _FIRST_CHARS and hira[i] not in _ERA_FIRST_CHARS:
            out.append(pieces[i])
            i += 1
            continue
        era = next((e for e in KANA_ERAS if hira.startswith(e, i)), None)
        if era and _match_token(hira, i + len(era)):
            chars = KANA_ERAS[era]
            out.extend(Piece(c, pieces[i].start, pieces[i + len(era) - 1].end) for c in chars)
            i += len(era)
            continue
        run = _scan_run(hira, i)
        if run is None:
            out.append(pieces[i])
            i += 1
            continue
        end, groups = run
        out.extend(_emit_groups(pieces, hira, groups))
        i = end
    return out


def _scan_run(hira: str, i: int) -> tuple[int, list] | None:
    """Read a run of numeral groups from i; None unless it is convincingly a number."""
    groups: list[list[tuple[int, int, str, str]]] = []
    current: list[tuple[int, int, str, str]] = []
    j, n = i, len(hira)
    while j < n:
        m = _match_token(hira, j)
        if m and m[1] == "day" and not (current or groups):
            m = None  # ようか, いつか alone are words (しようか, いつか), not days
        if m:
            token, kind = m
            current.append((j, j + len(token), token, kind))
            j += len(token)
            unit = next((u for u in KANA_UNITS if hira.startswith(u, j)), None)
            if unit and kind != "day":
                current.append((j, j + len(unit), unit, "unit"))
                j += len(unit)
            continue
        # Separators between groups: の、, spaces, ellipses, hesitations and spoken dots
        # (ゼロハチゼロ、よんろくにいきゅう, ゼロ…いち、にー, ななな、えっと、いち, いちきゅうにーてんいち).
        k = _separator_end(hira, j)
        if current and k > j and _match_token(hira, k):
            groups.append(current)
            current = []
            j = k
            continue
        break
    if current:
        groups.append(current)
    tokens = [t for g in groups for t in g]
    if not tokens:
        return None
    strong = sum(1 for t in tokens if t[3] != "unit" and len(t[2]) >= 2)
    has_marker = any(t[3] in ("unit", "day", "month") for t in tokens)
    count = sum(1 for t in tokens if t[3] != "unit")
    if not ((count >= 3 and strong >= 2) or (has_marker and strong >= 1) or _glued_to_digits(hira, i, tokens)):
        return None
    # Do not swallow a trailing separator; end at the last token of the last group.
    return tokens[-1][1], groups


_SEPARATOR_CHARS = "の、,. 　…・"
_SEPARATOR_MAX = 3  # separator characters between two groups of one number, on each side of a word
# Spoken dots between the groups of an IP address or a version (いちきゅうにー てん いちろくはち):
# kept as they are, so that the address reads 192 てん 168 てん 1 てん 1.
_SPOKEN_DOTS = ("てん", "どっと", "どっど")


def _separator_end(hira: str, j: int) -> int:
    """End of the separator between two numeral groups starting at j (j itself when there is none):
    separator characters, and hesitations (「、えっと、」) or spoken dots between them."""
    k, plain = j, 0
    while k < len(hira):
        word = next((w for w in (*FILLERS, *_SPOKEN_DOTS) if hira.startswith(w, k)), None)
        if word and (k > j or word in _SPOKEN_DOTS):
            k += len(word)
            plain = 0
        elif hira[k] in _SEPARATOR_CHARS and plain < _SEPARATOR_MAX:
            k += 1
            plain += 1
        else:
            break
    return k


# Digit readings that are also everyday words right after a number (3さん: a person's title).
_AMBIGUOUS_AFTER_DIGITS = {"さん", "ごう"}  # 3さん (a title), 4ごう室 (号)
# Kana that may follow a number answer (です, の, と, ね...): anything else continues a word.
_PARTICLES = "でのとがはねよかにもや"


def _glued_to_digits(hira: str, start: int, tokens: list) -> bool:
    """Speech recognition mixes digits and readings in one number (ゼロ9ゼロ, 090の33ハチ1): a run
    of two-kana digit readings touching a digit is a number too."""
    end = tokens[-1][1]
    after = hira[end] if end < len(hira) else ""
    if after and after not in _PARTICLES and (is_hiragana(after) or (is_katakana(after) and after != "ー")):
        return False  # the reading runs on into a word (3にいち: に+いち misread as にい+ち)
    digit_before, digit_after = start > 0 and hira[start - 1].isdigit(), after.isdigit()
    if not (digit_before or digit_after) or any(t[3] != "digit" for t in tokens):
        return False
    # The readings touching the digits must be unmistakable (two kana, not 3さん); a one-kana reading
    # inside (4はちに = 482) is a digit once two-kana readings are at least half of the run.
    edges = ([tokens[0]] if digit_before else []) + ([tokens[-1]] if digit_after else [])
    strong = [t for t in tokens if len(t[2]) >= 2]
    return (all(len(t[2]) >= 2 and t[2] not in _AMBIGUOUS_AFTER_DIGITS for t in edges)
            and 2 * len(strong) >= len(tokens))


def _emit_groups(pieces: list[Piece], hira: str, groups: list) -> list[Piece]:
    out: list[Piece] = []
    prev_end = None
    for group in groups:
        if prev_end is not None:
            out.extend(pieces[prev_end:group[0][0]])  # the separator, untouched
        out.extend(_emit_group(pieces, group))
        prev_end = group[-1][1]
    return out


def _emit_group(pieces: list[Piece], group: list) -> list[Piece]:
    out: list[Piece] = []
    pending: list = []

    def flush() -> None:
        if not pending:
            return
        start, end = pieces[pending[0][0]].start, pieces[pending[-1][1] - 1].end
        if any(t[3] == "pos" for t in pending):
            for d in str(_positional_value(pending)):
                out.append(Piece(d, start, end))
        else:
            for s, e, token, _ in pending:
                out.append(Piece(str(KANA_DIGITS[token]), pieces[s].start, pieces[e - 1].end))
        pending.clear()

    for tok in group:
        s, e, token, kind = tok
        span = (pieces[s].start, pieces[e - 1].end)
        if kind in ("digit", "pos"):
            pending.append(tok)
        elif kind == "day":
            value = KANA_DAYS[token] + (_positional_value(pending) if pending else 0)
            start = pieces[pending[0][0]].start if pending else span[0]
            pending.clear()
            out.extend(Piece(c, start, span[1]) for c in f"{value}日")
        elif kind == "month":
            flush()
            out.extend(Piece(c, *span) for c in f"{KANA_MONTH_SPECIAL[token]}月")
        else:  # unit
            flush()
            out.extend(Piece(c, *span) for c in KANA_UNITS[token])
    flush()
    return out


def _positional_value(tokens: list) -> int:
    """Value of a positional reading: せんきゅうひゃくななじゅうきゅう -> 1979."""
    total, digit = 0, None
    for _, _, token, kind in tokens:
        if kind == "digit":
            if digit is not None:  # two digits in a row: read as a digit string
                digit = digit * 10 + KANA_DIGITS[token]
            else:
                digit = KANA_DIGITS[token]
        else:
            total += (digit if digit is not None else 1) * KANA_POSITIONAL[token]
            digit = None
    return total + (digit or 0)
