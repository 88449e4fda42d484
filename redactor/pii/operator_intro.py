"""The operator's own name in the greeting and the sign-off, however speech recognition spells it.

「ひかりガス引っ越し受付センター、山本でございます」 comes back from Whisper as
「光がす引っ越し受け付けセンターは山元でございます」, and 「お客様窓口の小林です」 as
「お客様のどっちの小晦らしです」: the name is misheard into words no dictionary calls a name. The
frame around it survives, so the frame decides, fail closed:

    <organisation / department words>(の|は|、)<NAME>(でございます|です|が承ります|...)
    本日は<ORG>、<NAME>が承りました

In the opening of a call (the first turns, or the turns after an opener such as
お電話ありがとうございます, which mono recordings split into turns of their own) the slot
before the copula is the operator's name whatever its characters, if it is short (1-8
characters) and not a word that fills that slot in other sentences (担当, 窓口, 料金センター,
9時から, ご案内, アンケート). Outside the opening, only the sign-off frame counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from redactor.pii.config import OrganisationsConfig
from redactor.pii.lexicon.chars import CLOSING_MARKS, HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS
from redactor.pii.lexicon.names import NOT_NAMES, RELATIONS, VERB_ENDINGS
from redactor.pii.lexicon.speech import ACKNOWLEDGEMENTS, FILLERS, SELF_INTRODUCTION, alternation
from redactor.pii.recognizers.names import is_plausible_name

TagsOf = Callable[[int, int, int], list[str]]  # (turn, start, end) -> Sudachi tags of the tokens there

MAX_NAME = 8          # characters in the name slot (spaces not counted)
OPENING_TURNS = 3     # operator turns an opening spans (a greeting split by pauses)
# The operator introducing themself: 「…です」「…でございます」「…が承ります」「…と申します」
# (a sentence's end, not 「内容ですが」)
INTRO_END = re.compile(rf"(?:で(?:ござ|ごさ)(?:い|り)ます|です)(?=[{PAUSE_MARKS}\s]|$)|{SELF_INTRODUCTION}"
                        rf"|が(?:承|うけたまわ|受けたまわ|受け賜|お受け|おうけ|担当|対応|ご案内)[{HIRAGANA_RANGE}]{{0,6}}ま(?:す|した)")
# The sign-off: 「…が承りました」「…が担当いたしました」
SIGNOFF_END = re.compile(rf"が(?:承|うけたまわ|受けたまわ|受け賜|担当|対応)[{HIRAGANA_RANGE}]{{0,5}}ました")
_SENTENCE_END = re.compile(rf"[{CLOSING_MARKS}\n]")
_SLOT_CHARS = re.compile(rf"^[{KANJI_RANGE}々ヶ{KATAKANA_RANGE}ー{HIRAGANA_RANGE}A-Za-z・ 　]+$")
# The operator's role before the name: 「、担当の井上です」「、わたくし山田が承ります」
_ROLE = re.compile(r"(?:担当(?:者)?(?:の|は)?|オペレーター(?:の|は)?|係(?:の|は)?|わたくし|わたし|私)[、\s]*")
_OPENERS = re.compile(rf"^(?:{alternation((*ACKNOWLEDGEMENTS, *FILLERS))}|もしもし|こちら(?:は)?|[、。\s])*")
# What follows 「<X>の」 in an operator's turn that is not the operator's name: 「ご注文の件です」
NOT_STAFF_WORDS = frozenset({"件", "方", "者", "人", "話", "事", "こと", "もの", "物", "予定", "場合", "通り", "ため", "まま",
                             "ほう", "店", "社", "側", "分", "旨", "順", "番", "用", "点", "際", "他", "例", "方針", "管轄"})
# Words that fill the slot but are no one's name: the function words of the frame itself
SLOT_WORDS = NOT_STAFF_WORDS | {
    "担当", "担当者", "部署", "担当部署", "係", "窓口", "受付", "受け付け", "センター", "こちら", "そちら", "当社", "弊社", "本社",
    "支社", "本店", "支店", "営業所", "事務所", "本部", "会社", "オペレーター", "スタッフ", "私共", "わたくしども", "以上", "本日",
    "今日", "只今", "ただいま", "営業中", "休業日", "定休日", "ご用件", "ところ", "とき", "はず", "わけ", "つもり"}
SLOT_NOT_ENDINGS = (*VERB_ENDINGS, "から", "まで", "より", "など", "だけ", "ほど", "ごろ",
                     "のみ", "ばかり", "限り", "次第", "以降", "以前", "当日", "平日", "休日", "祝日",
                     "頃", "について", "として", "ため", "向け", "用")
# Sudachi's word for a slot that is an ordinary word: a loanword (アンケート) or a verbal/temporal noun
_ORDINARY = ("名詞-普通名詞-サ変可能", "名詞-普通名詞-副詞可能", "名詞-普通名詞-助数詞可能", "代名詞", "副詞", "連体詞",
             "接続詞", "感動詞", "形容詞")
_KATAKANA_WORD = re.compile(rf"^[{KATAKANA_RANGE}ー]+$")
_HIRAGANA = re.compile(rf"[{HIRAGANA_RANGE}]")
_SEPARATING_PARTICLES = ("助詞-格助詞", "助詞-係助詞", "助詞-準体助詞")  # の, は; not のみ, のに
# Parts of the words operators say in the slot's place (「受付時間外です」「ご案内専用です」), rare in names
NOT_IN_SLOT = ("時間", "期間", "曜日", "営業", "案内", "料金", "契約", "手続", "番号", "住所", "専用", "自動", "音声",
                "混雑", "休み", "不在", "受付", "予約", "確認", "対応", "以外", "以上", "以下", "ページ", "サイト")


class OperatorIntroFinder:
    """Finds the operator's name slot in the call's opening turns and in sign-offs."""

    def __init__(self, conf: OrganisationsConfig):
        self.conf = conf
        self._openers = tuple(conf.greeting_openers)
        self._org_words = tuple(w for w in (*conf.department_words, *conf.business_suffixes) if len(w) >= 2)

    def find(self, lines: list[str], operators: list[bool], tags_of: TagsOf,
             organisation_names: set[str] = frozenset()) -> list[tuple[int, int, int]]:
        """(turn, start, end) of the operator's name in greetings and sign-offs.

        `operators[i]` is True where turn i may be the operator's (an unknown speaker may be).
        """
        found: list[tuple[int, int, int]] = []
        opening_left, carry, weak_ok = OPENING_TURNS, False, True
        for turn, (line, operator) in enumerate(zip(lines, operators)):
            if not operator:
                opening_left = max(0, opening_left - 1)
                carry = False
                continue
            tags = (lambda s, e, t=turn: tags_of(t, s, e))  # noqa: E731
            openers = [o for o in self._openers if o in line]
            if openers:
                # a greeting (again, after a transfer or a hold); only a thanks for the call opens a
                # call, where any name-slot filler counts: after お待たせいたしました the operator
                # reads out results (「ご契約の内容です」), so organisation words must be said there
                opening_left, weak_ok = OPENING_TURNS, any("ありがとう" in o for o in openers)
            slots = []
            if opening_left > 0:
                slots = self._slots(line, INTRO_END, tags, organisation_names, carry, opening=weak_ok)
            slots += self._slots(line, SIGNOFF_END, tags, organisation_names, False, opening=False)
            found.extend((turn, s, e) for s, e in dict.fromkeys(slots))
            if not slots and opening_left > 0 and INTRO_END.search(line):
                # 「ハルカ電力でございます」 named the organisation and no one: what follows is the
                # caller (mono) or a role and name with organisation words (「担当の大野です」)
                weak_ok = False
            if slots and opening_left > 0:
                opening_left, carry = 0, False  # the operator has given their name: the caller speaks next
                continue
            greeting_like = bool(slots) or any(o in line for o in self._openers) \
                or self._has_org_words(line, organisation_names)
            carry = opening_left > 0 and self._ends_in_org_words(line, organisation_names)
            opening_left = opening_left - 1 if greeting_like else 0
        return found

    def _slots(self, line: str, ending: re.Pattern, tags, names, carry: bool, opening: bool) -> list[tuple[int, int]]:
        slots = []
        for match in ending.finditer(line):
            end = match.start()
            sentence = max((m.end() for m in _SENTENCE_END.finditer(line, 0, end)), default=0)
            # a greeting opener ends the part before the organisation: 「…ございます光がす…」
            for opener in self._openers:
                at = line.rfind(opener, sentence, end)
                if at >= 0:
                    sentence = max(sentence, at + len(opener))
            delimiter = self._delimiter(line, sentence, end, tags)
            if delimiter is None:
                if not carry:
                    continue
                before, start = "", sentence  # 「…受付センター」 | 「山本でございます」 (the next turn)
            else:
                before, start = line[sentence:delimiter[0]], delimiter[1]
            evidence = carry or self._has_org_words(before, names) or "本日は" in line[sentence:start] \
                or (opening and _OPENERS.sub("", before) != "")
            if not evidence:
                continue
            role = _ROLE.match(line, start, end)  # 「担当の」「わたくし」 before the name
            start = role.end() if role else start
            while start < end and line[start] in " 　、":
                start += 1
            if self._is_name_slot(line[start:end], tags(start, end)):
                slots.append((start, end))
        return slots

    def _delimiter(self, line: str, lo: int, end: int, tags) -> tuple[int, int] | None:
        """(start, end) of the nearest separator before the slot: a comma, a particle の/は, or the end
        of a department word / business suffix (「受付センター山本です」); None if there is none."""
        lo = max(lo, end - MAX_NAME - 8)
        for i in range(end - 1, lo - 1, -1):
            ch = line[i]
            if ch in "、," and i < end - 1:
                return i, i + 1
            if ch in "のは" and i > lo and i < end - 1:
                slot_tags = tags(i, i + 1)
                if all(t.startswith(_SEPARATING_PARTICLES) for t in slot_tags) if slot_tags \
                        else not (_HIRAGANA.match(line[i - 1]) and _HIRAGANA.match(line[i + 1])):
                    return i, i + 1  # without tags, は inside a kana run is part of a word (たかはし)
            if i < end - 1 and any(line.endswith(w, 0, i + 1) and (i + 1 - len(w)) > lo for w in self._org_words):
                return i + 1, i + 1
        return None

    def _is_name_slot(self, value: str, slot_tags: list[str]) -> bool:
        compact = re.sub(r"[ 　]", "", value)
        if not (1 <= len(compact) <= MAX_NAME) or not _SLOT_CHARS.match(value):
            return False
        if compact in SLOT_WORDS or compact in NOT_NAMES or compact in RELATIONS or compact.endswith(SLOT_NOT_ENDINGS):
            return False
        if re.match(rf"[おご][{KANJI_RANGE}{KATAKANA_RANGE}]", compact) or not is_plausible_name(compact):
            return False  # ご案内, お手続き; 担当者, 料金センター
        if any(w in compact for w in (*self._org_words, *NOT_IN_SLOT, "担当", "部署", "窓口", "センター")):
            return False
        if slot_tags:
            if len(slot_tags) == 1 and _KATAKANA_WORD.match(compact) and slot_tags[0].startswith("名詞-普通名詞"):
                return False  # a loanword: アンケート, キャンペーン (katakana names are proper or unknown words)
            if slot_tags[-1].startswith(_ORDINARY) and not any(
                    t.startswith(("名詞-固有名詞", "接頭辞", "助動詞")) for t in slot_tags):
                return False  # 受付, 休業日, 予定: a verbal or temporal noun ends the slot
        return True

    def _has_org_words(self, text: str, names) -> bool:
        return any(w in text for w in self._org_words) or any(n in text for n in names)

    def _ends_in_org_words(self, line: str, names) -> bool:
        tail = line.rstrip("、。 　の")
        if INTRO_END.search(line[-12:]) or not tail:
            return False
        return tail.endswith(self._org_words) or any(tail.endswith(n) for n in names)
