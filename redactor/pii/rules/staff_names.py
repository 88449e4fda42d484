"""A member of staff the operator names by their role is a name, however recognition heard it.

Operators say who will act next for the caller: 「担当の西園寺からご連絡いたします」「ドライバーの
小野寺が参ります」「西園寺よりお電話いたします」. Recognition turns the name into ordinary words
(「担当の才音時から」「ドライバーのおのれらが」) that no name recognizer takes. The frame decides, in
an operator's turn:

- 「<role>の X (から|より|が) [whom に] <what staff do>」: a role noun (担当, ドライバー, 係 ...: `STAFF_ROLES`),
  the short run of words X, and an action (ご連絡, お電話, 折り返し, 参ります, 伺います, お持ちします
  ...: `STAFF_ACTIONS`): X is a PERSON unless it is a role itself (担当の者から, 係の方が);
- 「X より <what staff do> いたします」 (より names who sends or calls, in the humble register): X, back to
  a pause or a particle, is a PERSON unless it is a role, the company or a time (担当者より, 弊社より,
  本日より).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field

from redactor.pii.dialogue import CallView
from redactor.pii.lexicon.chars import PAUSE_MARKS
from redactor.pii.lexicon.names import NOT_NAME_SUFFIXES, NOT_NAMES, STAFF_ACTIONS, STAFF_ROLES
from redactor.pii.lexicon.speech import alternation
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet

_ACTION = rf"\s?(?:{alternation(STAFF_ACTIONS)})"
_NO_BREAK = rf"[^{PAUSE_MARKS}]"
# Whom staff act towards, said between who and what (「担当の西園寺から相手の方にご連絡」)
_TOWARDS = rf"(?:[^{PAUSE_MARKS}]{{1,8}}?(?:に|へ)\s?)?"
# The operator's side acting, in the humble register (いたします, 差し上げます, させていただきます): より
# then names a sender, not a comparison (「通常よりお届けが遅れて」) or a place (「サイトよりご連絡ください」)
_HUMBLE = rf"[^{PAUSE_MARKS}]{{0,6}}?(?:いたし|致し|差し上げ|さしあげ|させて|します|しま[すし])"
# Who acts, and words that stand where a staff member's name would and name nobody
_NOT_STAFF = (*STAFF_ROLES, "者", "もの", "方", "ほう", "人", "ひと", "私ども", "わたくしども", "私共", "わたしども", "こちら",
              "そちら", "当方", "当店", "弊店", "本社", "支店", "本部", "部署", "センター", "窓口", "別", "他", "ほか", "専門")
# Times before より (本日よりご案内, 明日より): a start, not a sender
_TIMES = re.compile(r"(?:本日|明日|あす|後日|来週|来月|今後|以降|後ほど|のちほど|改めて|あらためて|翌日|当日|今日|週明け|午前|午後|"
                    r"[0-9０-９]+(?:時|日|月|分))$")


class StaffNamesConfig(RuleConfig):
    max_chars: int = Field(8, ge=1, le=12, description="Longest run of words taken as a staff member's name.")


class StaffNames(CallRule):
    NAME = "staff_names"
    Config = StaffNamesConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            if not turn.may_ask:
                continue
            for start, end in staff_names(turn.text, self.config.max_chars):
                spans.add_uncovered(turn.index, "PERSON", start, end)


def staff_names(text: str, max_chars: int = 8) -> list[tuple[int, int]]:
    """[start, end) of every staff member named by role (担当の才音時から…ご連絡) or as the sender
    (才音時よりお電話いたします) in an operator's `text`."""
    found = []
    for pattern in _patterns(max_chars):
        for match in pattern.finditer(text):
            name = match.group("name").strip()
            if name and not _no_staff_name(name):
                start = match.start("name") + (len(match.group("name")) - len(match.group("name").lstrip()))
                found.append((start, start + len(name)))
    return sorted(set(found))


@lru_cache(maxsize=4)
def _patterns(max_chars: int) -> tuple[re.Pattern, re.Pattern]:
    """By role (「担当の X から…ご連絡」) and as the sender (「X よりお電話いたします」), X at most `max_chars`."""
    by_role = re.compile(rf"(?:{alternation(STAFF_ROLES)})の\s?(?P<name>{_NO_BREAK}{{1,{max_chars}}}?)\s?(?:から|より|が){_TOWARDS}{_ACTION}")
    sender = re.compile(rf"(?P<name>[^{PAUSE_MARKS}のはにでをがもと\s]{{1,{max_chars}}})\s?より{_ACTION}{_HUMBLE}")
    return by_role, sender


def _no_staff_name(word: str) -> bool:
    return (word in NOT_NAMES or word.endswith(_NOT_STAFF + NOT_NAME_SUFFIXES) or word.startswith(("担当", "係", "弊社", "当社"))
            or bool(_TIMES.search(word)))
