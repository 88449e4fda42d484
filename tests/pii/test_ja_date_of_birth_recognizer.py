import pytest

from redactor.pii.recognizers import JaDateOfBirthRecognizer
from redactor.pii.normalize import normalize

from .helpers import recognized


@pytest.fixture(scope="module")
def recognizer():
    return JaDateOfBirthRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("生年月日は平成3年7月22日です", "平成3年7月22日"),
    ("昭和五十二年十一月三日です", "昭和52年11月3日"),
    ("しょうわにじゅうきゅうねん、はちがつとおか", "昭和29年、8月10日"),
    ("1988年2月29日です", "1988年2月29日"),           # a year long past: a birth date
    ("誕生日は2001年4月9日です", "2001年4月9日"),      # context
    ("平成元年5月16日です", "平成元年5月16日"),
])
def test_positive(recognizer, text, expected):
    assert expected in recognized(recognizer, text)


@pytest.mark.parametrize("text", [
    "2020年2月4日以降に申請されたもの",   # recent date, no birth context
    "更新月は2025年8月でございます",
    "4月20日の午前はいかがでしょう",
    "平成30年13月40日",                   # impossible date
])
def test_negative(recognizer, text):
    assert recognized(recognizer, text) == []


@pytest.mark.parametrize("text, expected", [
    ("9月27日です", "9月27日"),
    ("えっと、じゅうにがつふつかです", "12月2日"),
    ("平成が目7月3日です", "平成が目7月3日"),     # 平成元年 garbled: the era word goes with the date
])
def test_a_month_and_day_alone_is_the_faintest_candidate(recognizer, text, expected):
    """A birth date said without its year is below every threshold alone: only a birth-date question
    lifts it (context_lift, in the caller's answer)."""
    norm = normalize(text).text
    faint = [norm[r.start:r.end] for r in recognizer.analyze(norm, ["DATE_OF_BIRTH"], None)]
    assert expected in faint and recognized(recognizer, text, threshold=0.25) == []
