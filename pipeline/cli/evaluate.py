"""`takfir evaluate`: score the store's predictions against gold, as tables or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..agreement import agreement_report
from ..baseline import SOURCE as BASELINE_SOURCE
from ..baseline import keyword_baseline
from ..errors import TakfirError
from ..evaluate import evaluate_documents
from ..gold import load_gold
from ..predictions import predicted_documents
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, err_console, open_workspace

DEFAULT_GOLD = Path("annotations/gold")


def evaluate_cli(
    gold: Annotated[Path, typer.Option(help="Gold file or folder of *.jsonl.")] = DEFAULT_GOLD,
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    source: Annotated[list[str], typer.Option(
        help="Prediction sources to score (repeatable).")] = ["rule", "model"],  # noqa: B006
    baseline: Annotated[bool, typer.Option(
        "--baseline", help="Score the keyword baselines (lexicon matching, takfir-term "
                           "sentences, cue-word stance) instead of stored predictions.")] = False,
    against: Annotated[Path | None, typer.Option(
        help="A second annotator's gold: report agreement with --gold instead of scoring "
             "predictions (F1, Cohen's kappa, Krippendorff's alpha).")] = None,
) -> None:
    """Score predictions against gold: entities, linking, takfir sentences and events, stance.

    Only documents that have gold are scored; gold is matched to documents by the sha256 of
    their canonical text.

    Example: takfir evaluate --gold annotations/gold --json

    Agreement: takfir evaluate --gold annotations/gold/seed.jsonl --against
    annotations/gold/agreement/seed.pass-b.jsonl
    """
    with open_workspace(workspace, read_only=True) as ws:
        try:
            gold_docs = load_gold(gold, ws)
            other = load_gold(against, ws) if against else None
        except TakfirError as err:
            err_console.print(f"[red]error:[/red] {err}", markup=False)
            raise typer.Exit(1) from None
        pred_docs = other if other is not None else predicted_documents(
            ws, doc_ids=[d.doc_id for d in gold_docs], sources=source)
        if baseline:
            texts = dict(ws.query("SELECT doc_id, text FROM documents"))
            if any(not d.sentences for d in pred_docs):
                err_console.print("[red]error:[/red] some gold documents are not segmented; "
                                  "run `takfir segment` first")
                raise typer.Exit(1)
            pred_docs = [keyword_baseline(d.doc_id, d.sha256, texts[d.doc_id], d.sentences)
                         for d in pred_docs]
            source = [BASELINE_SOURCE]
    if other is not None:
        report = agreement_report(gold_docs, other)
        report["sources"] = [f"annotator {', '.join(report['annotators'])}"]
    else:
        report = evaluate_documents(gold_docs, pred_docs)
        report["sources"] = list(source)
    report["predictions"] = sum(len(d.entities) + len(d.takfir) + len(d.stance)
                                for d in pred_docs)
    if as_json:
        console.print_json(json.dumps(report))
    else:
        print_report(report)


def print_report(report: dict[str, Any]) -> None:
    console.print(f"Scored {report['documents']} gold documents against "
                  f"{report['predictions']:,} predicted labels "
                  f"(sources: {', '.join(report['sources'])}).")
    if not report["predictions"]:
        console.print("[yellow]No predictions in the workspace: run `takfir tag` first; every "
                      "score below is 0.[/yellow]")
    table = Table("label", "exact P", "exact R", "exact F1", "overlap P", "overlap R",
                  "overlap F1", "support", title="Entities")
    exact, overlap = report["entities"]["exact"], report["entities"]["overlap"]
    for label in exact:
        e, o = exact[label], overlap[label]
        table.add_row(label, *_prf(e), *_prf(o), str(e["support"]),
                      style="bold" if label == "micro" else None)
    console.print(table)
    linking = report["linking"]
    console.print(f"Linking accuracy: {_num(linking['accuracy'])} over "
                  f"{linking['linked_mentions']} found mentions of lexicon entities")
    ts = report["takfir_sentences"]
    console.print(f"Takfir sentences: P {_num(ts['precision'])}  R {_num(ts['recall'])}  "
                  f"F1 {_num(ts['f1'])}  (gold positives {ts['support']})" + _chance(ts))
    events = report["takfir_events"]
    table = Table("part", "P", "R", "F1", "support", title="Takfir events (overlap match)")
    for part in ("trigger", "declarer", "target", "ground"):
        table.add_row(part, *_prf(events[part]), str(events[part]["support"]))
    console.print(table)
    console.print(f"Mode accuracy {_num(events['mode_accuracy'])}, chain accuracy "
                  f"{_num(events['chain_accuracy'])} over {events['matched_events']} "
                  "matched events")
    agreement = any("cohen_kappa" in s for s in report["stance"].values())
    columns = ["target", "macro-F1 (FAVOR, AGAINST)", "F1 FAVOR", "F1 AGAINST",
               "3-class accuracy", "sentences", "gold FAVOR/AGAINST/NONE"]
    table = Table(*columns, *(["kappa", "alpha"] if agreement else []), title="Stance")
    for target, s in report["stance"].items():
        counts = s["gold_counts"]
        extra = [_num(s["cohen_kappa"]), _num(s["krippendorff_alpha"])] if agreement else []
        table.add_row(target, _num(s["macro_f1"]), _num(s["FAVOR"]["f1"]),
                      _num(s["AGAINST"]["f1"]), _num(s["accuracy"]), str(s["n"]),
                      f"{counts.get('FAVOR', 0)}/{counts.get('AGAINST', 0)}/"
                      f"{counts.get('NONE', 0)}", *extra)
    console.print(table)


def _chance(scores: dict[str, Any]) -> str:
    if "cohen_kappa" not in scores:
        return ""
    return (f"; kappa {_num(scores['cohen_kappa'])}, alpha "
            f"{_num(scores['krippendorff_alpha'])}")


def _prf(scores: dict[str, Any]) -> tuple[str, str, str]:
    return _num(scores["precision"]), _num(scores["recall"]), _num(scores["f1"])


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_cli)
