"""The JSON Schema of `takfir-export/1`, with its label enums read from labels.toml."""

from __future__ import annotations

from typing import Any

from ..schema import LabelSchema, load_schema

EXPORT_SCHEMA = "takfir-export/1"
SOURCES = ["gold", "model", "rule"]


def export_schema(labels: LabelSchema | None = None) -> dict[str, Any]:
    labels = labels or load_schema()
    offset = {"type": "integer", "minimum": 0}
    score = {"type": "number", "minimum": 0, "maximum": 1}
    plain = _object({"start": offset, "end": offset})
    span = _object({"start": offset, "end": offset, "kb_id": {"type": ["string", "null"]}})
    optional = [{"$ref": "#/$defs/span"}, {"type": "null"}]
    stance = _object({"target": {"enum": list(labels.stance_targets)},
                      "label": {"enum": list(labels.stance_labels)}, "holder": {"oneOf": optional},
                      "score": score, "source": {"enum": SOURCES}})
    entity = _object({"start": offset, "end": offset, "label": {"enum": list(labels.entities)},
                      "kb_id": {"type": ["string", "null"]}, "score": score,
                      "source": {"enum": SOURCES}})
    event = _object({"trigger": {"$ref": "#/$defs/plain_span"}, "declarer": {"oneOf": optional},
                     "target": {"oneOf": optional},
                     "ground": {"oneOf": [{"$ref": "#/$defs/plain_span"}, {"type": "null"}]},
                     "mode": {"enum": list(labels.modes)}, "chain": {"type": "boolean"},
                     "score": score, "source": {"enum": SOURCES}})
    sentence = _object({"start": offset, "end": offset, "stance": {"type": "array",
                                                                   "items": stance}})
    document = _object({
        "schema": {"const": EXPORT_SCHEMA},
        "id": {"type": "string", "pattern": "^doc_[0-9a-f]{16}$"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "text": {"type": "string"},
        "meta": {"type": "object"},
        "sentences": {"type": "array", "items": sentence},
        "entities": {"type": "array", "items": entity},
        "takfir": {"type": "array", "items": event},
    })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": EXPORT_SCHEMA,
        "title": "takfir-pipeline export: one document per JSON line",
        "description": "Offsets are character offsets into `text`, the canonical text. Every "
                       "label keeps its source: gold (adjudicated), model or rule.",
        **document,
        "$defs": {"span": span, "plain_span": plain},
    }


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "additionalProperties": False,
            "properties": properties}
