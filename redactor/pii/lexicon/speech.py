"""The words around a name in speech, and the words an answer starts with.

Regexes are built from these tuples with `alternation`, longest word first, so that an
alternation takes the whole word (えーっと, not えー).
"""

import re
from collections.abc import Iterable

# After a name: 山田様, ヤマダさん, 田中氏, 山田殿
HONORIFICS = ("様", "さま", "さん", "くん", "君", "ちゃん", "氏", "殿")
# Titles after a name, like an honorific (堀江先生); unlike one they follow roles too (担当の先生, 主治医の先生)
TITLES = ("先生",)
# What is done in someone's name (「山田の名前で予約」「母の名義で契約」), as stems
DONE_IN_A_NAME = ("予約", "契約", "登録", "申し込", "申込", "注文", "加入", "入っ", "入会", "購入", "買", "送", "振り込", "振込",
                  "取っ", "とっ", "お願い", "頼", "手続", "作っ", "作り", "開設", "届", "受け取", "借り")
# What an operator says straight after addressing someone by name, where recognition wrote no pause
# (「岡田様ありがとうございます」「中村様お待たせいたしました」)
AFTER_ADDRESS = ("ありがとう", "お待たせ", "いつも", "お世話", "失礼", "恐れ入", "申し訳", "よろしく", "大変", "本日",
                 "お電話", "確認")
# After one's own name, as prefixes: 山田と申します, ヤマダといいます, 山田って言います
SELF_INTRODUCTIONS = ("と申", "といい", "と言い", "って申", "って言い", "っていい")
# The same frames as whole words, where a regex must not stop at a prefix (と申|請 is no introduction)
SELF_INTRODUCTION = r"(?:と|って)申(?:し|す)|(?:と|って)(?:言|い)います"
# After a name that answers or introduces: 山田です, 山田でございます
COPULAS = ("です", "でございます")
# How a polite question ends (「お名前よろしいですか」「お間違いありませんか」; never a bare か:
# さやか, はるか); rules add the question mark themselves
QUESTION_ENDINGS = ("ですか", "ますか", "でしょうか", "ませんか")
# Hesitations, before or inside an answer: never part of what is answered
FILLERS = ("えーっと", "えーと", "ええと", "えっと", "えと", "えー", "あのー", "あの", "うーん", "んー", "まあ", "あっ",
           "あー", "あ", "え")
# What an answer may open with before the answer itself
ACKNOWLEDGEMENTS = ("はい", "いいえ", "いえ", "いや", "ええ", "うん", "そうですね")
# What a caller may say before answering, besides fillers and acknowledgements
OPENINGS = ("すみません", "すいません", "もしもし")
# Replies that confirm, thank or wait rather than answer (「はい、そうです」「ちょっと待ってください」)
STOCK_REPLIES = ("そうです", "そうですね", "そうですよ", "大丈夫です", "大丈夫", "合ってます", "合っています", "間違いないです",
                 "間違いありません", "お願いします", "お願いいたします", "結構です", "了解です", "わかりました", "分かりました",
                 "承知しました", "ありがとうございます", "どうも", "以上です", "はいはい", "ちょっと待ってください",
                 "少々お待ちください", "お待ちください", "待ってください", "ちょっとお待ちください")
# The caller declines or cannot answer (a refusal is no answer)
REFUSALS = ("わかりません", "分かりません", "わからない", "分からない", "覚えていません", "覚えてない", "忘れました",
            "手元にない", "手元にありません", "お答えできません", "答えられません", "言えません", "教えられません",
            "教えたくない", "言いたくない", "控えます", "ないです", "ありません")
# A sentence opening a new topic ends an answer (「それと、請求書の件なんですけど」; あと too, unless a
# number follows: 「あと3日」)
TOPIC_CHANGES = ("それと", "その前に", "それから", "ところで", "ちなみに", "話は変わ", "別件", "もう一つ", "もうひとつ")


def alternation(words: Iterable[str]) -> str:
    """`words` as a regex alternation (no group), longest first."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True))
