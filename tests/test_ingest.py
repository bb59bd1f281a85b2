"""Ingest as a library call: the seed, the demo corpus, idempotence and duplicates."""

from __future__ import annotations

import hashlib
import json

import pytest

from pipeline import Workspace
from pipeline.errors import InputError
from pipeline.ingest import document_id, ingest


def test_seed_is_one_document_without_boilerplate(workspace, seed_path):
    report = ingest([seed_path], workspace)
    assert report.exit_code == 0 and len(report.ingested) == 1
    doc = workspace.documents().iloc[0]
    assert doc.doc_id == document_id(doc.sha256)
    assert doc.sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    assert doc.language == "en" and bool(doc.is_english)
    assert "REUTERS" not in doc.text and "free article" not in doc.text
    assert doc.raw_text == seed_path.read_text(encoding="utf-8")
    reasons = workspace.table("removed_lines").reason.value_counts().to_dict()
    assert reasons == {"photo-caption": 2, "photo-credit": 2, "paywall-trailer": 6}
    anchors = json.loads(doc.offset_map)
    assert anchors[0] == [0, 0] and len(anchors) == 4  # three removed blocks


def test_demo_corpus_ingests_every_format_without_rejections(workspace, demo_path):
    report = ingest([demo_path], workspace)
    assert report.rejected == []
    docs = workspace.documents(with_text=False)
    assert set(docs.format) == {"txt", "md", "html", "jsonl", "csv"}
    assert {"utf-8", "utf-16", "cp1252"} <= set(docs.encoding)
    assert (docs.language != "en").sum() >= 1  # the French statement is flagged, not dropped
    assert report.files == len(list(demo_path.iterdir()))


def test_reingesting_changes_nothing(workspace, demo_path):
    first = ingest([demo_path], workspace)
    before = {t: len(workspace.table(t)) for t in ("documents", "sources", "removed_lines")}
    second = ingest([demo_path], workspace)
    after = {t: len(workspace.table(t)) for t in ("documents", "sources", "removed_lines")}
    assert second.ingested == [] and len(second.unchanged) == len(first.ingested)
    assert before == after


def test_exact_duplicate_from_another_path_is_skipped_and_recorded(workspace, tmp_path):
    text = "The council met in the square and read a statement about the harvest.\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("'", "\u2019"), encoding="utf-8")
    (tmp_path / "c.txt").write_text("\ufeff" + text, encoding="utf-8")  # BOM: same canonical
    report = ingest([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"], workspace)
    assert len(report.ingested) == 1 and len(report.duplicates) == 2
    statuses = workspace.table("sources").status.value_counts().to_dict()
    assert statuses == {"ingested": 1, "duplicate": 2}


def test_near_duplicate_is_stored_and_linked(workspace, tmp_path):
    words = [f"word{i % 97}x{i % 13}" for i in range(400)]
    (tmp_path / "a_orig.txt").write_text(" ".join(words), encoding="utf-8")
    words[200] = "changed"
    (tmp_path / "b_copy.txt").write_text(" ".join(words), encoding="utf-8")
    (tmp_path / "c_other.txt").write_text(" ".join(reversed(words)), encoding="utf-8")
    report = ingest([tmp_path], workspace)  # a folder is read in name order
    assert len(report.ingested) == 3 and len(report.near_duplicates) == 1
    docs = workspace.documents().set_index("source_path")
    copy = docs.loc[str((tmp_path / "b_copy.txt").resolve())]
    orig = docs.loc[str((tmp_path / "a_orig.txt").resolve())]
    assert copy.near_duplicate_of == orig.doc_id
    assert 0.9 <= copy.near_duplicate_similarity < 1.0
    assert docs.near_duplicate_of.notna().sum() == 1


def test_near_duplicates_are_found_across_ingest_calls(workspace, tmp_path):
    words = [f"term{i % 89}y{i % 7}" for i in range(300)]
    (tmp_path / "first.txt").write_text(" ".join(words), encoding="utf-8")
    ingest([tmp_path / "first.txt"], workspace)
    words[10] = "edited"
    (tmp_path / "second.txt").write_text(" ".join(words), encoding="utf-8")
    report = ingest([tmp_path / "second.txt"], workspace)
    assert len(report.near_duplicates) == 1


def test_jsonl_fields_become_metadata_and_runs_are_recorded(workspace, tmp_path):
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"text": "A report on the tribunal in the old town.",
                                "title": "Tribunal", "date": "2016-03-01"}) + "\n",
                    encoding="utf-8")
    report = ingest([path], workspace)
    doc = workspace.documents().iloc[0]
    assert doc.title == "Tribunal" and doc.record == 1
    assert json.loads(doc.metadata) == {"title": "Tribunal", "date": "2016-03-01"}
    run = workspace.table("runs").set_index("run_id").loc[report.run_id]
    assert run.stage == "ingest" and run.status == "done"
    assert json.loads(run.counts)["ingested"] == 1


# -- takfir-export/1 records (exports of this pipeline) ----------------------------------------

def _export_line(text: str, **labels: object) -> str:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    record = {"schema": "takfir-export/1", "id": f"doc_{sha[:16]}", "sha256": sha, "text": text,
              "meta": {"title": "T", "source": "a.txt", "format": "txt", "language": "en",
                       "near_duplicate_of": None, "fields": {}},
              "sentences": [{"start": 0, "end": len(text.rstrip()), "stance": []}],
              "entities": [], "takfir": [], **labels}
    return json.dumps(record) + "\n"


def test_export_record_labels_become_predictions_with_their_source(workspace, tmp_path):
    text = "The emir declared the council apostates.\n"
    entity = {"start": 4, "end": 8, "label": "ROLE", "kb_id": None, "score": 0.5,
              "source": "model"}
    path = tmp_path / "export.jsonl"
    path.write_text(_export_line(text, entities=[entity]), encoding="utf-8")
    report = ingest([path], workspace)
    assert report.exit_code == 0 and len(report.labeled) == 1
    assert workspace.query("SELECT label, score, source FROM entities") == [("ROLE", 0.5, "model")]
    assert workspace.query("SELECT start_char, end_char FROM sentences") == [(0, 40)]
    meta = json.loads(workspace.query("SELECT metadata FROM documents")[0][0])
    assert meta == {"takfir-export/1 meta": json.loads(_export_line(text))["meta"]}


def test_export_record_with_labels_ignored_or_bad(workspace, tmp_path):
    ok = "A calm sentence about the harvest.\n"
    bad_offsets = _export_line("Another calm sentence here.\n", entities=[
        {"start": 5, "end": 500, "label": "ORG", "kb_id": None, "score": 1.0, "source": "rule"}])
    not_canonical = _export_line("He said \u201cno\u201d to the council.\n")
    path = tmp_path / "export.jsonl"
    path.write_text(_export_line(ok) + bad_offsets + not_canonical, encoding="utf-8")
    report = ingest([path], workspace)
    codes = sorted(r.code for r in report.rejected)
    assert codes == ["E605", "E607"] and len(report.labeled) == 1
    assert all(r.line in (2, 3) for r in report.rejected)
    other = Workspace(tmp_path / "other")
    try:
        assert ingest([path], other, labels="ignore").exit_code == 0
        assert other.query("SELECT count(*) FROM documents")[0][0] == 3
        assert other.query("SELECT count(*) FROM sentences")[0][0] == 0
        with pytest.raises(InputError, match="E606"):
            ingest([path], other, labels="maybe")
    finally:
        other.close()
