"""PERSON from GiNZA's NER and Sudachi's name tags, read from the engine's NLP artifacts."""

import pytest

from redactor.pii.recognizers import JaNerPersonRecognizer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analyze(call_redactor):
    recognizer = JaNerPersonRecognizer()

    def run(text):
        artifacts = call_redactor.nlp_engine.process_text(text, "ja")
        return {text[r.start:r.end]: r.score for r in recognizer.analyze(text, ["PERSON"], artifacts)}
    return run


@pytest.mark.parametrize("text, name", [
    ("担当の佐々木でございます。", "佐々木"),
    ("東海林誠。しょうじね。", "東海林誠"),
    ("息子が使ったかもしれないです。翔太のスマホもうちの名義なんで。", "翔太"),
    ("検針員の名前は？吉村って名札つけてたけど", "吉村"),
])
def test_positive(analyze, text, name):
    assert analyze(text).get(name, 0) >= 0.5


@pytest.mark.parametrize("text", [
    "sho.shimizu@example.com宛てにお送りします。",
    "通知カードは本人確認書類としてご利用いただけません。",
    "月額4,928円で、来月1日からの適用になります。",
])
def test_negative(analyze, text):
    assert all(score < 0.5 for score in analyze(text).values())
