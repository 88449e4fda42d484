"""Organisation and product names are never a PERSON: 「ハルカ電力」「ヒカリモバイル」「ソラネット」.

Coined company names look like given names (ハルカ, ヒカリ, ソラ) to Sudachi and GiNZA, and the
operator's greeting, where they are said, is also where the operator gives a name. Three kinds of
evidence, none of them a list of particular companies (a site lists its own in `allow_list`):

- the operator's greeting frame names the organisation of the whole call:
  「お電話ありがとうございます。<ORG>(の<部署>)でございます」「<ORG>、担当の<NAME>です」
  「本日は<ORG>、<NAME>が承りました」; the name and its kana stem (ハルカ電力 -> ハルカ) are
  organisation words in every turn of the call;
- a word directly followed by a business suffix (銀行, 電力, でんき, モバイル, ネット, 生命 ...) or
  preceded by 株式会社 is part of an organisation or product name;
- GiNZA's NER calls the span a company, organisation or product.

The stem and the NER label yield to strong person evidence (「ハルカさん」「ソラと申します」「妻の
ヒカリ」, or the caller's answer to a name question); the other two never do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from redactor.pii.config import OrganisationsConfig
from redactor.pii.operator_intro import NOT_STAFF_WORDS, OperatorIntroFinder
from redactor.pii.lexicon.chars import HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE
from redactor.pii.lexicon.names import RELATIONS
from redactor.pii.lexicon.speech import COPULAS, HONORIFICS, SELF_INTRODUCTION, alternation
from redactor.pii.recognizers.names import is_plausible_name
from redactor.pii.spans import Span

TagsOf = Callable[[int, int, int], list[str]]  # (turn, start, end) -> Sudachi tags of the tokens there

_ORG_CHARS = r"[^\s、。，,.！？!?「」『』（）()]"
_KANA_OR_LATIN = re.compile(rf"[{KATAKANA_RANGE}ー{HIRAGANA_RANGE}A-Za-z0-9]")
_KANA_ONLY = re.compile(rf"^[{KATAKANA_RANGE}ー{HIRAGANA_RANGE}A-Za-z0-9・]+$")
_KANJI_WORD = re.compile(rf"[{KANJI_RANGE}]+")
_RELATION_CUES = tuple(f"{r}{p}" for r in RELATIONS for p in ("の", "は"))
# Sudachi tags an organisation name never holds (a particle or verb means the frame ran on past it).
_NOT_IN_NAMES = ("助詞", "助動詞", "動詞", "形容詞", "副詞", "感動詞", "補助記号")
_NAME_SLOT = re.compile(rf"[{KANJI_RANGE}々ヶ{KATAKANA_RANGE}ー{HIRAGANA_RANGE}]{{1,8}}")


@dataclass
class CallOrganisations:
    """The organisation names of one call and the per-turn check that uses them."""

    conf: OrganisationsConfig
    names: set[str] = field(default_factory=set)   # full names: never a person, in any turn
    stems: set[str] = field(default_factory=set)   # ハルカ of ハルカ電力: not a person unless a cue says so
    staff: list[tuple[int, int, int]] = field(default_factory=list)  # (turn, start, end): 「<ORG>の<NAME>です」
    names_said: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # turn text -> its staff spans
    ner_spans: list[list[tuple[int, int]]] = field(default_factory=list)  # per turn: GiNZA organisation entities

    def keep_spans(self, line: str, spans: list[Span], ner_orgs: list[tuple[int, int]],
                   answering_name: bool) -> list[Span]:
        """The spans of one turn without the PERSON spans that organisation evidence explains.

        `ner_orgs` are GiNZA's organisation/product entities in the turn; `answering_name` is
        True in a caller's answer to the operator's name question.
        """
        if not self.conf.enabled:
            return spans
        firm = _occurrences(line, self.names) + self.company_names(line)
        soft = _occurrences(line, self.stems)
        kept = []
        for span in spans:
            etype, start, end, score = span
            if etype == "PERSON" and not self._staff_name_at(line, start, end):
                if self.business_word(line, start, end):
                    continue
                if self.suffix_attached(line, start, end) and not self.person_cue(line, start, end):
                    continue  # 「ハルカ|電力」; but 「名義はヤマダ タロウ|カード番号は」 (no punctuation) stays a name
                if _overlaps(firm, start, end):
                    rest = _outside(firm, start, end, line)
                    if rest is None:
                        continue
                    span = Span(etype, rest[0], rest[1], score)  # 「ミナトテレコム佐々木」: keep the person
                    start, end = rest
                explained = _overlaps(soft, start, end) or self._in_organisation_entity(line, start, end, ner_orgs)
                if explained and not (answering_name or self.person_cue(line, start, end)):
                    continue
            kept.append(span)
        return kept

    def _staff_name_at(self, line: str, start: int, end: int) -> bool:
        """The span is (inside) the operator's self-introduced name: no organisation evidence undoes it."""
        return any(s <= start and end <= e for s, e in self.names_said.get(line, ()))

    def _in_organisation_entity(self, line: str, start: int, end: int, ner_orgs: list[tuple[int, int]]) -> bool:
        """GiNZA calls a larger expression around the span an organisation or product.

        Only a larger one: GiNZA also labels bare names Company (「ヨシダ」「なかじま ゆうすけ」),
        but 「ハルカ」 inside 「ハルカ電力カスタマーセンター」 is part of the organisation's name.
        """
        for a, b in ner_orgs:
            if a < end and start < b:
                entity = line[a:b]
                if (b - a) - (min(b, end) - max(a, start)) >= 2 or any(
                        w in entity for w in (*self.conf.business_suffixes, *self.conf.department_words)):
                    return True
        return False

    def business_word(self, line: str, start: int, end: int) -> bool:
        """The span is a business word: it ends in a business suffix after a name of two characters
        or more (ヒカリモバイル; ベネット is a surname, not ベ + ネット) or follows 株式会社."""
        value = line[start:end].strip()
        if any(value.endswith(s) and len(value) > len(s) + 1 and _suffix_fits(s, value[-len(s) - 1])
               for s in self.conf.business_suffixes):
            return True
        return bool(value) and line[:start].endswith(tuple(self.conf.business_prefixes))

    def company_names(self, line: str) -> list[tuple[int, int]]:
        """Kanji words ending in a kanji business word (「中村建設」「佐藤銀行」「山田商事」): a company
        named after its founder, never a person, whatever follows (「中村建設さん」). Kanji only:
        「名義はヤマダ タロウカード」 is a name before a word, not a company."""
        return [m.span() for m in _company_pattern(tuple(self.conf.business_suffixes)).finditer(line)]

    def suffix_attached(self, line: str, start: int, end: int) -> bool:
        """A business suffix follows the span directly: 「ハルカ|電力」「ヒカリ|光」."""
        value = line[start:end].strip()
        return bool(value) and any(line.startswith(s, end) and _suffix_fits(s, value[-1])
                                   for s in self.conf.business_suffixes)

    def person_cue(self, line: str, start: int, end: int) -> bool:
        """An honorific or self-introduction right after the span, or a name cue right before it."""
        before = line[max(0, start - 12):start].rstrip(" 、")
        return (line.startswith(tuple(self.conf.person_cues_after), end)
                or before.endswith(tuple(self.conf.person_cues_before)) or before.endswith(_RELATION_CUES))


class OrganisationFinder:
    """Finds the organisation a call is with in the operator's greeting and sign-off frames."""

    def __init__(self, conf: OrganisationsConfig):
        self.conf = conf
        self._suffixes = sorted(conf.business_suffixes, key=len, reverse=True)  # longest first: 損害保険 before 保険
        tail = r"(?=の|、|\s|。|でございます|です|が承|がお受け|$)"
        openers = "|".join(map(re.escape, sorted(conf.greeting_openers, key=len, reverse=True))) or "(?!)"
        lead = r"(?:はい[、。]?\s*)?(?:こちら(?:は|、)?\s*)?"
        self._frames = [
            re.compile(rf"(?:{openers})[。、！!\s]*{lead}(?P<org>{_ORG_CHARS}{{2,40}}?){tail}"),
            re.compile(rf"本日は(?P<org>{_ORG_CHARS}{{2,40}}?){tail}"),
        ]
        self._intros = OperatorIntroFinder(conf)
        self._turn_start = re.compile(rf"^{lead}(?P<org>{_ORG_CHARS}{{2,40}}?){tail}")
        # after the organisation, the operator's own name: 「の荒木です」「、担当の井上が承ります」
        self._staff_after = re.compile(
            r"^(?:(?:[の、]|\s)+(?P<role>(?:担当|オペレーター|係)の?\s*|わたくし、?\s*)?"
            r"|(?:です|でございます)。\s*(?P<role2>担当|オペレーター)の?\s*)"
            rf"(?P<staff>[^\s、。]{{1,8}}?)(?:{alternation(COPULAS)}|が承|がお受け|が担当|{SELF_INTRODUCTION})")

    def for_call(self, lines: list[str], operators: list[bool], tags_of: TagsOf,
                 ner_spans: list[list[tuple[int, int]]] | None = None) -> CallOrganisations:
        """The organisations named in a call's operator turns (the first one's start is a greeting too).

        `ner_spans`: GiNZA's organisation/product entities per turn (none without NER)."""
        found = CallOrganisations(self.conf, ner_spans=ner_spans or [[] for _ in lines])
        if not self.conf.enabled:
            return found
        first_operator = next((i for i, op in enumerate(operators) if op), None)
        for turn, (line, operator) in enumerate(zip(lines, operators)):
            if not operator:
                continue
            frames = self._frames + ([self._turn_start] if turn == first_operator else [])
            for frame in frames:
                for match in frame.finditer(line):
                    tags = lambda s, e, t=turn: tags_of(t, s, e)  # noqa: E731
                    name = self._organisation_name(line, match, tags)
                    if not name:
                        continue
                    found.names.add(name)
                    staff = self._staff_name(line, match.end("org"), tags)
                    if staff:
                        found.staff.append((turn, *staff))
                    stem = self._stem(name)
                    if stem != name and len(stem) >= 2 and _KANA_ONLY.match(stem):
                        found.stems.add(stem)
        # the operator's name in the opening and sign-off frames, however garbled (operator_intro.py)
        for turn, start, end in self._intros.find(lines, operators, tags_of, found.names):
            if not any(t == turn and s <= start and end <= e for t, s, e in found.staff):
                found.staff.append((turn, start, end))
        for turn, start, end in found.staff:
            found.names_said.setdefault(lines[turn], set()).add((start, end))
        return found

    def _organisation_name(self, line: str, match: re.Match, tags: Callable[[int, int], list[str]]) -> str | None:
        chunk, start = match.group("org"), match.start("org")
        end = self._through_business_suffix(chunk) or self._department_start(chunk)
        staff = None
        if not end:
            # 「<ORG>の<NAME>です」: the operator's name follows, so the first slot is the organisation
            staff = self._staff_after.match(line[match.end("org"):])
            if not staff or staff.group("staff") in NOT_STAFF_WORDS or not is_plausible_name(staff.group("staff")):
                return None
            end = len(chunk)
        if any(h in chunk[:end] for h in HONORIFICS):
            return None  # 「はい、ヤマダ様の件ですね」: a customer, not the organisation
        name_tags = tags(start, start + end)
        if len(chunk[:end].strip()) < 2 or any(t.startswith(_NOT_IN_NAMES) for t in name_tags):
            return None
        # 「はい、山口でございます」: a name-only slot is the operator's own name, unless the operator's
        # role and name follow (「ハルカでございます。担当の大野です」)
        if name_tags and all("人名" in t for t in name_tags) and not (staff and (staff.group("role") or staff.group("role2"))):
            return None
        return chunk[:end].strip()

    def _staff_name(self, line: str, after_org: int, tags: Callable[[int, int], list[str]]) -> tuple[int, int] | None:
        """The operator's name in the slot after the organisation (「アヤメ銀行の内田です」), if it is one."""
        match = self._staff_after.match(line[after_org:])
        if not match:
            return None
        value = match.group("staff")
        start, end = after_org + match.start("staff"), after_org + match.end("staff")
        if (value in NOT_STAFF_WORDS or value.startswith(("お", "ご")) or not is_plausible_name(value)
                or not _NAME_SLOT.fullmatch(value)
                or any(w in value for w in (*self.conf.business_suffixes, *self.conf.department_words))):
            return None
        slot_tags = tags(start, end)
        if any(not t.startswith("名詞") for t in slot_tags):
            return None  # a verb or particle: 「ハルカ電力の新しくなったサービスです」
        if len(value) > 1 and re.search(rf"[{KANJI_RANGE}{KATAKANA_RANGE}]", value) and slot_tags \
                and all(t.startswith("名詞-普通名詞") for t in slot_tags):
            # a common noun (本社, アンケート): kanji and katakana names are proper nouns to Sudachi,
            # except one-kanji surnames (堀, 林, 森), which are common nouns too
            return None
        return start, end

    def _through_business_suffix(self, chunk: str) -> int:
        """End of the first business suffix with a word of two characters or more before it (and of
        suffixes right after it): ベネット is no ベ + ネット."""
        suffixes = self._suffixes
        for i in range(2, len(chunk)):
            hit = next((s for s in suffixes if chunk.startswith(s, i)), None)
            if hit and _suffix_fits(hit, chunk[i - 1]):
                end = i + len(hit)
                while (more := next((s for s in suffixes if chunk.startswith(s, end)), None)):
                    end += len(more)
                return end
        return 0

    def _department_start(self, chunk: str) -> int:
        """Where a department word starts (0 if none, or if nothing comes before it)."""
        starts = [chunk.find(word) for word in self.conf.department_words if word in chunk]
        return min(starts) if starts else 0

    def _stem(self, name: str) -> str:
        stem = name
        while True:
            suffix = next((s for s in self._suffixes if stem.endswith(s) and len(stem) > len(s)), None)
            if suffix is None:
                return stem
            stem = stem[:-len(suffix)].rstrip(" ・")


@lru_cache(maxsize=8)
def _company_pattern(business_suffixes: tuple[str, ...]) -> re.Pattern:
    """Kanji, then one or more of the business suffixes written in two kanji or more (建設, 銀行)."""
    kanji = sorted((s for s in business_suffixes if len(s) >= 2 and _KANJI_WORD.fullmatch(s)), key=len, reverse=True)
    return re.compile(rf"[{KANJI_RANGE}々ヶ]{{1,6}}?(?:{'|'.join(map(re.escape, kanji)) or '(?!)'})+")


def _suffix_fits(suffix: str, before: str) -> bool:
    """One-character suffixes (光) only after kana or Latin: 山田光 is a given name, ヤマダ光 a product."""
    return len(suffix) > 1 or bool(_KANA_OR_LATIN.match(before))


def _occurrences(line: str, words: set[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for word in words for m in re.finditer(re.escape(word), line)]


def _overlaps(regions: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in regions)


def _outside(regions: list[tuple[int, int]], start: int, end: int, line: str) -> tuple[int, int] | None:
    """The longest part of [start, end) outside the regions, if it is still name-shaped."""
    covered = [False] * (end - start)
    for a, b in regions:
        for i in range(max(a, start), min(b, end)):
            covered[i - start] = True
    best, run_start = None, None
    for i, flag in enumerate(covered + [True]):
        if not flag and run_start is None:
            run_start = i
        elif flag and run_start is not None:
            if best is None or i - run_start > best[1] - best[0]:
                best = (run_start, i)
            run_start = None
    if best is None:
        return None
    lo, hi = start + best[0], start + best[1]
    while lo < hi and line[lo] in "の、 　・":
        lo += 1
    return (lo, hi) if hi > lo and is_plausible_name(line[lo:hi]) else None
