"""Entity linker: every entity that names a lexicon entry gets its canonical id as ``kb_id``,
across aliases, transliterations, diacritics, articles and possessives. Where the curated
lexicon and the model disagree on the label (the model's "Hazimi" as GPE), the lexicon wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from ..lexicon import Lexicon, load_lexicon

# Model labels the lexicon may correct; dates and events are left as the model found them.
_RELABEL = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "WORK_OF_ART"})
# GUIDELINES.md: "the caliphate" / "the dawla" naming the Islamic State's polity are that
# state (GPE / ORG, linked to it); "a caliphate" in doctrine stays a religious concept.
DEFINITE_POLITIES = {"concept:caliphate": ["GPE", "org:isis"],
                     "concept:dawla": ["ORG", "org:isis"]}
_DEFINITE = frozenset({"the", "its", "their", "his", "our"})


class LexiconLinker:
    def __init__(self, nlp: Language, name: str, *, lexicon_path: str | None = None,
                 relabel: bool = True,
                 definite_polities: dict[str, list[str]] | None = None) -> None:
        self.name = name
        self.lexicon_path = lexicon_path
        self.relabel = relabel
        self.definite_polities = (DEFINITE_POLITIES if definite_polities is None
                                  else definite_polities)
        self.lexicon: Lexicon | None = None

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, lexicon_path: str | None = None) -> None:
        path = lexicon_path or self.lexicon_path
        self.lexicon = load_lexicon(Path(path) if path else None)

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon is None:
            self.initialize()
        assert self.lexicon is not None
        ents = []
        for ent in doc.ents:
            polity = self.definite_polities.get(ent.kb_id_)
            if polity and self._definite(ent):
                ents.append(Span(doc, ent.start, ent.end, label=polity[0], kb_id=polity[1],
                                 span_id=polity[1]))
                continue
            if ent.kb_id_:
                ents.append(ent)
                continue
            entry = self.lexicon.lookup(ent.text)
            if entry is None:
                ents.append(ent)
                continue
            label = entry.label if self.relabel and ent.label_ in _RELABEL else ent.label_
            ents.append(Span(doc, ent.start, ent.end, label=label, kb_id=entry.id,
                             span_id=entry.id))
        doc.ents = ents
        return doc

    @staticmethod
    def _definite(ent: Span) -> bool:
        """Preceded by a definite determiner or possessive ("the caliphate", "ISIS' dawla")."""
        if ent.start == 0:
            return False
        before = ent.doc[ent.start - 1]
        return before.lower_ in _DEFINITE or before.tag_ == "POS" or before.text in ("'", "'s")
