"""Doccano export: the JSONL forms Doccano imports (structure; the server test is in
tests/doccano/test_export_import.py)."""

from __future__ import annotations

import json

from pipeline.export import export
from pipeline.schema import load_schema


def _lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_spans_and_relations_and_categories(labeled, tmp_path):
    export(labeled, fmt="doccano", out=tmp_path / "out", source="predicted", split="100")
    folder = tmp_path / "out" / "doccano"
    spans = _lines(folder / "train.spans.jsonl")
    assert len(spans) == 12
    schema = load_schema()
    allowed = set(schema.entities) | {f"TRIGGER:{m}" for m in schema.modes} | {
        "CHAIN", "DECLARER", "TARGET", "GROUND"}
    for line in spans:
        assert set(line) >= {"text", "entities", "relations"}
        ids = {e["id"] for e in line["entities"]}
        for e in line["entities"]:
            assert set(e) == {"id", "label", "start_offset", "end_offset"}
            assert 0 <= e["start_offset"] < e["end_offset"] <= len(line["text"])
            assert e["label"] in allowed
        for r in line["relations"]:
            assert set(r) == {"id", "from_id", "to_id", "type"}
            assert r["from_id"] in ids and r["to_id"] in ids
            assert r["type"] in schema.takfir_relations
    takfir = next(x for x in spans if "declared the council" in x["text"])
    by_id = {e["id"]: e for e in takfir["entities"]}
    relations = {(r["type"], takfir["text"][by_id[r["to_id"]]["start_offset"]:
                                           by_id[r["to_id"]]["end_offset"]])
                 for r in takfir["relations"]}
    assert relations == {("declared_by", "Abu Talha"), ("targets", "the council"),
                         ("on_ground", "it refused to rule by sharia")}
    chain = next(x for x in spans if "called the mayor" in x["text"])
    assert "CHAIN" in {e["label"] for e in chain["entities"]}
    categories = _lines(folder / "train.categories.jsonl")
    assert len(categories) == labeled.query("SELECT count(*) FROM sentences")[0][0]
    assert all(isinstance(c["label"], list) and c["text"] for c in categories)
    mayor = next(c for c in categories if "called the mayor" in c["text"])
    assert mayor["label"] == ["TAKFIR"]
    isis = next(c for c in categories if "criticized ISIS" in c["text"])
    assert isis["label"] == ["ISIS:AGAINST"]
