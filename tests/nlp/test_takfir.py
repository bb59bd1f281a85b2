"""Takfir declaration extractor on sentences written for these tests (not from the seed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import spacy
from spacy.language import Language

from pipeline.nlp.build import build_nlp

Row = tuple[str | None, str | None, str | None, str | None, str, bool]


@pytest.fixture(scope="module")
def nlp() -> Iterator[Language]:
    yield build_nlp()


def _text(text: str, span: dict[str, Any] | None) -> str | None:
    return None if span is None else text[span["start"]:span["end"]]


def events(nlp: Language, text: str) -> list[Row]:
    doc = nlp(text)
    return [(_text(text, e["trigger"]), _text(text, e["declarer"]), _text(text, e["target"]),
             _text(text, e["ground"]), e["mode"], e["chain"]) for e in doc._.takfir_events]


@pytest.mark.parametrize(("text", "expected"), [
    ("The council declared the town's leadership infidels because they refused to destroy "
     "the shrine.",
     ("infidels", "The council", "the town's leadership", "they refused to destroy the shrine",
      "asserted", False)),
    ("The militia denounced the villagers as kafirs.",
     ("kafirs", "The militia", "the villagers", None, "asserted", False)),
    ("The guards executed the two brothers as apostates.",
     ("apostates", "The guards", "the two brothers", None, "asserted", False)),
    ("Samir was accused of apostasy by the court.",
     ("apostasy", "the court", "Samir", None, "asserted", False)),
    ("The defector spent a year in prison on charges of apostasy.",
     ("apostasy", None, "The defector", None, "asserted", False)),
    ("He excommunicated his teacher over a dispute about prayer.",
     ("excommunicated", "He", "his teacher", "a dispute about prayer", "asserted", False)),
    ("The judges are kafirs, the sheikh said.",
     ("kafirs", "the sheikh", "The judges", None, "asserted", False)),
    ("They considered the government unbelieving because it used secular courts.",
     ("unbelieving", "They", "the government", "it used secular courts", "asserted", False)),
    ("The emir has left Islam, Samir said.",
     ("left Islam", "Samir", "The emir", None, "asserted", False)),
    ("One of the sheikhs, Abu Salim al-Masri, declared the council's members infidels.",
     ("infidels", "Abu Salim al-Masri", "the council's members", None, "asserted", False)),
    ("The apostate government in Baghdad fell.",
     ("apostate", None, "government in Baghdad", None, "asserted", False)),
    ("Some preachers declare takfir on those who vote.",
     ("takfir", "Some preachers", "those who vote", "vote", "generic", False)),
    ("People in the camp excommunicated one another over how to hold their hands.",
     ("excommunicated", "People in the camp", "one another", "how to hold their hands",
      "generic", False)),
    ("Whoever votes in elections is a mushrik.",
     ("mushrik", None, "Whoever votes in elections", "votes in elections", "doctrinal", False)),
    ("The leaflet said that anyone who votes would be counted among the murtaddin.",
     ("murtaddin", None, "anyone who votes", "votes", "doctrinal", False)),
    ("They would declare him an apostate if he went home.",
     ("apostate", "They", "him", None, "hypothetical", False)),
    ("By the students' logic, the wali would be an apostate too.",
     ("apostate", "the students", "the wali", None, "hypothetical", False)),
    ("The Bosnian fighters refused to pray behind the imam, treating him as someone outside "
     "the faith.",
     ("outside the faith", "The Bosnian fighters", "him", None, "implied", False)),
    ("Hassan never called his cousin a kafir.",
     ("kafir", "Hassan", "his cousin", None, "negated", False)),
])
def test_single_event(nlp: Language, text: str, expected: Row) -> None:
    assert events(nlp, text) == [expected]


def test_chain_and_refused_verdict(nlp: Language) -> None:
    text = "The cell declared its commander an apostate for refusing to call the elders kuffar."
    assert events(nlp, text) == [
        ("apostate", "The cell", "its commander", "refusing to call the elders kuffar",
         "asserted", True),
        ("kuffar", None, "the elders", None, "negated", False)]


@pytest.mark.parametrize("text", [
    "Takfir means declaring a Muslim to be outside the faith.",
    "To excommunicate is to declare takfir.",
    "Supporters of the front dismissed the fighters as Khawarij.",
    "The debate over takfir divided the brigade.",
    "The coalition pilots were called infidels by the videos.",
    "Those who refuse to excommunicate the guards are apostates, the preacher said.",
])
def test_not_events(nlp: Language, text: str) -> None:
    found = [row[0] for row in events(nlp, text)]
    assert "takfir" not in found and "excommunicate" not in found
    if "apostates" not in text:
        assert found == []


def test_spans_groups_and_json(nlp: Language) -> None:
    text = "The militia denounced the villagers as kafirs."
    doc = nlp(text)
    assert [(s.text, s.label_) for s in doc.spans["takfir_trigger"]] == [("kafirs", "asserted")]
    assert [s.text for s in doc.spans["takfir_declarer"]] == ["The militia"]
    assert [s.text for s in doc.spans["takfir_target"]] == ["the villagers"]
    assert list(doc.spans["takfir_ground"]) == []
    event = doc._.takfir_events[0]
    assert event["source"] == "rule" and 0.0 < event["score"] <= 1.0
    assert json.loads(json.dumps(doc._.takfir_events)) == doc._.takfir_events


def test_kb_id_on_linked_arguments(nlp: Language) -> None:
    text = "Abu Bakr al-Baghdadi was declared an apostate by the dissidents."
    doc = nlp(text)
    event = doc._.takfir_events[0]
    assert _text(text, event["target"]) == "Abu Bakr al-Baghdadi"
    assert event["target"]["kb_id"] == "per:abu_bakr_al_baghdadi"
    assert _text(text, event["declarer"]) == "the dissidents"


def test_factory_by_name_in_blank_pipeline() -> None:
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    blank.add_pipe("takfir_entity_ruler")
    blank.add_pipe("takfir_declarations")
    doc = blank("The weather was fine. Nothing happened.")
    assert doc._.takfir_events == []
    assert "takfir_trigger" in doc.spans
    text = "The men called the villagers kuffar."  # no parse: trigger only, low score
    (event,) = blank(text)._.takfir_events
    assert _text(text, event["trigger"]) == "kuffar" and event["target"] is None
    assert event["score"] < 0.5
