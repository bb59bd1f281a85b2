"""`takfir train`, `takfir lf-report`, `takfir predict` and `takfir uncertain`: the sentence
classifiers (weak supervision, training, the model in the loop, active learning)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Column, Table

from ..learn.active import uncertain_documents
from ..learn.data import TASKS
from ..learn.loop import LoopReport, apply_models
from ..learn.persist import model_folder
from ..learn.stage import lf_report, train_task
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace

DEFAULT_GOLD = Path("annotations/gold")
DEFAULT_HOLDOUT = Path("annotations/gold/seed.jsonl")
TaskOption = Annotated[str, typer.Option("--task", help=f"One of {', '.join(TASKS)}.")]
ModelsOption = Annotated[Path | None, typer.Option(
    "--models", envvar="TAKFIR_MODELS", help="Models folder (default: models/ of the checkout).")]


def train_cli(
    task: TaskOption = "takfir",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    gold: Annotated[Path, typer.Option(help="Gold file or folder of *.jsonl.")] = DEFAULT_GOLD,
    holdout: Annotated[Path | None, typer.Option(
        help="Gold kept out of model selection and CV, scored by a model trained without it "
             "(skipped when its texts are not in the workspace).")] = DEFAULT_HOLDOUT,
    models: ModelsOption = None,
    folds: Annotated[int, typer.Option(help="Cross-validation folds (by document).")] = 5,
    n_jobs: Annotated[int, typer.Option(help="Parallel folds.")] = 2,
) -> None:
    """Train the sentence classifier of a task on gold plus weak labels; writes
    models/<task>/model.skops, metrics.json and MODEL_CARD.md.

    Example: takfir train --task stance
    """
    started = time.perf_counter()
    holdout = holdout if holdout is not None and holdout.exists() else None
    with open_workspace(workspace) as ws:
        metrics = train_task(ws, task, gold_path=gold, holdout_path=holdout, models=models,
                             n_splits=folds, n_jobs=n_jobs)
    cv = metrics["cv"]
    best = cv["candidates"][cv["selected"]]
    console.print(f"Trained {task}: {cv['selected']} (CV primary {best.get('primary')}, AUC "
                  f"{best.get('auc')}, Brier {best.get('brier')}) on "
                  f"{metrics['data']['training_rows']:,} units ({metrics['data']['from_gold']:,}"
                  f" gold, {metrics['data']['weak']:,} weak) in "
                  f"{time.perf_counter() - started:.1f} s; model-in-the-loop threshold "
                  f"{metrics['threshold']}.")
    console.print(f"Wrote {model_folder(task, models)}/: model.skops, metrics.json, "
                  "MODEL_CARD.md.")


def lf_report_cli(
    task: TaskOption = "takfir",
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    gold: Annotated[Path | None, typer.Option(
        help="Gold for empirical accuracy (file or folder).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Coverage, overlap, conflict and (with --gold) empirical accuracy of each labeling
    function, as Snorkel's LFAnalysis.

    Example: takfir lf-report --task stance --gold annotations/gold
    """
    with open_workspace(workspace, read_only=True) as ws:
        report = lf_report(ws, task, gold)
    if as_json:
        console.print_json(json.dumps(report))
        return
    table = Table(Column("function", no_wrap=True), "labels", "coverage", "overlaps",
                  "conflicts", "correct",
                  "incorrect", "emp. accuracy",
                  title=f"Labeling functions, task {task}: {report['units']:,} units, "
                        f"coverage {report['coverage']:.3f}, overlap {report['overlap']:.3f}, "
                        f"conflict {report['conflict']:.3f}")
    for f in report["functions"]:
        acc = "-" if f["accuracy"] is None else f"{f['accuracy']:.3f}"
        table.add_row(f["name"], ",".join(f["labels"]), f"{f['coverage']:.3f}",
                      f"{f['overlaps']:.3f}", f"{f['conflicts']:.3f}", str(f["correct"]),
                      str(f["incorrect"]), acc)
    console.print(table)


def predict_cli(
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    models: ModelsOption = None,
    force: Annotated[bool, typer.Option(help="Re-score every tagged document.")] = False,
) -> None:
    """The model in the loop: score tagged sentences with every trained model and store what
    the rules missed (source model) plus per-sentence scores; incremental.

    Example: takfir predict   (or: takfir tag --with-models)
    """
    with open_workspace(workspace) as ws:
        report = apply_models(ws, models=models, force=force)
    print_loop_report(report)


def print_loop_report(report: LoopReport) -> None:
    if not report.tasks:
        console.print("[yellow]No trained models: run `takfir train --task takfir` (and "
                      "--task stance) first.[/yellow]")
        return
    console.print(f"Scored {report.documents:,} documents with the "
                  f"{', '.join(report.tasks)} model(s) ({report.skipped:,} up to date): "
                  f"{report.events:,} model takfir events, {report.stance:,} model stance "
                  f"labels, {report.scores:,} sentence scores.")


def uncertain_cli(
    task: TaskOption = "takfir",
    limit: Annotated[int, typer.Option(help="How many documents.")] = 5,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    models: ModelsOption = None,
) -> None:
    """The documents the current model is least sure about (active learning), with why.

    Example: takfir uncertain --task stance --limit 3
    """
    with open_workspace(workspace, read_only=True) as ws:
        picks = uncertain_documents(ws, task, limit, models=models)
    for pick in picks:
        console.print(f"{pick.rank}. {pick.doc_id}: {pick.reason}")


def register(app: typer.Typer) -> None:
    app.command("train")(train_cli)
    app.command("lf-report")(lf_report_cli)
    app.command("predict")(predict_cli)
    app.command("uncertain")(uncertain_cli)
