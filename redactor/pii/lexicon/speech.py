"""The words around a name in speech, and the words an answer starts with.

Regexes are built from these tuples with `alternation`, longest word first, so that an
alternation takes the whole word (えーっと, not えー).
"""

import re
from collections.abc import Iterable

# After a name: 山田様, ヤマダさん, 田中氏, 山田殿
HONORIFICS = ("様", "さま", "さん", "くん", "君", "ちゃん", "氏", "殿")
# After one's own name, as prefixes: 山田と申します, ヤマダといいます, 山田って言います
SELF_INTRODUCTIONS = ("と申", "といい", "と言い", "って申", "って言い", "っていい")
# The same frames as whole words, where a regex must not stop at a prefix (と申|請 is no introduction)
SELF_INTRODUCTION = r"(?:と|って)申(?:し|す)|(?:と|って)(?:言|い)います"
# After a name that answers or introduces: 山田です, 山田でございます
COPULAS = ("です", "でございます")
# Hesitations, before or inside an answer: never part of what is answered
FILLERS = ("えーっと", "えーと", "ええと", "えっと", "えと", "えー", "あのー", "あの", "うーん", "んー", "まあ", "あっ",
           "あー", "あ", "え")
# What an answer may open with before the answer itself
ACKNOWLEDGEMENTS = ("はい", "いいえ", "いえ", "いや", "ええ", "うん", "そうですね")


def alternation(words: Iterable[str]) -> str:
    """`words` as a regex alternation (no group), longest first."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True))
