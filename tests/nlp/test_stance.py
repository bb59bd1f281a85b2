"""Stance tagger: one label per sentence and target, rules of GUIDELINES.md §5.

Every sentence here was written for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.build import build_nlp
from pipeline.records import stance_from_json
from pipeline.schema import load_schema


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


def labels(doc: Doc, sentence: int = -1) -> dict[str, tuple[str, str | None]]:
    """target -> (label, holder text) for one sentence of ``doc`` (default: the last)."""
    sents = list(doc.sents)
    sent = sents[sentence]
    out = {}
    for item in doc._.stance:
        s = stance_from_json(item)
        if (s.start, s.end) == (sent.start_char, sent.end_char):
            holder = doc.text[s.holder.start:s.holder.end] if s.holder else None
            out[s.target] = (s.label, holder)
    return out


def non_none(doc: Doc, sentence: int = -1) -> dict[str, tuple[str, str | None]]:
    return {t: v for t, v in labels(doc, sentence).items() if v[0] != "NONE"}


def test_one_stance_per_sentence_and_target(nlp: Language) -> None:
    doc = nlp("The weather was cold. Nobody mentioned anything.")
    targets = set(load_schema().stance_targets)
    assert len(doc._.stance) == 2 * len(targets)
    for sent in doc.sents:
        assert set(labels(doc, list(doc.sents).index(sent))) == targets
    item: dict[str, Any] = doc._.stance[0]
    assert item["label"] == "NONE" and item["source"] == "rule" and item["holder"] is None


def test_neutral_report_is_none(nlp: Language) -> None:
    doc = nlp("The Islamic State opened two schools in Raqqa in the spring of 2015.")
    assert non_none(doc) == {}


def test_oppose_verb_is_against_with_subject_as_holder(nlp: Language) -> None:
    doc = nlp("Several village elders openly opposed ISIS after the harvest tax.")
    assert non_none(doc) == {"ISIS": ("AGAINST", "Several village elders")}


def test_subject_of_the_cue_gets_no_stance(nlp: Language) -> None:
    doc = nlp("ISIS guards arrested three followers of al-Hazimi in the market.")
    assert non_none(doc) == {"TAKFIRIS": ("AGAINST", "ISIS guards")}


def test_pledge_to_the_caliph_favors_leadership_and_group(nlp: Language) -> None:
    doc = nlp("Yusuf swore bay'a to the caliph in the summer of 2015.")
    assert non_none(doc) == {"ISIS": ("FAVOR", "Yusuf"), "ISIS_LEADERSHIP": ("FAVOR", "Yusuf")}


def test_praise_is_favor(nlp: Language) -> None:
    doc = nlp("The young recruits praised Daesh in their online posts.")
    assert non_none(doc) == {"ISIS": ("FAVOR", "The young recruits")}


def test_negation_cancels_against(nlp: Language) -> None:
    doc = nlp("The tribal council did not condemn ISIS at the meeting.")
    assert non_none(doc) == {}


def test_refusal_turns_joining_into_against(nlp: Language) -> None:
    doc = nlp("Many villagers refused to join ISIS despite the threats.")
    assert non_none(doc) == {"ISIS": ("AGAINST", "Many villagers")}


def test_prevention_turns_joining_into_against(nlp: Language) -> None:
    doc = nlp("The imam stopped dozens of boys from joining ISIS.")
    assert non_none(doc) == {"ISIS": ("AGAINST", "The imam")}


def test_group_description_resolves_to_last_named_group(nlp: Language) -> None:
    doc = nlp("ISIS took the town in 2014. Later the farmers openly defied and denounced "
              "the group.")
    assert non_none(doc) == {"ISIS": ("AGAINST", "the farmers")}


def test_description_of_another_group_is_not_isis(nlp: Language) -> None:
    doc = nlp("Jabhat al-Nusra held the valley. The villagers denounced the group.")
    assert non_none(doc) == {}


def test_group_as_owner_of_leaders_means_the_leadership(nlp: Language) -> None:
    doc = nlp("Two brigades openly criticized the ISIS leadership.")
    assert non_none(doc) == {"ISIS_LEADERSHIP": ("AGAINST", "Two brigades")}


def test_leadership_of_a_non_target_is_no_mention(nlp: Language) -> None:
    doc = nlp("Al-Qaeda's leadership criticized Jabhat al-Nusra.")
    assert non_none(doc) == {}


def test_desertion_implies_the_last_named_group(nlp: Language) -> None:
    doc = nlp("Omar fought for ISIS near Tabqa. In 2016 he deserted his unit.")
    assert non_none(doc, 0) == {"ISIS": ("FAVOR", "Omar")}
    assert non_none(doc) == {"ISIS": ("AGAINST", "he")}


def test_quoted_first_person_is_the_speaker(nlp: Language) -> None:
    doc = nlp('"We all rejected Daesh in the end," Faris told the reporters.')
    assert non_none(doc) == {"ISIS": ("AGAINST", "Faris")}


def test_copular_evaluation_and_later_stance_wins(nlp: Language) -> None:
    doc = nlp('"I admired the caliphate at first, but later I saw that ISIS was a prison," '
              "Hamid said.")
    assert non_none(doc) == {"ISIS": ("AGAINST", "Hamid")}


def test_agentless_passive_is_a_neutral_report(nlp: Language) -> None:
    doc = nlp("Dozens of Hazimis were arrested in 2015.")
    assert non_none(doc) == {}


def test_passive_with_agent_holds_the_agent(nlp: Language) -> None:
    doc = nlp("Several Hazimis were executed by ISIS in 2016.")
    assert non_none(doc) == {"TAKFIRIS": ("AGAINST", "ISIS")}


def test_pejorative_label_is_against(nlp: Language) -> None:
    doc = nlp("The loyalists branded al-Hazimi's students Khawarij.")
    assert non_none(doc) == {"TAKFIRIS": ("AGAINST", "The loyalists")}


def test_acronym_alias_only_in_capitals(nlp: Language) -> None:
    doc = nlp("The plan is to oppose what is wrong.")
    assert non_none(doc) == {}


def _tag(nlp: Language, text: str, events: list[dict[str, Any]] | None) -> Doc:
    """Run the pipeline, replacing the takfir extractor's events with ``events``."""
    doc = nlp.make_doc(text)
    for name, pipe in nlp.pipeline:
        doc = pipe(doc)
        if name == "takfir_declarations":
            doc._.takfir_events = events
    return doc


def test_takfir_event_on_target_is_against_held_by_declarer(nlp: Language) -> None:
    text = "Karim counted al-Baghdadi among the apostates."
    start, trigger = text.index("al-Baghdadi"), text.index("apostates")
    event = {"trigger": {"start": trigger, "end": trigger + 9, "kb_id": None},
             "declarer": {"start": 0, "end": 5, "kb_id": None},
             "target": {"start": start, "end": start + 11, "kb_id": None},
             "ground": None, "mode": "asserted", "chain": False, "score": 1.0,
             "source": "rule"}
    for mode in ("asserted", "implied"):
        doc = _tag(nlp, text, [dict(event, mode=mode)])
        assert non_none(doc) == {"ISIS_LEADERSHIP": ("AGAINST", "Karim")}, mode
    for mode in ("hypothetical", "negated", "generic"):
        assert non_none(_tag(nlp, text, [dict(event, mode=mode)])) == {}, mode
    passive = dict(event, declarer=None)
    assert non_none(_tag(nlp, text, [passive])) == {"ISIS_LEADERSHIP": ("AGAINST", None)}


def test_works_without_events(nlp: Language) -> None:
    doc = _tag(nlp, "ISIS held the town. The defectors openly mocked the caliph in their songs.",
               None)
    assert non_none(doc) == {"ISIS_LEADERSHIP": ("AGAINST", "The defectors")}


def test_negated_support_flips_negated_joining_cancels(nlp: Language) -> None:
    assert non_none(nlp("Idris did not support ISIS.")) == {"ISIS": ("AGAINST", "Idris")}
    assert non_none(nlp("Idris would never join ISIS.")) == {}


def test_output_is_plain_json(nlp: Language) -> None:
    import json

    doc = nlp("Several village elders openly opposed ISIS.")
    assert json.loads(json.dumps(doc._.stance)) == doc._.stance


def test_fast_pipeline_without_parse_uses_events_only() -> None:
    fast = build_nlp(fast=True)
    text = "Karim counted al-Baghdadi among the apostates. Several elders opposed ISIS."
    doc = fast.make_doc(text)
    start, trigger = text.index("al-Baghdadi"), text.index("apostates")
    for name, pipe in fast.pipeline:
        doc = pipe(doc)
        if name == "takfir_declarations":
            doc._.takfir_events = [{
                "trigger": {"start": trigger, "end": trigger + 9, "kb_id": None},
                "declarer": {"start": 0, "end": 5, "kb_id": None},
                "target": {"start": start, "end": start + 11, "kb_id": None},
                "ground": None, "mode": "asserted", "chain": False}]
    assert non_none(doc, 0) == {"ISIS_LEADERSHIP": ("AGAINST", "Karim")}
    assert non_none(doc, 1) == {}


def test_registered_by_entry_point() -> None:
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    blank.add_pipe("takfir_stance")
    doc = blank("Nothing here. Nor here.")
    assert len(doc._.stance) == 2 * 3
    assert {s["label"] for s in doc._.stance} == {"NONE"}


def test_criticism_received_is_against_the_subject_held_by_its_source(nlp: Language) -> None:
    doc = nlp("ISIS has attracted wide condemnation from the village elders.")
    assert non_none(doc) == {"ISIS": ("AGAINST", "the village elders")}


def test_flying_the_flag_is_favor(nlp: Language) -> None:
    assert non_none(nlp("Some prisoners still fly the Islamic State flag in the camp.")) == {
        "ISIS": ("FAVOR", "Some prisoners")}

