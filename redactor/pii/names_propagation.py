"""A name said once is a name everywhere in the call: 「長谷川千尋」 in turn 3 makes 「長谷川様」,
「チヒロ」 and the reading 「はせがわ」 in other turns names too.
"""

from __future__ import annotations

import re

import jaconv

_KANJI = re.compile(r"[\u4e00-\u9fff々ヶ]")
_CUES_AFTER_SINGLE = ("様", "さま", "さん", "くん", "君", "ちゃん", "氏", "と申", "です", "でございます", "が承", "って")


def name_terms(value: str, tokens) -> set[str]:
    """Terms to look for: the name, its parts (Sudachi 姓/名, space-separated) and their readings."""
    terms = {value.strip(), re.sub(r"[ 　・]", "", value)}
    terms.update(p for p in re.split(r"[ 　・…]+", value) if len(p) >= 2)
    for token in tokens:
        if "人名" not in token.tag_:
            continue
        terms.add(token.text)
        reading = token.morph.get("Reading")
        if reading and len(reading[0]) >= 3 and reading[0] != token.text:
            terms.add(reading[0])
            terms.add(jaconv.kata2hira(reading[0]))
    return {t for t in terms if t}


def find_occurrences(text: str, term: str) -> list[tuple[int, int]]:
    """Occurrences of a name term in a turn, with boundary rules for short terms."""
    spans = []
    for match in re.finditer(re.escape(term), text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if len(term) == 1:
            # 森, 平, 林: only as a name slot, never inside a word (平成, 森林, 青森).
            if _KANJI.match(before or " ") or not text.startswith(_CUES_AFTER_SINGLE, end):
                continue
        elif _KANJI.fullmatch(term[0]) and _KANJI.match(before or " ") and _KANJI.match(after or " "):
            continue  # a kanji name buried inside a longer compound
        elif not _KANJI.search(term) and len(term) <= 3 and _same_script(before, term[0]):
            continue  # a short kana reading inside a longer kana word
        spans.append((start, end))
    return spans


def _same_script(a: str, b: str) -> bool:
    if not a:
        return False
    hira = lambda c: "ぁ" <= c <= "ゖ"  # noqa: E731
    kata = lambda c: "ァ" <= c <= "ヺ" or c == "ー"  # noqa: E731
    return (hira(a) and hira(b)) or (kata(a) and kata(b))
