"""Character error rate for Japanese transcripts (tests and benchmarks/asr_bench.py).

Both texts are NFKC-normalized and stripped of punctuation, symbols and spaces first, so that
"090-3821-4467です。" and "09038214467です" compare equal: Whisper's punctuation and digit
grouping vary from run to run and are not recognition errors.
"""

from __future__ import annotations

import unicodedata

from redactor.text_distance import edit_distance


def normalize_for_cer(text: str) -> str:
    """NFKC, then drop punctuation (P*), symbols (S*), separators (Z*) and control characters."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Edit distance over the normalized reference length (0.0 is perfect; may exceed 1.0)."""
    ref, hyp = normalize_for_cer(reference), normalize_for_cer(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)
