"""Typed records shared by every stage, defined once.

Offsets are character offsets into a document's canonical text unless a field says ``raw``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceText:
    """Text read from one file or one record of a JSONL/CSV file, before canonicalization."""

    source_path: str
    record: int | None  # 1-based line of a JSONL/CSV record; None for whole files
    format: str
    encoding: str
    title: str
    raw_text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.source_path if self.record is None else f"{self.source_path}:{self.record}"


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A boilerplate line cut from the raw text, kept with the reason it was cut."""

    raw_start: int
    raw_end: int
    canonical_offset: int  # where the line would have been in the canonical text
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class CanonicalText:
    """Canonical text plus what is needed to map its offsets back to the raw text.

    ``offset_map`` holds (canonical_offset, raw_offset) anchors, one at the start and one after
    each deletion; between anchors both texts advance together (substitutions keep length).
    """

    text: str
    offset_map: tuple[tuple[int, int], ...]
    removed: tuple[RemovedLine, ...]
    substitutions: int

    def to_raw(self, offset: int) -> int:
        """Raw offset of the character at canonical ``offset``."""
        lo, hi = 0, len(self.offset_map) - 1
        while lo < hi:  # last anchor whose canonical offset is <= offset
            mid = (lo + hi + 1) // 2
            if self.offset_map[mid][0] <= offset:
                lo = mid
            else:
                hi = mid - 1
        canon, raw = self.offset_map[lo]
        return raw + (offset - canon)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that was not ingested, with the catalogue message saying why and what to do."""

    source_path: str
    line: int | None
    code: str
    message: str

    def __str__(self) -> str:
        where = self.source_path if self.line is None else f"{self.source_path}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Sentence:
    doc_id: str
    index: int
    start: int
    end: int


# -- labels: predictions and gold share these records -------------------------------------------

@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of canonical text, optionally linked to a lexicon entity."""

    start: int
    end: int
    kb_id: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    label: str
    kb_id: str | None = None
    score: float = 1.0
    source: str = "gold"  # gold | model | rule


@dataclass(frozen=True, slots=True)
class TakfirEvent:
    """One declaration of unbelief: trigger, optional arguments, mode and chain flag."""

    trigger: Span
    declarer: Span | None
    target: Span | None
    ground: Span | None
    mode: str
    chain: bool = False
    score: float = 1.0
    source: str = "gold"


@dataclass(frozen=True, slots=True)
class Stance:
    """The stance a sentence expresses toward one target."""

    start: int  # the sentence
    end: int
    target: str
    label: str  # FAVOR | AGAINST | NONE
    holder: Span | None = None
    score: float = 1.0
    source: str = "gold"


@dataclass(frozen=True, slots=True)
class LabeledDocument:
    """Every label of one document, from one annotator or one system."""

    sha256: str
    doc_id: str
    annotator: str
    entities: tuple[Entity, ...] = ()
    takfir: tuple[TakfirEvent, ...] = ()
    sentences: tuple[Span, ...] = ()
    stance: tuple[Stance, ...] = ()


def misplaced_span(doc: LabeledDocument, length: int) -> tuple[str, Span] | None:
    """The first span of ``doc`` (kind, span) that does not fit a text of ``length``."""
    spans: list[tuple[str, Span | None]] = [("entity", Span(e.start, e.end))
                                            for e in doc.entities]
    for e in doc.takfir:
        spans += [("trigger", e.trigger), ("declarer", e.declarer), ("target", e.target),
                  ("ground", e.ground)]
    spans += [("sentence", s) for s in doc.sentences]
    spans += [("holder", s.holder) for s in doc.stance]
    for kind, span in spans:
        if span is not None and not 0 <= span.start < span.end <= length:
            return kind, span
    return None


# -- plain-JSON forms: spaCy's multiprocessing serializes doc._ values with msgpack ----------

def span_to_json(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "kb_id": span.kb_id}


def span_from_json(data: dict[str, Any] | None) -> Span | None:
    return None if data is None else Span(data["start"], data["end"], data.get("kb_id"))


def event_to_json(event: TakfirEvent) -> dict[str, Any]:
    return {"trigger": span_to_json(event.trigger), "declarer": span_to_json(event.declarer),
            "target": span_to_json(event.target), "ground": span_to_json(event.ground),
            "mode": event.mode, "chain": event.chain, "score": event.score,
            "source": event.source}


def event_from_json(data: dict[str, Any]) -> TakfirEvent:
    trigger = span_from_json(data["trigger"])
    assert trigger is not None
    return TakfirEvent(trigger, span_from_json(data.get("declarer")),
                       span_from_json(data.get("target")), span_from_json(data.get("ground")),
                       data["mode"], bool(data.get("chain")), float(data.get("score", 1.0)),
                       data.get("source", "rule"))


def stance_to_json(stance: Stance) -> dict[str, Any]:
    return {"start": stance.start, "end": stance.end, "target": stance.target,
            "label": stance.label, "holder": span_to_json(stance.holder),
            "score": stance.score, "source": stance.source}


def stance_from_json(data: dict[str, Any]) -> Stance:
    return Stance(data["start"], data["end"], data["target"], data["label"],
                  span_from_json(data.get("holder")), float(data.get("score", 1.0)),
                  data.get("source", "rule"))
