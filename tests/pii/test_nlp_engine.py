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


@pytest.mark.slow
def test_merging_chunks_warns_nothing(call_redactor):
    """Calls over the chunk size are tokenized in pieces and merged with Doc.from_docs; GiNZA's
    split-mode sub-tokens in user_data would make spaCy warn (W102) with the transcript words."""
    engine = GinzaNlpEngine(max_chunk_bytes=1000)
    engine.nlp = call_redactor.nlp_engine.nlp  # share the loaded pipeline
    text = "長谷川千尋の携帯電話番号は090-1234-5678、住所は東京都港区芝五丁目です。\n" * 40
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # overrides the engine's own filter: the cause must be gone
        artifacts = engine.process_text(text, "ja")
    assert len(list(engine._chunks(text))) > 1 and artifacts.tokens.text == text
    assert [str(w.message)[:80] for w in caught] == []
