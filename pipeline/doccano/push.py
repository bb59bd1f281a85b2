"""`takfir doccano push`: projects from labels.toml, then units with pre-annotations.

One Doccano project per annotator (``NAME / alice``), collaborative, so the pre-annotations
(created by the pipeline's user) show to the annotator, and everything in that project is
that annotator's work: attribution is by project. Without annotators, one shared project
``NAME``. Idempotent and resumable: ``pushes`` records each unit's example id; before sending,
the units already in Doccano (found by the ``takfir_unit`` meta) are recorded, not resent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DoccanoError, Errors
from ..learn.active import rank_uncertain
from ..predictions import predicted_documents
from ..records import LabeledDocument, Span
from ..schema import LabelSchema, load_schema
from ..store import Workspace, now
from .client import Doccano
from .mapping import Outgoing, Unit, label_types, make_units, to_line

SELECT = ("new", "all", "uncertain")
DEFAULT_UNCERTAIN = 10  # documents, when --select uncertain comes without --limit
REVIEW = "review"
DEFAULT_WINDOW_CHARS = 5000
MIN_WINDOW_CHARS = 200
BATCH = 500
GUIDELINES = Path(__file__).resolve().parents[2] / "annotations" / "GUIDELINES.md"


@dataclass
class PushReport:
    projects: list[str] = field(default_factory=list)
    documents: int = 0
    sent: int = 0
    recovered: int = 0  # in Doccano already (an interrupted push), recorded now
    skipped: int = 0  # pushed before
    labels: int = 0
    outside: int = 0  # arguments/holders outside their unit, left out
    seconds: float = 0.0


def doccano_project_name(project: str, annotator: str) -> str:
    return f"{project} / {annotator}" if annotator else project


def setup_project(doccano: Doccano, name: str, *, annotator: str, schema: LabelSchema,
                  description: str) -> int:
    """Create or update one Doccano project: labels, guideline, member."""
    guideline = GUIDELINES.read_text(encoding="utf-8") if GUIDELINES.exists() else "-"
    info = doccano.ensure_project(name, description=description, guideline=guideline)
    spans, relations = label_types(schema)
    doccano.ensure_label_types(info.id, "span", spans)
    doccano.ensure_label_types(info.id, "relation", relations)
    if annotator and annotator != REVIEW:
        doccano.ensure_member(info.id, annotator)
    return info.id


def push(workspace: Workspace, doccano: Doccano, project: str, *, select: str = "new",
         limit: int | None = None, annotators: Sequence[str] = (),
         window_chars: int | None = DEFAULT_WINDOW_CHARS, batch: int = BATCH,
         schema: LabelSchema | None = None) -> PushReport:
    """Send the selected documents' units, with the stored predictions, to every annotator."""
    schema = schema or load_schema()
    if select not in SELECT:
        raise DoccanoError(Errors.E515.format(choices="|".join(SELECT), value=select))
    if window_chars is not None and window_chars < MIN_WINDOW_CHARS:
        raise DoccanoError(Errors.E523.format(minimum=MIN_WINDOW_CHARS, value=window_chars))
    if not workspace.query("SELECT 1 FROM processed WHERE stage = 'tag' LIMIT 1"):
        raise DoccanoError(Errors.E518.format(project=project))
    started = time.perf_counter()
    names = list(annotators) or [r[0] for r in workspace.query(
        "SELECT DISTINCT annotator FROM pushes WHERE project = ? AND kind = 'annotate' "
        "ORDER BY 1", [project])] or [""]
    config = {"project": project, "select": select, "limit": limit, "annotators": names,
              "window_chars": window_chars}
    report = PushReport()
    with workspace.run("doccano-push", config) as run:
        doc_ids = _select(workspace, project, select, limit)
        texts = dict(workspace.query("SELECT doc_id, text FROM documents WHERE doc_id IN "
                                     "(SELECT unnest(?::VARCHAR[]))", [doc_ids]))
        docs = {d.doc_id: d for d in predicted_documents(workspace, doc_ids=doc_ids)}
        outgoing: list[Outgoing] = []
        for doc_id in doc_ids:
            doc = docs[doc_id]
            for unit in make_units(doc_id, doc.sha256, len(texts[doc_id]), doc.sentences,
                                   window_chars):
                outgoing.append(to_line(unit, texts[doc_id], doc))
        report.documents = len(doc_ids)
        report.outside = sum(o.outside for o in outgoing)
        for annotator in names:
            name = doccano_project_name(project, annotator)
            pid = setup_project(doccano, name, annotator=annotator, schema=schema,
                                description=f"takfir-pipeline {project}: pre-annotated units"
                                + (f" for {annotator}" if annotator else ""))
            report.projects.append(name)
            send_units(workspace, doccano, outgoing, project=project, doccano_project=name,
                       project_id=pid, annotator=annotator, kind="annotate", batch=batch,
                       run_id=run.run_id, report=report)
        run.counts.update({"documents": report.documents, "sent": report.sent,
                           "recovered": report.recovered, "skipped": report.skipped,
                           "labels": report.labels, "projects": len(report.projects)})
    report.seconds = time.perf_counter() - started
    return report


def send_units(workspace: Workspace, doccano: Doccano, outgoing: Sequence[Outgoing], *,
               project: str, doccano_project: str, project_id: int, annotator: str, kind: str,
               batch: int, run_id: str, report: PushReport) -> dict[str, int]:
    """Upload what the project lacks in verified batches; returns unit id -> example id."""
    recorded = {r[0]: r[1] for r in workspace.query(
        "SELECT unit_id, example_id FROM pushes WHERE doccano_project_id = ?", [project_id])}
    todo = [o for o in outgoing if o.line["takfir_unit"] not in recorded]
    report.skipped += len(outgoing) - len(todo)
    if not todo:
        return recorded
    present = doccano.unit_examples(project_id)
    found = [o for o in todo if o.line["takfir_unit"] in present]
    _record(workspace, found, present, project, doccano_project, project_id, annotator, kind,
            run_id)
    report.recovered += len(found)
    todo = [o for o in todo if o.line["takfir_unit"] not in present]
    for i in range(0, len(todo), batch):
        chunk = todo[i:i + batch]
        doccano.upload_jsonl(project_id, [o.line for o in chunk], project=doccano_project)
        present = doccano.unit_examples(project_id)
        _record(workspace, chunk, present, project, doccano_project, project_id, annotator,
                kind, run_id)
        report.sent += len(chunk)
        report.labels += sum(len(o.line["entities"]) for o in chunk)
    recorded.update({o.line["takfir_unit"]: present[o.line["takfir_unit"]] for o in todo})
    return recorded


def _record(workspace: Workspace, outgoing: Sequence[Outgoing], examples: Mapping[str, int],
            project: str, doccano_project: str, project_id: int, annotator: str, kind: str,
            run_id: str) -> None:
    at = now()
    rows = [{"project": project, "doccano_project": doccano_project,
             "doccano_project_id": project_id, "annotator": annotator, "kind": kind,
             "unit_id": o.line["takfir_unit"], "doc_id": o.line["doc_id"],
             "sha256": o.line["sha256"], "unit_start": o.line["unit_start"],
             "unit_end": o.line["unit_end"], "example_id": examples[o.line["takfir_unit"]],
             "n_labels": len(o.labels), "labels": json.dumps(o.labels), "run_id": run_id,
             "pushed_at": at} for o in outgoing]
    with workspace.transaction():
        workspace.insert("pushes", rows)


def _select(workspace: Workspace, project: str, select: str, limit: int | None) -> list[str]:
    """Documents to push: all; those never pushed to this project (any annotator); or those
    the trained takfir model is least sure of (never pushed, spread across documents, without
    near-duplicates; why each was picked goes to the ``selections`` table)."""
    if select == "uncertain":
        pushed = {r[0] for r in workspace.query(
            "SELECT DISTINCT doc_id FROM pushes WHERE project = ?", [project])}
        gold = {r[0] for r in workspace.query("SELECT DISTINCT doc_id FROM gold")}
        return rank_uncertain(workspace, "takfir", limit or DEFAULT_UNCERTAIN,
                              exclude=pushed | gold)
    sql = "SELECT doc_id FROM documents"
    params: list[object] = []
    if select == "new":
        sql += " WHERE doc_id NOT IN (SELECT doc_id FROM pushes WHERE project = ?)"
        params.append(project)
    sql += " ORDER BY doc_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in workspace.query(sql, params)]


def units_of(workspace: Workspace, doc: LabeledDocument, project: str) -> list[Unit]:
    """The units of ``doc`` as first pushed to ``project`` (review reuses them)."""
    rows = workspace.query("SELECT DISTINCT unit_start, unit_end FROM pushes WHERE project = ? "
                           "AND doc_id = ? AND kind = 'annotate' ORDER BY 1", [project,
                                                                               doc.doc_id])
    return [Unit(doc.doc_id, doc.sha256, s, e) for s, e in rows]


def sentences_in(sentences: Sequence[Span], start: int, end: int) -> tuple[Span, ...]:
    return tuple(s for s in sentences if start <= s.start and s.end <= end)
