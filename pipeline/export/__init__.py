"""Export: the front door over one writer per format."""

from __future__ import annotations

from pathlib import Path

from ..store import Workspace
from .documents import CHOICES, export_records, labeled_documents
from .jsonl import write_jsonl

FORMATS = ("jsonl",)


def export(workspace: Workspace, *, fmt: str, out: Path, source: str = "best",
           gold: Path | None = None) -> tuple[Path, int]:
    """Write the workspace's documents and labels; returns (path written, documents)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; available: {', '.join(FORMATS)}")
    if source not in CHOICES:
        raise ValueError(f"unknown --source {source!r}; use one of {', '.join(CHOICES)}")
    labeled = labeled_documents(workspace, source=source, gold=gold)
    return write_jsonl(export_records(workspace, labeled), out)


__all__ = ["CHOICES", "FORMATS", "export"]
