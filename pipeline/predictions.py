"""The taggers' labels in the store, as LabeledDocument records (and back)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from .records import Entity, LabeledDocument, Span, Stance, TakfirEvent
from .store import Workspace

PREDICTED_SOURCES = ("rule", "model")


def predicted_documents(workspace: Workspace, *, doc_ids: Sequence[str] | None = None,
                        sources: Sequence[str] = PREDICTED_SOURCES) -> list[LabeledDocument]:
    """The stored predictions of every document (or of ``doc_ids``), with its sentences."""
    where = "WHERE source IN (SELECT unnest(?::VARCHAR[]))"
    params: list[object] = [list(sources)]
    docs = workspace.query("SELECT doc_id, sha256 FROM documents ORDER BY doc_id")
    wanted = set(doc_ids) if doc_ids is not None else None
    entities: dict[str, list[Entity]] = defaultdict(list)
    for row in workspace.query(f"SELECT doc_id, start_char, end_char, label, kb_id, score, "
                               f"source FROM entities {where} ORDER BY doc_id, start_char",
                               params):
        entities[row[0]].append(Entity(*row[1:]))
    events: dict[str, list[TakfirEvent]] = defaultdict(list)
    for r in workspace.query(f"SELECT * FROM takfir_events {where} ORDER BY doc_id, event_idx",
                             params):
        (doc_id, _, t0, t1, d0, d1, dkb, g0, g1, gkb, r0, r1, mode, chain, score, source,
         _run) = r
        events[doc_id].append(TakfirEvent(Span(t0, t1), _opt(d0, d1, dkb), _opt(g0, g1, gkb),
                                          _opt(r0, r1, None), mode, bool(chain), score, source))
    stance: dict[str, list[Stance]] = defaultdict(list)
    for r in workspace.query(f"SELECT doc_id, sent_start, sent_end, target, label, "
                             f"holder_start, holder_end, score, source FROM stance {where} "
                             f"ORDER BY doc_id, sent_start", params):
        stance[r[0]].append(Stance(r[1], r[2], r[3], r[4], _opt(r[5], r[6], None), r[7], r[8]))
    sentences: dict[str, list[Span]] = defaultdict(list)
    for doc_id, start, end in workspace.query(
            "SELECT doc_id, start_char, end_char FROM sentences ORDER BY doc_id, idx"):
        sentences[doc_id].append(Span(start, end))
    return [LabeledDocument(sha, doc_id, "system", tuple(entities[doc_id]),
                            tuple(events[doc_id]), tuple(sentences[doc_id]),
                            tuple(stance[doc_id]))
            for doc_id, sha in docs if wanted is None or doc_id in wanted]


def prediction_rows(doc: LabeledDocument, run_id: str) -> dict[str, list[dict[str, object]]]:
    """Rows for the entities, takfir_events and stance tables."""
    return {
        "entities": [{"doc_id": doc.doc_id, "start_char": e.start, "end_char": e.end,
                      "label": e.label, "kb_id": e.kb_id, "score": e.score,
                      "source": e.source, "run_id": run_id} for e in doc.entities],
        "takfir_events": [_event_row(doc.doc_id, i, e, run_id)
                          for i, e in enumerate(doc.takfir)],
        "stance": [{"doc_id": doc.doc_id, "sent_start": s.start, "sent_end": s.end,
                    "target": s.target, "label": s.label,
                    "holder_start": s.holder.start if s.holder else None,
                    "holder_end": s.holder.end if s.holder else None, "score": s.score,
                    "source": s.source, "run_id": run_id} for s in doc.stance],
    }


def replace_predictions(workspace: Workspace, docs: Iterable[LabeledDocument], run_id: str,
                        sources: Sequence[str]) -> None:
    """Swap the stored predictions of ``sources`` for these documents (caller's transaction)."""
    docs = list(docs)
    ids = [d.doc_id for d in docs]
    for table in ("entities", "takfir_events", "stance"):
        workspace.query(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) "
                        "AND source IN (SELECT unnest(?::VARCHAR[]))", [ids, list(sources)])
    rows: dict[str, list[dict[str, object]]] = {}
    for doc in docs:
        for table, part in prediction_rows(doc, run_id).items():
            rows.setdefault(table, []).extend(part)
    for table, part in rows.items():  # one insert per table: DuckDB likes big batches
        workspace.insert(table, part)


def _event_row(doc_id: str, index: int, e: TakfirEvent, run_id: str) -> dict[str, object]:
    def part(span: Span | None, name: str, kb: bool = True) -> dict[str, object]:
        out: dict[str, object] = {f"{name}_start": span.start if span else None,
                                  f"{name}_end": span.end if span else None}
        if kb:
            out[f"{name}_kb_id"] = span.kb_id if span else None
        return out

    return {"doc_id": doc_id, "event_idx": index, "trigger_start": e.trigger.start,
            "trigger_end": e.trigger.end, **part(e.declarer, "declarer"),
            **part(e.target, "target"), **part(e.ground, "ground", kb=False), "mode": e.mode,
            "chain": e.chain, "score": e.score, "source": e.source, "run_id": run_id}


def _opt(start: int | None, end: int | None, kb_id: str | None) -> Span | None:
    return None if start is None or end is None else Span(start, end, kb_id)
