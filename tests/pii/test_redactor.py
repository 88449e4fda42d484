"""CallRedactor end to end: API shape, offsets, allow-list, operators, bad turns, long calls."""

import json

import pytest
import yaml

from redactor.pii import CallRedactor, Finding, RedactedCall, TurnError
from redactor.pii.anonymize import canonical_value, pseudonym
from redactor.pii.config import DEFAULT_CONFIG_PATH

pytestmark = pytest.mark.slow

CALL = [
    {"speaker": "operator", "text": "ミナトテレコムの佐々木でございます。"},
    {"speaker": "caller", "text": "電話番号はゼロハチゼロ、よんろくにいきゅう、さんいちななはちです"},
    {"speaker": "operator", "text": "080-4629-3178ですね。ご不明点は0120-964-275までお問い合わせください。"},
]


def test_result_shape_and_offsets_into_the_original(call_redactor):
    result = call_redactor.redact(CALL)
    assert isinstance(result, RedactedCall) and len(result.turns) == 3
    assert all(isinstance(f, Finding) for f in result.findings)
    spans = {(f.turn, CALL[f.turn]["text"][f.start:f.end], f.type) for f in result.findings}
    assert (1, "ゼロハチゼロ、よんろくにいきゅう、さんいちななはち", "PHONE_NUMBER") in spans
    assert (0, "佐々木", "PERSON") in spans
    assert result.turns[1].text == "電話番号は<PHONE_NUMBER>です"
    assert set(json.loads(json.dumps(result.to_dict()))["entities"][0]) == {"type", "turn", "start", "end", "score"}


def _timed(speaker, words, start, end):
    """A transcript turn (the shape Transcript.turns has): its words spell its text."""
    return {"speaker": speaker, "start": start, "end": end, "text": "".join(w for w, _, _ in words),
            "words": [{"word": w, "start": a, "end": b} for w, a, b in words]}


def test_an_answer_by_time_carries_its_seconds(call_redactor):
    turns = [_timed("operator", [("お名前を", 0.0, 0.8), ("お願いします", 0.8, 2.0)], 0.0, 2.0),
             _timed("caller", [("えーと", 2.4, 2.8), ("、", 2.8, 2.9), ("糸を", 3.0, 3.4), ("まさみ", 3.4, 3.9),
                               ("です", 3.9, 4.2)], 2.4, 4.2),
             _timed("operator", [("ありがとうございます", 5.0, 6.0)], 5.0, 6.0)]
    result = call_redactor.redact(turns)
    [answer] = [f for f in result.findings if f.turn == 1]
    assert turns[1]["text"][answer.start:answer.end] == "糸をまさみ"
    assert (answer.start_s, answer.end_s) == (3.0, 4.2)  # its words, on over 「です」 to its turn's end
    assert result.to_dict()["entities"][-1] == {"type": answer.type, "turn": 1, "start": answer.start,
                                                "end": answer.end, "score": answer.score,
                                                "start_s": 3.0, "end_s": 4.2}
    assert all(f.start_s is None for f in result.findings if f.turn != 1)


def test_organisation_in_the_greeting_and_toll_free_numbers_stay_without_an_allow_list(call_redactor):
    assert call_redactor.config.allow_list == []
    result = call_redactor.redact(CALL)
    assert result.turns[0].text == "ミナトテレコムの<PERSON>でございます。"
    assert "0120-964-275" in result.turns[2].text and "080-4629-3178" not in result.turns[2].text


@pytest.fixture(scope="module")
def allow_list_redactor(tmp_path_factory):
    conf = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    conf["allow_list"] = ["ヤマブキ", "03-1234-0000"]
    path = tmp_path_factory.mktemp("conf") / "pii.yaml"
    path.write_text(yaml.safe_dump(conf, allow_unicode=True), encoding="utf-8")
    return CallRedactor.load(config_path=path)


ALLOWED = [{"speaker": "caller", "text": "ヤマブキさんの03-1234-0000に電話したら、090-2761-5038に折り返すって"}]


def test_allow_list_keeps_a_sites_own_names_and_numbers(call_redactor, allow_list_redactor):
    default = call_redactor.redact(ALLOWED).turns[0].text
    assert "ヤマブキ" not in default and "03-1234-0000" not in default   # a caller's words: names and numbers
    allowed = allow_list_redactor.redact(ALLOWED).turns[0].text
    assert allowed == "ヤマブキさんの03-1234-0000に電話したら、<PHONE_NUMBER>に折り返すって"


def test_objects_with_attributes_are_accepted(call_redactor):
    class Turn:
        speaker, text = "caller", "メールはtaro@example.comです"
    assert call_redactor.redact([Turn()]).turns[0].text == "メールは<EMAIL_ADDRESS>です"


@pytest.mark.parametrize("turns, message", [
    ([{"speaker": "caller", "text": 42}], "turn 0: 'text' must be a string"),
    ([{"speaker": None, "text": "x"}], "turn 0: 'speaker' must be a string"),
    ("just text", "turns must be a list"),
])
def test_bad_turns(call_redactor, turns, message):
    with pytest.raises(TurnError, match=message):
        call_redactor.redact(turns)


def test_empty_call_and_empty_turns(call_redactor):
    assert call_redactor.redact([]).turns == []
    assert call_redactor.redact([{"speaker": "caller", "text": ""}]).turns[0].text == ""


def test_call_over_sudachi_byte_limit(call_redactor):
    filler = "本日はお問い合わせいただきありがとうございます。" * 1400  # ~100 KB of UTF-8
    result = call_redactor.redact([{"speaker": "operator", "text": filler + "携帯は090-1234-5678です"}])
    assert result.turns[0].text.endswith("携帯は<PHONE_NUMBER>です")


@pytest.fixture(scope="module")
def pseudonym_redactor(tmp_path_factory):
    conf = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    conf["operators"] = {"default": {"type": "tag"}, "PHONE_NUMBER": {"type": "pseudonym"},
                         "EMAIL_ADDRESS": {"type": "mask"}}
    path = tmp_path_factory.mktemp("conf") / "pii.yaml"
    path.write_text(yaml.safe_dump(conf, allow_unicode=True), encoding="utf-8")
    return CallRedactor.load(config_path=path, pseudonym_key=b"k" * 32)


def test_pseudonym_is_keyed_and_stable_across_spellings(pseudonym_redactor):
    spoken = pseudonym_redactor.redact([{"speaker": "caller", "text": "ゼロハチゼロ、よんろくにいきゅう、さんいちななはちです"}])
    written = pseudonym_redactor.redact([{"speaker": "caller", "text": "080-4629-3178です"}])
    token = pseudonym(b"k" * 32, "PHONE_NUMBER", "080-4629-3178")
    assert spoken.turns[0].text == written.turns[0].text == f"{token}です"
    assert pseudonym(b"x" * 32, "PHONE_NUMBER", "080-4629-3178") != token
    assert canonical_value("PHONE_NUMBER", "〇八〇 四六二九 三一七八") == "08046293178"


def test_mask_operator(pseudonym_redactor):
    text = pseudonym_redactor.redact([{"speaker": "caller", "text": "a@example.jpです"}]).turns[0].text
    assert text == "************です"


def test_pseudonym_needs_a_key():
    from redactor.pii.anonymize import PseudonymKeyMissing, TurnAnonymizer
    from redactor.pii.config import PiiConfig

    with pytest.raises(PseudonymKeyMissing, match="pseudonym_key"):
        TurnAnonymizer(PiiConfig(operators={"default": {"type": "pseudonym"}}), None)


@pytest.mark.parametrize("speaker, text, kept", [
    ("operator", "ご不明点は0120-111-222までお問い合わせください。", True),      # toll-free: the organisation
    ("operator", "料金のお問い合わせは03-1111-2222でも承っております。", True),  # given as a contact point
    ("operator", "ご連絡は090-2761-5038でよろしいですか。", False),             # the caller's number
    ("caller", "0120-111-222に電話したんですけど", False),                     # only operators give them
    ("unknown", "ご不明点は0120-111-222までお問い合わせください。", True),      # ...or anyone in a mono recording
])
def test_organisation_numbers(call_redactor, speaker, text, kept):
    number = next(w for w in ("0120-111-222", "03-1111-2222", "090-2761-5038") if w in text)
    redacted = call_redactor.redact([{"speaker": speaker, "text": text}]).turns[0].text
    assert (number in redacted) is kept
