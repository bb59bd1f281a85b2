"""`takfir status`: what the workspace holds, what ran last, what is stale."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..status import workspace_status
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace, plural


def status_cli(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Documents, sentences, languages, duplicates, rejected files, last runs, stale work.

    Example: takfir status --json
    """
    with open_workspace(workspace, read_only=True) as ws:
        info = workspace_status(ws)
    if as_json:
        console.print_json(json.dumps(info, default=str))
    else:
        print_status(info)


def print_status(info: dict[str, Any]) -> None:
    languages = ", ".join(f"{lang} {n}" for lang, n in info["languages"].items()) or "none"
    console.print(f"[bold]Workspace[/bold] {escape(info['workspace'])}: "
                  f"{plural(info['documents'], 'document')} "
                  f"({info['characters']:,} characters), "
                  f"{plural(info['sentences'], 'sentence')}; languages: {languages}")
    removed = ", ".join(f"{reason} {n}" for reason, n in info["removed_lines"].items())
    console.print(f"Boilerplate lines removed: {removed or 'none'}")
    console.print(f"Duplicates: {len(info['exact_duplicates'])} exact (skipped), "
                  f"{len(info['near_duplicates'])} near (linked)")
    for item in info["near_duplicates"]:
        console.print(f"  {item['doc_id']} ~ {item['duplicate_of']} "
                      f"(Jaccard {item['similarity']}) from {escape(item['source'])}")
    for item in info["exact_duplicates"]:
        console.print(f"  {escape(item['source'])} = {item['doc_id']}")
    predictions = ", ".join(f"{source} {n:,}" for source, n in info["predictions"].items())
    console.print(f"Labels stored: {predictions or 'none yet (run `takfir tag`)'}")
    console.print(f"Rejected in the last ingest: {len(info['rejected'])}")
    for item in info["rejected"]:
        console.print(f"  {escape(item['source'])}: {escape(item['message'])}")
    runs = Table("stage", "status", "started (UTC)", "seconds", "counts", title="Last runs")
    for run in info["last_runs"]:
        counts = ", ".join(f"{k} {v}" for k, v in run["counts"].items() if v)
        runs.add_row(run["stage"], run["status"], run["started_at"][:19],
                     str(run["seconds"]), counts)
    console.print(runs)
    stale = {stage: n for stage, n in info["stale"].items() if n}
    console.print("Stale: " + (", ".join(f"{n} documents need `takfir {stage}`"
                                         for stage, n in stale.items()) or "nothing"))


def register(app: typer.Typer) -> None:
    app.command("status")(status_cli)
