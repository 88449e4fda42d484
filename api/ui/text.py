"""Redacted text as display segments: plain text, search hits and redaction chips.

Templates never receive HTML built here: they get `Segment`s and Jinja autoescapes every
piece, so a turn cannot inject markup, and highlighting (a `<mark>` around a segment) happens
after escaping by construction.

Redaction tags are what `redactor.pii.anonymize` writes: `<PHONE_NUMBER>` (tag operator) or
`<PERSON_1a2b3c4d5e6f>` (keyed pseudonym). Only known entity types become chips; any other
`<...>` stays literal text (the types are redactor/pii/entities.py's, via api.ui.i18n).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from api.ui.i18n import ENTITY_TYPES

_TAG = re.compile(r"<(" + "|".join(sorted(ENTITY_TYPES, key=len, reverse=True)) + r")(?:_([0-9a-f]{6,64}))?>")
JST = timezone(timedelta(hours=9), "JST")


@dataclass(frozen=True)
class Segment:
    """A piece of a turn: `kind` is "text" or "chip"; `hit` marks a search match."""

    kind: str
    text: str
    entity_type: str | None = None
    pseudonym: str | None = None
    hit: bool = False


def find_hits(text: str, query: str | None) -> list[tuple[int, int]]:
    """[start, end) of every case-insensitive occurrence of `query` in `text`."""
    query = (query or "").strip()
    if not query:
        return []
    haystack, needle = text.casefold(), query.casefold()
    if len(haystack) != len(text):  # casefolding changed lengths: match exactly instead
        haystack, needle = text, query
    spans, position = [], haystack.find(needle)
    while position >= 0:
        spans.append((position, position + len(needle)))
        position = haystack.find(needle, position + len(needle))
    return spans


def segments(text: str, hits: list[tuple[int, int]] | None = None) -> list[Segment]:
    """Split redacted `text` into text and chip segments, marking the `hits` ranges."""
    hits = sorted(hits or [])
    out: list[Segment] = []
    position = 0
    for match in _TAG.finditer(text):
        out.extend(_text_segments(text, position, match.start(), hits))
        hit = any(start < match.end() and end > match.start() for start, end in hits)
        out.append(Segment("chip", match.group(0), entity_type=match.group(1), pseudonym=match.group(2), hit=hit))
        position = match.end()
    out.extend(_text_segments(text, position, len(text), hits))
    return out


def _text_segments(text: str, start: int, end: int, hits: list[tuple[int, int]]) -> list[Segment]:
    """Plain text [start, end) cut at the hit boundaries that fall inside it."""
    cuts = {start, end}
    for hit_start, hit_end in hits:
        for cut in (hit_start, hit_end):
            if start < cut < end:
                cuts.add(cut)
    bounds = sorted(cuts)
    pieces = []
    for left, right in zip(bounds, bounds[1:]):
        if left < right:
            hit = any(h_start <= left and right <= h_end for h_start, h_end in hits)
            pieces.append(Segment("text", text[left:right], hit=hit))
    return pieces


def clock(seconds: float | None, *, tenths: bool = False) -> str:
    """m:ss (or h:mm:ss) of a position in a call; m:ss.s with `tenths`."""
    if seconds is None:
        return ""
    seconds = max(0.0, float(seconds))
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return text + f".{int((seconds - total) * 10)}" if tenths else text


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as Japan time (the QA team's clock), e.g. 2026-11-27 09:30 JST."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")
    except OverflowError:  # a deadline saturated at the end of time (redactor.retention.deadlines)
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
