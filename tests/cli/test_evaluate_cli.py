"""`takfir evaluate` end to end: a stored document, stored predictions, a gold file."""

from __future__ import annotations

import json

import pytest

from pipeline import Workspace
from pipeline.gold import write_gold
from pipeline.predictions import replace_predictions
from pipeline.records import Entity, LabeledDocument, Span, Stance, TakfirEvent

TEXT = "The emir declared the council apostates. Residents rejected ISIS openly.\n"


def _setup(invoke, tmp_path):
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
    assert invoke("ingest", str(tmp_path / "doc.txt")).exit_code == 0
    assert invoke("segment", "--fast").exit_code == 0
    with Workspace(tmp_path / "ws") as ws:
        doc = ws.documents().iloc[0]
        sents = tuple(Span(r.start_char, r.end_char) for r in ws.sentences().itertuples())
        event = TakfirEvent(Span(30, 39), Span(0, 8), Span(18, 29), None, "asserted")
        gold = LabeledDocument(doc.sha256, "", "pass-a",
                               entities=(Entity(4, 8, "ROLE"), Entity(60, 64, "ORG", "org:isis")),
                               takfir=(event,), sentences=sents,
                               stance=(Stance(sents[1].start, sents[1].end, "ISIS", "AGAINST"),))
        write_gold(tmp_path / "gold" / "g.jsonl", [(gold, "doc.txt")])
        pred = LabeledDocument(doc.sha256, doc.doc_id, "system",
                               entities=(Entity(60, 64, "ORG", "org:isis", source="rule"),),
                               takfir=(TakfirEvent(Span(30, 39), None, Span(18, 29), None,
                                                   "asserted", source="rule"),),
                               stance=(Stance(sents[1].start, sents[1].end, "ISIS", "AGAINST",
                                              source="rule"),))
        with ws.transaction():
            replace_predictions(ws, [pred], "test", ["rule"])


def test_evaluate_prints_every_table(invoke, tmp_path):
    _setup(invoke, tmp_path)
    result = invoke("evaluate", "--gold", str(tmp_path / "gold"))
    assert result.exit_code == 0, result.stderr
    for title in ("Entities", "Linking accuracy: 1.000", "Takfir sentences: P 1.000",
                  "Takfir events", "Mode accuracy 1.000", "Stance"):
        assert title in result.stdout


def test_evaluate_json_has_the_figures(invoke, tmp_path):
    _setup(invoke, tmp_path)
    report = json.loads(invoke("evaluate", "--gold", str(tmp_path / "gold"), "--json").stdout)
    assert report["entities"]["exact"]["micro"]["tp"] == 1
    assert report["entities"]["exact"]["micro"]["fn"] == 1
    assert report["takfir_events"]["declarer"]["recall"] == 0.0
    assert report["takfir_events"]["target"]["f1"] == 1.0
    assert report["stance"]["ISIS"]["macro_f1"] == 0.5  # AGAINST 1.0, FAVOR 0.0


def test_evaluate_with_gold_for_another_text_fails_clearly(invoke, tmp_path):
    _setup(invoke, tmp_path)
    path = tmp_path / "gold" / "g.jsonl"
    record = json.loads(path.read_text())
    record["sha256"] = "f" * 64
    path.write_text(json.dumps(record) + "\n")
    result = invoke("evaluate", "--gold", str(path))
    assert result.exit_code == 1
    assert "g.jsonl:1" in result.stderr and "E403" in result.stderr


def test_agreement_between_two_gold_files(invoke, tmp_path):
    _setup(invoke, tmp_path)
    path = tmp_path / "gold" / "g.jsonl"
    record = json.loads(path.read_text())
    record["annotator"] = "pass-b"
    record["entities"] = record["entities"][:1]  # pass B missed the ISIS mention
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(record) + "\n")
    result = invoke("evaluate", "--gold", str(path), "--against", str(other), "--json")
    report = json.loads(result.stdout)
    assert report["annotators"] == ["pass-a", "pass-b"]
    assert report["entities"]["exact"]["micro"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["takfir_sentences"]["cohen_kappa"] == 1.0
    assert report["stance"]["ISIS"]["krippendorff_alpha"] == 1.0
    table = invoke("evaluate", "--gold", str(path), "--against", str(other))
    assert "kappa 1.000" in table.stdout and "alpha" in table.stdout


def test_keyword_baseline_is_scored_on_the_fly(invoke, tmp_path):
    _setup(invoke, tmp_path)
    report = json.loads(invoke("evaluate", "--gold", str(tmp_path / "gold"), "--baseline",
                               "--json").stdout)
    assert report["sources"] == ["baseline"]
    # "apostates" is a takfir term in the gold takfir sentence; ISIS is rejected in the second
    assert report["takfir_sentences"]["f1"] == 1.0
    assert report["takfir_events"]["trigger"]["tp"] == 1
    assert report["stance"]["ISIS"]["AGAINST"]["f1"] == 1.0
    assert report["linking"]["recall_by_id"] == {"org:isis": 1.0}
