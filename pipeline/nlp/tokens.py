"""Token fixes for transliterated names: "al-Kuwaiti", "ash-Shami" and "ex-fighter" stay one
token (spaCy splits them at the hyphen, which breaks names and parses).

A pipeline component, not a tokenizer rule, so it works in any pipeline: put it first, before
tok2vec, and every later component sees the merged tokens.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

# Arabic article forms and English prefixes that are glued to the next word with a hyphen.
PREFIXES = ("al", "el", "ash", "as", "ad", "at", "an", "ar", "az", "adh", "ath", "aj", "ibn",
            "bin", "bint", "abu", "umm", "ex", "pro", "anti", "non", "self")
HYPHENS = ("-", "\u2010", "\u2011")


class HyphenMerger:
    """Merges ``prefix - word`` (no spaces between) into one token."""

    def __init__(self, nlp: Language, name: str, *, prefixes: tuple[str, ...] = PREFIXES):
        self.name = name
        self.prefixes = frozenset(p.lower() for p in prefixes)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        i = 0
        while i + 2 < len(doc):
            first, hyphen, word = doc[i], doc[i + 1], doc[i + 2]
            if (first.lower_ in self.prefixes and hyphen.text in HYPHENS
                    and not first.whitespace_ and not hyphen.whitespace_ and word.is_alpha):
                # "al-Hashimi al-Qurashi": keep chaining if another prefix follows directly
                spans.append(doc[i:i + 3])
                i += 3
            else:
                i += 1
        with doc.retokenize() as retokenizer:
            for span in spans:
                retokenizer.merge(span)
        return doc
