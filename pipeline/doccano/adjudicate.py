"""`takfir agreement` and `takfir adjudicate` over the pulled annotations.

Agreement reuses ``agreement_report`` (F1, Cohen's kappa, Krippendorff's alpha) for every pair
of annotators and adds exact/overlap span F1 per takfir role, plus the disagreeing items.
Adjudication builds gold per document (majority, prefer:<annotator>, or review in Doccano) and
appends a new version to the ``gold`` table, then writes the latest versions as a
``takfir-gold/1`` file that `takfir evaluate --gold` and the exports read.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from ..agreement import agreement_report
from ..errors import DoccanoError, Errors
from ..evaluate import takfir_sentence_labels
from ..gold import from_record, to_record, write_gold
from ..metrics import span_scores
from ..records import Entity, LabeledDocument, Span, TakfirEvent
from ..schema import LabelSchema, load_schema
from ..store import Workspace, now
from .client import Doccano
from .mapping import Outgoing, Unit, to_line
from .pull import latest_units
from .push import REVIEW, PushReport, doccano_project_name, send_units, setup_project, units_of

ROLES = ("trigger", "declarer", "target", "ground")


def annotated_documents(workspace: Workspace, project: str, *, kind: str = "annotate",
                        confirmed_only: bool = True,
                        schema: LabelSchema | None = None) -> dict[str, dict[str, LabeledDocument]]:
    """annotator -> doc_id -> that annotator's labels of the document (its units merged)."""
    schema = schema or load_schema()
    out: dict[str, dict[str, LabeledDocument]] = {}
    for annotator, docs in latest_units(workspace, project, kind=kind,
                                        confirmed_only=confirmed_only).items():
        out[annotator] = {doc_id: merge_units(doc_id, records, schema)
                          for doc_id, records in docs.items()}
    return out


def merge_units(doc_id: str, records: Sequence[dict[str, Any]],
                schema: LabelSchema) -> LabeledDocument:
    parts = [from_record(r, schema, f"annotations {doc_id}") for r in records]
    return LabeledDocument(parts[0].sha256, doc_id, parts[0].annotator,
                           tuple(x for p in parts for x in p.entities),
                           tuple(x for p in parts for x in p.takfir),
                           tuple(sorted({x for p in parts for x in p.sentences},
                                        key=lambda s: s.start)),
                           tuple(x for p in parts for x in p.stance))


# -- agreement ------------------------------------------------------------------------------

def agreement(workspace: Workspace, project: str, *, confirmed_only: bool = True,
              schema: LabelSchema | None = None) -> dict[str, Any]:
    """Pairwise agreement of the annotators of ``project`` on the documents both labeled."""
    schema = schema or load_schema()
    by_annotator = annotated_documents(workspace, project, confirmed_only=confirmed_only,
                                       schema=schema)
    if not by_annotator:
        raise DoccanoError(Errors.E512.format(project=project))
    pairs = []
    for a, b in combinations(sorted(by_annotator), 2):
        shared = sorted(set(by_annotator[a]) & set(by_annotator[b]))
        if not shared:
            continue
        first = [by_annotator[a][d] for d in shared]
        second = [by_annotator[b][d] for d in shared]
        report = agreement_report(first, second, schema=schema)
        report["takfir_roles"] = role_scores(first, second)
        report["disagreements"] = [item for x, y in zip(first, second, strict=True)
                                   for item in disagreements(x, y, schema)]
        pairs.append({"annotators": [a, b], "documents": shared, "report": report})
    if not pairs:
        raise DoccanoError(Errors.E513.format(project=project,
                                              annotators=", ".join(sorted(by_annotator))))
    return {"project": project, "annotators": sorted(by_annotator), "pairs": pairs,
            "confirmed_only": confirmed_only}


def role_scores(first: Sequence[LabeledDocument],
                second: Sequence[LabeledDocument]) -> dict[str, Any]:
    """Exact and overlap span F1 per takfir role (symmetric in F1)."""
    def keys(docs: Sequence[LabeledDocument]) -> list[tuple[str, int, int, str]]:
        return [(d.doc_id, s.start, s.end, role.upper()) for d in docs for e in d.takfir
                for role in ROLES if (s := getattr(e, role)) is not None]
    return {match: {label: prf.as_dict() for label, prf in
                    span_scores(keys(first), keys(second), match=match).items()}
            for match in ("exact", "overlap")}


def disagreements(a: LabeledDocument, b: LabeledDocument,
                  schema: LabelSchema) -> list[dict[str, Any]]:
    """Every item one annotator has and the other lacks, per task."""
    out: list[dict[str, Any]] = []

    def diff(task: str, mine: Iterable[Any], theirs: Iterable[Any]) -> None:
        left, right = set(mine), set(theirs)
        out.extend({"doc_id": a.doc_id, "task": task, "item": _show(x),
                    "only": a.annotator if x in left else b.annotator}
                   for x in sorted(left ^ right, key=repr))

    diff("entity", _entity_keys(a), _entity_keys(b))
    diff("takfir_role", _role_keys(a), _role_keys(b))
    diff("takfir_event", map(_event_key, a.takfir), map(_event_key, b.takfir))
    ta, tb = takfir_sentence_labels(a, a.sentences), takfir_sentence_labels(b, a.sentences)
    out.extend({"doc_id": a.doc_id, "task": "takfir_sentence", "item": list(k[1:]),
                a.annotator: ta[k], b.annotator: tb.get(k, False)}
               for k in ta if ta[k] != tb.get(k, False))
    diff("stance", _stance_keys(a), _stance_keys(b))
    return out


# -- adjudication ---------------------------------------------------------------------------

@dataclass
class AdjudicationReport:
    strategy: str
    gold: int = 0  # documents given a new gold version
    review: int = 0  # documents sent to the review project
    path: Path | None = None
    annotators: list[str] = field(default_factory=list)
    push: PushReport | None = None


def adjudicate(workspace: Workspace, project: str, strategy: str, *, out: Path,
               doccano: Doccano | None = None, confirmed_only: bool = True,
               schema: LabelSchema | None = None) -> AdjudicationReport:
    """Gold from the annotations of ``project`` by ``strategy``; review needs ``doccano``."""
    schema = schema or load_schema()
    by_annotator = annotated_documents(workspace, project, confirmed_only=confirmed_only,
                                       schema=schema)
    if not by_annotator:
        raise DoccanoError(Errors.E512.format(project=project))
    names = sorted(by_annotator)
    preferred = strategy.split(":", 1)[1] if strategy.startswith("prefer:") else None
    if strategy not in ("majority", "review") and preferred not in names:
        raise DoccanoError(Errors.E514.format(strategy=strategy, annotators=", ".join(names)))
    report = AdjudicationReport(strategy, annotators=names, path=out)
    doc_ids = sorted({d for docs in by_annotator.values() for d in docs})
    gold: list[tuple[LabeledDocument, list[str]]] = []
    to_review: list[LabeledDocument] = []
    with workspace.run("adjudicate", {"project": project, "strategy": strategy}) as run:
        for doc_id in doc_ids:
            versions = [by_annotator[a][doc_id] for a in names if doc_id in by_annotator[a]]
            who = [v.annotator for v in versions]
            if preferred is not None and doc_id in by_annotator[preferred]:
                gold.append((by_annotator[preferred][doc_id], who))
            elif strategy == "review" and not _all_agree(versions):
                to_review.append(union(versions))
            else:
                gold.append((majority(versions), who))
        report.gold = add_gold(workspace, gold, project, strategy, run.run_id)
        if to_review:
            if doccano is None:
                raise DoccanoError(Errors.E524.format(project=project))
            report.push = push_review(workspace, doccano, project, to_review, by_annotator,
                                      schema, run.run_id)
            report.review = len(to_review)
        run.counts.update({"gold": report.gold, "review": report.review})
    write_latest_gold(workspace, project, out)
    return report


def majority(versions: Sequence[LabeledDocument]) -> LabeledDocument:
    """Items that more than half of the annotators of the document labeled."""
    need = len(versions) / 2

    def keep(items: Iterable[Any]) -> list[Any]:
        counts = Counter(x for v in items for x in dict.fromkeys(v))
        return [x for x, n in counts.items() if n > need]

    def entities() -> list[Entity]:
        """Spans by majority; the kb_id a majority gave, else none."""
        spans = keep([[(e.start, e.end, e.label) for e in v.entities] for v in versions])
        out = []
        for start, end, label in spans:
            ids = Counter(e.kb_id for v in versions for e in dict.fromkeys(_gold(v.entities))
                          if (e.start, e.end, e.label) == (start, end, label))
            kb, n = ids.most_common(1)[0]
            out.append(Entity(start, end, label, kb if n > need else None))
        return sorted(out, key=lambda e: e.start)

    first = versions[0]
    return LabeledDocument(
        first.sha256, first.doc_id, "adjudicated", tuple(entities()),
        tuple(sorted(keep([_gold(v.takfir) for v in versions]),
                     key=lambda e: e.trigger.start)),
        first.sentences,
        tuple(sorted(keep([_gold(v.stance) for v in versions]), key=lambda s: s.start)))


def union(versions: Sequence[LabeledDocument]) -> LabeledDocument:
    """Every annotator's items once: what the review example shows."""
    first = versions[0]
    return LabeledDocument(
        first.sha256, first.doc_id, "review",
        tuple(dict.fromkeys(x for v in versions for x in _gold(v.entities))),
        tuple(dict.fromkeys(x for v in versions for x in _gold(v.takfir))),
        first.sentences, tuple(dict.fromkeys(x for v in versions for x in _gold(v.stance))))


def push_review(workspace: Workspace, doccano: Doccano, project: str,
                docs: Sequence[LabeledDocument],
                by_annotator: dict[str, dict[str, LabeledDocument]], schema: LabelSchema,
                run_id: str) -> PushReport:
    """Disagreeing documents to ``NAME / review``: the union of all versions, and per unit a
    comment listing, per annotator, the items only that annotator has."""
    name = doccano_project_name(project, REVIEW)
    pid = setup_project(doccano, name, annotator=REVIEW, schema=schema,
                        description=f"takfir-pipeline {project}: disagreements to adjudicate")
    texts = dict(workspace.query("SELECT doc_id, text FROM documents"))
    outgoing: list[Outgoing] = []
    notes: dict[str, str] = {}
    for doc in docs:
        units = units_of(workspace, doc, project) or [Unit(doc.doc_id, doc.sha256, 0,
                                                           len(texts[doc.doc_id]))]
        for unit in units:
            outgoing.append(to_line(unit, texts[doc.doc_id], doc))
            lines = []
            for annotator in sorted(by_annotator):
                version = by_annotator[annotator].get(doc.doc_id)
                others = [v[doc.doc_id] for a, v in by_annotator.items()
                          if a != annotator and doc.doc_id in v]
                if version is None or not others:
                    continue
                for item in disagreements(version, others[0], schema):
                    if item.get("only") == annotator and _in_unit(item, unit):
                        lines.append(f"{annotator}: {item['task']} {item['item']}")
            notes[unit.unit_id] = "\n".join(lines) or "versions differ only outside this unit"
    report = PushReport(projects=[name], documents=len(docs))
    examples = send_units(workspace, doccano, outgoing, project=project, doccano_project=name,
                          project_id=pid, annotator=REVIEW, kind="review", batch=500,
                          run_id=run_id, report=report)
    for unit_id, text in notes.items():
        if unit_id in examples:
            doccano.add_comment(pid, examples[unit_id], text)
    return report


def settle_review(workspace: Workspace, project: str, *, run_id: str) -> int:
    """Gold for every reviewed document whose review units are all confirmed."""
    reviewed = annotated_documents(workspace, project, kind="review", confirmed_only=True)
    pending = {r[0] for r in workspace.query(
        "SELECT DISTINCT p.doc_id FROM pushes p LEFT JOIN (SELECT doccano_project_id, "
        "example_id, bool_or(confirmed) AS ok FROM annotations GROUP BY ALL) a USING "
        "(doccano_project_id, example_id) WHERE p.project = ? AND p.kind = 'review' AND "
        "coalesce(a.ok, false) = false", [project])}
    settled = [(doc, [REVIEW]) for docs in reviewed.values() for doc in docs.values()
               if doc.doc_id not in pending and not _settled_already(workspace, doc)]
    count = add_gold(workspace, settled, project, "review", run_id)
    return count


def add_gold(workspace: Workspace, docs: Sequence[tuple[LabeledDocument, list[str]]],
             project: str, strategy: str, run_id: str) -> int:
    """Append a new gold version per document (earlier versions stay)."""
    at = now()
    rows = []
    for doc, annotators in docs:
        version = workspace.query("SELECT coalesce(max(version), 0) + 1 FROM gold WHERE "
                                  "doc_id = ?", [doc.doc_id])[0][0]
        labeled = LabeledDocument(doc.sha256, doc.doc_id, f"adjudicated:{strategy}",
                                  doc.entities, doc.takfir, doc.sentences, doc.stance)
        rows.append({"doc_id": doc.doc_id, "sha256": doc.sha256, "version": version,
                     "project": project, "strategy": strategy,
                     "annotators": json.dumps(annotators),
                     "record": json.dumps(to_record(labeled, source=f"doccano:{project}")),
                     "run_id": run_id, "created_at": at})
    with workspace.transaction():
        workspace.insert("gold", rows)
    return len(rows)


def write_latest_gold(workspace: Workspace, project: str, out: Path) -> int:
    """The latest gold version of each document of ``project`` as a takfir-gold/1 file."""
    schema = load_schema()
    rows = workspace.query(
        "SELECT doc_id, record FROM (SELECT *, row_number() OVER (PARTITION BY doc_id ORDER BY "
        "version DESC) AS rn FROM gold WHERE project = ?) WHERE rn = 1 ORDER BY doc_id",
        [project])
    docs = []
    for doc_id, record in rows:
        data = json.loads(record)
        doc = from_record(data, schema, f"gold {doc_id}")
        docs.append((doc, str(data.get("source", ""))))
    return write_gold(out, docs) if docs else 0


def _settled_already(workspace: Workspace, doc: LabeledDocument) -> bool:
    latest = workspace.query("SELECT strategy, record FROM gold WHERE doc_id = ? ORDER BY "
                             "version DESC LIMIT 1", [doc.doc_id])
    if not latest or latest[0][0] != "review":
        return False
    record = json.loads(latest[0][1])
    return {k: record[k] for k in ("entities", "takfir", "sentences")} == {
        k: v for k, v in to_record(doc).items() if k in ("entities", "takfir", "sentences")}


def _gold(items: Iterable[Any]) -> list[Any]:
    """Items without score/source, so two annotators' equal labels compare equal."""
    out = []
    for x in items:
        if isinstance(x, TakfirEvent):
            out.append(TakfirEvent(x.trigger, x.declarer, x.target, x.ground, x.mode, x.chain))
        else:
            out.append(type(x)(*[getattr(x, f) for f in x.__slots__
                                 if f not in ("score", "source")]))
    return out


def _all_agree(versions: Sequence[LabeledDocument]) -> bool:
    keys = [(frozenset(_gold(v.entities)), frozenset(_gold(v.takfir)),
             frozenset(_gold(v.stance))) for v in versions]
    return len(set(keys)) == 1


def _entity_keys(doc: LabeledDocument) -> list[tuple[Any, ...]]:
    return [(e.start, e.end, e.label, e.kb_id) for e in doc.entities]


def _role_keys(doc: LabeledDocument) -> list[tuple[Any, ...]]:
    return [(s.start, s.end, role.upper()) for e in doc.takfir for role in ROLES
            if (s := getattr(e, role)) is not None]


def _event_key(e: TakfirEvent) -> tuple[Any, ...]:
    def span(s: Span | None) -> tuple[int, int] | None:
        return None if s is None else (s.start, s.end)
    return (span(e.trigger), span(e.declarer), span(e.target), span(e.ground), e.mode, e.chain)


def _stance_keys(doc: LabeledDocument) -> list[tuple[Any, ...]]:
    return [(s.start, s.end, s.target, s.label,
             None if s.holder is None else (s.holder.start, s.holder.end)) for s in doc.stance]


def _show(item: tuple[Any, ...]) -> list[Any]:
    return list(item)


def _in_unit(item: dict[str, Any], unit: Unit) -> bool:
    first = item["item"][0]
    start = first[0] if isinstance(first, (list, tuple)) else first
    return isinstance(start, int) and unit.start <= start < unit.end
