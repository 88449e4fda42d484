"""Presidio's NLP engine for Japanese: GiNZA (spaCy + SudachiPy), loaded once, run per call.

Only the components redaction needs are loaded: Sudachi's tokenizer (part-of-speech tags such
as 名詞-固有名詞-人名-姓 come with it), tok2vec and NER. The dependency parser, morphologizer and
bunsetu components are left out. A call (its turns joined by newlines) is tokenized once, in
chunks under Sudachi's byte limit re-assembled into one Doc whose offsets match the joined text
exactly; NER then runs (`nlp.pipe`) over the already tokenized sentences that may need it.
"""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Iterable, Iterator

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from redactor.pii.lexicon.chars import CLOSING_MARKS, SENTENCE_END_MARKS

logger = logging.getLogger(__name__)

# all: NER on every turn; selective: only on turns that may hold a name the patterns cannot see
# (see `needs_ner`); off: Sudachi tokens and tags only.
NER_MODES = ("all", "selective", "off")
_SENTENCE_ENDS = set(CLOSING_MARKS)
_CUT_AFTER = SENTENCE_END_MARKS + "、 "  # where an over-long line may be cut for the model
UNUSED_COMPONENTS = ["parser", "morphologizer", "compound_splitter", "bunsetu_recognizer", "attribute_ruler"]
# spaCy warnings whose message carries token text or user data (transcript words) to stderr:
# W102 "Skipping unsupported user data '{key}: {value}' while merging docs".
TEXT_BEARING_WARNINGS = (r"\[W102\]",)


def _pieces(text: str, max_bytes: int, cut_point) -> Iterator[str]:
    for line in text.splitlines(keepends=True):
        while len(line.encode("utf-8")) > max_bytes:
            cut = cut_point(line)
            yield line[:cut]
            line = line[cut:]
        if line:
            yield line


def _sentences(doc):
    """Sentence spans: cut after 。！？ and at line breaks (turns)."""
    start = 0
    for token in doc:
        if token.text in _SENTENCE_ENDS or "\n" in token.text:
            if token.i + 1 > start:
                yield doc[start:token.i + 1]
            start = token.i + 1
    if start < len(doc):
        yield doc[start:len(doc)]


def needs_ner(doc) -> bool:
    """Whether NER may find a name in this sentence: Sudachi sees a name or another proper noun.

    Sentences without one (prices, plan explanations, digits) are most of a call's text, and
    GiNZA's tok2vec + NER is most of its cost. (GiNZA's NER misses hiragana names anyway; the
    pattern recognizers and call context cover those.)
    """
    for token in doc:
        tag = token.tag_
        if "人名" in tag or (tag.startswith("名詞-固有名詞") and "地名" not in tag):
            return True
    return False


class NlpModelMissing(RuntimeError):
    """The GiNZA model package is not installed."""


class GinzaNlpEngine(NlpEngine):
    """A Presidio NlpEngine over GiNZA for `ja` only; never downloads anything."""

    def __init__(self, model: str = "ja_ginza", ner: str = "selective", max_chunk_bytes: int = 40000,
                 batch_size: int = 64, exclude: Iterable[str] = UNUSED_COMPONENTS):
        if ner not in NER_MODES:
            raise ValueError(f"ner mode '{ner}' is unknown; valid modes: {list(NER_MODES)}")
        self.model_name = model
        self.ner = ner
        self.max_chunk_bytes = max_chunk_bytes
        self.batch_size = batch_size
        self.exclude = list(exclude) + (["tok2vec", "ner"] if ner == "off" else [])
        self.nlp = None
        self._lock = threading.Lock()

    def load(self) -> None:
        import spacy  # heavy: imported when the engine is loaded, not when this module is

        for message in TEXT_BEARING_WARNINGS:  # second line of defence; _tokenize avoids the cause
            warnings.filterwarnings("ignore", message=message)
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
        """Tokenize the whole call once; run NER only on the sentences that may need it."""
        self._check_language(language)
        with self._lock:  # spaCy pipelines are not documented as thread-safe
            doc = self._tokenize(text)
            if self.ner != "off":
                self._recognize_entities(doc)
        return NlpArtifacts(
            entities=list(doc.ents), tokens=doc, tokens_indices=[t.idx for t in doc],
            lemmas=[t.lemma_ for t in doc], nlp_engine=self, language="ja",
        )

    def _tokenize(self, text: str):
        from spacy.tokens import Doc

        docs = [self.nlp.make_doc(chunk) for chunk in self._chunks(text)]
        for d in docs:
            # GiNZA keeps split-mode sub-tokens in user_data; Doc.from_docs cannot merge them and
            # would warn (W102) with the transcript text in the message. They are not needed here.
            d.user_data.clear()
        doc = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False, exclude=["user_data"]) \
            if docs else self.nlp.make_doc("")
        if doc.text != text:  # cannot happen with exact chunks; guard the offsets anyway
            raise RuntimeError("GiNZA changed the text while tokenizing; offsets would be wrong")
        return doc

    def _recognize_entities(self, doc) -> None:
        sentences = [s for s in _sentences(doc) if self.ner == "all" or needs_ner(s)]
        pieces = [s.as_doc() for s in sentences]
        ents = []
        for sentence, piece in zip(sentences, self.nlp.pipe(pieces, batch_size=self.batch_size)):
            for ent in piece.ents:
                span = doc.char_span(sentence.start_char + ent.start_char, sentence.start_char + ent.end_char,
                                     label=ent.label_)
                if span is not None:
                    ents.append(span)
        doc.set_ents(ents, default="missing")

    def process_batch(self, texts, language: str, batch_size: int = 1, n_process: int = 1, **kwargs
                      ) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    def get_supported_entities(self) -> list[str]:
        return [] if self.ner == "off" else ["Person"]

    def _chunks(self, text: str) -> Iterator[str]:
        """Consecutive pieces of text under max_chunk_bytes of UTF-8 (SudachiPy's limit), cut after lines."""
        chunk, size = [], 0
        for line in _pieces(text, self.max_chunk_bytes, self._cut_point):
            line_size = len(line.encode("utf-8"))
            if chunk and size + line_size > self.max_chunk_bytes:
                yield "".join(chunk)
                chunk, size = [], 0
            chunk.append(line)
            size += line_size
        if chunk:
            yield "".join(chunk)

    def _cut_point(self, line: str) -> int:
        size, cut, last_stop = 0, 0, 0
        for i, ch in enumerate(line):
            size += len(ch.encode("utf-8"))
            if size > self.max_chunk_bytes:
                break
            cut = i + 1
            if ch in _CUT_AFTER:
                last_stop = i + 1
        return last_stop or cut

    def _check_language(self, language: str) -> None:
        if language != "ja":
            raise ValueError(f"language '{language}' is not supported; this engine handles 'ja' only")

    def is_stopword(self, word: str, language: str) -> bool:
        return self.nlp.vocab[word].is_stop

    def is_punct(self, word: str, language: str) -> bool:
        return bool(word) and all(not ch.isalnum() for ch in word)

    def get_supported_languages(self) -> list[str]:
        return ["ja"]
