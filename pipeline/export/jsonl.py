"""The JSONL writer: one `takfir-export/1` object per line, its JSON Schema beside it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .schema import export_schema

SCHEMA_FILENAME = "takfir-export-1.schema.json"


def write_jsonl(records: Iterable[dict[str, Any]], out: Path) -> tuple[Path, int]:
    """Write ``records`` to ``out`` (a .jsonl file, or a folder that gets export.jsonl)."""
    path = out / "export.jsonl" if out.suffix != ".jsonl" else out
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
            count += 1
    (path.parent / SCHEMA_FILENAME).write_text(
        json.dumps(export_schema(), indent=2) + "\n", encoding="utf-8")
    return path, count


def write_jsonl_splits(splits: Mapping[str, list[dict[str, Any]]], folder: Path) -> list[Path]:
    """Write ``<split>.jsonl`` for every split, the JSON Schema beside them."""
    written = [write_jsonl(records, folder / f"{name}.jsonl")[0]
               for name, records in splits.items()]
    return [*written, folder / SCHEMA_FILENAME]
