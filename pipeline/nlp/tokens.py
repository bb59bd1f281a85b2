"""Token fixes for transliterated names: "al-Kuwaiti", "ash-Shami" and "ex-fighter" stay one
token (spaCy splits them at the hyphen, which breaks names and parses).

A pipeline component, not a tokenizer rule, so it works in any pipeline: put it first, before
tok2vec, and every later component sees the merged tokens.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

# Arabic article forms and English prefixes that are glued to the next word with a hyphen.
PREFIXES = ("al", "el", "ash", "as", "ad", "at", "an", "ar", "az", "adh", "ath", "aj", "ibn",
            "bin", "bint", "abu", "umm", "ex", "pro", "anti", "non", "self")
HYPHENS = ("-", "\u2010", "\u2011")


class HyphenMerger:
    """Merges ``prefix-word`` (no spaces around the hyphen) into one token."""

    def __init__(self, nlp: Language, name: str, *, prefixes: tuple[str, ...] = PREFIXES):
        self.name = name
        alternatives = "|".join(sorted((re.escape(p) for p in prefixes), key=len, reverse=True))
        hyphens = "".join(HYPHENS)
        # found in the text, not by walking every token: most tokens never need a look
        self.pattern = re.compile(rf"\b(?:{alternatives})[{hyphens}][^\W\d_]+", re.IGNORECASE)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match in self.pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end())
            if span is not None and len(span) > 1:
                spans.append(span)
        if spans:
            with doc.retokenize() as retokenizer:
                for span in spans:
                    retokenizer.merge(span)
        return doc
