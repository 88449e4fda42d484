"""The scripted PII items the engine leaks today (issue 11), shared by every time-based leak check.

Keyed by (sample id, PII index in sample_audio/calls.json, check), the check being `text` (a
word heard over the item survives in what was stored or shown), `redacted_audio` (the redacted
copy is not silent or toned over it) or `raw_audio` (card data still audible in the retained
recording). tests/service/test_leaks_by_time.py marks exactly these cases `xfail(strict=True)`,
so each turns into a failure, and its entry must go, once the engine stops leaking it; the UI
crawl marks them too, not strictly (`leak_marks`).
Measured 2026-12-02 on the 2-core development machine (Whisper base int8, greedy, seed 7). The
text entries once listed for call01's and call04's birth dates, call02's operator and call03's
caller were the particle next to the item (は, が, です, 生) counted at the span's edge; the
0.1 s word guard of tests/leaks.py stopped that, and they pass. call02's card expiry and CVV
(「29-8月です」「75です」 after garbled requests) go by time since the answer windows
(redactor/pii/rules/answer_windows.py), in the retained raw audio too. call03's birth date passes
in the redacted audio since its range follows the caller's voice (2026-12-03). call05's operator
name is gone from the stored text since the name rules of the `names` branch and the mono
speaker roles (redactor/pii/speaker_roles.py), and its address read back by the operator since
the read-back slot rules, and its e-mail spelled out over several mono turns from the stored
text since spelled items are read over turn boundaries (rules/spelled_items.py) (2026-12-03).
"""

from __future__ import annotations

import pytest

ISSUE_11 = "issue 11: the engine leaks this item (misheard, not redacted)"
KNOWN_LEAKS: dict[tuple[str, int, str], str] = {
    key: ISSUE_11 for key in [
        ("call01", 0, "text"), ("call01", 0, "redacted_audio"),            # operator's name 田中
        ("call02", 0, "redacted_audio"),                                    # operator's name 鈴木
        ("call03", 0, "text"), ("call03", 0, "redacted_audio"),            # operator's name 山本
        ("call03", 5, "redacted_audio"),                                    # the address
        ("call04", 2, "redacted_audio"),                                    # 平成2年2月14日
        ("call05", 0, "redacted_audio"),                                    # operator's name 村井
        ("call05", 5, "text"), ("call05", 5, "redacted_audio"),            # TAKUMI NOGUCHI, spelled
        ("call05", 6, "redacted_audio"),                                    # the e-mail, spelled out
    ]
}


def leak_marks(sample_id: str, index: int, check: str, *, strict: bool = True) -> list:
    """The xfail mark for a known leak, else no marks. `strict=False` only where a check sees the
    item through another processing run than tests/service/test_leaks_by_time.py, which holds
    them strictly: Whisper's temperature fallback samples, so a fragile item (call02's CVV) can
    come out either way in a second run."""
    reason = KNOWN_LEAKS.get((sample_id, index, check))
    return [pytest.mark.xfail(strict=strict, reason=reason)] if reason else []
