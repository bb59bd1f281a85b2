"""The label <-> Doccano mapping and the client's guards, without a Doccano server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from pipeline.doccano.adjudicate import majority, union
from pipeline.doccano.client import Doccano
from pipeline.doccano.mapping import Unit, from_line, label_types, make_units, to_line
from pipeline.doccano.settings import DoccanoSettings
from pipeline.errors import DoccanoError
from pipeline.records import Entity, LabeledDocument, Span, Stance, TakfirEvent
from pipeline.schema import load_schema

# Written for this test; the names are invented.
TEXT = ("Intro line here. Abu Talha declared the council apostates for excusing the "
        "unbelievers. The residents of Raqqa supported ISIS.")


def span(text: str, nth: int = 1, kb: str | None = None) -> Span:
    start = -1
    for _ in range(nth):
        start = TEXT.index(text, start + 1)
    return Span(start, start + len(text), kb)


def document() -> LabeledDocument:
    sentences = (span("Intro line here."),
                 span("Abu Talha declared the council apostates for excusing the unbelievers."),
                 span("The residents of Raqqa supported ISIS."))
    talha = span("Abu Talha", kb="per:abu_talha")
    return LabeledDocument(
        "sha", "doc_1", "system",
        (Entity(talha.start, talha.end, "PERSON", "per:abu_talha", 0.9, "rule"),
         Entity(*_se(span("Raqqa")), "GPE", "gpe:raqqa", 1.0, "rule")),
        (TakfirEvent(span("apostates"), talha, span("the council", kb="org:council"),
                     span("excusing the unbelievers"), "asserted", True, 0.8, "rule"),),
        sentences,
        (Stance(*_se(sentences[2]), "ISIS", "FAVOR", span("The residents"), 0.7, "rule"),
         Stance(*_se(sentences[2]), "TAKFIRIS", "NONE", None, 0.7, "rule")))


def _se(s: Span) -> tuple[int, int]:
    return s.start, s.end


def test_round_trip_through_a_window_is_lossless() -> None:
    schema = load_schema()
    doc = document()
    units = make_units("doc_1", "sha", len(TEXT), doc.sentences, 200)
    assert len(units) == 1
    unit = Unit("doc_1", "sha", doc.sentences[1].start, doc.sentences[2].end)
    out = to_line(unit, TEXT, doc)
    line = {**out.line, "id": 7}
    assert line["text"] == TEXT[unit.start:unit.end]
    assert all(0 <= e["start_offset"] < e["end_offset"] <= len(line["text"])
               for e in line["entities"])
    back = from_line(line, TEXT, schema, pushed=out.labels)
    assert back.problems == []
    assert [(e.start, e.end, e.label, e.kb_id) for e in back.entities] == [
        (e.start, e.end, e.label, e.kb_id) for e in doc.entities]
    event = back.takfir[0]
    assert (event.trigger, event.declarer, event.target, event.ground, event.mode,
            event.chain) == (Span(*_se(span("apostates"))), span("Abu Talha", kb="per:abu_talha"),
                             span("the council", kb="org:council"),
                             Span(*_se(span("excusing the unbelievers"))), "asserted", True)
    assert [(s.target, s.label, s.holder) for s in back.stance] == [
        ("ISIS", "FAVOR", Span(*_se(span("The residents"))))]  # NONE is the absence of a span


def test_windows_hold_whole_sentences() -> None:
    sentences = [Span(0, 40), Span(41, 90), Span(91, 130), Span(131, 300)]
    units = make_units("d", "s", 300, sentences, 100)
    assert [(u.start, u.end) for u in units] == [(0, 90), (91, 130), (131, 300)]
    assert make_units("d", "s", 300, sentences, None) == [Unit("d", "s", 0, 300)]


def test_offsets_out_of_range_are_refused_before_upload() -> None:
    doc = LabeledDocument("sha", "doc_1", "system", (Entity(5, len(TEXT) + 3, "ORG"),))
    with pytest.raises(DoccanoError, match=r"E509.*doc_1"):
        to_line(Unit("doc_1", "sha", 0, len(TEXT)), TEXT, doc)


def test_arguments_outside_the_unit_are_counted_not_sent() -> None:
    unit = Unit("doc_1", "sha", span("apostates").start, len(TEXT))
    out = to_line(unit, TEXT, document())
    assert out.outside == 2  # declarer and target lie before the unit's start


def test_a_span_whose_text_changed_is_reported_not_shifted() -> None:
    schema = load_schema()
    line = {"id": 1, "text": TEXT, "unit_start": 0, "unit_end": len(TEXT),
            "entities": [{"id": 1, "start_offset": 17, "end_offset": 26, "label": "PERSON"}],
            "relations": []}
    changed = TEXT.replace("Abu Talha", "Abu Salma")
    back = from_line(line, changed, schema)
    assert back.entities == [] and "reads 'Abu Talha' in Doccano" in back.problems[0]


def test_kb_comment_and_unknown_labels() -> None:
    schema = load_schema()
    start = TEXT.index("ISIS")
    line = {"id": 1, "text": TEXT, "unit_start": 0, "unit_end": len(TEXT),
            "entities": [{"id": 1, "start_offset": start, "end_offset": start + 4,
                          "label": "ORG"},
                         {"id": 2, "start_offset": 0, "end_offset": 5, "label": "WEIRD"},
                         {"id": 3, "start_offset": 6, "end_offset": 10, "label": "TARGET"}],
            "relations": [], "Comments": [{"id": 1, "comment": 'KB "ISIS" = org:isis'}]}
    back = from_line(line, TEXT, schema)
    assert back.entities[0].kb_id == "org:isis"
    assert any("WEIRD" in p for p in back.problems)
    assert any("not linked" in p for p in back.problems)


def test_label_types_cover_every_schema_label() -> None:
    schema = load_schema()
    spans, relations = label_types(schema)
    names = [n for n, _ in spans]
    assert len(names) == len(set(names))
    assert set(schema.entities) <= set(names) and "TRIGGER:negated" in names
    assert {n for n, _ in relations} == {*schema.takfir_relations, "held_by"}


def test_majority_and_union() -> None:
    a = document()
    b = LabeledDocument("sha", "doc_1", "b", a.entities[:1], (), a.sentences, a.stance)
    c = LabeledDocument("sha", "doc_1", "c", a.entities, (), a.sentences, ())
    gold = majority([a, b, c])
    assert len(gold.entities) == 2 and gold.takfir == () and len(gold.stance) == 2
    assert len(union([a, b, c]).takfir) == 1


def test_settings_never_show_the_password() -> None:
    settings = DoccanoSettings("http://127.0.0.1:1", "admin", "s3cret-value")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)


@pytest.fixture
def unhealthy_server() -> Iterator[str]:
    """A server whose /v1/health/ fails as Doccano's does when the Celery worker is down."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b'{"CeleryHealthCheckCelery": "unavailable: worker down"}'
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_missing_worker_is_named(unhealthy_server: str) -> None:
    with pytest.raises(DoccanoError, match=r"E502.*Celery.*make doccano-stop && make doccano"):
        Doccano(DoccanoSettings(unhealthy_server, "admin", "pw"))


def test_select_uncertain_asks_the_model_and_skips_pushed_and_adjudicated(workspace,
                                                                        monkeypatch):
    """--select uncertain: the takfir model's ranking, minus documents already pushed to the
    project or adjudicated (the ranking itself is tested in tests/learn)."""
    from pipeline.doccano import push as push_module

    workspace.insert("pushes", [{
        "project": "p", "doccano_project": "p / a", "doccano_project_id": 1, "annotator": "a",
        "kind": "annotate", "unit_id": "u1", "doc_id": "doc_pushed", "sha256": "s",
        "unit_start": 0, "unit_end": 5, "example_id": 1}])
    workspace.insert("gold", [{"doc_id": "doc_gold", "sha256": "s", "version": 1,
                               "strategy": "majority", "record": "{}",
                               "created_at": "2026-01-01"}])
    calls = {}

    def fake_rank(ws, task, limit, *, exclude):
        calls.update(task=task, limit=limit, exclude=set(exclude))
        return ["doc_b", "doc_a"]

    monkeypatch.setattr(push_module, "rank_uncertain", fake_rank)
    assert push_module._select(workspace, "p", "uncertain", 2) == ["doc_b", "doc_a"]
    assert calls == {"task": "takfir", "limit": 2, "exclude": {"doc_pushed", "doc_gold"}}
    push_module._select(workspace, "p", "uncertain", None)
    assert calls["limit"] == push_module.DEFAULT_UNCERTAIN
