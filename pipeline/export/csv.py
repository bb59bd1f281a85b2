"""CSV writer for spreadsheets and pandas: one row per sentence with its labels.

UTF-8 with a BOM (so spreadsheet programs detect the encoding); every cell that starts with
``= + - @`` (or a tab or carriage return) gets a leading ``'`` so that no spreadsheet evaluates
it as a formula (CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..schema import LabelSchema, load_schema
from .views import Record, sentences_of

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> str:
    """``value`` as a cell a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def columns(schema: LabelSchema) -> list[str]:
    stance = [f"stance_{t}" for t in schema.stance_targets]
    return ["doc_id", "sentence", "start", "end", "text", "takfir", "takfir_modes",
            "entities", *stance, "sources"]


def sentence_rows(record: Record, schema: LabelSchema) -> list[list[str]]:
    rows = []
    text = record["text"]
    for view in sentences_of(record):
        stance = {s["target"]: s["label"] for s in view.stance}
        entities = " | ".join(f"{e['label']}: {text[e['start']:e['end']]}"
                              for e in view.entities)
        sources = sorted({x["source"] for x in (*view.entities, *view.takfir, *view.stance)})
        row = [record["id"], view.index, view.start, view.end, view.text,
               int(view.is_takfir), " ".join(e["mode"] for e in view.takfir), entities,
               *(stance.get(t, "") for t in schema.stance_targets), " ".join(sources)]
        rows.append([inert(cell) for cell in row])
    return rows


def write_csv(splits: Mapping[str, list[Record]], folder: Path,
              schema: LabelSchema | None = None) -> list[Path]:
    """Write ``<split>.csv`` for every split."""
    schema = schema or load_schema()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in splits.items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns(schema))
            for record in records:
                writer.writerows(sentence_rows(record, schema))
        written.append(path)
    return written
