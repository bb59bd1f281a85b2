"""The takfir extractor's working records: a candidate trigger and an event in token
offsets, before conversion to character offsets (``records.TakfirEvent``)."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token


@dataclass(frozen=True, slots=True)
class Candidate:
    """A takfir word or verdict phrase that may trigger an event."""

    span: Span
    head: Token
    kind: str
    term: str = ""  # lexicon id of a takfir term


@dataclass(frozen=True, slots=True)
class Found:
    """One event in token offsets, before conversion to character offsets."""

    trigger: Span
    declarer: Span | None
    target: Span | None
    ground: Span | None
    mode: str
    chain: bool
    score: float
