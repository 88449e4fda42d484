"""Who speaks each turn of a mono recording: the operator, the caller, or unknown.

In a mono recording both voices share one channel, and recognition hands out turns without a
speaker ("unknown"). The conversation still says who speaks:

- a call-center operator speaks in service register: humble verbs (いたします, おります,
  ございます, 承ります), honorifics for the caller and the caller's things (〜様, お名前, ご登録,
  いらっしゃいますか), the stock phrases of the trade (かしこまりました, 恐れ入ります, お待たせ
  いたしました) and requests and confirmations (〜いただけますか, 〜でしょうか, 〜様ですね);
- the caller speaks plainly (〜んですけど, 〜てます, もしもし, すみません, 〜といいます, 本人です).

The roles are inferred in passes, each a rule of conversation:

1. register: a turn holding cues of one side only is that side's; a turn holding both (two
   voices in one recognized segment, or a caller quoting the operator) or neither stays open, and
   so does an operator turn holding a question and, after it, an answer (「…をお願いします 平成3年
   …です」) or, right after the operator's question, opening with an answer;
2. the opening: a call-center recording starts when the operator answers, so an open first turn
   is the operator's greeting (unless it holds digits: an answer, the recording is an excerpt);
3. context, repeated until nothing changes: an open turn that goes on with the previous turn's
   unfinished sentence (it ended on a particle or a comma, without asking, and the pause was
   short: recognition cut one utterance in two) is that speaker's; an open turn right after an
   operator's question or request is the caller's answer, and one right after a caller's
   question the operator's.

Whatever stays open is "unknown", and the rules treat it as they treat every mono turn without
inference: it may ask and it may answer (fail closed). Turns of known speakers (stereo) keep
their speaker's role; nothing is inferred there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from redactor.pii.config import CallContextConfig
from redactor.pii.lexicon.chars import CLOSING_MARKS, HIRAGANA_RANGE, KANJI_RANGE, KATAKANA_RANGE
from redactor.pii.lexicon.speech import ACKNOWLEDGEMENTS, FILLERS, QUESTION_ENDINGS, alternation
from redactor.pii.questions import asked_types, asks_for_number
from redactor.pii.readings import reading_of

OPERATOR, CALLER, UNKNOWN = "operator", "caller", "unknown"
_BOTH = "both"  # a turn holding both sides' words: it stays unknown whatever its neighbours say

# Service register: humble and honorific forms, the trade's stock phrases, requests and
# confirmations (「〜様ですね」). 「ありがとうございます」 alone is either side's.
_OPERATOR_TEXT = re.compile(
    r"(?<!とう)(?<!と)ござ[いり]ま"  # でございます, ございません (not ありがとうございます)
    r"|いた(?:し|します|しました)|いただけ(?:ます|ません)|(?:て|で)おり(?:ます|まし)"
    r"|かしこま|承知いたし|承り|承っ|うけたまわ|受けたまわ|恐れ入|おそれ入|おそれい|申し訳ござ|失礼いたし"
    r"|お電話ありがとう|ご利用ありがとう|お待たせ|少々お待ち|いらっしゃ|なさいますか|でしょうか|お伺い|お調べ|お問い合わせ|お手元|お手続き|お名前"
    r"|お持ち|おもち|お分かり|おわかり|お変わり|おかわり|お控え|お届け"
    r"|様(?!番号)|さま(?:です|で(?:よろしい|お間違い|いらっしゃ)|、|の|ありがとう|お待たせ)|でよろしい|でお間違い|担当"
    r"|ご(?:登録|本人|住所|契約|利用|確認|連絡|請求|希望|用件|不明|心配|迷惑|注文|指定|記入|案内|家族|自宅|名義"
    r"|提示|送付|変更|解約|入金|了承|準備|都合|負担|返却|返送|依頼|相談|対応|予約|到着|生年)")
# The same stock phrases as recognition garbles them (貸しこまりました, かしこなりました), by reading
_OPERATOR_READING = re.compile(r"シコ[マナ]リマシタ|コマリマシタ|ウケタマワ|オソレイリ|ショウチイタシ")
# Plain speech: a caller's explanations (〜んですけど), casual forms (〜てます, じゃあ, 〜っけ),
# a caller naming themself (〜といいます; an operator says と申します) or their family
_CALLER_TEXT = re.compile(
    r"もしもし|んです(?:けど|が|よ)|んだけど|んですか|たいんで|けど[。、\s]*$|すみません|すいません"
    r"|(?<!お)(?<!て)わかりました|(?<!お)(?<!て)分かりました|(?:と|って)(?:言|い)います|(?<!ご)本人です"
    r"|(?<![ごお])(?:息子|娘|主人|家内|嫁|父親|母親)|(?:て|で)(?:ます|ました)(?![か])|(?:じゃあ|じゃ、)|っけ|ちゃっ"
    r"|(?:た|ほし|欲し)くて|(?:と|って)思って|"
    rf"(?<=[{HIRAGANA_RANGE}{KATAKANA_RANGE}{KANJI_RANGE}])とか(?=[あはでも、。\s]|$)"
    r"|なくて(?:ね|さ|[、。]|$)|ない(?:んです|です|の|よ|ね)(?!か)|(?:あの|のよ|よね|てね|だね)(?:[、。]|$)")
# A sentence going on in the next turn: the turn ends on a case particle or a comma (not は or
# を: 「お名前は」「カード番号を」 ask, and the other side answers; not a clause ending in て or
# ので, which a speaker often leaves hanging: 「…して欲しくて」「持ってなくて、」)
_UNFINISHED = re.compile(r"(?:[のがにとへや]|(?<!の)で|(?<![てで])[、,])\s*$")
# A question's or a request's ending (garbled お願い too: おめがいします, お願いいします; of the
# 「…ください」 only those asking to be told: 「お控えください」 instructs)
_QUESTION = rf"{alternation(QUESTION_ENDINGS)}|[？?]"
_PLEASE = r"(?:願|[ねめ]が)い[い\s]*(?:た\s*)?します"
_ASKING_END = rf"(?:{_QUESTION}|{_PLEASE}|(?:教えて|お聞かせ|お知らせ)ください|を)"
_ASKS = re.compile(rf"{_ASKING_END}[{re.escape(CLOSING_MARKS)}、\s]*$")
_QUESTION_END = re.compile(rf"(?:{_QUESTION})[{re.escape(CLOSING_MARKS)}、\s]*$")
# …and inside a turn, where a sentence ends (「ですから」「をお」 end none)
_ASKS_WITHIN = re.compile(rf"(?:{_QUESTION}|{_PLEASE}|ください)"
                          rf"(?![らねなのもいと])[{re.escape(CLOSING_MARKS)}、\s]*(?=\S)")
# An operator asking for an item: its object, then the asking verb (「有効期限をお願いします」, を
# garbled to の too); a caller's 「住所変更お願いします」「…をお願いしたいです」 asks for a service
_GARBLED_REQUEST = re.compile(r"お?[ねめ]がい")
_REQUEST_VERB = re.compile(r"[をもの][\s、]*(?:お?願い|お?[ねめ]がい|教えて|お伺い|伺|うかが|頂戴|お聞かせ)(?!したい|してい)")
# What an answer sounds like after a question inside one turn: digits, plain speech, an answer's
# opening (はい, えっと) or a short 「…です」 (「お名前をお願いします 糸をまさみです」)
_ANSWER_OPENING = re.compile(rf"^(?:{alternation(ACKNOWLEDGEMENTS + FILLERS)})")
_COPULA_END = re.compile(rf"です[{re.escape(CLOSING_MARKS)}、\s]*$")
MIN_ANSWER_CHARS = 2
_SHORT_ANSWER = re.compile(rf"^.{{1,12}}(?:です|と申します|(?:と|って)(?:言|い)います)[{re.escape(CLOSING_MARKS)}]*$")
MAX_CONTINUATION_GAP_S = 1.0  # a pause longer than this between turns ends an utterance


def infer_roles(speakers: Sequence[str], texts: Sequence[str], conf: CallContextConfig,
                times: Sequence[tuple[float | None, float | None]] | None = None) -> list[str]:
    """The role of each turn: OPERATOR, CALLER or UNKNOWN. Known speakers keep theirs; turns of
    unknown speakers (mono) are inferred from the conversation (module docstring). `times`:
    each turn's (start_s, end_s), where known."""
    operators = {s.lower() for s in conf.operator_speakers}
    unknown = {s.lower() for s in conf.unknown_speakers}
    roles = [OPERATOR if s.strip().lower() in operators else UNKNOWN if s.strip().lower() in unknown else CALLER
             for s in speakers]
    open_turns = [i for i, role in enumerate(roles) if role == UNKNOWN]
    if not open_turns:
        return roles
    inferred = {i: _register(texts[i], conf) for i in open_turns}
    _opening(inferred, texts)
    _answers_first(inferred, texts)
    times = times or [(None, None)] * len(texts)
    changed = True
    while changed:
        changed = False
        for i in open_turns:
            if inferred[i] != UNKNOWN:
                continue
            role = _from_context(i, inferred, texts, times)
            if role != UNKNOWN:
                inferred[i], changed = role, True
    for i, role in inferred.items():
        roles[i] = UNKNOWN if role == _BOTH else role
    return roles


def _register(text: str, conf: CallContextConfig) -> str:
    """OPERATOR or CALLER where a turn's words are in one side's register only, else UNKNOWN.
    A request for a personal item (「青年学期をお願いできますか」, cues read as questions.py reads
    them) is the operator's too."""
    request = _GARBLED_REQUEST.sub("お願い", text)  # 「有効機限のおめがいします」 asks as お願い
    operator = _operator_words(text) or (_REQUEST_VERB.search(request) is not None and (
        bool(asked_types(request, conf)) or asks_for_number(request, conf)))
    caller = _CALLER_TEXT.search(text) is not None
    if not operator and not caller:
        return UNKNOWN
    if operator == caller or (operator and _answered_within(text)):
        return _BOTH
    return OPERATOR if operator else CALLER


def _operator_words(text: str) -> bool:
    return _OPERATOR_TEXT.search(text) is not None or _OPERATOR_READING.search(reading_of(text)) is not None


def _answered_within(text: str) -> bool:
    """A question or request inside the turn, followed by words in no operator register: its answer
    (「青年学期をお願いいたします 平成3年5月16日です」, one recognized segment holding both voices)."""
    for ask in _ASKS_WITHIN.finditer(text):
        rest = text[ask.end():].strip(" 　、。")
        if rest and not _operator_words(rest) and (
                any(c.isdigit() for c in rest) or _CALLER_TEXT.search(rest) or _ANSWER_OPENING.match(rest)
                or _SHORT_ANSWER.match(rest)):
            return True
    return False


def _opening(inferred: dict[int, str], texts: Sequence[str]) -> None:
    """The recording starts when the operator answers: an open first turn is the greeting, unless
    it holds digits (an answer: the recording is an excerpt)."""
    if inferred.get(0) == UNKNOWN and not any(c.isdigit() for c in texts[0]):
        inferred[0] = OPERATOR


def _answers_first(inferred: dict[int, str], texts: Sequence[str]) -> None:
    """An operator turn right after an operator's question that opens with an answer (digits,
    plain speech, a 「…です」) before its first operator words holds both voices: the caller's
    answer and the operator going on (「商事まことです IDはSN550217 商事様ありがとうございます」)."""
    for i, role in inferred.items():
        if role != OPERATOR or inferred.get(i - 1) != OPERATOR or not _ends_asking(texts[i - 1]):
            continue
        first = _OPERATOR_TEXT.search(texts[i])
        head = _ANSWER_OPENING.sub("", texts[i][:first.start()] if first else "").strip(" 　、。")
        if len(head) >= MIN_ANSWER_CHARS and (any(c.isdigit() for c in head) or _CALLER_TEXT.search(head)
                                              or _COPULA_END.search(head)):
            inferred[i] = _BOTH


def _from_context(i: int, inferred: dict[int, str], texts: Sequence[str],
                  times: Sequence[tuple[float | None, float | None]]) -> str:
    """An open turn's role from the turn before it: the same speaker as an unfinished sentence it
    goes on with; the caller after an operator's question or request, the operator after a
    caller's question (a caller's request is for a service, and the caller often goes on)."""
    before = inferred.get(i - 1, UNKNOWN)
    if before in (UNKNOWN, _BOTH):
        return UNKNOWN
    if _goes_on(texts[i - 1], times[i - 1], times[i]):
        return before
    said = texts[i - 1]
    if i >= 2 and inferred.get(i - 2) == before and _goes_on(texts[i - 2], times[i - 2], times[i - 1]):
        said = texts[i - 2] + said  # a question cut in two: 「…お名前をおめが」「いたします」
    if before == OPERATOR and _ends_asking(said):
        return CALLER
    if before == CALLER and _QUESTION_END.search(said):  # the caller's 「…してください」 asks for a service
        return OPERATOR
    return UNKNOWN


def sentence_leads(speakers: Sequence[str], roles: Sequence[str], texts: Sequence[str], conf: CallContextConfig,
                   times: Sequence[tuple[float | None, float | None]] | None = None) -> list[str]:
    """For each mono turn that goes on with the previous turn's unfinished sentence (the same
    inferred speaker, a short pause: 「お名前をおめが」「いたします」), that turn's text; else ""."""
    unknown = {s.lower() for s in conf.unknown_speakers}
    times = times or [(None, None)] * len(texts)
    return ["" if i == 0 or speakers[i].strip().lower() not in unknown or roles[i] == UNKNOWN
            or roles[i] != roles[i - 1] or not _goes_on(texts[i - 1], times[i - 1], times[i]) else texts[i - 1]
            for i in range(len(texts))]


def _goes_on(text: str, this: tuple[float | None, float | None], following: tuple[float | None, float | None]) -> bool:
    """The turn's last sentence is unfinished, asks for nothing, and the next turn follows closely."""
    if not _UNFINISHED.search(text) or _ends_asking(text):
        return False
    end, start = this[1], following[0]
    return end is None or start is None or start - end <= MAX_CONTINUATION_GAP_S


def _ends_asking(text: str) -> bool:
    """The turn ends asking: a question, or a request (「…をお願いします」「…を。」)."""
    return _ASKS.search(text) is not None
