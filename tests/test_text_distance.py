import pytest

from redactor.text_distance import edit_distance


@pytest.mark.parametrize("a, b, expected", [
    ("", "", 0),
    ("かしこまりました", "かしこまりました", 0),
    ("かしこまりました", "かしこまりまし", 1),       # deletion
    ("セキュリティコード", "セキュリッコード", 2),    # ティ -> ッ: one substitution, one deletion
    ("", "abc", 3),
    ("kitten", "sitting", 3),
    ("sitting", "kitten", 3),                          # symmetric
])
def test_edit_distance(a, b, expected):
    assert edit_distance(a, b) == expected
