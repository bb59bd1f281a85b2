"""Token fixes for transliterated names: "al-Kuwaiti", "ash-Shami" and "ex-fighter" stay one
token (spaCy splits them at the hyphen, which breaks names and parses).

A pipeline component, not a tokenizer rule, so it works in any pipeline: put it first, before
tok2vec, and every later component sees the merged tokens.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

# Arabic article forms glued to a name with a hyphen ("al-Kuwaiti"), and English prefixes
# glued to a word ("ex-fighter", "non-Muslim"). An English prefix before an acronym stays
# apart, so the name keeps its own token: "ex-ISIS", "pro-ISIS".
PREFIXES = ("al", "el", "ash", "as", "ad", "at", "an", "ar", "az", "adh", "ath", "aj", "ibn",
            "bin", "bint", "abu", "umm")
ENGLISH_PREFIXES = ("ex", "pro", "anti", "non", "self")
HYPHENS = ("-", "\u2010", "\u2011")


class HyphenMerger:
    """Merges ``prefix-word`` (no spaces around the hyphen) into one token."""

    def __init__(self, nlp: Language, name: str, *, prefixes: tuple[str, ...] = PREFIXES,
                 english_prefixes: tuple[str, ...] = ENGLISH_PREFIXES):
        self.name = name
        hyphens = "".join(HYPHENS)
        # found in the text, not by walking every token: most tokens never need a look
        self.patterns = [
            re.compile(rf"\b(?i:{_alternatives(prefixes)})[{hyphens}][^\W\d_]+"),
            re.compile(rf"\b(?i:{_alternatives(english_prefixes)})[{hyphens}]"
                       rf"(?![A-Z]{{2,}}\b)[^\W\d_]+"),
        ]

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        matches = (m for pattern in self.patterns for m in pattern.finditer(doc.text))
        for match in matches:
            span = doc.char_span(match.start(), match.end())
            if span is not None and len(span) > 1:
                spans.append(span)
        if spans:
            with doc.retokenize() as retokenizer:
                for span in spans:
                    retokenizer.merge(span)
        return doc


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
