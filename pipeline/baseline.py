"""Keyword baselines, the floor every tagger must clear (DESIGN.md §7): lexicon matching for
entities, a takfir-term match per sentence for takfir, and a cue-word rule for stance.

Measured, not assumed: `takfir evaluate --baseline keyword` scores them against gold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

import spacy
from spacy.language import Language
from spacy.util import filter_spans

from .lexicon import is_acronym, normalize
from .nlp.ruler import SPANS_KEY
from .records import Entity, LabeledDocument, Span, Stance, TakfirEvent
from .schema import LabelSchema, load_schema

SOURCE = "baseline"
TAKFIR_LABEL = "TAKFIR_TERM"
# The cue words of the keyword stance rule: the rule the DESIGN calibration measured.
_AGAINST = re.compile(r"\b(reject|oppos|denounc|disagree|defect|left|leav|against|criticiz|"
                      r"condemn|execut|arrest|kill|betray|fled|escap|abandon)", re.I)
_FAVOR = re.compile(r"\b(support|pledg|allegiance|join|prais|defend|loyal|welcom|bay'?a)", re.I)


@cache
def _matcher() -> Language:
    """The project's own lexicon ruler on a blank pipeline: the same matching as the tagger."""
    from .nlp import factories  # noqa: F401  (registers the factories when not installed)

    nlp = spacy.blank("en")
    nlp.add_pipe("takfir_hyphen_merger")
    nlp.add_pipe("takfir_entity_ruler")
    return nlp


def keyword_baseline(doc_id: str, sha256: str, text: str, sentences: Sequence[Span], *,
                     schema: LabelSchema | None = None) -> LabeledDocument:
    """Baseline labels for one document."""
    schema = schema or load_schema()
    parsed = _matcher()(text)  # kept alive: the spans read from it below
    matches = list(parsed.spans[SPANS_KEY])
    terms = [s for s in matches if s.label_ == TAKFIR_LABEL]
    names = filter_spans([s for s in matches if s.label_ != TAKFIR_LABEL])
    entities = tuple(sorted(
        (Entity(s.start_char, s.end_char, s.label_, s.id_ or None, 1.0, SOURCE)
         for s in (*names, *terms)), key=lambda e: (e.start, e.end)))
    events, stance = [], []
    mentions = {name: _mention_rule(target.aliases)
                for name, target in schema.stance_targets.items()}
    for sentence in sentences:
        inside = [t for t in terms if sentence.start <= t.start_char < sentence.end]
        if inside:
            first = inside[0]
            events.append(TakfirEvent(Span(first.start_char, first.end_char), None, None, None,
                                      "asserted", False, 0.5, SOURCE))
        raw = text[sentence.start:sentence.end]
        words = f" {normalize(raw)} "
        for target, mentioned in mentions.items():
            label = "NONE"
            if mentioned(raw, words):
                if inside or _AGAINST.search(raw):
                    label = "AGAINST"
                elif _FAVOR.search(raw):
                    label = "FAVOR"
            stance.append(Stance(sentence.start, sentence.end, target, label, None, 0.5, SOURCE))
    return LabeledDocument(sha256, doc_id, SOURCE, entities, tuple(events), tuple(sentences),
                           tuple(stance))


def _mention_rule(aliases: Sequence[str]) -> Callable[[str, str], bool]:
    """Whether a sentence names the target: acronyms in capitals, other aliases normalized."""
    acronyms = [re.compile(rf"\b{re.escape(a)}\b") for a in aliases if is_acronym(a)]
    forms = [f" {normalize(a)} " for a in aliases if not is_acronym(a) and normalize(a)]

    def mentioned(raw: str, words: str) -> bool:
        return any(f in words for f in forms) or any(a.search(raw) for a in acronyms)
    return mentioned
