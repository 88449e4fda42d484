"""Presidio's NLP engine for Japanese: GiNZA (spaCy + SudachiPy), loaded once, run per turn.

Only the components redaction needs are loaded: Sudachi's tokenizer (part-of-speech tags such
as 名詞-固有名詞-人名-姓 come with it), tok2vec and NER. The dependency parser, morphologizer and
bunsetu components are left out. A call is processed as `nlp.pipe` over its turns (one line
each) and re-assembled into one Doc whose offsets match the joined text exactly.
"""

from __future__ import annotations

import logging
import threading
from typing import Iterable, Iterator

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

logger = logging.getLogger(__name__)

UNUSED_COMPONENTS = ["parser", "morphologizer", "compound_splitter", "bunsetu_recognizer", "attribute_ruler"]


class NlpModelMissing(RuntimeError):
    """The GiNZA model package is not installed."""


class GinzaNlpEngine(NlpEngine):
    """A Presidio NlpEngine over GiNZA for `ja` only; never downloads anything."""

    def __init__(self, model: str = "ja_ginza", ner: bool = True, max_chunk_bytes: int = 40000,
                 batch_size: int = 64, exclude: Iterable[str] = UNUSED_COMPONENTS):
        self.model_name = model
        self.ner = ner
        self.max_chunk_bytes = max_chunk_bytes
        self.batch_size = batch_size
        self.exclude = list(exclude) + ([] if ner else ["tok2vec", "ner"])
        self.nlp = None
        self._lock = threading.Lock()

    def load(self) -> None:
        import spacy  # heavy: imported when the engine is loaded, not when this module is

        try:
            self.nlp = spacy.load(self.model_name, exclude=self.exclude)
        except OSError:
            raise NlpModelMissing(
                f"the spaCy model '{self.model_name}' is not installed; install the `ja-ginza` package "
                "(pip install ja-ginza, or scripts/bootstrap) - redactor never downloads models at run time"
            ) from None
        logger.info("loaded %s with components %s", self.model_name, self.nlp.pipe_names)

    def is_loaded(self) -> bool:
        return self.nlp is not None

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Analyze text (turns separated by newlines) into one Doc with text-exact offsets."""
        self._check_language(language)
        from spacy.tokens import Doc

        segments = list(self._segments(text))
        with self._lock:  # spaCy pipelines are not documented as thread-safe
            docs = list(self.nlp.pipe(segments, batch_size=self.batch_size))
        doc = Doc.from_docs(docs, ensure_whitespace=False) if docs else self.nlp.make_doc("")
        if doc.text != text:  # cannot happen with newline-terminated segments; guard offsets anyway
            raise RuntimeError("GiNZA changed the text length while tokenizing; offsets would be wrong")
        return NlpArtifacts(
            entities=list(doc.ents), tokens=doc, tokens_indices=[t.idx for t in doc],
            lemmas=[t.lemma_ for t in doc], nlp_engine=self, language=language,
        )

    def process_batch(self, texts, language: str, batch_size: int = 1, n_process: int = 1, **kwargs
                      ) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    def _segments(self, text: str) -> Iterator[str]:
        """Lines (newline kept) cut to at most max_chunk_bytes of UTF-8 each, at 。 where possible."""
        for line in text.splitlines(keepends=True):
            while len(line.encode("utf-8")) > self.max_chunk_bytes:
                cut = self._cut_point(line)
                yield line[:cut]
                line = line[cut:]
            if line:
                yield line

    def _cut_point(self, line: str) -> int:
        size, cut, last_stop = 0, 0, 0
        for i, ch in enumerate(line):
            size += len(ch.encode("utf-8"))
            if size > self.max_chunk_bytes:
                break
            cut = i + 1
            if ch in "。．.！？!?、 ":
                last_stop = i + 1
        return last_stop or cut

    def _check_language(self, language: str) -> None:
        if language != "ja":
            raise ValueError(f"language '{language}' is not supported; this engine handles 'ja' only")

    def is_stopword(self, word: str, language: str) -> bool:
        return self.nlp.vocab[word].is_stop

    def is_punct(self, word: str, language: str) -> bool:
        return bool(word) and all(not ch.isalnum() for ch in word)

    def get_supported_entities(self) -> list[str]:
        return ["Person"] if self.ner else []

    def get_supported_languages(self) -> list[str]:
        return ["ja"]
