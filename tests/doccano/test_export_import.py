"""The doccano export imports into the real Doccano server: same examples, spans, offsets and
relations come back out (sequence labeling with relations, and sentence classification)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline import Workspace
from pipeline.doccano.client import Doccano, connect
from pipeline.doccano.settings import DoccanoSettings
from pipeline.export import export
from tests.export.conftest import build_labeled_workspace


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _spans(line: dict[str, Any]) -> tuple[Counter, Counter]:
    by_id = {e["id"]: (e["label"], e["start_offset"], e["end_offset"]) for e in line["entities"]}
    relations = Counter((r["type"], by_id[r["from_id"]], by_id[r["to_id"]])
                        for r in line["relations"])
    return Counter(by_id.values()), relations


def _upload_categories(doccano: Doccano, project_id: int, path: Path) -> None:
    """Bulk import as Doccano's upload page does it, for a text-classification project."""
    status = doccano.client.upload(project_id, [str(path)], task="DocumentClassification",
                                   format="JSONL", column_data="text", column_label="label")
    assert status.ready and not status.error, status


def test_doccano_export_imports_into_doccano(doccano_server: DoccanoSettings, tmp_path: Path):
    with Workspace(tmp_path / "ws") as ws:
        build_labeled_workspace(ws, tmp_path)
        export(ws, fmt="doccano", out=tmp_path / "out", source="predicted", split="100")
    spans = _lines(tmp_path / "out" / "doccano" / "train.spans.jsonl")
    categories = _lines(tmp_path / "out" / "doccano" / "train.categories.jsonl")
    with connect(doccano_server) as doccano:
        project = doccano.ensure_project("export-spans", description="export import test",
                                         guideline="-")
        labels = sorted({e["label"] for x in spans for e in x["entities"]})
        doccano.ensure_label_types(project.id, "span", [(x, "#999999") for x in labels])
        doccano.ensure_label_types(project.id, "relation", [
            (x, "#333333") for x in ("declared_by", "targets", "on_ground")])
        assert doccano.upload_jsonl(project.id, spans, project="export-spans") == len(spans)
        back = [x for lines in doccano.export_lines(project.id, project="export-spans").values()
                for x in lines]
        assert len(back) == len(spans)
        sent = {x["doc_id"]: x for x in spans}
        for line in back:
            original = sent[line["doc_id"]]
            assert line["text"] == original["text"]
            assert _spans(line) == _spans(original)  # same labels, offsets and relations

        created = doccano.client.create_project(
            "export-categories", project_type="DocumentClassification",
            description="export import test", guideline="-", collaborative_annotation=True)
        names = sorted({x for c in categories for x in c["label"]})
        doccano.ensure_label_types(created.id, "category", [(x, "#999999") for x in names])
        _upload_categories(doccano, created.id,
                           tmp_path / "out" / "doccano" / "train.categories.jsonl")
        assert doccano.count_examples(created.id) == len(categories)
        exported = [x for lines in doccano.export_lines(created.id,
                                                        project="export-categories").values()
                    for x in lines]
        want = Counter((c["text"], tuple(sorted(c["label"]))) for c in categories)
        got = Counter((c["text"], tuple(sorted(c.get("label", c.get("cats", [])))))
                      for c in exported)
        assert got == want
