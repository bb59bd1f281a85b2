"""Takfir declaration extractor (being written: see the taggers issue)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class TakfirDeclarations:
    def __init__(self, nlp: Language, name: str, *, lexicon_path: str | None = None) -> None:
        self.name = name
        self.lexicon_path = lexicon_path

    def __call__(self, doc: Doc) -> Doc:
        doc._.takfir_events = []
        return doc
