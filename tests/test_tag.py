"""The tag stage: stored labels, incremental runs, the fast pipeline, two processes."""

from __future__ import annotations

import pytest

from pipeline.ingest import ingest
from pipeline.predictions import predicted_documents
from pipeline.tag import tag

TEXT = ("The preacher Abu Salim al-Masri declared the village council apostates because it "
        "held elections.\n\nLater, several fighters left ISIS and denounced the group.\n")


@pytest.fixture
def tagged_ws(workspace, tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text("A quiet report on the harvest in the valley.\n")
    ingest([tmp_path / "a.txt", tmp_path / "b.txt"], workspace)
    return workspace


@pytest.mark.slow
def test_tag_stores_entities_events_and_stance_and_is_incremental(tagged_ws, tmp_path):
    report = tag(tagged_ws)
    assert (report.documents, report.skipped) == (2, 0) and report.events >= 1
    docs = {d.doc_id: d for d in predicted_documents(tagged_ws)}
    a = next(d for d in docs.values() if d.takfir)
    text = tagged_ws.query("SELECT text FROM documents WHERE doc_id = ?", [a.doc_id])[0][0]
    [event] = a.takfir
    assert text[event.trigger.start:event.trigger.end] == "apostates"
    assert text[event.target.start:event.target.end] == "the village council"
    assert event.source == "rule" and event.mode == "asserted"
    isis = [e for e in a.entities if e.kb_id == "org:isis"]
    assert [text[e.start:e.end] for e in isis] == ["ISIS"]
    # one stance per stored sentence and target, AGAINST ISIS where fighters denounce it
    assert len(a.stance) == 3 * len(a.sentences)
    against = [s for s in a.stance if s.target == "ISIS" and s.label == "AGAINST"]
    assert against and "denounced" in text[against[0].start:against[0].end]
    again = tag(tagged_ws)
    assert (again.documents, again.skipped) == (0, 2)
    before = len(tagged_ws.table("entities"))
    assert tag(tagged_ws, force=True).documents == 2
    assert len(tagged_ws.table("entities")) == before  # replaced, not appended


def test_fast_tagging_has_lexicon_entities_and_no_arguments(tagged_ws):
    report = tag(tagged_ws, fast=True)
    assert report.documents == 2
    docs = predicted_documents(tagged_ws)
    labels = {e.label for d in docs for e in d.entities}
    assert "TAKFIR_TERM" in labels and "ORG" in labels
    assert all(e.declarer is None and e.target is None for d in docs for e in d.takfir)
    runs = tagged_ws.table("runs")
    assert "tag" in set(runs.stage) and "segment" in set(runs.stage)  # segmented on demand


@pytest.mark.slow
def test_two_processes_give_the_same_labels(tagged_ws):
    tag(tagged_ws)
    one = predicted_documents(tagged_ws)
    tag(tagged_ws, n_process=2, force=True)
    two = predicted_documents(tagged_ws)
    assert one == two
