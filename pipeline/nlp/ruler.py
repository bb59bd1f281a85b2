"""Entity ruler from the lexicon: domain labels the model never predicts (TAKFIR_TERM,
RELIGIOUS_CONCEPT, ROLE) and corrections of its known errors (bare surnames as PERSON, VK as
ORG, Islam not ORG/GPE, "ISIS'" and "Islamic State" found every time).

Matching is token by token on normalized text (case, diacritics, apostrophes and Arabic
articles do not matter). Lexicon matches win over the model's entities where they overlap;
every match, overlapping or not, is also kept in ``doc.spans["lexicon"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import filter_spans

from ..lexicon import Lexicon, LexiconEntry, is_acronym, load_lexicon, normalize, variants
from ..schema import load_schema
from .tokens import HyphenMerger

SPANS_KEY = "lexicon"


class LexiconRuler:
    """Matches lexicon entries; the phrase patterns load in ``initialize`` (or on first use)."""

    def __init__(self, nlp: Language, name: str, *, lexicon_path: str | None = None,
                 keep_model_labels: bool = False, overwrite: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        self.lexicon_path = lexicon_path
        self.keep_model_labels = keep_model_labels
        self.overwrite = overwrite
        self.phrases: PhraseMatcher | None = None  # normalized forms, on NORM
        self.acronyms: PhraseMatcher | None = None  # IS, VK, HTS: capitals only, on ORTH
        self.lexicon: Lexicon | None = None
        self.labels: frozenset[str] = frozenset(load_schema().entity_labels)
        self._norm_ids: dict[int, int] = {}

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, lexicon_path: str | None = None) -> None:
        path = lexicon_path or self.lexicon_path
        self.lexicon = load_lexicon(Path(path) if path else None)
        merger = HyphenMerger(self.nlp, "patterns")
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.acronyms = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for entry, form in lexicon_forms(self.lexicon):
            key = f"{entry.label}|{entry.id}"
            plain = self.nlp.make_doc(form)
            merged = merger(self.nlp.make_doc(form))
            # both tokenizations: with the merger in the pipeline ("al-Baghdadi" one token)
            # and without it ("al", "-", "Baghdadi")
            patterns = [merged] if len(merged) == len(plain) else [merged, plain]
            if is_acronym(form):
                self.acronyms.add(key, patterns)
            else:
                for pattern in patterns:
                    _set_norms(pattern)
                self.phrases.add(key, patterns)

    def __call__(self, doc: Doc) -> Doc:
        if self.phrases is None:
            self.initialize()
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Span]:
        """Every lexicon match, with label and canonical id (kb_id)."""
        assert self.phrases is not None and self.acronyms is not None
        saved = doc.to_array([NORM])
        doc.from_array([NORM], self._normalized_norms(doc, saved))
        try:  # compare normalized token text; the original norms come back below
            matches = [*self.phrases(doc), *self.acronyms(doc)]
        finally:
            doc.from_array([NORM], saved)
        spans = []
        for key, start, end in matches:
            label, kb_id = self.nlp.vocab.strings[key].split("|", 1)
            spans.append(Span(doc, start, end, label=label, kb_id=kb_id, span_id=kb_id))
        return sorted(set(spans), key=lambda s: (s.start, -len(s)))

    def _normalized_norms(self, doc: Doc, norms: numpy.ndarray) -> numpy.ndarray:
        """NORM ids of normalized token texts, computed once per distinct word (no Python
        loop over tokens: that loop cost more than the matching itself)."""
        orths = doc.to_array([ORTH])
        unique, inverse = numpy.unique(orths, return_inverse=True)
        strings = self.nlp.vocab.strings
        mapped = numpy.zeros(len(unique), dtype=numpy.uint64)
        for k, orth in enumerate(unique.tolist()):
            key = self._norm_ids.get(orth)
            if key is None:
                text = _normalized(strings[orth])
                key = self._norm_ids[orth] = strings.add(text) if text else 0
            mapped[k] = key
        out = mapped[inverse.reshape(-1)]
        return numpy.where(out == 0, norms, out)

    def set_annotations(self, doc: Doc, matches: list[Span]) -> None:
        doc.spans[SPANS_KEY] = matches
        ours = filter_spans(matches)  # longest match wins among lexicon spans
        model = [e for e in doc.ents if self.keep_model_labels or e.label_ in self.labels]
        if self.overwrite:
            taken = {i for span in ours for i in range(span.start, span.end)}
            model = [e for e in model if not any(i in taken for i in range(e.start, e.end))]
        else:
            taken = {i for e in model for i in range(e.start, e.end)}
            ours = [s for s in ours if not any(i in taken for i in range(s.start, s.end))]
        doc.ents = sorted([*model, *ours], key=lambda s: s.start)


def lexicon_forms(lexicon: Lexicon) -> Iterator[tuple[LexiconEntry, str]]:
    """(entry, surface form) for every alias variant; an ambiguous form only for its
    preferred entry; hyphenated forms also with a space ("al-Baghdadi", "al Baghdadi")."""
    seen: set[tuple[str, str]] = set()
    for entry in lexicon.entries:
        for alias in entry.surfaces:
            for form in variants(alias):
                ambiguity = lexicon.ambiguous.get(normalize(form))
                if ambiguity and ambiguity.prefer != entry.id:
                    continue
                for option in dict.fromkeys((form, form.replace("-", " "))):
                    if (entry.id, option) not in seen:
                        seen.add((entry.id, option))
                        yield entry, option


@lru_cache(maxsize=500_000)
def _normalized(text: str) -> str:
    return normalize(text)


def _set_norms(doc: Doc) -> list[str]:
    """Set each token's NORM to its normalized text; return the previous norms."""
    saved = []
    for token in doc:
        saved.append(token.norm_)
        key = _normalized(token.text)
        if key:
            token.norm_ = key
    return saved
