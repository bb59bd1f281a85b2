"""The keyword baselines on sentences written for the test."""

from __future__ import annotations

from pipeline.baseline import keyword_baseline
from pipeline.records import Span

TEXT = ("The preacher called the judges murtadd. Fighters pledged allegiance to Daesh. "
        "This is a plain sentence.")
SENTS = (Span(0, 39), Span(40, 77), Span(78, 103))


def test_terms_entities_and_stance_cues():
    doc = keyword_baseline("d", "sha", TEXT, SENTS)
    found = {(TEXT[e.start:e.end], e.label, e.kb_id) for e in doc.entities}
    assert ("murtadd", "TAKFIR_TERM", "term:murtad") in found
    assert ("Daesh", "ORG", "org:isis") in found
    assert [TEXT[e.trigger.start:e.trigger.end] for e in doc.takfir] == ["murtadd"]
    isis = {s.start: s.label for s in doc.stance if s.target == "ISIS"}
    assert isis == {0: "NONE", 40: "FAVOR", 78: "NONE"}  # "is" is not the acronym IS
    assert all(s.source == "baseline" for s in doc.stance)
