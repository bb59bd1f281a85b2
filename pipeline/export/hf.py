"""Hugging Face writer: ``<split>.parquet`` per split plus ``features.json``.

One row per document. The Parquet schema carries the ``huggingface`` metadata key that
``datasets`` reads, so ``load_dataset("parquet", data_files=...)`` gets the right features:
``ClassLabel`` for entity labels, takfir modes, stance targets and labels, and label sources;
``List`` of structs for spans (datasets >= 4 names the list feature ``List``).
Missing takfir arguments and stance holders are null offsets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import LabelSchema, load_schema
from .schema import SOURCES
from .views import ROLES, Record, sentences_of

FEATURES_FILENAME = "features.json"


def _value(dtype: str) -> dict[str, Any]:
    return {"dtype": dtype, "_type": "Value"}


def _labels(names: list[str]) -> dict[str, Any]:
    return {"names": names, "_type": "ClassLabel"}


def _list(feature: dict[str, Any]) -> dict[str, Any]:
    return {"feature": feature, "_type": "List"}


def features(schema: LabelSchema) -> dict[str, Any]:
    """The ``datasets`` features of a row, as ``Features.to_dict()`` writes them."""
    source = _labels(list(SOURCES))
    event: dict[str, Any] = {}
    for role in ROLES:
        event[f"{role}_start"] = _value("int32")
        event[f"{role}_end"] = _value("int32")
        if role in ("declarer", "target"):
            event[f"{role}_kb_id"] = _value("string")
    event |= {"mode": _labels(list(schema.modes)), "chain": _value("bool"),
              "score": _value("float32"), "source": source}
    stance = {"target": _labels(list(schema.stance_targets)),
              "label": _labels(list(schema.stance_labels)), "holder_start": _value("int32"),
              "holder_end": _value("int32"), "score": _value("float32"), "source": source}
    return {
        "id": _value("string"), "sha256": _value("string"), "title": _value("string"),
        "source": _value("string"), "language": _value("string"), "text": _value("string"),
        "entities": _list({"start": _value("int32"), "end": _value("int32"),
                           "label": _labels(list(schema.entities)), "kb_id": _value("string"),
                           "score": _value("float32"), "source": source}),
        "takfir": _list(event),
        "sentences": _list({"start": _value("int32"), "end": _value("int32"),
                            "takfir": _value("bool"), "stance": _list(stance)}),
    }


def _arrow_type(feature: dict[str, Any]) -> pa.DataType:
    kind = feature.get("_type")
    if kind is None:  # a dict of features: a struct
        return pa.struct([(k, _arrow_type(v)) for k, v in feature.items()])
    if kind == "ClassLabel":
        return pa.int64()
    if kind == "List":
        return pa.list_(_arrow_type(feature["feature"]))
    if kind == "Value":
        return {"int32": pa.int32(), "float32": pa.float32(), "bool": pa.bool_(),
                "string": pa.string()}[feature["dtype"]]
    raise ValueError(f"no Arrow type for feature {feature!r}")


def arrow_schema(schema: LabelSchema) -> pa.Schema:
    feats = features(schema)
    fields = [pa.field(name, _arrow_type(f)) for name, f in feats.items()]
    meta = {"huggingface": json.dumps({"info": {"features": feats}})}
    return pa.schema(fields, metadata=meta)


def row(record: Record, schema: LabelSchema) -> dict[str, Any]:
    """One Parquet row; ClassLabel values as their index."""
    ent_ix = {n: i for i, n in enumerate(schema.entities)}
    mode_ix = {n: i for i, n in enumerate(schema.modes)}
    target_ix = {n: i for i, n in enumerate(schema.stance_targets)}
    label_ix = {n: i for i, n in enumerate(schema.stance_labels)}
    source_ix = {n: i for i, n in enumerate(SOURCES)}
    events = []
    for e in record["takfir"]:
        event: dict[str, Any] = {}
        for role in ROLES:
            part = e[role] or {}
            event[f"{role}_start"] = part.get("start")
            event[f"{role}_end"] = part.get("end")
            if role in ("declarer", "target"):
                event[f"{role}_kb_id"] = part.get("kb_id")
        events.append(event | {"mode": mode_ix[e["mode"]], "chain": e["chain"],
                               "score": e["score"], "source": source_ix[e["source"]]})
    sentences = [{"start": v.start, "end": v.end, "takfir": v.is_takfir, "stance": [
        {"target": target_ix[s["target"]], "label": label_ix[s["label"]],
         "holder_start": (s["holder"] or {}).get("start"),
         "holder_end": (s["holder"] or {}).get("end"), "score": s["score"],
         "source": source_ix[s["source"]]} for s in v.stance]}
        for v in sentences_of(record)] if record["sentences"] else []
    meta = record["meta"]
    return {"id": record["id"], "sha256": record["sha256"], "title": meta.get("title"),
            "source": meta.get("source"), "language": meta.get("language"),
            "text": record["text"],
            "entities": [{"start": e["start"], "end": e["end"], "label": ent_ix[e["label"]],
                          "kb_id": e["kb_id"], "score": e["score"],
                          "source": source_ix[e["source"]]} for e in record["entities"]],
            "takfir": events, "sentences": sentences}


def write_hf(splits: Mapping[str, list[Record]], folder: Path,
             schema: LabelSchema | None = None) -> list[Path]:
    """Write ``<split>.parquet`` for every split and ``features.json``."""
    schema = schema or load_schema()
    folder.mkdir(parents=True, exist_ok=True)
    target = arrow_schema(schema)
    written = []
    for name, records in splits.items():
        table = pa.Table.from_pylist([row(r, schema) for r in records], schema=target)
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        written.append(path)
    path = folder / FEATURES_FILENAME
    path.write_text(json.dumps(features(schema), indent=2) + "\n", encoding="utf-8")
    return [*written, path]
