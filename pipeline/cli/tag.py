"""`takfir tag`: entities, takfir declarations and stance for every untagged document."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..tag import DEFAULT_BATCH_SIZE, tag
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace, progress


def tag_cli(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    fast: Annotated[bool, typer.Option(
        "--fast", help="Blank English + sentencizer + lexicon rules: no statistical model, no "
                       "parse (no model entities, takfir events without declarer or target).")
    ] = False,
    n_process: Annotated[int, typer.Option(help="Worker processes for spaCy.")] = 1,
    batch_size: Annotated[int, typer.Option(help="Texts per spaCy batch.")] = DEFAULT_BATCH_SIZE,
    force: Annotated[bool, typer.Option(help="Re-tag every document.")] = False,
) -> None:
    """Tag entities (linked to the lexicon), takfir declarations and stance; incremental.

    Example: takfir tag --n-process 2
    """
    started = time.perf_counter()
    with open_workspace(workspace) as ws:
        report = tag(ws, fast=fast, n_process=n_process, batch_size=batch_size, force=force,
                     progress=progress("Tagging"))
    console.print(f"Tagged {report.documents:,} documents in "
                  f"{time.perf_counter() - started:.1f} s ({report.skipped:,} already up to "
                  f"date): {report.entities:,} entities, {report.events:,} takfir events, "
                  f"{report.stance:,} stance labels.")


def register(app: typer.Typer) -> None:
    app.command("tag")(tag_cli)
