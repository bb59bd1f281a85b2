"""A small labeled workspace for the export tests: texts written here (synthetic, invented
names except lexicon public figures), labels stored straight as predictions."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import Workspace
from pipeline.ingest import ingest
from pipeline.predictions import replace_predictions
from pipeline.records import Entity, LabeledDocument, Span, Stance, TakfirEvent
from pipeline.segment import SegmentConfig, segment

TAKFIR_TEXT = ("Abu Talha declared the council apostates because it refused to rule by sharia. "
               "Abu Bakr al-Baghdadi ignored Abu Talha and his brother Abu Talha's cousin.\n")
FORMULA_TEXT = "=SUM(A1:A9) was written on the wall. -The preacher never called them kuffar.\n"


def at(text: str, sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return start, start + len(sub)


def _texts() -> dict[str, str]:
    texts = {"takfir.txt": TAKFIR_TEXT, "formula.txt": FORMULA_TEXT}
    for i in range(10):
        verdict = "The group called the mayor an apostate. " if i % 3 == 0 else ""
        texts[f"report{i}.txt"] = (f"Report {i}: Margit Ostrander met the committee in Raqqa "
                                   f"in 2016. {verdict}Residents of district {i} criticized "
                                   "ISIS openly.\n")
    return texts


def _labels(text: str, sentences: list[Span], doc_id: str, sha: str) -> LabeledDocument:
    entities: list[Entity] = []
    events: list[TakfirEvent] = []
    stance: list[Stance] = []

    def ent(sub: str, label: str, kb: str | None = None, nth: int = 0,
            source: str = "rule") -> None:
        if sub in text:
            entities.append(Entity(*at(text, sub, nth), label, kb, 0.9, source))

    ent("Abu Talha", "PERSON")
    ent("Abu Talha", "PERSON", nth=1)
    ent("Abu Talha", "PERSON", nth=2, source="model")
    ent("Abu Bakr al-Baghdadi", "PERSON", "per:abu_bakr_al_baghdadi")
    ent("the council", "ORG")
    ent("council", "NORP", source="model")  # overlaps "the council"
    ent("apostates", "TAKFIR_TERM")
    ent("sharia", "RELIGIOUS_CONCEPT")
    ent("Margit Ostrander", "PERSON", "per:margit_ostrander")
    ent("Raqqa", "GPE", "gpe:raqqa")
    ent("2016", "DATE", source="model")
    ent("ISIS", "ORG", "org:isis")
    ent("apostate.", "TAKFIR_TERM")  # ends mid-token on purpose: "apostate" + "."
    ent("kuffar", "TAKFIR_TERM")
    if "declared the council" in text:
        events.append(TakfirEvent(Span(*at(text, "apostates")), Span(*at(text, "Abu Talha")),
                                  Span(*at(text, "the council")),
                                  Span(*at(text, "it refused to rule by sharia")), "asserted",
                                  False, 0.8, "rule"))
    if "called the mayor" in text:
        events.append(TakfirEvent(Span(*at(text, "apostate")), Span(*at(text, "The group")),
                                  Span(*at(text, "the mayor")), None, "asserted", True, 0.7,
                                  "model"))
    if "never called" in text:
        events.append(TakfirEvent(Span(*at(text, "kuffar")), Span(*at(text, "The preacher")),
                                  None, None, "negated", False, 0.6, "rule"))
    for s in sentences:
        if "ISIS" in text[s.start:s.end]:
            stance.append(Stance(s.start, s.end, "ISIS", "AGAINST", None, 0.75, "rule"))
        if "ignored Abu Talha" in text[s.start:s.end]:
            holder = Span(*at(text, "Abu Bakr al-Baghdadi"))
            stance.append(Stance(s.start, s.end, "TAKFIRIS", "AGAINST", holder, 0.6, "model"))
    return LabeledDocument(sha, doc_id, "system", tuple(entities), tuple(events),
                           tuple(sentences), tuple(stance))


def build_labeled_workspace(workspace: Workspace, folder: Path) -> Workspace:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in _texts().items():
        (corpus / name).write_text(text, encoding="utf-8")
    ingest([corpus], workspace)
    segment(workspace, config=SegmentConfig(method="sentencizer"))
    sentences: dict[str, list[Span]] = {}
    for row in workspace.sentences().itertuples():
        sentences.setdefault(row.doc_id, []).append(Span(row.start_char, row.end_char))
    docs = [_labels(text, sentences[doc_id], doc_id, sha)
            for doc_id, sha, text in workspace.query("SELECT doc_id, sha256, text FROM documents")]
    with workspace.transaction():
        replace_predictions(workspace, docs, "test", ["rule", "model"])
    return workspace


@pytest.fixture
def labeled(workspace: Workspace, tmp_path: Path) -> Workspace:
    """The workspace fixture with 12 documents, their sentences and labels."""
    return build_labeled_workspace(workspace, tmp_path)
