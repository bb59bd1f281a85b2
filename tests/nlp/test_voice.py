"""The author's voice (GUIDELINES.md §5.9) on short texts written for these tests."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from pipeline.nlp.build import build_nlp
from pipeline.nlp.cues import load_cues
from pipeline.nlp.syntax import in_quote, quote_regions
from pipeline.nlp.voice import document_voice

CRITIC = ("All praise is due to Allah. May Allah guide the youth. I warn my brothers against "
          "the Khawarij of ISIS, who spill the blood of the mujahideen. Insha'Allah their "
          "state will fall, for they are misguided.")
SYMPATHIZER = ("Alhamdulillah, the soldiers of the Khilafah have taken the town, by Allah's "
               "permission. The Islamic State now rules there, and the murtaddin and the "
               "rafidah fled. We ask Allah to accept our martyrs. May Allah preserve the "
               "wilayah.")
REPORT = ("The group said in a statement: \"All praise is due to Allah, the soldiers of the "
          "Khilafah have taken the town, may Allah accept our martyrs, insha'Allah.\" "
          "Officials said the army retook the town on Sunday, according to Reuters. Police "
          "told reporters that ISIS fighters fled.")


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


def voice(nlp: Language, text: str) -> str | None:
    doc = nlp(text)
    regions = quote_regions(doc)
    return document_voice(doc, load_cues(), [in_quote(t.i, regions) for t in doc]).label


@pytest.mark.parametrize(("text", "expected"), [
    (CRITIC, "AGAINST"), (SYMPATHIZER, "FAVOR"), (REPORT, None)])
def test_voice_of_parties_and_of_a_reporter(blank: Language, text: str, expected) -> None:
    assert voice(blank, text) == expected


def test_a_reproduced_statement_speaks_in_its_speakers_voice(blank: Language) -> None:
    transcript = ("Speech of the spokesman, 2015. \"" + SYMPATHIZER + " We will not rest until "
                  "the flag of tawhid flies over every land, insha'Allah.\"")
    assert voice(blank, transcript) == "FAVOR"


def test_a_translators_title_does_not_give_the_group_its_outsiders_name(
        blank: Language) -> None:
    assert voice(blank, "Translation of an ISIS Statement to the Tribes\n\n" + SYMPATHIZER) \
        == "FAVOR"
    assert voice(blank, "A warning about ISIS.\n\n" + SYMPATHIZER) == "AGAINST"


def test_partisan_voice_labels_every_sentence_that_refers_to_the_group() -> None:
    nlp = build_nlp()
    doc = nlp(CRITIC)
    against = {(s["start"], s["label"]) for s in doc._.stance
               if s["target"] == "ISIS" and s["label"] != "NONE"}
    sentences = list(doc.sents)
    refer = [s for s in sentences if any(w in s.text for w in ("ISIS", "their", "they"))]
    assert refer and all((s.start_char, "AGAINST") in against for s in refer)
    assert (sentences[0].start_char, "AGAINST") not in against  # no reference: NONE


def test_a_party_writing_about_someone_else_sets_no_isis_stance() -> None:
    nlp = build_nlp()
    text = ("All praise is due to Allah. May Allah guide us. I warn my brothers against the "
            "Khawarij of our time, who declare every sinner a kafir, insha'Allah they will "
            "repent. They are misguided.")
    doc = nlp(text)
    assert {s["label"] for s in doc._.stance if s["target"] == "ISIS"} == {"NONE"}


def isis_labels(doc) -> list[str]:
    return [s["label"] for s in doc._.stance if s["target"] == "ISIS"]


def test_in_a_partisan_text_a_third_partys_act_yields_to_the_authors_voice() -> None:
    nlp = build_nlp()
    act = nlp(SYMPATHIZER + " The apostate factions are fighting the Islamic State in the "
              "north.")
    assert isis_labels(act)[-1] == "FAVOR"
    said = nlp(SYMPATHIZER + " The apostate factions condemned the Islamic State in a "
               "statement.")
    assert isis_labels(said)[-1] == "AGAINST"  # a reported evaluation keeps its holder's
