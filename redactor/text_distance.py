"""Levenshtein distance, shared by the ASR error rate and the PII engine's fuzzy phrase checks.

rapidfuzz's C++ implementation (bit-parallel): thousands of times faster than a Python dynamic
programme at a transcript's length.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein


def edit_distance(a: str, b: str) -> int:
    """Substitutions, insertions and deletions each cost 1."""
    return Levenshtein.distance(a, b)
