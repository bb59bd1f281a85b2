"""Doccano writer: the JSONL forms Doccano 1.8 imports.

- ``<split>.spans.jsonl`` for a sequence-labeling project with relations (upload task
  ``RelationExtraction`` or ``SequenceLabeling``): one example per document with ``entities``
  (``id``, ``label``, ``start_offset``, ``end_offset``) and ``relations`` (``id``,
  ``from_id``, ``to_id``, ``type``). Labels follow the project's Doccano mapping: entity
  labels, ``TRIGGER:<mode>``, ``CHAIN``, ``DECLARER``/``TARGET``/``GROUND``, with relations
  ``declared_by``/``targets``/``on_ground`` from the trigger.
- ``<split>.categories.jsonl`` for a text-classification project (task
  ``DocumentClassification``): one example per sentence with ``label``, a list of
  ``TAKFIR`` and ``<TARGET>:<FAVOR|AGAINST>`` (no label means NONE).

Extra keys (``doc_id``, ``sha256``, offsets) become the example's meta in Doccano.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .views import Record, sentences_of

TRIGGER_PREFIX = "TRIGGER:"
CHAIN = "CHAIN"
RELATION_OF_ROLE = {"declarer": "declared_by", "target": "targets", "ground": "on_ground"}
POLAR = ("FAVOR", "AGAINST")


def span_line(record: Record) -> dict[str, Any]:
    """The sequence-labeling example of one document."""
    entities: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    shared: dict[tuple[str, int, int], int] = {}

    def add(label: str, start: int, end: int, *, share: bool) -> int:
        key = (label, start, end)
        if share and key in shared:
            return shared[key]
        ident = len(entities)
        entities.append({"id": ident, "label": label, "start_offset": start,
                         "end_offset": end})
        if share:
            shared[key] = ident
        return ident

    for e in record["entities"]:
        add(e["label"], e["start"], e["end"], share=True)
    for event in record["takfir"]:
        trigger = event["trigger"]
        ident = add(f"{TRIGGER_PREFIX}{event['mode']}", trigger["start"], trigger["end"],
                    share=False)
        if event["chain"]:
            add(CHAIN, trigger["start"], trigger["end"], share=True)
        for role, relation in RELATION_OF_ROLE.items():
            arg = event[role]
            if arg is not None:
                to = add(role.upper(), arg["start"], arg["end"], share=True)
                relations.append({"id": len(relations), "from_id": ident, "to_id": to,
                                  "type": relation})
    return {"text": record["text"], "entities": entities, "relations": relations,
            "doc_id": record["id"], "sha256": record["sha256"]}


def category_lines(record: Record) -> Iterator[dict[str, Any]]:
    """The classification examples of one document's sentences."""
    for view in sentences_of(record):
        labels = ["TAKFIR"] if view.is_takfir else []
        labels += sorted(f"{s['target']}:{s['label']}" for s in view.stance
                         if s["label"] in POLAR)
        yield {"text": view.text, "label": labels, "doc_id": record["id"],
               "sentence": view.index, "start": view.start, "end": view.end}


def write_doccano(splits: Mapping[str, list[Record]], folder: Path) -> list[Path]:
    """Write ``<split>.spans.jsonl`` and ``<split>.categories.jsonl`` for every split."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in splits.items():
        spans = folder / f"{name}.spans.jsonl"
        categories = folder / f"{name}.categories.jsonl"
        with spans.open("w", encoding="utf-8", newline="\n") as s_out, \
                categories.open("w", encoding="utf-8", newline="\n") as c_out:
            for record in records:
                s_out.write(json.dumps(span_line(record), ensure_ascii=False) + "\n")
                for line in category_lines(record):
                    c_out.write(json.dumps(line, ensure_ascii=False) + "\n")
        written += [spans, categories]
    return written
