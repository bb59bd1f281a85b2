"""Reading `takfir-export/1` records back: their labels as predictions or gold, and sentences.

Used by ingest (``takfir ingest --labels predictions|gold|ignore``) so that an export can be
ingested into a fresh workspace and exported again with identical bytes.
"""

from __future__ import annotations

from typing import Any

from ..errors import Errors, ExportError
from ..records import Entity, LabeledDocument, Span, Stance, TakfirEvent, misplaced_span
from .documents import EXPORT_META_KEY
from .schema import EXPORT_SCHEMA

LABEL_MODES = ("predictions", "gold", "ignore")
IMPORTED_ANNOTATOR = "import"
SENTENCES_CONFIG = "takfir-export/1"  # sentences.config_hash of sentences read from an export


def is_export_record(fields: dict[str, Any]) -> bool:
    """True for the fields (all but the text) of a `takfir-export/1` JSONL line."""
    return fields.get("schema") == EXPORT_SCHEMA and isinstance(fields.get("meta"), dict)


def stored_metadata(fields: dict[str, Any]) -> dict[str, Any]:
    """What documents.metadata keeps of an export record: its meta, verbatim."""
    return {EXPORT_META_KEY: fields["meta"]}


def _span(data: dict[str, Any] | None) -> Span | None:
    return None if data is None else Span(int(data["start"]), int(data["end"]),
                                          data.get("kb_id"))


def labels_of(fields: dict[str, Any], text: str, doc_id: str, sha256: str, *,
              as_gold: bool) -> LabeledDocument:
    """The record's labels; sources kept (predictions) or dropped (gold). Raises E607/E609."""
    try:
        return _labels_of(fields, text, doc_id, sha256, as_gold=as_gold)
    except (KeyError, TypeError, ValueError, AssertionError) as err:
        if isinstance(err, ExportError):
            raise
        raise ExportError(Errors.E609.format(doc_id=doc_id, detail=repr(err))) from err


def _labels_of(fields: dict[str, Any], text: str, doc_id: str, sha256: str, *,
               as_gold: bool) -> LabeledDocument:
    entities = tuple(Entity(e["start"], e["end"], e["label"], e.get("kb_id"),
                            float(e.get("score", 1.0)), e.get("source", "rule"))
                     for e in fields.get("entities", []))
    takfir = []
    for e in fields.get("takfir", []):
        trigger = _span(e["trigger"])
        assert trigger is not None
        takfir.append(TakfirEvent(trigger, _span(e.get("declarer")), _span(e.get("target")),
                                  _span(e.get("ground")), e["mode"], bool(e.get("chain")),
                                  float(e.get("score", 1.0)), e.get("source", "rule")))
    sentences, stance = [], []
    for s in fields.get("sentences", []):
        sentences.append(Span(s["start"], s["end"]))
        stance += [Stance(s["start"], s["end"], x["target"], x["label"], _span(x.get("holder")),
                          float(x.get("score", 1.0)), x.get("source", "rule"))
                   for x in s.get("stance", [])]
    doc = LabeledDocument(sha256, doc_id, IMPORTED_ANNOTATOR if as_gold else "system",
                          entities, tuple(takfir), tuple(sentences), tuple(stance))
    _check_offsets(doc, len(text))
    if as_gold:  # gold has no score or source: the defaults (1.0, gold)
        doc = LabeledDocument(sha256, doc_id, IMPORTED_ANNOTATOR,
                              tuple(Entity(e.start, e.end, e.label, e.kb_id) for e in entities),
                              tuple(TakfirEvent(e.trigger, e.declarer, e.target, e.ground,
                                                e.mode, e.chain) for e in takfir),
                              tuple(sentences),
                              tuple(Stance(s.start, s.end, s.target, s.label, s.holder)
                                    for s in stance))
    return doc


def sentence_rows(doc: LabeledDocument) -> list[dict[str, Any]]:
    """Rows of the sentences table for the record's sentences."""
    return [{"doc_id": doc.doc_id, "idx": i, "start_char": s.start, "end_char": s.end,
             "config_hash": SENTENCES_CONFIG} for i, s in enumerate(doc.sentences)]


def _check_offsets(doc: LabeledDocument, length: int) -> None:
    bad = misplaced_span(doc, length)
    if bad is not None:
        kind, span = bad
        raise ExportError(Errors.E607.format(doc_id=doc.doc_id, kind=kind, start=span.start,
                                             end=span.end, length=length))
