"""Levenshtein distance, shared by the ASR error rate and the PII engine's fuzzy phrase checks."""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Substitutions, insertions and deletions each cost 1; O(len(a) * len(b)) time, O(min) memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]
