"""`takfir doccano pull`: every annotator's labels back into the store, append-only.

Each Doccano project the push recorded for ``--project`` is exported (bounded wait); each line
is mapped back to canonical offsets through the unit's meta and checked against the document
text. A row is appended to ``annotations`` only when the unit's labels changed since the
latest pull of the same example, so earlier pulls are never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..errors import DoccanoError, Errors
from ..gold import to_record
from ..records import LabeledDocument, Span
from ..schema import LabelSchema, load_schema
from ..store import Workspace, now
from .client import Doccano
from .mapping import from_line
from .push import sentences_in


@dataclass
class PullReport:
    projects: list[str] = field(default_factory=list)
    examples: int = 0
    added: int = 0
    unchanged: int = 0
    confirmed: int = 0
    problems: list[str] = field(default_factory=list)
    settled: int = 0  # review: documents whose gold was settled by this pull
    seconds: float = 0.0


def pull(workspace: Workspace, doccano: Doccano, project: str, *,
         schema: LabelSchema | None = None) -> PullReport:
    """Download every Doccano project of ``project`` and append the changed units."""
    schema = schema or load_schema()
    started = time.perf_counter()
    targets = workspace.query(
        "SELECT DISTINCT doccano_project, doccano_project_id, annotator, kind FROM pushes "
        "WHERE project = ? ORDER BY 1", [project])
    if not targets:
        raise DoccanoError(Errors.E510.format(url=doccano.url, project=project,
                                              family=project))
    report = PullReport()
    with workspace.run("doccano-pull", {"project": project}) as run:
        for name, pid, annotator, kind in targets:
            found = doccano.find_project(name)
            if found is None or found.id != pid:
                raise DoccanoError(Errors.E510.format(url=doccano.url, project=name,
                                                      family=project))
            report.projects.append(name)
            files = doccano.export_lines(pid, project=name)
            confirmed = doccano.confirmed_example_ids(pid)
            rows = []
            for filename, lines in files.items():
                who = annotator if filename == "all.jsonl" else filename.rsplit(".", 1)[0]
                for line in lines:
                    row = _row(workspace, line, schema, project=project, name=name, pid=pid,
                               annotator=who or "shared", confirmed=confirmed, report=report)
                    if row is not None:
                        rows.append(row)
            with workspace.transaction():
                workspace.insert("annotations", [{**r, "run_id": run.run_id} for r in rows])
            report.added += len(rows)
            if kind == "review":
                from .adjudicate import settle_review  # review -> gold; imports this module

                report.settled += settle_review(workspace, project, run_id=run.run_id)
        run.counts.update({"examples": report.examples, "added": report.added,
                           "unchanged": report.unchanged, "problems": len(report.problems),
                           "settled": report.settled})
    report.seconds = time.perf_counter() - started
    return report


def _row(workspace: Workspace, line: dict[str, Any], schema: LabelSchema, *, project: str,
         name: str, pid: int, annotator: str, confirmed: set[int],
         report: PullReport) -> dict[str, Any] | None:
    report.examples += 1
    example_id = int(line["id"])
    unit_id = line.get("takfir_unit")
    if not unit_id:
        report.problems.append(f"{name}, example {example_id}: not pushed by takfir (no "
                               "takfir_unit in its meta); skipped")
        return None
    doc = workspace.query("SELECT text, sha256 FROM documents WHERE doc_id = ?",
                          [line["doc_id"]])
    if not doc:
        raise DoccanoError(Errors.E517.format(project=name, example=example_id,
                                              doc_id=line["doc_id"]))
    text, sha = doc[0]
    pushed = workspace.query("SELECT labels FROM pushes WHERE doccano_project_id = ? AND "
                             "unit_id = ?", [pid, unit_id])
    incoming = from_line(line, text, schema, pushed=json.loads(pushed[0][0]) if pushed else ())
    for problem in incoming.problems:
        report.problems.append(f"{name}, example {example_id} ({line['doc_id']}): {problem}")
    start, end = int(line["unit_start"]), int(line["unit_end"])
    sentences = sentences_in([Span(s, e) for s, e in workspace.query(
        "SELECT start_char, end_char FROM sentences WHERE doc_id = ? ORDER BY idx",
        [line["doc_id"]])], start, end)
    doc_labels = LabeledDocument(sha, line["doc_id"], annotator, tuple(incoming.entities),
                                 tuple(incoming.takfir), sentences, tuple(incoming.stance))
    record = to_record(doc_labels, source=f"doccano:{name}#{example_id}")
    is_confirmed = example_id in confirmed
    report.confirmed += is_confirmed
    digest = hashlib.sha256(json.dumps([record, is_confirmed], sort_keys=True).encode()
                            ).hexdigest()[:16]
    latest = workspace.query(
        "SELECT labels_hash FROM annotations WHERE doccano_project_id = ? AND example_id = ? "
        "AND annotator = ? ORDER BY pulled_at DESC LIMIT 1", [pid, example_id, annotator])
    if latest and latest[0][0] == digest:
        report.unchanged += 1
        return None
    return {"project": project, "doccano_project": name, "doccano_project_id": pid,
            "annotator": annotator, "unit_id": unit_id, "doc_id": line["doc_id"],
            "sha256": sha, "example_id": example_id, "confirmed": is_confirmed,
            "record": json.dumps(record), "raw": json.dumps(line, ensure_ascii=False),
            "labels_hash": digest, "problems": json.dumps(incoming.problems),
            "pulled_at": now()}


def latest_units(workspace: Workspace, project: str, *, kind: str = "annotate",
                 confirmed_only: bool = True) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """annotator -> doc_id -> the latest pulled record of each of its units."""
    rows = workspace.query(
        "SELECT a.annotator, a.doc_id, a.record, a.confirmed FROM (SELECT *, row_number() "
        "OVER (PARTITION BY doccano_project_id, example_id, annotator ORDER BY pulled_at DESC)"
        " AS rn FROM annotations WHERE project = ?) a JOIN (SELECT DISTINCT doccano_project_id"
        ", kind FROM pushes) p USING (doccano_project_id) WHERE a.rn = 1 AND p.kind = ? "
        "ORDER BY a.annotator, a.doc_id, a.unit_id", [project, kind])
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for annotator, doc_id, record, confirmed in rows:
        if confirmed or not confirmed_only:
            out[annotator][doc_id].append(json.loads(record))
    return {a: dict(docs) for a, docs in out.items()}
