"""`takfir tag`: entities, takfir declarations and stance for every untagged document."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..learn.loop import apply_models
from ..tag import DEFAULT_BATCH_SIZE, tag
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace, progress
from .train import ModelsOption, print_loop_report


def tag_cli(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    fast: Annotated[bool, typer.Option(
        "--fast", help="Blank English + sentencizer + lexicon rules: no statistical model, no "
                       "parse (no model entities, takfir events without declarer or target).")
    ] = False,
    n_process: Annotated[int, typer.Option(help="Worker processes for spaCy.")] = 1,
    batch_size: Annotated[int, typer.Option(help="Texts per spaCy batch.")] = DEFAULT_BATCH_SIZE,
    force: Annotated[bool, typer.Option(help="Re-tag every document.")] = False,
    with_models: Annotated[bool, typer.Option(
        "--models/--no-models", help="Then run the trained classifiers, when models/ has "
                                     "them, over the tagged sentences (the model in the loop, "
                                     "= `takfir predict`).")] = True,
    models: ModelsOption = None,
) -> None:
    """Tag entities (linked to the lexicon), takfir declarations and stance; incremental.

    Example: takfir tag --n-process 2
    """
    started = time.perf_counter()
    with open_workspace(workspace) as ws:
        report = tag(ws, fast=fast, n_process=n_process, batch_size=batch_size, force=force,
                     progress=progress("Tagging"))
        loop = apply_models(ws, models=models) if with_models else None
    console.print(f"Tagged {report.documents:,} documents in "
                  f"{time.perf_counter() - started:.1f} s ({report.skipped:,} already up to "
                  f"date): {report.entities:,} entities, {report.events:,} takfir events, "
                  f"{report.stance:,} stance labels.")
    if loop is not None:
        print_loop_report(loop)


def register(app: typer.Typer) -> None:
    app.command("tag")(tag_cli)
