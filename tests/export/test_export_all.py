"""The front door: every format and DATACARD.md, option errors, the CLI, the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline import Workspace
from pipeline.errors import ExportError
from pipeline.export import FORMATS, export
from pipeline.export.jsonl import SCHEMA_FILENAME
from pipeline.gold import write_gold
from pipeline.ingest import ingest
from pipeline.predictions import predicted_documents
from tests.export.conftest import build_labeled_workspace


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_all_formats_with_datacard_and_valid_jsonl(labeled, tmp_path):
    report = export(labeled, fmt="all", out=tmp_path / "out", source="best")
    out = tmp_path / "out"
    assert list(report.files) == list(FORMATS)
    assert sorted(p.name for p in out.iterdir()) == sorted([*FORMATS, "DATACARD.md"])
    assert sum(report.splits.values()) == report.documents == 12
    schema = json.loads((out / "jsonl" / SCHEMA_FILENAME).read_text())
    seen: dict[str, str] = {}
    for split in report.splits:
        for line in (out / "jsonl" / f"{split}.jsonl").read_text().splitlines():
            record = json.loads(line)
            jsonschema.validate(record, schema)
            assert record["id"] not in seen  # no document in two splits
            seen[record["id"]] = split
    card = (out / "DATACARD.md").read_text()
    for needle in ("## Sources", "| entity PERSON |", "| rule |", "## Agreement",
                   "## Known gaps", "## Intended use", "Real names are present", "train"):
        assert needle in card


def test_options_are_checked(labeled, tmp_path):
    with pytest.raises(ExportError, match="E601"):
        export(labeled, fmt="jsonl,xml", out=tmp_path / "a")
    with pytest.raises(ExportError, match="E602"):
        export(labeled, fmt="jsonl", out=tmp_path / "b", split="80/30")
    with pytest.raises(ExportError, match="E604"):
        export(labeled, fmt="csv", out=tmp_path / "c.jsonl")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ExportError, match="E608"):
        export(labeled, fmt="csv", out=tmp_path / "mine")


def test_cli_exports_every_format(invoke, tmp_path):
    build_labeled_workspace(Workspace(tmp_path / "ws"), tmp_path).close()
    result = invoke("export", "--format", "all", "--out", str(tmp_path / "out"), "--split",
                    "80/10/10", "--seed", "3", "--pseudonymize", "--gold", str(tmp_path / "no"))
    assert result.exit_code == 0, result.output
    assert "Exported 12 documents" in result.output
    assert (tmp_path / "out" / "spacy" / "train.spacy").exists()
    assert "Pseudonymized" in (tmp_path / "out" / "DATACARD.md").read_text()
    bad = invoke("export", "--format", "xml", "--out", str(tmp_path / "x"))
    assert bad.exit_code == 1 and "E601" in bad.output


@pytest.mark.parametrize("source", ["predicted", "best"])
def test_round_trip_export_ingest_export_gives_identical_bytes(labeled, tmp_path, source):
    gold = None
    if source == "best":  # one document with gold, the others with predictions
        doc = next(d for d in predicted_documents(labeled) if d.takfir)
        gold = tmp_path / "gold"
        write_gold(gold / "g.jsonl", [(doc.__class__(doc.sha256, "", "pass-a", doc.entities[:2],
                                                     (), doc.sentences, ()), "x")])
    first = export(labeled, fmt="jsonl", out=tmp_path / "first", source=source, gold=gold,
                   seed=5)
    with Workspace(tmp_path / "fresh") as fresh:
        report = ingest(sorted((tmp_path / "first" / "jsonl").glob("*.jsonl")), fresh)
        assert report.exit_code == 0 and len(report.labeled) == 12
        export(fresh, fmt="jsonl", out=tmp_path / "second", source=source, seed=5)
    a, b = _files(tmp_path / "first" / "jsonl"), _files(tmp_path / "second" / "jsonl")
    assert a == b and len(a) == len(first.splits) + 1
    if source == "best":
        assert '"source": "gold"' in b"".join(a.values()).decode()


def test_round_trip_as_gold(labeled, tmp_path):
    export(labeled, fmt="jsonl", out=tmp_path / "one.jsonl", source="predicted")
    with Workspace(tmp_path / "fresh") as fresh:
        report = ingest([tmp_path / "one.jsonl"], fresh, labels="gold")
        assert report.gold_file and len(report.labeled) == 12
        assert fresh.query("SELECT count(*) FROM entities")[0][0] == 0
        again = export(fresh, fmt="jsonl", out=tmp_path / "two.jsonl", source="gold",
                       gold=Path(report.gold_file).resolve())
    before = [json.loads(x) for x in (tmp_path / "one.jsonl").read_text().splitlines()]
    after = [json.loads(x) for x in again.path.read_text().splitlines()]
    def strip(labels: list[dict]) -> list[dict]:
        return [{k: v for k, v in x.items() if k not in ("score", "source")} for x in labels]

    for x, y in zip(before, after, strict=True):
        assert x["id"] == y["id"] and x["meta"] == y["meta"]
        assert strip(x["entities"]) == strip(y["entities"])
        assert {e["source"] for e in y["entities"]} <= {"gold"}


@pytest.mark.slow
def test_run_ends_with_every_format_and_the_datacard(invoke, demo_path, tmp_path):
    result = invoke("run", str(demo_path), "--fast")
    assert result.exit_code == 0, result.output
    exports = tmp_path / "ws" / "exports"
    assert sorted(p.name for p in exports.iterdir()) == sorted([*FORMATS, "DATACARD.md"])
    assert (exports / "hf" / "train.parquet").exists()
    assert (tmp_path / "ws" / "export.jsonl").exists()
    assert "gold" in (exports / "DATACARD.md").read_text()  # the demo gold is used (best)
