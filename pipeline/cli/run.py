"""`takfir run`: the main job, every stage in order on a corpus (ingest, segment, status)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..ingest import ingest
from ..segment import SegmentConfig, segment
from ..status import workspace_status
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace, progress
from .ingest import print_report
from .status import print_status


def run_cli(
    paths: Annotated[list[Path], typer.Argument(help="Corpus files or folders.",
                                                show_default=False)],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    fast: Annotated[bool, typer.Option(
        "--fast", help="No statistical model: rule-based sentence splitting.")] = False,
    n_process: Annotated[int, typer.Option(help="Worker processes for spaCy.")] = 1,
) -> None:
    """Run every stage on a corpus and print a summary; each stage skips work already done.

    Example: takfir run corpus/demo
    """
    started = time.perf_counter()
    with open_workspace(workspace) as ws:
        report = ingest(paths, ws, progress=progress("Ingesting"))
        print_report(report, time.perf_counter() - started)
        config = SegmentConfig(method="sentencizer" if fast else "parser")
        segmented = segment(ws, config=config, n_process=n_process,
                            progress=progress("Segmenting"))
        console.print(f"Segmented {segmented.documents:,} documents into "
                      f"{segmented.sentences:,} sentences.")
        info = workspace_status(ws)
    print_status(info)
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    app.command("run")(run_cli)
