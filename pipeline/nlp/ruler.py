"""Entity ruler from the lexicon: domain labels the model never predicts (TAKFIR_TERM,
RELIGIOUS_CONCEPT, ROLE) and corrections of its known errors (bare surnames as PERSON, VK as
ORG, Islam not ORG/GPE, "ISIS'" and "Islamic State" found every time).

Matching is token by token on normalized text (case, diacritics, apostrophes and Arabic
articles do not matter). Lexicon matches win over the model's entities where they overlap;
every match, overlapping or not, is also kept in ``doc.spans["lexicon"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import filter_spans

from ..lexicon import Lexicon, load_lexicon, normalize, spacy_patterns
from ..schema import load_schema
from .tokens import HyphenMerger

SPANS_KEY = "lexicon"


class LexiconRuler:
    """Matches lexicon entries; patterns load in ``initialize`` (or on first use)."""

    def __init__(self, nlp: Language, name: str, *, lexicon_path: str | None = None,
                 keep_model_labels: bool = False, overwrite: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        self.lexicon_path = lexicon_path
        self.keep_model_labels = keep_model_labels
        self.overwrite = overwrite
        self.matcher: Matcher | None = None
        self.lexicon: Lexicon | None = None
        self.labels: frozenset[str] = frozenset(load_schema().entity_labels)

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *,
                   nlp: Language | None = None, lexicon_path: str | None = None) -> None:
        self.lexicon = load_lexicon(Path(lexicon_path or self.lexicon_path)
                                    if (lexicon_path or self.lexicon_path) else None)
        merger = HyphenMerger(self.nlp, "patterns")
        make_doc = self.nlp.make_doc

        def tokenize(text: str) -> Doc:
            return merger(make_doc(text))

        self.matcher = Matcher(self.nlp.vocab, validate=False)
        for pattern in spacy_patterns(self.lexicon, attr="NORM", tokenizer=tokenize):
            self.matcher.add(f"{pattern['label']}|{pattern['id']}", [pattern["pattern"]])

    def __call__(self, doc: Doc) -> Doc:
        if self.matcher is None:
            self.initialize()
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Span]:
        """Every lexicon match, with label and canonical id (kb_id)."""
        assert self.matcher is not None
        saved = [token.norm_ for token in doc]
        for token in doc:  # NORM patterns compare normalized token text
            token.norm_ = normalize(token.text) or token.norm_
        try:
            matches = self.matcher(doc)
        finally:
            for token, norm in zip(doc, saved, strict=True):
                token.norm_ = norm
        spans = []
        for key, start, end in matches:
            label, kb_id = self.nlp.vocab.strings[key].split("|", 1)
            spans.append(Span(doc, start, end, label=label, kb_id=kb_id, span_id=kb_id))
        return sorted(set(spans), key=lambda s: (s.start, -len(s)))

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
