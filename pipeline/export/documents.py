"""Documents with their labels as `takfir-export/1` dicts, from gold, predictions or both.

``best`` takes gold where a document has gold, else the predictions, preferring a model's
label over a rule's for the same sentence and target; every label keeps its source.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..gold import load_gold
from ..ingest import display_path
from ..predictions import predicted_documents
from ..records import Entity, LabeledDocument, Span, Stance, TakfirEvent, span_to_json
from ..store import Workspace
from .schema import EXPORT_SCHEMA

CHOICES = ("predicted", "gold", "best")
# Prediction-table sources an export reads: the taggers' (rule, model), plus "gold" rows that
# only `takfir ingest --labels predictions` of an export writes (labels keep their source).
STORED_SOURCES = ("rule", "model", "gold")
# documents.metadata key under which ingest keeps the meta of a re-ingested export record, so
# that exporting it again gives the same bytes.
EXPORT_META_KEY = "takfir-export/1 meta"
_PRIORITY = {"gold": 0, "model": 1, "rule": 2, "baseline": 3}


def labeled_documents(workspace: Workspace, *, source: str = "best",
                      gold: Path | None = None) -> dict[str, LabeledDocument]:
    """doc_id -> the labels to export for it (documents without any label are included)."""
    if source not in CHOICES:
        raise ValueError(f"source must be one of {', '.join(CHOICES)}, got {source!r}")
    predicted = {d.doc_id: d for d in predicted_documents(workspace,
                                                           sources=STORED_SOURCES)}
    if source == "predicted":
        return predicted
    golds = {}
    if gold is not None and gold.exists():
        for doc in load_gold(gold, workspace, skip_missing=True):
            golds[doc.doc_id] = doc
    if source == "gold":
        return {i: golds.get(i, LabeledDocument(d.sha256, i, "none", sentences=d.sentences))
                for i, d in predicted.items()}
    return {i: golds.get(i, d) for i, d in predicted.items()}


def export_records(workspace: Workspace, labeled: dict[str, LabeledDocument]
                   ) -> Iterator[dict[str, Any]]:
    """One takfir-export/1 dict per document, in doc_id order."""
    rows = workspace.query(
        "SELECT doc_id, sha256, text, title, source_path, record, format, language, "
        "near_duplicate_of, metadata FROM documents ORDER BY doc_id")
    for doc_id, sha, text, title, path, record, fmt, language, near, metadata in rows:
        doc = labeled.get(doc_id) or LabeledDocument(sha, doc_id, "none")
        source_name = Path(display_path(path)).name + (f":{record}" if record else "")
        fields = json.loads(metadata or "{}")
        meta = fields.get(EXPORT_META_KEY) or {
            "title": title, "source": source_name, "format": fmt, "language": language,
            "near_duplicate_of": near, "fields": fields}
        yield {
            "schema": EXPORT_SCHEMA, "id": doc_id, "sha256": sha, "text": text, "meta": meta,
            "sentences": [{"start": s.start, "end": s.end,
                           "stance": _stance_of(s, doc.stance, doc.annotator)}
                          for s in doc.sentences],
            "entities": [{"start": e.start, "end": e.end, "label": e.label, "kb_id": e.kb_id,
                          "score": round(e.score, 4), "source": _source(e.source, doc)}
                         for e in sorted(doc.entities, key=_entity_order)],
            "takfir": [{"trigger": {"start": e.trigger.start, "end": e.trigger.end},
                        "declarer": span_to_json(e.declarer), "target": span_to_json(e.target),
                        "ground": None if e.ground is None else
                        {"start": e.ground.start, "end": e.ground.end},
                        "mode": e.mode, "chain": e.chain, "score": round(e.score, 4),
                        "source": _source(e.source, doc)}
                       for e in sorted(doc.takfir, key=_event_order)],
        }


def _entity_order(e: Entity) -> tuple[int, int, str, str, str, float]:
    return (e.start, e.end, e.label, e.kb_id or "", e.source, -e.score)


def _event_order(e: TakfirEvent) -> tuple[int, int, str, int, float]:
    return (e.trigger.start, e.trigger.end, e.mode, e.chain, -e.score)


def _source(source: str, doc: LabeledDocument) -> str:
    return "gold" if doc.annotator not in ("system", "none") else source


def _stance_of(sentence: Span, stance: tuple[Stance, ...], annotator: str
               ) -> list[dict[str, Any]]:
    """One label per target: the highest-priority source for that sentence."""
    best: dict[str, Stance] = {}
    for s in stance:
        if (s.start, s.end) != (sentence.start, sentence.end):
            continue
        kept = best.get(s.target)
        if kept is None or _PRIORITY.get(s.source, 9) < _PRIORITY.get(kept.source, 9):
            best[s.target] = s
    gold = annotator not in ("system", "none")
    return [{"target": t, "label": s.label, "holder": span_to_json(s.holder),
             "score": round(s.score, 4), "source": "gold" if gold else s.source}
            for t, s in sorted(best.items())]
