"""Default word lists for organisation evidence (overridable under `organisations:` in pii.yaml).

General Japanese business vocabulary, not any particular company's name. Kept out of the lists on
purpose: one-kanji words that end given names (光 is only a suffix after kana, see organisations.py),
one-kanji departments (部, 課: 服部, 大課), and words that follow names in other senses
(センター長, ホームページ).
"""

# Banks, and their branches, named after their place (「泉支店」「本町支店」: where the bank is, not who
# the caller is)
BANK_WORDS = ("銀行", "信用金庫", "信金", "信用組合", "労働金庫", "ろうきん")
BRANCH_WORDS = ("支店", "支社", "営業所", "出張所", "営業部")

BUSINESS_SUFFIXES = (
    # finance
    *BANK_WORDS, "生命", "損保", "損害保険", "保険", "証券", "信託",
    "カード", "クレジット", "ファイナンス", "ローン", "共済", "ペイ",
    *BRANCH_WORDS,
    # utilities and telecoms
    "電力", "でんき", "電気", "ガス", "水道", "エナジー", "エネルギー", "テレコム", "通信", "モバイル", "ネット",
    "ネットワーク", "ケーブル", "光", "ブロードバンド", "でんわ",
    # companies and shops
    "株式会社", "有限会社", "ホールディングス", "グループ", "コーポレーション", "商事", "物産", "産業", "工業", "商店",
    "商会", "工務店", "通販", "ストア", "ショップ", "マート", "モール", "百貨店", "不動産", "住宅", "建設", "運輸",
    "運送", "急便", "物流", "交通", "鉄道", "航空", "トラベル", "旅行", "ホテル", "病院", "クリニック", "薬局",
    "ドラッグ", "電機", "自動車", "モーターズ", "サービス", "システムズ", "ソリューションズ", "テクノロジー", "協会",
    "組合", "生協",
    # products
    "プラン", "コース", "パック", "アプリ",
)

# Said after the organisation's name in a greeting: 「ハルカ電力カスタマーセンター、山口です」.
DEPARTMENT_WORDS = (
    "カスタマーセンター", "お客様センター", "お客さまセンター", "コールセンター", "サポートセンター", "センター",
    "サポートデスク", "カスタマーサポート", "サポート", "デスク", "窓口", "受付", "相談室", "事務局", "営業部",
    "本店", "支店", "事業部", "お問い合わせ", "問い合わせ", "個人情報", "料金", "会員", "オペレーター", "担当",
)

# GiNZA (ja_ginza, ENE labels) entities that are organisations or products.
ORGANISATION_NER_LABELS = (
    "Company", "Company_Group", "Corporation_Other", "Organization_Other", "International_Organization",
    "Political_Organization_Other", "Public_Institution", "Research_Institute", "Show_Organization",
    "Sports_Organization_Other", "Pro_Sports_Organization", "Product_Other", "Car", "Game", "Broadcast_Program",
    "Book", "Magazine", "Newspaper", "Railroad", "Train",
)
