"""`takfir run`: the main job, every stage in order on a corpus, then a summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..errors import TakfirError
from ..export import export
from ..export.documents import labeled_documents
from ..ingest import ingest
from ..learn.loop import apply_models
from ..learn.persist import model_folder
from ..learn.stage import train_task
from ..network import takfir_network, write_network
from ..segment import SegmentConfig, segment
from ..status import workspace_status
from ..store import Workspace
from ..tag import tag
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace, progress
from .ingest import print_report
from .status import print_status
from .train import print_loop_report

TRAINED_TASKS = ("takfir", "stance")


def run_cli(
    paths: Annotated[list[Path], typer.Argument(help="Corpus files or folders.",
                                                show_default=False)],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    fast: Annotated[bool, typer.Option(
        "--fast", help="No statistical model: sentencizer and lexicon rules only.")] = False,
    n_process: Annotated[int, typer.Option(help="Worker processes for spaCy.")] = 1,
    gold: Annotated[Path, typer.Option(help="Gold used by training and by the exports' best "
                                             "source.")] = Path("annotations/gold"),
    train: Annotated[bool, typer.Option(
        "--train/--no-train", help="Train the takfir and stance classifiers on gold plus weak "
                                   "labels when models/ has none, and use them in tagging.")
    ] = True,
    retrain: Annotated[bool, typer.Option(help="Train even when models exist.")] = False,
) -> None:
    """Ingest, segment, tag, export (export.jsonl, and every format with its data card in
    exports/) and write the takfir network; each stage skips work already done. Outputs go
    into the workspace folder.

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
        tagged = tag(ws, fast=fast, n_process=n_process, progress=progress("Tagging"))
        console.print(f"Tagged {tagged.documents:,} documents: {tagged.entities:,} entities, "
                      f"{tagged.events:,} takfir events, {tagged.stance:,} stance labels.")
        if train:
            _train_and_apply(ws, gold, retrain=retrain)
        folder = ws.path.parent
        single = export(ws, fmt="jsonl", out=folder / "export.jsonl", gold=gold)
        console.print(f"Exported {single.documents:,} documents to {single.path}.")
        exports = export(ws, fmt="all", out=folder / "exports", gold=gold)
        console.print(f"Exported them in every format ({', '.join(exports.files)}) with "
                      f"{exports.datacard.name if exports.datacard else 'no data card'} "
                      f"to {exports.folder}.")
        docs = labeled_documents(ws, source="best", gold=gold)
        texts = dict(ws.query("SELECT doc_id, text FROM documents"))
        graph = takfir_network(docs.values(), texts)
        network = write_network(graph, folder / "network.graphml")
        console.print(f"Wrote the takfir network to {network}: {graph.number_of_nodes()} "
                      f"parties, {graph.number_of_edges()} declarations.")
        info = workspace_status(ws)
    print_status(info)
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _train_and_apply(ws: Workspace, gold: Path, *, retrain: bool) -> None:
    """The model in the loop: train what is missing, then score the tagged sentences."""
    for task in TRAINED_TASKS:
        if not retrain and (model_folder(task, None) / "model.skops").exists():
            continue
        try:
            metrics = train_task(ws, task, gold_path=gold, n_splits=5, n_jobs=2)
        except TakfirError as err:  # e.g. no gold for this corpus: rules only
            console.print(f"Not training {task}: {escape(str(err))}")
            continue
        console.print(f"Trained the {task} classifier ({metrics['model']['kind']}, "
                      f"{metrics['data']['training_rows']:,} units) into "
                      f"{model_folder(task, None)}/.")
    loop = apply_models(ws)
    print_loop_report(loop)


def register(app: typer.Typer) -> None:
    app.command("run")(run_cli)
