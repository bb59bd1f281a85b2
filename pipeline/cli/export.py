"""`takfir export`: labeled documents for downstream models."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..export import export
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, err_console, open_workspace


def export_cli(
    out: Annotated[Path, typer.Option(help="Output file (.jsonl) or folder.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    fmt: Annotated[str, typer.Option("--format", help="Output format: jsonl.")] = "jsonl",
    source: Annotated[str, typer.Option(
        help="predicted, gold, or best (gold where it exists, then model, then rule).")
    ] = "best",
    gold: Annotated[Path, typer.Option(help="Gold file or folder.")] = Path("annotations/gold"),
) -> None:
    """Export documents with their labels; the JSON Schema is written beside the data.

    Example: takfir export --format jsonl --out workspace/export.jsonl
    """
    started = time.perf_counter()
    with open_workspace(workspace, read_only=True) as ws:
        try:
            path, count = export(ws, fmt=fmt, out=out, source=source, gold=gold)
        except ValueError as err:
            err_console.print(f"[red]error:[/red] {err}", markup=False)
            raise typer.Exit(1) from None
    console.print(f"Exported {count:,} documents to {path} in "
                  f"{time.perf_counter() - started:.1f} s (source {source}).")


def register(app: typer.Typer) -> None:
    app.command("export")(export_cli)
