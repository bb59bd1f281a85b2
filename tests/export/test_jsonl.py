"""`takfir-export/1` JSONL: valid against its schema, gold/predicted/best, offsets fit."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from pipeline.export import export
from pipeline.export.jsonl import SCHEMA_FILENAME
from pipeline.export.schema import export_schema
from pipeline.gold import write_gold
from pipeline.ingest import ingest
from pipeline.predictions import replace_predictions
from pipeline.records import Entity, LabeledDocument, Span, Stance, TakfirEvent
from pipeline.segment import SegmentConfig, segment
from tests.conftest import REPO

TEXT = "The emir declared the council apostates. Residents rejected ISIS openly.\n"


def _workspace(workspace, tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("A second text about the harvest in the valley.\n")
    ingest([tmp_path / "a.txt", tmp_path / "b.txt"], workspace)
    segment(workspace, config=SegmentConfig(method="sentencizer"))
    docs = workspace.documents().set_index("source_path")
    a = docs.loc[str((tmp_path / "a.txt").resolve())]
    sents = [Span(s.start_char, s.end_char) for s in workspace.sentences().itertuples()
             if s.doc_id == a.doc_id]
    predicted = LabeledDocument(a.sha256, a.doc_id, "system",
                                entities=(Entity(60, 64, "ORG", "org:isis", 1.0, "rule"),),
                                takfir=(TakfirEvent(Span(30, 39), Span(4, 8), Span(18, 29),
                                                    None, "asserted", False, 0.8, "rule"),),
                                stance=(Stance(sents[1].start, sents[1].end, "ISIS", "AGAINST",
                                               None, 0.7, "rule"),))
    with workspace.transaction():
        replace_predictions(workspace, [predicted], "test", ["rule"])
    gold = LabeledDocument(a.sha256, "", "pass-a", entities=(Entity(4, 8, "ROLE"),),
                           sentences=tuple(sents),
                           stance=(Stance(sents[1].start, sents[1].end, "ISIS", "AGAINST"),))
    write_gold(tmp_path / "gold" / "g.jsonl", [(gold, "a.txt")])
    return tmp_path / "gold"


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_record_validates_and_offsets_fit(workspace, tmp_path):
    gold = _workspace(workspace, tmp_path)
    report = export(workspace, fmt="jsonl", out=tmp_path / "out.jsonl", source="best",
                    gold=gold)
    path = report.path
    assert report.documents == 2 and path.name == "out.jsonl"
    schema = json.loads((path.parent / SCHEMA_FILENAME).read_text())
    for record in _read(path):
        jsonschema.validate(record, schema)
        for ent in record["entities"]:
            assert 0 <= ent["start"] < ent["end"] <= len(record["text"])


def test_sources_predicted_gold_and_best(workspace, tmp_path):
    gold = _workspace(workspace, tmp_path)
    by_source = {}
    for source in ("predicted", "gold", "best"):
        path = export(workspace, fmt="jsonl", out=tmp_path / f"{source}.jsonl",
                      source=source, gold=gold).path
        by_source[source] = {r["meta"]["source"]: r for r in _read(path)}
    predicted, gold_only, best = (by_source[s]["a.txt"] for s in ("predicted", "gold", "best"))
    assert [e["source"] for e in predicted["entities"]] == ["rule"]
    assert predicted["takfir"][0]["declarer"] == {"start": 4, "end": 8, "kb_id": None}
    assert [(e["label"], e["source"]) for e in gold_only["entities"]] == [("ROLE", "gold")]
    assert best["entities"] == gold_only["entities"]  # gold wins for a document with gold
    assert by_source["best"]["b.txt"]["entities"] == []  # no gold, no predictions
    assert best["sentences"][1]["stance"] == [
        {"target": "ISIS", "label": "AGAINST", "holder": None, "score": 1.0, "source": "gold"}]


def test_committed_schema_file_matches_labels_toml():
    committed = REPO / "pipeline" / "export" / "schemas" / "takfir-export-1.schema.json"
    assert json.loads(committed.read_text()) == export_schema()
