"""Japanese word lists and character classes, each defined once (recognizers and rules import them).

- `chars`: kanji, hiragana and katakana ranges and predicates; the punctuation that ends a sentence
  or pauses it;
- `speech`: honorifics, self-introductions, copulas (the words around a name in speech), fillers
  and acknowledgements (what an answer opens with), and `alternation` to build regexes of them;
- `names`: words that fill a name's slot but are no one's name (roles, relations, stock phrases);
- `organisations`: business vocabulary that marks organisation and product names;
- `spelling`: letter names and the spoken symbols (アット, ドット, ハイフン) of spelled addresses and IDs.
"""
