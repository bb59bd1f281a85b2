"""Stance tagger (being written: see the taggers issue)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class StanceTagger:
    def __init__(self, nlp: Language, name: str, *, labels_path: str | None = None,
                 lexicon_path: str | None = None) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.stance = []
        return doc
