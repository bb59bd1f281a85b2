"""`takfir run`: the main job, every stage in order on a corpus, then a summary."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..export import export
from ..export.documents import labeled_documents
from ..ingest import ingest
from ..network import takfir_network, write_network
from ..segment import SegmentConfig, segment
from ..status import workspace_status
from ..tag import tag
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, open_workspace, progress
from .ingest import print_report
from .status import print_status


def run_cli(
    paths: Annotated[list[Path], typer.Argument(help="Corpus files or folders.",
                                                show_default=False)],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    fast: Annotated[bool, typer.Option(
        "--fast", help="No statistical model: sentencizer and lexicon rules only.")] = False,
    n_process: Annotated[int, typer.Option(help="Worker processes for spaCy.")] = 1,
    gold: Annotated[Path, typer.Option(help="Gold used by the exports' best source.")
                    ] = Path("annotations/gold"),
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


def register(app: typer.Typer) -> None:
    app.command("run")(run_cli)
