"""Gold files: round trip, joining by sha256, and the errors that name file and line."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import GoldError
from pipeline.gold import GOLD_SCHEMA, load_gold, to_record, write_gold
from pipeline.ingest import ingest
from pipeline.records import Entity, LabeledDocument, Span, Stance, TakfirEvent

TEXT = "The emir declared the council apostates because it held elections.\n"


@pytest.fixture
def stored(workspace, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    ingest([tmp_path / "doc.txt"], workspace)
    row = workspace.documents().iloc[0]
    return workspace, row.sha256, row.doc_id


def gold_doc(sha: str) -> LabeledDocument:
    return LabeledDocument(
        sha, "", "pass-a",
        entities=(Entity(4, 8, "ROLE"), Entity(30, 39, "TAKFIR_TERM")),
        takfir=(TakfirEvent(Span(30, 39), Span(0, 8), Span(18, 29), Span(40, 66),
                            "asserted", False),),
        sentences=(Span(0, 67),),
        stance=(Stance(0, 67, "ISIS", "NONE"),))


def test_round_trip_joins_the_document_by_sha256(stored, tmp_path):
    workspace, sha, doc_id = stored
    path = tmp_path / "gold" / "g.jsonl"
    assert write_gold(path, [(gold_doc(sha), "doc.txt")]) == 1
    assert "apostates" not in path.read_text()  # offsets only, never the text
    [loaded] = load_gold(path.parent, workspace)
    assert loaded.doc_id == doc_id and loaded.takfir == gold_doc(sha).takfir
    assert TEXT[loaded.takfir[0].target.start:loaded.takfir[0].target.end] == "the council"


def test_changed_text_is_a_clear_error(stored, tmp_path):
    workspace, sha, _ = stored
    path = tmp_path / "g.jsonl"
    write_gold(path, [(gold_doc("0" * 64), "corpus/doc.txt")])
    with pytest.raises(GoldError, match=rf"E403.*{path}:1: no document.*000000000000.*"
                                        r"ingest corpus/doc.txt first"):
        load_gold(path, workspace)


def test_offsets_beyond_the_text_are_refused(stored, tmp_path):
    workspace, sha, _ = stored
    record = to_record(gold_doc(sha))
    record["entities"].append({"start": 60, "end": 500, "label": "ORG", "kb_id": None})
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(GoldError, match=r"E404.*g.jsonl:1: entity offsets 60-500"):
        load_gold(path, workspace)


def test_unknown_label_names_the_line_and_the_known_labels(stored, tmp_path):
    workspace, sha, _ = stored
    good, bad = to_record(gold_doc(sha)), to_record(gold_doc(sha))
    bad["takfir"][0]["mode"] = "rumoured"
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n")
    with pytest.raises(GoldError, match=r"g.jsonl:3: unknown mode label 'rumoured'.*asserted"):
        load_gold(path, workspace)


def test_wrong_schema_and_bad_json_and_missing_folder(stored, tmp_path):
    workspace, sha, _ = stored
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({**to_record(gold_doc(sha)), "schema": "other/9"}) + "\n")
    with pytest.raises(GoldError, match=rf"E402.*{GOLD_SCHEMA}"):
        load_gold(path, workspace)
    path.write_text("{not json\n")
    with pytest.raises(GoldError, match="E401.*g.jsonl:1"):
        load_gold(path, workspace)
    with pytest.raises(GoldError, match="E406"):
        load_gold(tmp_path / "nowhere", workspace)


def test_every_missing_or_changed_text_is_named_with_its_manifest_row(stored, tmp_path):
    workspace, sha, _ = stored
    corpus = tmp_path / "corpus"
    (corpus / "texts").mkdir(parents=True)
    (corpus / "MANIFEST.tsv").write_text(
        "id\turl\ttitle\nnote-01\thttps://example.org/a\tA\nnote-02\thttps://example.org/b\tB\n",
        encoding="utf-8")
    changed = corpus / "texts" / "note-02.txt"
    changed.write_text("A different text that was annotated in another version.\n",
                       encoding="utf-8")
    ingest([changed], workspace)
    path = tmp_path / "g.jsonl"
    write_gold(path, [(gold_doc(sha), "doc.txt"),
                      (gold_doc("1" * 64), str(corpus / "texts" / "note-01.txt")),
                      (gold_doc("2" * 64), str(changed))])
    with pytest.raises(GoldError) as caught:
        load_gold(path, workspace)
    message = str(caught.value)
    assert f"{path}:2" in message and "note-01 (https://example.org/a)" in message
    assert f"{path}:3" in message and "note-02.txt is in the workspace with other content" \
        in message
    assert "E407" in message and "2 of 3 gold documents" in message
    assert f"{corpus / 'README.md'}" in message
    assert load_gold(path, workspace, skip_missing=True)[0].sha256 == sha
