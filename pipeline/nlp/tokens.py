"""Token fixes for transliterated names: "al-Kuwaiti", "ash-Shami" and "ex-fighter" stay one
token (spaCy splits them at the hyphen, which breaks names and parses).

A pipeline component, not a tokenizer rule, so it works in any pipeline: put it first, before
tok2vec, and every later component sees the merged tokens.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_ALPHA, IS_UPPER, LENGTH, LOWER, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from .arrays import hashes

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
        strings = nlp.vocab.strings
        self.arabic = frozenset(hashes(strings, (p.lower() for p in prefixes)).tolist())
        self.english = frozenset(hashes(strings, (p.lower() for p in english_prefixes)).tolist())
        self.hyphens = hashes(strings, HYPHENS)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) < 3:
            return doc
        # found through token arrays, not by walking every token: most never need a look
        arr = doc.to_array([LOWER, SPACY, IS_ALPHA, IS_UPPER, LENGTH])
        lower = arr[:, 0]
        hyphen_at = numpy.flatnonzero(
            (lower == self.hyphens[0]) | (lower == self.hyphens[1]) | (lower == self.hyphens[2]))
        starts = []
        for h in hyphen_at.tolist():
            i = h - 1
            if i < 0 or h + 1 >= len(doc) or arr[i, 1] or arr[h, 1] or not arr[h + 1, 2]:
                continue  # spaces around the hyphen, or no word after it
            prefix = int(lower[i])
            acronym = arr[h + 1, 3] and arr[h + 1, 4] >= 2  # "ex-ISIS" keeps ISIS apart
            wanted = prefix in self.arabic or (prefix in self.english and not acronym)
            if wanted and (not starts or i >= starts[-1] + 3):  # never two merges on a token
                starts.append(i)
        if starts:
            with doc.retokenize() as retokenizer:
                for i in starts:
                    retokenizer.merge(doc[i:i + 3])
        return doc
