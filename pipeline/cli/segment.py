"""`takfir segment`: sentences with character offsets, incremental."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..segment import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, METHODS, SegmentConfig, segment
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace, progress


def segment_cli(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    method: Annotated[str, typer.Option(
        help=f"Sentence boundaries from: {', '.join(METHODS)}.")] = "parser",
    fast: Annotated[bool, typer.Option(
        "--fast", help="Rule-based sentencizer, no statistical model (same as "
                       "--method sentencizer).")] = False,
    model: Annotated[str, typer.Option(help="spaCy model package.")] = DEFAULT_MODEL,
    n_process: Annotated[int, typer.Option(help="Worker processes for spaCy.")] = 1,
    batch_size: Annotated[int, typer.Option(help="Texts per spaCy batch.")] = DEFAULT_BATCH_SIZE,
    force: Annotated[bool, typer.Option(help="Re-segment every document.")] = False,
) -> None:
    """Split documents into sentences (only those not yet segmented with these settings).

    Example: takfir segment --n-process 2
    """
    config = SegmentConfig(method="sentencizer" if fast else method, model=model)
    started = time.perf_counter()
    with open_workspace(workspace) as ws:
        report = segment(ws, config=config, n_process=n_process, batch_size=batch_size,
                         force=force, progress=progress("Segmenting"))
    console.print(f"Segmented {report.documents:,} documents into {report.sentences:,} "
                  f"sentences in {time.perf_counter() - started:.1f} s "
                  f"({report.skipped:,} already up to date, method {config.method}).")


def register(app: typer.Typer) -> None:
    app.command("segment")(segment_cli)
