"""The operator's own name in the opening and the sign-off is muted by TIME, however it was heard.

`operator_names` redacts the name slot where the frame around it survives recognition. When it
does not (「ソラネットを客様情報など口中に知れございます」 for 「ソラネットお客様情報窓口、中西でございます」,
「みなとてでこのお客様相談室 クマバラでございます」), the slot is still where the frame puts it:
right before the operator's self-introduction ending (でございます, です, と申します, が承ります; a
garbled 「…ございます」 without its で too) in the call's opening operator turns (a mono greeting
is recognized in parts), and before
「が承りました」「が担当いたしました」 in the sign-off. Where the ending itself was garbled too
(「春火電力です。福井の大計いたします」 for 福井がお受けいたします, 「担当のおにしが受けたままります」
for 大西が承ります), the opening's last sentence ending in a verb whose reading is a couple of kana
from a humble introduction verb (承ります, お受けいたします, 担当いたします, 対応いたします) after a
particle (が, or が heard as の/は/な) ends the slot there; the same verbs in the past tense end the
sign-off's slot (「本日はみなとテレコム早先が受けた まわりました」), and so does 「担当の<NAME>でした」
or 「担当は<NAME>でございました」, its copula a couple of kana off by reading too (「担当は恋ケデゴが
いました」 for 小池でございました). Without the role, the call's closing sentence is a sign-off when it
is short and ends in でした or in ました read a few kana from a humble past verb (「森だなご案内しました」
for 森田がご案内しました, 「森川な奥たまりました」 for 森川が承りました), and is no stock closing
(ありがとうございました, 完了しました, 以上でした): the slot ends where its verb starts.
The slot is the words spoken in the `slot_s` seconds before that ending, back to the previous pause or the frame's department or
business word (at most `max_chars` characters): they are redacted and muted by time
(`SpanSet.add_by_time`), typed PERSON. Only the last ending of a turn counts (「ハルカ電力で
ございます。担当坂本です。」: the company comes first). In a mono recording, where no turn is known
to be the operator's, the first turns starting within `opening_s` seconds (pauses split the
greeting into turns of its own) are the opening and the last two turns the sign-off.
"""

from __future__ import annotations

import re

from pydantic import Field

from redactor.pii.dialogue import CallView, TurnView
from redactor.pii.lexicon.chars import CLOSING_MARKS, HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE, PAUSE_MARKS
from redactor.pii.lexicon.speech import alternation
from redactor.pii.lexicon.names import NOT_NAMES
from redactor.pii.operator_intro import INTRO_END, OPENING_TURNS, SIGNOFF_END, SLOT_WORDS
from redactor.pii.readings import reading_of
from redactor.pii.rules.base import CallRule, RuleConfig
from redactor.pii.spans import SpanSet
from redactor.text_distance import edit_distance

# 「…ございます」 with its で lost (「口中に知れございます」), but not ありがとうございます / おめでとうございます
_BARE_GOZAIMASU = re.compile(r"(?<!とう)(?<!と)ござ(?:い|り)ます")
_PAUSE = re.compile(rf"[\s{re.escape(PAUSE_MARKS)}]")
# The operator's humble verbs of introduction (the operator is their subject: 「福井がお受けいたします」)
HUMBLE_INTRO_VERBS = ("うけたまわります", "おうけいたします", "おうけします", "たんとういたします", "たいおういたします",
                      "うけたまわりました", "おうけいたしました", "たんとういたしました", "たいおういたしました")
_HUMBLE_READINGS: list[str] = []
HUMBLE_EDITS = 2  # kana a garbled verb's reading may be off (大計いたします: タイケイイタシマス)
MAX_SIGNOFF_SLOT = 8  # characters between 担当の and the sign-off's past copula
# What です follows in a request or an explanation, not in an introduction (「変えたいです」「高いんです」)
# (not した, った: やました, ほった are names)
_NOT_INTRO_BEFORE = ("たい", "ない", "たいん", "ないん", "るん", "たん", "なん", "いん")
# The sign-off's 「担当の山田でした」「担当は小池でございました」: the slot ends where the past copula
# starts; recognition garbles the long one (「担当は恋ケデゴがいました」), so the words from the role
# to the sentence's ました are split where the rest reads closest to でございました
_SIGNOFF_ROLE = re.compile(r"担当(?:者)?(?:の|は|、)?\s*")
_SIGNOFF_SENTENCE = re.compile(rf"[^。、\s{re.escape(PAUSE_MARKS)}]{{1,16}}?(?:ました|でした)(?=ー*(?:[\s{re.escape(PAUSE_MARKS)}]|$))")
_LONG_PAST_COPULA = "でございました"
_LONG_PAST_COPULA_READING: list[str] = []
# A particle (が, or が heard as の/は/な), then a verb phrase (spaces where recognition split it)
# ending the sentence in ます/ました
_PARTICLE_VERB = re.compile(rf"(?:が|の|は|な)(?=(?P<verb>[{KANJI_RANGE}{KATAKANA_RANGE}ー{HIRAGANA_RANGE}\s]{{2,11}}?ま(?:す|した))"
                            rf"(?:[\s{re.escape(PAUSE_MARKS)}]|$))")

# The call's closing sentence 「<NAME>がご案内しました」「<NAME>が承りました」「<NAME>でした」, heard
# 「森だなご案内しました」「森川な奥たまりました」「総務かの北川でした」: the past verbs a sign-off ends in
# after the name, compared by reading (the particle が before them, often heard as な/の, stays in the slot
# unless heard as が)
SIGNOFF_VERBS = (*(v for v in HUMBLE_INTRO_VERBS if v.endswith("ました")),
                 "ごあんないしました", "ごあんないいたしました", "たんとうしました", "たいおうしました", "おうけしました")
_SIGNOFF_VERB_READINGS: list[str] = []
SIGNOFF_VERB_EDITS = 4   # kana a garbled long verb's reading may be off (奥たまりました: オクタマリマシタ)
MAX_CLOSING_SENTENCE = 16  # characters of the closing sentence (spaces not counted)
# Sentences that close a call and name no one: thanks, apologies, a finished task, the end of the
# explanation (「ありがとうございました」「お手続きは完了しました」「ご案内は以上でした」)
STOCK_CLOSINGS = ("ございました", "かしこまりました", "わかりました", "分かりました", "お疲れ様でした", "おつかれさまでした",
                  "お待たせしました", "お待たせいたしました", "助かりました", "安心しました", "よかったです", "なりました",
                  "決まりました", "終わりました", "届きました", "伺いました", "頂きました", "いただきました", "参りました")
# Nouns of a task or an answer that end 「…(いた)しました」「…でした」 without naming anyone
DONE_WORDS = ("完了", "終了", "変更", "登録", "送信", "発送", "送付", "手配", "確認", "承知", "了解", "失礼", "解約", "更新", "予約",
              "設定", "停止", "再開", "交換", "返金", "入金", "処理", "申請", "記録", "連絡", "説明", "受付", "手続き", "手続",
              "以上", "全て", "すべて", "問題", "大丈夫", "結構", "以下", "通り", "とおり")
_DONE = re.compile(rf"(?:{alternation(DONE_WORDS)})(?:を|が|は|に|と)?(?:いたしました|しました|させていただきました|されました"
                   rf"|でした|でございました|となりました|になりました)$")
# A slot that ends in one of these is part of a sentence about something else (「メールを|お送りしました」)
_NOT_SLOT_ENDS = ("を", "に", "で", "へ", "と", "から", "まで", "より", "ので", "ても", "て")
# Adverbs of time and manner that open a closing sentence (「先ほどお伝えしました」「確かに承りました」)
_NOT_SLOTS = frozenset({"先ほど", "先程", "さきほど", "確かに", "たしかに", "本日", "今回", "前回", "以前", "既に", "すでに", "只今",
                        "ただいま", "改めて", "あらためて", "とても", "大変", "たいへん", "無事", "無事に"})
_CLOSING_BREAK = re.compile(rf"[{re.escape(PAUSE_MARKS)}\s]")


class IntroSlotsConfig(RuleConfig):
    slot_s: float = Field(1.2, gt=0, description="Seconds before the introduction's ending that hold the name.")
    max_chars: int = Field(8, ge=1, description="Characters the slot may span at most.")
    opening_s: float = Field(8.0, gt=0, description=(
        "Mono recordings: turns starting this soon (at most the first OPENING_TURNS) are the opening."))


class IntroSlots(CallRule):
    NAME = "intro_slots"
    Config = IntroSlotsConfig

    def apply(self, call: CallView, spans: SpanSet) -> None:
        if not self.config.enabled:
            return
        operators = [turn for turn in call.turns if turn.is_operator]
        # mono: pauses split the greeting into turns of its own (「みなとてでこむでございます」「担当の井上です」);
        # a turn whose role stays unknown counts as the opening only while the call has just begun
        openings = [turn for turn in _opening_turns(call) if turn.is_operator or (
            turn.start_s is not None and turn.start_s < self.config.opening_s)] or operators[:1]
        if operators:
            sign_offs = [operators[-1]] if operators[-1] not in openings else []
        else:
            sign_offs = [turn for turn in [t for t in call.turns if t.may_ask][-2:] if turn not in openings]
        frame = _frame_words(self.pii)
        # of the opening's turns, the last holding an introduction ending holds the name (the
        # ones before it are the company's greeting: 「みなとてでこむでございます」「担当の井上です」)
        opening, ending = None, None
        for turn in openings:
            endings = [m.start() for m in INTRO_END.finditer(turn.text) if not _after_request(turn.text, m)] or [
                m.start() for m in _BARE_GOZAIMASU.finditer(turn.text)]
            endings += garbled_humble_endings(turn.text)
            if endings:
                opening, ending = turn, max(endings)
        if opening is not None:
            self._slot(opening, spans, ending, frame)
        for sign_off in sign_offs:
            endings = [m.start() for m in SIGNOFF_END.finditer(sign_off.text)] \
                + [i for i in garbled_humble_endings(sign_off.text) if sign_off.text.find("ました", i) >= 0] \
                + signoff_copulas(sign_off.text) + closing_sentence_slot(sign_off.text, self.config.max_chars)
            self._slot(sign_off, spans, max(endings, default=None), frame)

    def _slot(self, turn: TurnView, spans: SpanSet, ending: int | None, frame: re.Pattern) -> None:
        """Mute and redact the words in the `slot_s` seconds before `ending`, back to a pause or the
        frame's last department or business word (「お客様センターの|」「担当の|」)."""
        if not ending:
            return
        start = max(0, ending - self.config.max_chars)
        bounds = [m.end() for m in _PAUSE.finditer(turn.text, start, ending)]
        bounds += [m.end() for m in frame.finditer(turn.text, 0, ending) if start <= m.end() < ending]
        start = max([start] + bounds)
        while start < ending:
            seconds = turn.time_of(start, ending)
            if seconds is None:
                return  # no word times: the text frames (operator_names) alone
            if seconds[1] - seconds[0] <= self.config.slot_s:
                spans.add_by_time(turn.index, "PERSON", start, ending, *seconds)
                return
            start += 1


def _after_request(text: str, ending: re.Match) -> bool:
    """「変えたいです」「高いんです」: a です that ends a request or an explanation, not a name."""
    return ending.group().startswith("です") and text.endswith(_NOT_INTRO_BEFORE, 0, ending.start())


def garbled_humble_endings(text: str) -> list[int]:
    """Where the particle before a garbled humble introduction verb stands (「福井|の大計いたします」)."""
    if not _HUMBLE_READINGS:
        _HUMBLE_READINGS.extend(reading_of(v) for v in HUMBLE_INTRO_VERBS)
    found = []
    for match in _PARTICLE_VERB.finditer(text):
        verb = reading_of(re.sub(r"\s", "", match.group("verb")))  # a space reads as 記号
        if match.start() > 0 and any(edit_distance(verb, r) <= HUMBLE_EDITS for r in _HUMBLE_READINGS):
            found.append(match.start())
    return found


def signoff_copulas(text: str) -> list[int]:
    """Where the past copula after 「担当の|は <NAME>」 starts (「担当は恋ケ|デゴがいました」): でした as
    written, or a word ending in ました whose reading is at most `HUMBLE_EDITS` kana from
    でございました (the slot keeps at least one character)."""
    if not _LONG_PAST_COPULA_READING:
        _LONG_PAST_COPULA_READING.append(reading_of(_LONG_PAST_COPULA))
    found = []
    for role in _SIGNOFF_ROLE.finditer(text):
        sentence = _SIGNOFF_SENTENCE.match(text, role.end())
        if sentence is None:
            continue
        written = text.find("でした", role.end() + 1, sentence.end())
        if 0 <= written <= role.end() + MAX_SIGNOFF_SLOT:
            found.append(written)
            continue
        best = None
        for split in range(role.end() + 1, min(sentence.end() - 3, role.end() + MAX_SIGNOFF_SLOT) + 1):
            edits = edit_distance(reading_of(text[split:sentence.end()]), _LONG_PAST_COPULA_READING[0])
            if edits <= HUMBLE_EDITS and (best is None or edits < best[0]):
                best = (edits, split)
        if best is not None:
            found.append(best[1])
    return found


def closing_sentence_slot(text: str, max_chars: int = MAX_SIGNOFF_SLOT) -> list[int]:
    """Where the verb of the turn's last sentence starts when that sentence is a sign-off: short,
    ending in でした or in ました read at most `SIGNOFF_VERB_EDITS` kana from a humble past verb
    (「森だな|ご案内しました」「森川な|奥たまりました」「総務かの北川|でした」), not a stock closing
    (「ありがとうございました」「お手続きは完了しました」), and what precedes the verb could be a name
    (not 「メールを|お送りしました」「ご注文|承りました」)."""
    if not _SIGNOFF_VERB_READINGS:
        _SIGNOFF_VERB_READINGS.extend(reading_of(v) for v in SIGNOFF_VERBS)
    end = len(text.rstrip(f"{CLOSING_MARKS}ー 　"))
    breaks = [m.end() for m in _CLOSING_BREAK.finditer(text, 0, end)]
    start = max(breaks, default=0)
    if end - start <= 6 and breaks and text[start - 1] in " 　":
        start = breaks[-2] if len(breaks) > 1 else 0  # the verb alone after a pause recognition heard inside it (「受けた まわりました」)
    sentence = text[start:end]
    compact = re.sub(r"\s", "", sentence)
    if not compact.endswith(("でした", "ました")) or len(compact) > MAX_CLOSING_SENTENCE \
            or compact.endswith(STOCK_CLOSINGS) or _DONE.search(compact):
        return []
    if compact.endswith("でした"):
        verb = end - len("でした")
    else:
        best = None  # (edits, where the verb starts)
        for split in range(start + 1, end - 3):
            if text[split] in " 　":
                continue
            reading = reading_of(re.sub(r"\s", "", text[split:end]))
            edits = min(edit_distance(reading, r) for r in _SIGNOFF_VERB_READINGS)
            if best is None or edits < best[0]:
                best = (edits, split)
        if best is None or best[0] > SIGNOFF_VERB_EDITS:
            return []
        verb = best[1] - (text[best[1] - 1] in "おご")  # the verb's honorific prefix (お送り, ご案内) is its own
        verb -= text[verb - 1] == "が"  # and so is the particle before it, where it was heard
    slot = re.sub(r"\s", "", text[max(start, verb - max_chars):verb])
    if not slot or slot in SLOT_WORDS or slot in NOT_NAMES or slot in _NOT_SLOTS or slot.endswith(_NOT_SLOT_ENDS) \
            or re.match(rf"[おご][{KANJI_RANGE}{KATAKANA_RANGE}]", slot) or re.search(r"[0-9０-９]", slot):
        return []
    return [verb]


def _opening_turns(call: CallView) -> list[TurnView]:
    """The operator turns before the caller first speaks (a mono greeting recognized in parts:
    「ソラネットサポートです」「今井でございます」; a mono turn whose role is unknown may be the
    operator's too), at most OPENING_TURNS."""
    turns = []
    for turn in call.turns[:OPENING_TURNS]:
        if not turn.may_ask:
            break
        turns.append(turn)
    return turns


def _frame_words(pii) -> re.Pattern:
    """The organisation's words that may come right before the name (a department, a business
    word, 担当), with the particle after them."""
    words = list(pii.organisations.department_words) + list(pii.organisations.business_suffixes) \
        + ["担当", "担当者", "本日", "わたくし", "私"]
    return re.compile(rf"(?:{alternation(words)})(?:の|は|、|\s)*")
