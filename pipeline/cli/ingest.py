"""`takfir ingest`: parse options, call pipeline.ingest.ingest, print what happened."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..errors import InputError
from ..formats import DEFAULT_MAX_BYTES, DEFAULT_TEXT_FIELD
from ..ingest import DEFAULT_BATCH_SIZE, IngestReport, ingest
from .common import (
    DEFAULT_WORKSPACE_PATH,
    WorkspaceOption,
    console,
    err_console,
    open_workspace,
    plural,
    progress,
)


def ingest_cli(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).",
                                                show_default=False)],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    text_field: Annotated[str, typer.Option(
        help="Field (JSONL) or column (CSV) holding the text.")] = DEFAULT_TEXT_FIELD,
    max_bytes: Annotated[int, typer.Option(
        help="Reject files larger than this many bytes.")] = DEFAULT_MAX_BYTES,
    batch_size: Annotated[int, typer.Option(
        help="Documents per committed transaction.", min=1)] = DEFAULT_BATCH_SIZE,
    labels: Annotated[str, typer.Option(
        help="Labels of takfir-export/1 records (exports of this pipeline): predictions "
             "(kept with their source), gold (written as a gold file for --gold) or ignore."
    )] = "predictions",
) -> None:
    """Ingest .txt, .md, .html, .jsonl and .csv files into the workspace.

    Boilerplate lines (captions, photo credits, paywall trailers) are removed from the
    canonical text and kept with a reason; exact duplicates are skipped, near-duplicates
    linked. Exit code 1 if any file or record was rejected; the rest is still ingested.

    Example: takfir ingest corpus/demo ../shared/seeds/000_3bbeaf2ed3c0de72.txt
    """
    started = time.perf_counter()
    with open_workspace(workspace) as ws:
        try:
            report = ingest(paths, ws, text_field=text_field, max_bytes=max_bytes,
                            batch_size=batch_size, progress=progress("Ingesting"),
                            labels=labels)
        except InputError as err:
            err_console.print(f"[red]error:[/red] {escape(str(err))}")
            raise typer.Exit(1) from None
    print_report(report, time.perf_counter() - started)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def print_report(report: IngestReport, seconds: float) -> None:
    for location, doc_id in report.duplicates:
        console.print(f"duplicate: {escape(location)} has the same text as {doc_id}; skipped")
    for doc_id, original, similarity in report.near_duplicates:
        console.print(f"near-duplicate: {doc_id} resembles {original} "
                      f"(Jaccard {similarity:.2f}); stored and linked")
    for doc_id, language in report.non_english:
        console.print(f"language: {doc_id} detected as {language!r}; flagged, not rejected")
    for rejection in report.rejected:
        err_console.print(f"[red]rejected:[/red] {escape(str(rejection))}")
    if report.labeled:
        where = (f"as gold in {report.gold_file} (pass it to --gold)" if report.gold_file
                 else "as predictions, each with its source")
        console.print(f"Read the labels of {plural(len(report.labeled), 'export record')} "
                      f"{escape(where)}.")
    if not report.ingested and report.unchanged and not report.rejected:
        n = len(report.unchanged)
        console.print(f"Nothing new: {'the' if n == 1 else 'all'} {plural(n, 'input')} "
                      f"{'is' if n == 1 else 'are'} already in the workspace, unchanged.")
        return
    console.print(
        f"Ingested {plural(len(report.ingested), 'document')} from "
        f"{plural(report.files, 'file')} in {seconds:.1f} s: "
        f"{len(report.unchanged):,} unchanged, "
        f"{plural(len(report.duplicates), 'exact duplicate')} skipped, "
        f"{plural(len(report.near_duplicates), 'near-duplicate')} linked, "
        f"{len(report.non_english):,} non-English, {len(report.rejected):,} rejected.")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_cli)
