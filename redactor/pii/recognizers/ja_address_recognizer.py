"""ADDRESS: prefecture/city/ward/town, 丁目/番地/号, building and room, as spoken.

Addresses have no closed form, so this recognizer scans: it starts at a prefecture or a
city/ward name and extends over address characters until a sentence ending (です, でよろしい, 。),
following 「、」 only when digits or a building come next (「戸部本町の、えー、42の9」).
A span without a block number is not reported: 「東京都にお住まい」 is not an address.

Speech recognition garbles the ward and town far more often than the block number
(東京都接たがいやく対し度を3丁目18番7号), so a marker (prefecture, or kanji + 市/区/町/村) followed
within a short garbled phrase by a block number (丁目/番地/番/号, 3-18-7) is one address too,
whatever lies between (see address_shapes.py for what is no block number: 3番の窓口, 1号機).
"""

from __future__ import annotations

import re
from typing import Optional

from presidio_analyzer import RecognizerResult

from redactor.pii.lexicon.chars import CLOSING_MARKS, HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE
from redactor.pii.lexicon.speech import FILLERS
from redactor.pii.recognizers.address_shapes import MARKER, PREFECTURE_START, garbled_block_after, has_block, room_end
from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer
from redactor.pii.recognizers.prefectures import PREFECTURES

BUILDING_WORDS = ("ハイツ|コーポ|メゾン|荘|レジデンス|テラス|ハウス|ビル|タワー|コート|パレス|ヒルズ|ハイム|マンション|"
                  "アパート|パーク|プラザ|シティ|ガーデン|ヴィラ|ビラ|カーサ|ドミール|グラン|ロイヤル|サイド|ホームズ|"
                  "ステージ|エステート|団地|住宅|寮|棟|フラット|ライオンズ|ルミエール|ベル|メゾネット|アーバン")
_ANCHORS = re.compile(
    "(?:" + "|".join(PREFECTURES) + ")"
    rf"|[{KANJI_RANGE}]{{1,4}}市[{KANJI_RANGE}]{{1,3}}区"
    rf"|[{KANJI_RANGE}{HIRAGANA_RANGE}]{{1,5}}[市区町村](?=[{KANJI_RANGE}]{{0,6}}[の\s]?\d)"
)
_STOPS = ("です", "でよろ", "でお間違", "で登録", "でご登録", "でござ", "でしょう", "ですね", "にお住", "にお送",
          "にお願", "宛", "まで", "から", "より", "に住", "って", "でお願", "ね", *CLOSING_MARKS, "\n",
          "「", "」", "（", "(")
_STOP_KANA = set("でがはをにもとねよへか")
_FILLERS = (*FILLERS, "その")
_TRAIL = re.compile(r"[\sの、,ー\-]+$")


class JaAddressRecognizer(JaPatternRecognizer):
    ENTITY = "ADDRESS"
    PATTERNS = [
        JaPattern("building + room (medium)",
                  rf"[{KANJI_RANGE}{KATAKANA_RANGE}ー・]{{0,10}}(?:{BUILDING_WORDS})[{KANJI_RANGE}{KATAKANA_RANGE}ー]{{0,8}}\s?の?\s?\d{{1,4}}(?:号室|号)?", 0.45),
    ]
    CONTEXT = ["住所", "送付先", "お届け先", "お住まい", "引っ越", "転居", "マンション", "号室", "宛先", "じゅうしょ"]
    ANCHORED_SCORE = 0.7
    CITY_SCORE = 0.55
    GARBLED_PREFECTURE_SCORE = 0.6  # prefecture ... block number, the middle unreadable
    GARBLED_CITY_SCORE = 0.5
    MAX_LENGTH = 70

    def analyze(self, text, entities, nlp_artifacts=None):
        results = super().analyze(text, entities, nlp_artifacts)
        covered: list[tuple[int, int]] = []
        covered_until = -1
        for anchor in _ANCHORS.finditer(text):
            if anchor.start() < covered_until:
                continue
            end = self.extend(text, anchor.end())
            value = text[anchor.start():end]
            if not has_block(value):  # 「大阪府の3番の窓口」: a count, no address
                continue
            covered_until = end
            covered.append((anchor.start(), end))
            base = self.ANCHORED_SCORE if value.startswith(tuple(PREFECTURES)) else self.CITY_SCORE
            results.append(self._scan_result(text, anchor.start(), end, base))
        for marker in MARKER.finditer(text):
            block = garbled_block_after(text, marker.end())
            if block is None or any(s <= marker.start() and block.end() <= e for s, e in covered):
                continue
            end = room_end(text, max(block.end(), self.extend(text, block.start())))
            covered.append((marker.start(), end))
            garbled = "address across a garbled middle (medium)"
            base = self.GARBLED_PREFECTURE_SCORE if marker.group().startswith(PREFECTURE_START) else self.GARBLED_CITY_SCORE
            results.append(self._score(text, JaPattern(garbled, MARKER.pattern, base), marker.start(), end, None))
        return results

    def _scan_result(self, text: str, start: int, end: int, base: float) -> RecognizerResult:
        pattern = JaPattern("address scan (medium)", _ANCHORS.pattern, base)
        return self._score(text, pattern, start, end, None)

    def extend(self, text: str, pos: int) -> int:
        """End of the address going on from `pos`: address characters up to a sentence ending or particle."""
        limit = min(len(text), pos + self.MAX_LENGTH)
        i = pos
        while i < limit:
            if text.startswith(_STOPS, i):
                break
            ch = text[i]
            if ch in "、,":
                if self._continues_after_comma(text, i + 1):
                    i += 1
                    continue
                break
            if ch in _STOP_KANA and not text.startswith(("が丘", "ケ丘", "が岡", "が谷"), i):
                break
            if not (ch.isalnum() or ch in " -・ー々ヶ"):
                break
            i += 1
        value = _TRAIL.sub("", text[pos:i])
        return pos + len(value)

    def _continues_after_comma(self, text: str, j: int) -> bool:
        """After 「、」 an address goes on only with digits or a building name with a number."""
        while True:
            j += len(text[j:j + 1]) if text[j:j + 1] == " " else 0
            filler = next((f for f in _FILLERS if text.startswith(f, j)), None)
            if not filler:
                break
            j += len(filler)
            while j < len(text) and text[j] in "、ー ":
                j += 1
        if j < len(text) and text[j].isdigit():
            return True
        k = j
        while k < len(text) and re.match(rf"[{KANJI_RANGE}{KATAKANA_RANGE}ー・\sの]", text[k]) and k - j < 20:
            k += 1
        return k > j and k < len(text) and text[k].isdigit()

    def validate_result(self, value: str) -> Optional[bool]:
        return None
