"""Views over `takfir-export/1` records that several writers share: labels per sentence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]
ROLES = ("trigger", "declarer", "target", "ground")


@dataclass(frozen=True)
class SentenceView:
    """One sentence of a record with the labels that fall inside it."""

    index: int
    start: int
    end: int
    text: str
    entities: list[Record] = field(default_factory=list)
    takfir: list[Record] = field(default_factory=list)  # events whose trigger is inside
    stance: list[Record] = field(default_factory=list)

    @property
    def is_takfir(self) -> bool:
        """A takfir sentence: it holds the trigger of an event that is not negated."""
        return any(e["mode"] != "negated" for e in self.takfir)


def sentences_of(record: Record) -> Iterator[SentenceView]:
    """The record's sentences in order (the whole text when it has none)."""
    text = record["text"]
    sentences = record["sentences"] or [{"start": 0, "end": len(text), "stance": []}]
    for index, s in enumerate(sentences):
        lo, hi = s["start"], s["end"]
        yield SentenceView(
            index, lo, hi, text[lo:hi],
            [e for e in record["entities"] if lo <= e["start"] and e["end"] <= hi],
            [e for e in record["takfir"] if lo <= e["trigger"]["start"] < hi],
            list(s.get("stance", [])))


def takfir_spans(record: Record) -> Iterator[tuple[str, Record, Record]]:
    """(role, span, event) for every argument of every takfir event."""
    for event in record["takfir"]:
        for role in ROLES:
            if event[role] is not None:
                yield role, event[role], event


def label_sources(record: Record) -> list[str]:
    """The source of every label of a record (entities, events, stance)."""
    out = [e["source"] for e in record["entities"]] + [e["source"] for e in record["takfir"]]
    return out + [s["source"] for sentence in record["sentences"] for s in sentence["stance"]]
