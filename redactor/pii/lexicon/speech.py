"""The words around a name in speech."""

# After a name: 山田様, ヤマダさん, 田中氏
HONORIFICS = ("様", "さま", "さん", "くん", "君", "ちゃん", "氏")
# After one's own name: 山田と申します, ヤマダといいます, 山田って言います
SELF_INTRODUCTIONS = ("と申", "といい", "と言い", "って言い", "っていい")
# After a name that answers or introduces: 山田です, 山田でございます
COPULAS = ("です", "でございます")
# Said before an answer, or instead of one: kept when they are all a turn says
FILLERS = ("はい", "ええ", "えーと", "えーっと", "えっと", "えと", "えー", "ええと", "あのー", "あの", "うーん", "うん", "んー",
           "あっ", "あー", "あ", "え", "まあ", "そうですね", "すみません", "すいません", "もしもし")
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
