"""The words around a name in speech."""

# After a name: 山田様, ヤマダさん, 田中氏
HONORIFICS = ("様", "さま", "さん", "くん", "君", "ちゃん", "氏")
# After one's own name: 山田と申します, ヤマダといいます, 山田って言います
SELF_INTRODUCTIONS = ("と申", "といい", "と言い", "って言い", "っていい")
# After a name that answers or introduces: 山田です, 山田でございます
COPULAS = ("です", "でございます")
