"""`takfir export`: labeled documents for downstream models, with a data card."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import TakfirError
from ..export import DEFAULT_SPLIT, FORMATS, export
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, err_console, open_workspace


def export_cli(
    out: Annotated[Path, typer.Option(help="Output folder (one sub-folder per format), or a "
                                           ".jsonl file for one unsplit JSONL export.")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    fmt: Annotated[str, typer.Option(
        "--format", help=f"Comma list of {', '.join(FORMATS)}, or all.")] = "jsonl",
    source: Annotated[str, typer.Option(
        help="predicted, gold, or best (gold where it exists, then model, then rule).")
    ] = "best",
    gold: Annotated[Path, typer.Option(help="Gold file or folder.")] = Path("annotations/gold"),
    split: Annotated[str, typer.Option(
        help="train/dev/test percentages, by document.")] = DEFAULT_SPLIT,
    seed: Annotated[int, typer.Option(help="Seed of the hash-based split.")] = 0,
    pseudonymize: Annotated[bool, typer.Option(
        "--pseudonymize", help="Replace private persons' names with PERSON_001, ...")] = False,
) -> None:
    """Export documents with their labels, split by document, with DATACARD.md.

    Example: takfir export --format all --out workspace/exports --split 80/10/10 --pseudonymize
    """
    started = time.perf_counter()
    with open_workspace(workspace, read_only=True) as ws:
        try:
            report = export(ws, fmt=fmt, out=out, source=source, gold=gold, split=split,
                            seed=seed, pseudonymize=pseudonymize)
        except (TakfirError, ValueError) as err:
            err_console.print(f"[red]error:[/red] {err}", markup=False)
            raise typer.Exit(1) from None
    for name, files in report.files.items():
        console.print(f"{name}: {', '.join(str(f) for f in files)} "
                      f"({report.seconds[name]:.1f} s)", markup=False)
    splits = ", ".join(f"{n} {k}" for k, n in report.splits.items())
    console.print(f"Exported {report.documents:,} documents ({splits}) to {report.path} in "
                  f"{time.perf_counter() - started:.1f} s (source {source}"
                  f"{', pseudonymized' if pseudonymize else ''}); data card {report.datacard}.",
                  markup=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export_cli)
