"""An answer to a name question is redacted whole, however garbled (fail closed).

Speech recognition mishears a surname into ordinary words: 「伊藤まさみです」 comes back as
「糸をまさみです」, and the name recognizers then find only 「まさみ」 while 「糸を」 (the caller's
surname, as heard) survives. In a caller's answer turn right after a name question (お名前, 氏名,
フルネーム, 名義; garbled cues matched on readings, see questions.py), the answer clause is
the name whatever its characters:

- start: after fillers (はい、えーと、あ), apologies (すみません), a pronoun (私は、わたくし) and a
  topic (名前は, 契約者は, フルネームで);
- end: the first です / でございます / と申します / といいます / 、 / 。 (or the end of the turn).

Clauses that answer something else first (a date of birth: digits; 「名前ですね」) are passed over.
The clause is no name, and nothing is added (the recognizers alone decide), when it is longer
than `MAX_NAME` characters, holds a digit, is a question back (「漢字ですか？」), or is a word that
fills the slot in other answers (本人, 夫, わかりません, ちょっと待ってください, そうです).

More clauses are names, whether a name was asked for or not:
- a self-introduction: the clause before と申します / といいます / って言います, in any turn
  (「あ、はい、盛りと申します」 for 森と申します, 「だいだと申しますけど」);
- a name said after naming it, in a caller's turn: the clause after 「名前は、」「名前ですね。」, ended
  also by a quotation (って, という) or a space (「検診人の名前は、寄しむらって名札…」「奥さんの名前
  ですね。ねーはむいらん 私は…」);
- the other half of a name: in a caller's answer to a request, a word opening the clause and set
  off by a pause before a name the recognizers found (「またなげ、エミです」 for ワタナベ エミです) is
  the surname, when recognition was unsure of it (its words' mean probability under
  `max_probability`, 0.6: Whisper's own doubt marks a garbled name).
- a name given unasked, in a caller's turn: a sentence 「(label の/は) N です」 at the turn's end,
  after any purpose sentence (「薬の配達先を変えたいんですが。前川陽子です。」 heard as 「…変えたいん
  ですが 前日は要項です」). The name is N whatever its words, when the operator's very next turn
  opens by addressing someone with an honorific, by a word that is no name known earlier in the
  call (「前かまさま、新しい配達先を…」: the operator confirms a name just given; not a caller
  looked up by number and addressed as before), or when a label names
  the slot (契約者の, 氏名は, 名前は; matched on readings, 市名は for 氏名は) in any sentence of the
  turn. Short parts set off before N (「VNP。藍です」 for グエン・ティ・ランです) go with it. Stock
  replies, refusals, relations, purpose words (住所変更, 引っ越しの件: the lexicon's ordinary nouns
  and the operator slot's non-name words), company names and numbers are never N.
"""

from __future__ import annotations

import re

from pydantic import Field

from redactor.pii.dialogue import CallView, TurnContext
from redactor.pii.lexicon.chars import (HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS, SENTENCE_END_MARKS,
                                       is_hiragana)
from redactor.pii.lexicon.names import NOT_NAMES, RELATIONS, SELF_REFERENCES, VERB_ENDINGS
from redactor.pii.lexicon.speech import (ACKNOWLEDGEMENTS, FILLERS, OPENINGS, REFUSALS, SELF_INTRODUCTION, STOCK_REPLIES,
                                        alternation)
from redactor.pii.operator_intro import NOT_IN_SLOT, NOT_STAFF_WORDS, SLOT_NOT_ENDINGS
from redactor.pii.readings import reading_of
from redactor.pii.recognizers.names import is_plausible_name
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.rules.honorific_names import addressed_names
from redactor.pii.spans import SpanSet
from redactor.text_distance import edit_distance

MAX_NAME = 12     # characters in the name clause (spaces not counted); longer: a sentence, not a name
MAX_CLAUSES = 4   # clauses looked at before giving up (fillers and acknowledgements first)

_FILLER = re.compile(rf"(?:{alternation((*ACKNOWLEDGEMENTS, *FILLERS))}"
                     r"|すみません|すいません|失礼しました|失礼いたしました|もしもし|それがですね|あのですね|えっとですね|実は)"
                     r"(?=[\s、,。.ー]|$)[\s、,。.ー]*")
_PRONOUN = re.compile(r"(?:わたくし|私|わたし|あたし|僕|ぼく|自分)(?:は|が|[\s、,]|(?=です))[\s、,]*")
# 「名前は」「契約者の名前が」「フルネームで」: the topic of the answer, not part of it
_TOPIC = re.compile(r"[^、。,.\d\s]{0,8}?(?:名前|なまえ|氏名|名義|契約者|フルネーム|名字|苗字|旧姓)(?:の方)?(?:は|が|で(?!す|しょ|ござ)|も)[\s、,]*")
# 「夫の」「父は」「新しいのが」: whose name follows, not part of it
_RELATION = "|".join(sorted(RELATIONS, key=len, reverse=True))
_OWNER = re.compile(rf"(?:{_RELATION}|新しいの|今の|前の)(?:の|は|が)[\s、,]*")
_SPACES = re.compile(r"[\s、,。.・]+")
# Where the name ends: a copula, a self-introduction or a pause
_NAME_END = re.compile(rf"でございます|でござ|です|{SELF_INTRODUCTION}"
                       rf"|で(?=[{PAUSE_MARKS}\s])|[{PAUSE_MARKS}\n]")
# 「と申します」「といいます」「って言います」, not 「ちょっと申し訳」「申し上げます」「申しますと」(speaking
# of) or 「言いますか」
_INTRODUCED = re.compile(r"(?:と|って)(?:申します(?!と)|申す者|(?:言|い)います(?![とか]))")
# Adverbs that take と (はっきりと申しますと, きちんと言います): the clause before と is no name then
_ADVERBS_WITH_TO = {"はっきり", "しっかり", "ゆっくり", "きっちり", "きちん", "ちゃん", "あっさり", "すっきり", "ずばり"}
# 「名前は、」「名前ですね。」: the caller is about to say a name (a pause or a copula after the topic)
_NAMED = re.compile(rf"(?:名前|なまえ|氏名|フルネーム|名字|苗字)(?:は|が|ですね|です|って)?[{PAUSE_MARKS}\s]+")
# Where a name said after naming it ends: a copula ending the sentence, a self-introduction, a
# quotation (寄しむらって名札, 田中という人), a pause or a space
_NAMED_END = re.compile(rf"(?:でございます|です)(?=[{PAUSE_MARKS}\s]|$)|{SELF_INTRODUCTION}"
                        rf"|って(?=[名言い人呼書])|という|[{PAUSE_MARKS}\s]")
# Parts of a foreign name said one by one: Latin letters or katakana, set off by pauses
_FOREIGN_PART = re.compile(rf"[A-Za-z]{{1,8}}(?=[{PAUSE_MARKS}\s]|$)")
_NEXT_FOREIGN_PART = re.compile(rf"[、,\s]+(?:[A-Za-z]{{1,4}}|[{KATAKANA_RANGE}ー]{{1,4}})(?=[{PAUSE_MARKS}\s]|$)")
# A phrase, not a name: kanji, then kana, then kanji again (漢字で書く, 名前が違う)
_PHRASE = re.compile(rf"[{KANJI_RANGE}][{HIRAGANA_RANGE}]+[{KANJI_RANGE}]")
# A self-introduction's clause longer than this is cut to its last word (「先日お電話した|田中と申します」)
MAX_INTRODUCED = 6
_KANA_TO_WORD = re.compile(rf"[{HIRAGANA_RANGE}](?=[{KANJI_RANGE}{KATAKANA_RANGE}])")
# The operator's role before their own name: 「担当の」「係の」
_ROLE = re.compile(r"(?:担当(?:者)?|係|オペレーター)(?:の|は)[\s、,]*")
# The other half of a name: a word of at most MAX_HALF characters before a pause (「またなげ、」), not
# ending in a particle (娘の、 先月は、)
_HALF_GAP = re.compile(r"[、,\s]+$")
MAX_HALF = 6
_PARTICLE_ENDS = ("の", "は", "が", "を", "に", "で", "と", "も", "へ", "ね", "よ", "か")
_REQUEST_TAIL = re.compile(rf"[{HIRAGANA_RANGE}]{{0,8}}?(?:ます|ますか|ください|でしょうか)[{PAUSE_MARKS}\s]*")
_PAUSE = re.compile(rf"[{PAUSE_MARKS}\n]")
_SENTENCE_END = re.compile(rf"[{SENTENCE_END_MARKS}\n]")
_QUESTION = re.compile(r"^(?:です|でしょう|ですよね)?(?:か|かね|かね？|[？?])")
_DIGIT = re.compile(r"[0-9０-９]")
# Clauses that acknowledge the question rather than answer it: passed over
_PASSED_OVER = {*ACKNOWLEDGEMENTS, *FILLERS, "名前", "お名前", "フルネーム", "氏名", "名義", "わかりました", "分かりました",
                "かしこまりました", "承知しました", "了解です", "了解しました"}
# Words and endings of clauses that answer a name question without a name (the recognizers decide)
_NOT_A_NAME = {"本人", "ご本人", "私", "わたし", "わたくし", "僕", "自分", "そう", "違い", "違う", "大丈夫", "結構", "いい",
               "同じ", "前と同じ", "さっき", "先ほど", "以前", "不明", "内緒", "秘密", "まだ", "ちょっと", "少々", "今",
               "漢字", "カタカナ", "ひらがな", "ローマ字", "英語", "契約者", "名義人", "代理", "代理人", "家族", "なし",
               "ない", "ありません", "ございません", "それ", "これ", "あれ", "そちら", "こちら"}
# (never の, ね, よ, か: hiragana given names end so — あやの, あかね, さよ, はるか)
_NOT_A_NAME_ENDINGS = (*VERB_ENDINGS, "ない", "たい", "った", "んだ", "ので", "けど", "から", "だった", "ですか", "なん",
                       "ないん", "たいん", "るん", "たん")
_QUESTION_KANJI = ("何", "誰", "どなた", "どちら", "どっち")
_QUESTION_WORDS = {"なに", "なん", "だれ", "どれ", "どこ", "いつ", "どう"}  # whole clauses only: いつき, なんば

# A name given unasked: the sentence 「(label の/は) N です」 ending a caller's turn
_UNASKED_END = re.compile(rf"(?:でございます|です)[{PAUSE_MARKS}\s]*$")
_CLAUSE_MARK = re.compile(rf"[{PAUSE_MARKS}\s]")
_LABEL = re.compile(r"(?P<label>[^、。,.!?\s]{1,6}?)(?:の|は|が)[\s、,]*")
# How a name is written, said before it (「娘はののか、ひらがなでののかです」)
_SCRIPT_LABEL = re.compile(r"(?:ひらがな|平仮名|カタカナ|片仮名|ローマ字|アルファベット)で[\s、,]*")
NAME_LABELS = ("契約者", "名義人", "氏名", "名前", "名字", "苗字", "フルネーム")
_LABEL_READINGS: list[str] = []
_NO_NAME_READINGS: set[str] = set()
MAX_UNASKED = 8    # characters of N without a label (with one: MAX_NAME)
MAX_UNASKED_PART = 4  # a part of a foreign name set off before N (「VNP。」)
_NAME_PART = re.compile(rf"[A-Za-z{KATAKANA_RANGE}{KANJI_RANGE}ー]{{1,{MAX_UNASKED_PART}}}")
# A part set off by a space only may be in hiragana too (「たなか けいこです」), unless it ends a clause
_SPACED_PART = re.compile(rf"[A-Za-z{KATAKANA_RANGE}{KANJI_RANGE}{HIRAGANA_RANGE}ー]{{1,{MAX_UNASKED_PART}}}")
_CLAUSE_ENDINGS = ("が", "けど", "ので", "から", "て", "で", "に", "を", "は", "も", "ね", "よ")
# Ordinary nouns a purpose sentence ends in (住所変更, 料金プラン): kanji or katakana, two or more characters
_ORDINARY_ENDS = tuple(sorted(w for w in NOT_NAMES if len(w) >= 2 and not any(is_hiragana(c) for c in w)))
# A caller's greeting opening the turn: the 「N です」 right after it says who is calling
# (「もしもし、山田です」「どうも、オニシです」)
_GREETING = re.compile(rf"(?:(?:{alternation((*OPENINGS, 'どうも', 'こんにちは', 'こんばんは', 'おはようございます', *FILLERS))})"
                       r"[\s、,。.ー]*)+")
# What the operator may say before addressing the caller (「はい、山田様」)
_ADDRESS_OPENER = re.compile(rf"^(?:(?:{alternation((*ACKNOWLEDGEMENTS, *FILLERS, *OPENINGS, 'では', 'それでは'))})"
                             r"(?=[\s、,。.]|$)|[\s、,。.])*")


class NameAnswersConfig(RuleConfig):
    max_probability: float = Field(0.6, ge=0, le=1, description=(
        "Mean word probability under which a word set off before a found name is the name's other half."))


class NameAnswers(CallRule):
    NAME = "name_answers"
    Config = NameAnswersConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        for turn in call.turns:
            found = name_answer_spans(turn.text, turn.context) + introduced_names(turn.text) \
                + (named_names(turn.text) if not turn.is_operator else [])
            if not turn.may_ask:
                found += unasked_names(turn.text, _confirms_a_name(call, turn.index, spans),
                                       self.pii.organisations.business_suffixes)
            for start, end in dict.fromkeys(found):
                spans.add_uncovered(turn.index, "PERSON", start, end)
            if turn.is_operator or not (turn.context.after_request or turn.context.name_answer):
                continue
            for span in spans.findings(turn.index):
                half = other_half(turn.text, span.start, span.end) if span.type == "PERSON" else None
                probability = turn.probability_of(*half) if half else None
                if probability is not None and probability < self.config.max_probability:
                    spans.add_uncovered(turn.index, "PERSON", *half)


def other_half(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) of the word opening the clause and set off by a pause before the name at
    text[start:end] that ends its clause (「またなげ、|エミ|です」), if it may be the name's other half."""
    gap = _HALF_GAP.search(text, 0, start)
    if gap is None or not _NAME_END.match(text + "\n", end):
        return None
    lo = max((m.end() for m in _PAUSE.finditer(text, 0, gap.start())), default=0)
    lo = _clause_start(text, lo)
    word = text[lo:gap.start()]
    if not 2 <= len(word) <= MAX_HALF or word.endswith(_PARTICLE_ENDS) or _DIGIT.search(word) or not _is_name(word):
        return None
    return lo, gap.start()


def unasked_names(text: str, confirmed: bool, business_suffixes=()) -> list[tuple[int, int]]:
    """[start, end) of the name a caller gives unasked in `text`: the turn's last sentence
    「(label の/は) N です」 when the operator `confirmed` a name right after it (N alone, however
    garbled), any such sentence whose label names the slot (契約者の, 氏名は), or the one right
    after a greeting opening the turn (「もしもし、山田です」)."""
    found = []
    for end in [m.start() for m in re.finditer(r"でございます|です", text)]:
        after = text[end:]
        last = bool(_UNASKED_END.match(after))
        if not last and not re.match(rf"(?:でございます|です)(?:[{SENTENCE_END_MARKS}\s]|(?:けど|が)[{PAUSE_MARKS}\s])",
                                     after):
            continue
        lo = max((m.end() for m in _CLAUSE_MARK.finditer(text, 0, end)), default=0)
        start = _clause_start(text, lo)
        labelled = any(w in text[lo:start] for w in NAME_LABELS)  # 「氏名は」 passed over as the topic
        label = _LABEL.match(text, start, end)
        script = _SCRIPT_LABEL.match(text, start, end)
        if label is not None and _is_name_label(label.group("label")):
            labelled, start = True, label.end()
        elif script is not None:  # 「ひらがなでののかです」: how the name is written, then the name
            labelled, start = True, script.end()
        greeted = start > 0 and _GREETING.fullmatch(text, 0, start) is not None
        if not labelled and not greeted and not (last and confirmed):
            continue
        clause = text[start:end]
        if not _is_unasked_name(clause, MAX_NAME if labelled else MAX_UNASKED, business_suffixes):
            continue
        found.append((_earlier_name_parts(text, start), end))
    return found


def _is_unasked_name(clause: str, longest: int, business_suffixes) -> bool:
    compact = re.sub(r"[ 　・]", "", clause)
    if not compact or len(compact) > longest or _DIGIT.search(compact) or _is_question(compact, ""):
        return False
    if re.split(r"の|は|が", compact)[-1] in (*RELATIONS, *SELF_REFERENCES):
        return False  # 「電話したのは妻です」: whose, not who
    if not _NO_NAME_READINGS:
        _NO_NAME_READINGS.update(reading_of(w) for w in (*SELF_REFERENCES, *RELATIONS, *_NOT_A_NAME, *STOCK_REPLIES,
                                                          *REFUSALS))
    if reading_of(compact) in _NO_NAME_READINGS or reading_of(f"{compact}です") in _NO_NAME_READINGS:
        return False  # the same words written in kana (「ほんにんです」「だいじょうぶです」)
    if compact in STOCK_REPLIES or compact in REFUSALS or f"{compact}です" in STOCK_REPLIES \
            or compact.endswith(_NOT_A_NAME_ENDINGS) or compact in _NOT_A_NAME or compact in _PASSED_OVER:
        return False
    if any(compact.endswith(w) for w in _ORDINARY_ENDS) or any(w in compact for w in NOT_IN_SLOT) \
            or compact.endswith(SLOT_NOT_ENDINGS) or re.split(r"の", compact)[-1] in NOT_STAFF_WORDS \
            or any(len(compact) > len(w) and compact.endswith(w) for w in business_suffixes):
        return False  # 住所変更です, 引っ越しの件です, 予約確認です, ハルカ電力です: a purpose or a company
    return is_plausible_name(compact)


def _earlier_name_parts(text: str, start: int) -> int:
    """Where a name said in parts set off by pauses starts (「VNP。藍です」): short parts in letters,
    katakana or kanji right before `start`, no fillers or replies."""
    while True:
        gap = start
        while gap > 0 and _CLAUSE_MARK.match(text, gap - 1):
            gap -= 1
        if gap == start or gap == 0:
            return start
        lo = max((m.end() for m in _CLAUSE_MARK.finditer(text, 0, gap)), default=0)
        spaced = not _PAUSE.search(text, gap, start)
        part = (_SPACED_PART if spaced else _NAME_PART).fullmatch(text, lo, gap)
        if part is None or part.group() in _PASSED_OVER or part.group() in NOT_NAMES \
                or (spaced and part.group().endswith(_CLAUSE_ENDINGS)):
            return start
        start = lo


def _is_name_label(word: str) -> bool:
    """契約者, 氏名, 名前 ..., or a word reading a kana off one (市名 for 氏名)."""
    if word in NAME_LABELS:
        return True
    if not _LABEL_READINGS:
        _LABEL_READINGS.extend(reading_of(w) for w in NAME_LABELS)
    reading = reading_of(word)
    return any(edit_distance(reading, r) <= (1 if len(r) >= 4 else 0) for r in _LABEL_READINGS)


def _confirms_a_name(call: CallView, index: int, spans: SpanSet) -> bool:
    """The operator's turn right after turn `index` opens by addressing someone with an honorific,
    by a word that is no name known before that turn (「前かまさま、新しい配達先を…」): a name was
    just given. Known names: the words addressed and the names found in the turns before."""
    if index + 1 >= len(call.turns) or not call.turns[index + 1].is_operator:
        return False
    reply = call.turns[index + 1].text
    opener = _ADDRESS_OPENER.match(reply).end()
    addressed = [(s, e) for s, e in addressed_names(reply) if s <= opener]
    if not addressed:
        return False
    word = reply[addressed[0][0]:addressed[0][1]]
    known = [turn.text[s:e] for turn in call.turns[:index] for s, e in addressed_names(turn.text)]
    known += [turn.text[f.start:f.end] for turn in call.turns[:index] for f in spans.findings(turn.index)
              if f.type == "PERSON"]
    reading = reading_of(word)
    return not any(word in name or name in word or reading in reading_of(name) for name in known if name)


def introduced_names(text: str) -> list[tuple[int, int]]:
    """[start, end) of the name each self-introduction in `text` gives (「盛りと申します」)."""
    found = []
    for match in _INTRODUCED.finditer(text):
        lo = max((m.end() for m in _PAUSE.finditer(text, 0, match.start())), default=0)
        start = _clause_start(text, lo)
        if match.start() - start > MAX_INTRODUCED:  # back to where kana turns into the name's kanji
            start = max((m.start() + 1 for m in _KANA_TO_WORD.finditer(text, start, match.start())), default=start)
        clause = text[start:match.start()].strip(" 　・")
        if not clause or clause.endswith("っ") or clause in _ADVERBS_WITH_TO or (len(clause) == 1 and is_hiragana(clause)):
            continue  # ちょっと, ずっと, きちんと; だと言います
        if not _DIGIT.search(clause) and not _is_question(clause, text[match.end():]) and _is_name(clause):
            found.append((start, start + len(text[start:match.start()].rstrip(" 　・"))))
    return found


def named_names(text: str) -> list[tuple[int, int]]:
    """[start, end) of the name said right after naming it (「名前は、寄しむらって…」)."""
    found = []
    for match in _NAMED.finditer(text):
        span = _answer_name(text, match.end(), _NAMED_END, clauses=1)
        if span is None:  # a foreign name in letters (「HAM、D、LAN」 for ファム・ティ・ラン)
            start = _clause_start(text, match.end())
            part = _FOREIGN_PART.match(text, start)
            span = (start, part.end()) if part else None
        if span is not None and not _PHRASE.search(text, *span):
            end = span[1]
            while (part := _NEXT_FOREIGN_PART.match(text, end)) is not None:
                end = part.end()  # its other parts, each set off by a pause
            found.append((span[0], end))
    return found


def name_answer_spans(text: str, context: TurnContext) -> list[tuple[int, int]]:
    """[start, end) spans of `text` (a normalized turn) to redact as PERSON: the name said in a
    caller's answer to a name question (or, in mono, after the turn's own name question)."""
    if context.is_operator:
        return []
    if context.name_answer:
        lo = 0
    elif context.name_from is not None:
        tail = _REQUEST_TAIL.match(text, context.name_from)  # 「お願い|します」: the question's own ending
        lo = tail.end() if tail else context.name_from
    else:
        return []
    span = _answer_name(text, lo)
    return [span] if span is not None else []


def _answer_name(text: str, pos: int, ends: re.Pattern = _NAME_END, clauses: int = MAX_CLAUSES) -> tuple[int, int] | None:
    """The name clause of an answer starting at `pos`, or None when the answer gives no name."""
    for _ in range(clauses):
        pos = _clause_start(text, pos)
        if pos >= len(text):
            return None
        end_match = ends.search(text, pos)
        end = end_match.start() if end_match else len(text)
        clause = text[pos:end].strip(" 　・")
        sentence_end = _SENTENCE_END.search(text, end)
        sentence_rest = text[end:sentence_end.end() if sentence_end else len(text)]
        if _DIGIT.search(clause) or clause in _PASSED_OVER or _about_whose(clause):
            # another answer said first (the date of birth), 「名前ですね」, 「契約は母なんです」: the name may follow
            pos = _next_clause(text, end)
            continue
        if _is_question(clause, sentence_rest) or not _is_name(clause):
            return None
        start = pos
        end = start + len(text[start:end].rstrip(" 　・"))
        return (start, end) if end > start else None
    return None


def _clause_start(text: str, pos: int) -> int:
    """Past fillers, apologies, a pronoun and a topic (名前は), never past the clause itself."""
    while True:
        before = pos
        for pattern in (_SPACES, _FILLER, _PRONOUN, _TOPIC, _OWNER, _ROLE):
            match = pattern.match(text, pos)
            if match and match.end() > pos:
                pos = match.end()
        if pos == before:
            return pos


def _next_clause(text: str, end: int) -> int:
    """Where the clause after text[..end] starts: past the next pause."""
    pause = _PAUSE.search(text, end)
    return pause.end() if pause else len(text)


def _about_whose(clause: str) -> bool:
    """「契約は母なん(です)」「主人の(です)」: says whose name follows, not the name."""
    return any(clause.endswith((f"{r}なん", f"{r}の", f"{r}のなん")) for r in RELATIONS) or clause in RELATIONS


def _is_question(clause: str, rest: str) -> bool:
    """「漢字ですか？」「私のですか」「誰の名前?」: the caller asks back."""
    return bool(_QUESTION.match(rest)) or clause in _QUESTION_WORDS or any(w in clause for w in _QUESTION_KANJI)


def _is_name(clause: str) -> bool:
    compact = re.sub(r"[ 　・]", "", clause)
    if not compact or len(compact) > MAX_NAME:
        return False
    if compact in _NOT_A_NAME or compact.endswith(_NOT_A_NAME_ENDINGS) or compact.endswith("が"):  # それが(ですね)
        return False
    return is_plausible_name(compact)
