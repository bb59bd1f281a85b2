"""`takfir doccano push|pull`, `takfir agreement`, `takfir adjudicate`: thin twins of
pipeline/doccano. The server's URL and credentials come from TAKFIR_DOCCANO_URL / _USER /
_PASSWORD or ~/.config/takfir/doccano.toml (written by `make doccano`); never printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ..doccano.adjudicate import adjudicate, agreement
from ..doccano.client import connect
from ..doccano.pull import pull
from ..doccano.push import DEFAULT_WINDOW_CHARS, push
from ..doccano.settings import DoccanoSettings
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, err_console, open_workspace

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="Project name in Doccano.")]
UrlOption = Annotated[str | None, typer.Option(
    "--url", help="Doccano URL (default $TAKFIR_DOCCANO_URL, the config file, or "
                  "http://127.0.0.1:8000).")]
AllOption = Annotated[bool, typer.Option(
    "--include-unconfirmed", help="Also use examples the annotator has not confirmed.")]

doccano_app = typer.Typer(help="Send units to Doccano and bring annotations back.",
                          no_args_is_help=True)


@doccano_app.command("push")
def push_cli(
    project: ProjectOption,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    select: Annotated[str, typer.Option(help="new: documents never pushed to this project; "
                                             "all: every document (each project gets what "
                                             "it lacks); uncertain: those the trained takfir "
                                             "model is least sure of (smallest margin; run "
                                             "`takfir train` first).")] = "new",
    limit: Annotated[int | None, typer.Option(help="At most N documents.")] = None,
    annotators: Annotated[str, typer.Option(
        help="Comma-separated Doccano users; each gets a project 'NAME / user' with the "
             "pre-annotations.")] = "",
    window_chars: Annotated[int, typer.Option(
        help="Split longer documents into windows of whole sentences of at most this many "
             "characters; 0: never split.")] = DEFAULT_WINDOW_CHARS,
    url: UrlOption = None,
) -> None:
    """Create or update the Doccano projects and send units with pre-annotations.

    Example: takfir doccano push --project demo --annotators alice,bob
    """
    names = [a.strip() for a in annotators.split(",") if a.strip()]
    with open_workspace(workspace) as ws, connect(DoccanoSettings.load(url=url)) as doccano:
        report = push(ws, doccano, project, select=select, limit=limit, annotators=names,
                      window_chars=window_chars or None)
    console.print(f"Pushed {report.sent:,} units of {report.documents:,} documents with "
                  f"{report.labels:,} pre-annotations to {', '.join(report.projects)} in "
                  f"{report.seconds:.1f} s ({report.skipped:,} already there, "
                  f"{report.recovered:,} recovered from an interrupted push).")
    if report.outside:
        console.print(f"[yellow]{report.outside} arguments or holders lay outside their "
                      "unit and were left out; raise --window-chars to keep them.[/yellow]")


@doccano_app.command("pull")
def pull_cli(project: ProjectOption, workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
             url: UrlOption = None) -> None:
    """Download every annotator's labels and append the changed ones to the store.

    Example: takfir doccano pull --project demo
    """
    with open_workspace(workspace) as ws, connect(DoccanoSettings.load(url=url)) as doccano:
        report = pull(ws, doccano, project)
    for problem in report.problems:
        err_console.print(f"[yellow]warning:[/yellow] {escape(problem)}")
    settled = f"; {report.settled} reviewed documents settled into gold" if report.settled \
        else ""
    console.print(f"Pulled {report.examples:,} examples from {len(report.projects)} projects "
                  f"in {report.seconds:.1f} s: {report.added:,} new or changed, "
                  f"{report.unchanged:,} unchanged, {report.confirmed:,} confirmed, "
                  f"{len(report.problems)} problems{settled}.")


def agreement_cli(project: ProjectOption, workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
                  as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
                  include_unconfirmed: AllOption = False) -> None:
    """Inter-annotator agreement on the pulled annotations, per task, with the disagreements.

    Example: takfir agreement --project demo --json
    """
    with open_workspace(workspace, read_only=True) as ws:
        report = agreement(ws, project, confirmed_only=not include_unconfirmed)
    if as_json:
        console.print_json(json.dumps(report))
        return
    for pair in report["pairs"]:
        print_pair(pair)


def print_pair(pair: dict[str, Any]) -> None:
    a, b = pair["annotators"]
    r = pair["report"]
    console.print(f"[bold]{a} vs {b}[/bold] on {len(pair['documents'])} documents")
    table = Table("task", "label", "exact F1", "overlap F1", "kappa", "alpha")
    for label, s in r["entities"]["exact"].items():
        table.add_row("entities", label, _n(s["f1"]), _n(r["entities"]["overlap"][label]["f1"]),
                      "", "")
    for label, s in r["takfir_roles"]["exact"].items():
        table.add_row("takfir roles", label, _n(s["f1"]),
                      _n(r["takfir_roles"]["overlap"][label]["f1"]), "", "")
    ts = r["takfir_sentences"]
    table.add_row("takfir sentences", "", _n(ts["f1"]), "", _n(ts["cohen_kappa"]),
                  _n(ts["krippendorff_alpha"]))
    for target, s in r["stance"].items():
        table.add_row("stance", target, "", "", _n(s["cohen_kappa"]),
                      _n(s["krippendorff_alpha"]))
    console.print(table)
    events = r["takfir_events"]
    console.print(f"Mode agreement {_n(events['mode_accuracy'])}, chain agreement "
                  f"{_n(events['chain_accuracy'])} over {events['matched_events']} matched "
                  "events.")
    console.print(f"{len(r['disagreements'])} disagreeing items:")
    for item in r["disagreements"]:
        console.print(f"  {escape(json.dumps(item))}")


def adjudicate_cli(
    project: ProjectOption,
    strategy: Annotated[str, typer.Option(
        help="majority | prefer:<annotator> | review (disagreements go to the Doccano "
             "project 'NAME / review'; a later pull of NAME settles them).")] = "majority",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    out: Annotated[Path | None, typer.Option(
        help="Gold file to write (default <workspace>/gold/<project>.jsonl).")] = None,
    include_unconfirmed: AllOption = False,
    url: UrlOption = None,
) -> None:
    """Build gold from the pulled annotations, with provenance, in the store and a gold file.

    Example: takfir adjudicate --project demo --strategy majority
    """
    with open_workspace(workspace) as ws:
        path = out or ws.path.parent / "gold" / f"{project.replace('/', '_')}.jsonl"
        if strategy == "review":
            with connect(DoccanoSettings.load(url=url)) as doccano:
                report = adjudicate(ws, project, strategy, out=path, doccano=doccano,
                                    confirmed_only=not include_unconfirmed)
        else:
            report = adjudicate(ws, project, strategy, out=path,
                                confirmed_only=not include_unconfirmed)
    console.print(f"Adjudicated ({report.strategy}) annotations of "
                  f"{', '.join(report.annotators)}: {report.gold} documents got a new gold "
                  f"version; gold file {path} (use `takfir evaluate --gold {path.parent}`).")
    if report.review:
        console.print(f"{report.review} documents with disagreements went to "
                      f"'{project} / review'; confirm them there, then "
                      f"`takfir doccano pull --project {project}`.")


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def register(app: typer.Typer) -> None:
    app.add_typer(doccano_app, name="doccano")
    app.command("agreement")(agreement_cli)
    app.command("adjudicate")(adjudicate_cli)
