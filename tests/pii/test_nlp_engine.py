"""The GiNZA engine: clear error when the model is missing, ja only, exact offsets, no chatter."""

import warnings

import pytest

from redactor.pii.nlp_engine import GinzaNlpEngine, NlpModelMissing


def test_missing_model_names_the_package():
    with pytest.raises(NlpModelMissing, match="ja-ginza"):
        GinzaNlpEngine(model="ja_ginza_not_installed").load()


def test_unknown_ner_mode_lists_valid_ones():
    with pytest.raises(ValueError, match="selective"):
        GinzaNlpEngine(ner="sometimes")


@pytest.mark.parametrize("max_bytes", [1000, 3000])
def test_chunks_stay_under_the_sudachi_limit_and_rejoin_exactly(max_bytes):
    engine = GinzaNlpEngine(max_chunk_bytes=max_bytes)
    text = ("お電話ありがとうございます。" * 200 + "\n") * 3 + "最後の行"
    chunks = list(engine._chunks(text))
    assert "".join(chunks) == text
    assert all(len(c.encode("utf-8")) <= max_bytes for c in chunks)


@pytest.mark.slow
def test_offsets_match_the_text_and_no_warning_carries_it(call_redactor):
    engine = call_redactor.nlp_engine
    text = "担当の佐々木でございます。\nお客様センターです。\n\n長谷川千尋といいます"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        artifacts = engine.process_text(text, "ja")
    assert artifacts.tokens.text == text
    assert all("佐々木" not in str(w.message) and "お客様" not in str(w.message) for w in caught)
    with pytest.raises(ValueError, match="'ja' only"):
        engine.process_text(text, "en")
