"""What callers say when they spell: letter names and the spoken symbols of addresses and IDs."""

from redactor.pii.lexicon.speech import alternation

# Letter names as read aloud (エスエヌ = SN), as a regex alternation, longest first: エイチ before エイ
LETTER_NAME_WORDS = (
    "ダブリュー", "ダブリュ", "エイチ", "エックス", "ジェー", "ジェイ", "ゼット", "ゼッド", "キュー", "ティー", "ディー", "エフ",
    "エル", "エム", "エヌ", "エス", "アール", "ブイ", "ビー", "シー", "イー", "ジー", "アイ", "ケー", "ケイ", "オー", "ピー",
    "ユー", "ワイ", "エー", "エイ")
LETTER_NAMES = alternation(LETTER_NAME_WORDS)
# ... and as recognition writes them one by one, a long vowel often dropped (イー as イ, シー as シ:
# 「ピー・イ・アール・イ」); only safe with a separator after each, as SPELLED_LETTERS reads them
LETTER_NAMES_CLIPPED = alternation(LETTER_NAME_WORDS + tuple(w[:-1] for w in LETTER_NAME_WORDS if w.endswith("ー")))
# The at sign and the dot of an e-mail address, said (ASR writes them in katakana, sometimes hiragana)
AT_SIGN_WORDS = ("アットマーク", "あっとまーく", "アット")
DOT_WORDS = ("ドット", "ドッド")  # ドッド: ドット as recognition often hears it
# Other symbols of spelled IDs and addresses
SYMBOL_WORDS = ("ハイフン", "アンダーバー", "アンダースコア", "スラッシュ")
# The last label of an e-mail's domain, said (コム, ジェーピー) or written (JP); チェーピー: ジェーピー as
# recognition often hears it
DOMAIN_ENDINGS = ("ドットコム", "コム", "こむ", "ジェーピー", "ジェイピー", "チェーピー", "ネット", "オルグ",
                  "com", "COM", "Com", "jp", "JP", "net", "NET", "org", "ORG")
