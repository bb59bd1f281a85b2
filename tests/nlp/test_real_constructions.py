"""Constructions that real comparable texts use and clean sentences do not: scare quotes,
glosses, headlines, verdict idioms, apostasy words naming a party, verdicts talked about.

Every sentence here was written for these tests; names of private persons are invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from spacy.language import Language

from pipeline.nlp.build import build_nlp


@pytest.fixture(scope="module")
def nlp() -> Iterator[Language]:
    yield build_nlp()


def _text(text: str, span: dict[str, Any] | None) -> str | None:
    return None if span is None else text[span["start"]:span["end"]]


def events(nlp: Language, text: str) -> list[tuple[str | None, str | None, str | None, str]]:
    doc = nlp(text)
    return [(_text(text, e["trigger"]), _text(text, e["declarer"]), _text(text, e["target"]),
             e["mode"]) for e in doc._.takfir_events]


def positive(nlp: Language, text: str) -> bool:
    """A takfir sentence: some event that is not negated."""
    return any(mode != "negated" for *_, mode in events(nlp, text))


@pytest.mark.parametrize("text", [
    # a verdict word in scare quotes keeps its frame
    "The preacher told his followers that the town council members are 'apostates'.",
    # a translator's gloss after the word
    "The brigade called the tribal sheikhs murtaddin [apostates] after the truce.",
    # a headline in title case, reduced passive
    "Rebel Commander Denounced As Apostate By Former Allies",
    # a verdict idiom without a takfir term
    "The faction's leaders have left the fold of Islam, the spokesman said.",
    "The statement deemed the rival front \"nullifiers of Islam\".",
    # a hard-wrapped line break inside the sentence
    "The emirs declared the\nvillage elders kafirs for taking the government's money.",
    # an apostasy word naming a specific party in a speaker's own voice
    "\"We drove the murtaddin of the border militia out of the valley,\" the fighter said.",
    # a charge naming a collective
    "The recording urged fighters to strike the army of apostasy in the north.",
    # an editorial insertion in brackets, and a verdict in quotes
    "They deemed [the governor of the province] \"murtaddin\".",
    # a verdict idiom without a takfir word, and a possessed faith declared void
    "He is like one who worships other than God, the preacher wrote of the mayor.",
    "His Islam is void, the judge ruled about the defector.",
    # a postponed object
    "They considered a kafir anyone who voted in the elections.",
    # an act of takfir announced as a noun
    "The takfir was proclaimed in the eighth issue of the magazine.",
])
def test_real_constructions_are_takfir_sentences(nlp: Language, text: str) -> None:
    assert positive(nlp, text), events(nlp, text)


@pytest.mark.parametrize("text", [
    # verdicts talked about, not pronounced
    "Declaring someone a kafir is a grave responsibility that only judges may bear.",
    "This is what it means to declare a person an apostate.",
    "The scholars disagreed over when to pronounce takfir on Muslims in general.",
    "The issue of takfir has divided the movement for a decade.",
    # takfir as the subject matter of a title or an evaluation, a duty with no act
    "Takfir of Muslim rulers",
    "Unrestricted takfir of rulers is the method of the extremists.",
    "We must make takfir to keep our creed pure.",
    # a debate on whether a verdict holds (GUIDELINES.md §4.19)
    "The scholars debated whether the ruler could be called a kafir.",
    # an accusation that is no verdict of unbelief
    "The sheikh accused them of being petty tyrants.",
    # unbelief charged on non-Muslims
    "The video called the coalition pilots infidels.",
    # apostates in general
    "An apostate must be given time to repent, the jurist wrote.",
    # a gloss that explains the term to the reader (GUIDELINES.md §4.2)
    "Observers blame the faction for its habit of takfir (declaring a Muslim an apostate) in "
    "every dispute.",
    "The quarrel over takfir—calling fellow Muslims unbelievers—split the brigade.",
    "Takfir, declaring other Muslims unbelievers, is at the core of the quarrel.",
    # a translation in parentheses after a doctrine's name
    "The circle holds the doctrine of takfir al-'adhir (\"excommunicating the one who "
    "excuses\").",
    # unbelief said of a system, not of people
    "The leaflet rejects the infidel parliamentary system.",
    # the act described of anyone: a definition ("the declaring of a Muslim as apostate")
    "Takfir is a term rendered as excommunication, or the declaring of a Muslim as an "
    "unbeliever.",
    # an appeal, and two categories side by side
    "The speaker called on Muslims in every country and non-Muslims to come to the province.",
    # a verdict inside the clause that defines who a name applies to (§4.2)
    "Whenever a preacher makes takfir of his neighbours without proof, he is called a "
    "fanatic.",
    "Whoever attacks a believer after calling him a kafir is a Kharijite.",
    # a gerund of declaring with an unspecified target, however parsed
    "Pronouncing someone a kafir is a weighty matter for any judge.",
    # negated by neither ... nor
    "The elders asked why the fighters shot farmers who were neither sinners nor apostates.",
])
def test_discussions_and_generalities_are_not_events(nlp: Language, text: str) -> None:
    assert not positive(nlp, text), events(nlp, text)


def test_attributive_verdict_on_a_predicated_noun_targets_the_party(nlp: Language) -> None:
    text = "The commander branded the northern front an apostate faction."
    assert ("apostate", "The commander", "the northern front", "asserted") in events(nlp, text)


def test_a_gloss_is_not_a_second_event(nlp: Language) -> None:
    text = "The brigade called the tribal sheikhs murtaddin [apostates] after the truce."
    assert [e[0] for e in events(nlp, text)] == ["murtaddin"]


def test_offsets_refer_to_the_original_text_after_the_view(nlp: Language) -> None:
    text = "They said the \"elders\" of the\nvalley were 'kuffar' [unbelievers]."
    doc = nlp(text)
    assert doc.text == text
    for event in doc._.takfir_events:
        assert _text(text, event["trigger"]) == "kuffar"
    assert all(t.dep_ for t in doc), "every token, hidden ones included, has a dependency"


@pytest.mark.parametrize(("text", "expected"), [
    # a trailing attribution declares a class rule
    ("Anyone doing so rejects the law of God and is therefore a kafir, he claimed.",
     ("kafir", "he", "Anyone doing so", "doctrinal")),
    # the speaker of a quotation is the declarer where it closes
    ("\"The rulers of Egypt are apostates. They rule by laws made by men,\" the preacher said.",
     ("apostates", "the preacher", "The rulers of Egypt", "asserted")),
    # a title that announces an act of takfir on a named party
    ("Takfir on Jabhat al-Nusra", ("Takfir", None, "Jabhat al-Nusra", "asserted")),
    # a declaring verb that is also a verb of definition, with a person as object
    ("The committee has designated them as \"treacherous apostates.\"",
     ("apostates", "The committee", "them", "asserted")),
    # a postponed object is a class target
    ("They considered a kafir anyone who voted in the elections.",
     ("kafir", "They", "anyone who voted in the elections", "doctrinal")),
    # a verdict idiom predicated through "as being" and as a small clause
    ("The council denounced the mayor as being outside the fold of Islam.",
     ("outside the fold of Islam", "The council", "the mayor", "asserted")),
    ("The sheikh declared the judges outside the pale of Islam.",
     ("outside the pale of Islam", "The sheikh", "the judges", "asserted")),
    # a verdict in the subject's apposition is not under the main verb's "warned"
    ("Sheikh Omar Daud, a senior commander, called the new governor Yusuf Warsame an "
     "\"apostate\" and warned the clans against supporting him.",
     ("apostate", "Omar Daud", "the new governor Yusuf Warsame", "asserted")),
    # a verdict before the object it is said of
    ("They declared as apostates the judges of the town.",
     ("apostates", "They", "the judges of the town", "asserted")),
    # "to be" after a declaring verb keeps the verb's clause, even with a generic noun
    ("The sect declared Muslims to be unbelievers.",
     ("unbelievers", "The sect", "Muslims", "asserted")),
    # a long coordinated target is one span (GUIDELINES.md §3.7 rule 4)
    ("The emir declared the judges, the police and the teachers apostates.",
     ("apostates", "The emir", "the judges, the police and the teachers", "asserted")),
    # a small clause's target stops before the verdict's article
    ("The cleric declared Ahmad Karimi an infidel.",
     ("infidel", "The cleric", "Ahmad Karimi", "asserted")),
    # a judgement that rejects the verdict negates it; an expletive "it" declares nothing
    ("He wrote that it is wrong to call the soldiers apostates.",
     ("apostates", "He", "the soldiers", "negated")),
    ("It is a mistake to declare the villagers unbelievers.",
     ("unbelievers", None, "the villagers", "negated")),
    # a description of a group gives way to its name earlier in the sentence (§3.7 rule 3)
    ("The brigade denounced Jabhat al-Nusra on Friday, calling the rival group an apostate.",
     ("apostate", "The brigade", "Jabhat al-Nusra", "asserted")),
    # a negative question that asserts the verdict
    ("How can a governor who mocks the prayer not be an infidel?",
     ("infidel", None, "a governor who mocks the prayer", "doctrinal")),
    # forfeiting Islam, and a collective named by a coordinated charge
    ("Every soldier who guards the border post has forfeited Islam.",
     ("forfeited Islam", None, "Every soldier who guards the border post", "doctrinal")),
    ("Their allies of hypocrisy and apostasy were defeated.",
     ("apostasy", None, "Their allies", "asserted")),
    # not deserving to be called Muslims is a verdict phrase, not a negation
    ("These raiders do not deserve to be called Muslims, the imam said.",
     ("not deserve to be called Muslims", "the imam", "These raiders", "asserted")),
    # ceasing to be Muslims is a verdict phrase
    ("The sheikh ruled that the soldiers had ceased to be Muslims.",
     ("ceased to be Muslims", "The sheikh", "the soldiers", "asserted")),
    # a reflexive that took the attribute: "are themselves, unbelievers"
    ("The imam writes that those who do not takfir apostates are themselves, apostates.",
     ("apostates", "The imam", "those who do not takfir apostates", "doctrinal")),
    # an act noun whose "on" phrase the parser hung on the noun above it
    ("The mufti published an answer to his takfir on Ahrar al-Sham.",
     ("takfir", "his", "Ahrar al-Sham", "asserted")),
    # led into a charge: the object is the target
    ("The preacher blamed the bankers for leading the tribe into kufr.",
     ("kufr", None, "the tribe", "asserted")),
    # falling into a charge: the subject is the target
    ("The mufti held that the governor had fallen into kufr.",
     ("kufr", "The mufti", "the governor", "asserted")),
])


def test_the_only_event_and_its_roles(nlp: Language, text: str, expected) -> None:
    assert events(nlp, text) == [expected]


def test_a_verdict_outside_the_defining_clause_still_counts(nlp: Language) -> None:
    text = "Whoever does not make takfir of the polytheists is himself a kafir."
    assert [e[0] for e in events(nlp, text)] == ["kafir"]
    # the refusing verb of the condition is no event of its own (GUIDELINES.md §4.20)
    text = "Those who do not excommunicate the polytheists are polytheists."
    assert [e[0] for e in events(nlp, text)] == ["polytheists"]


def test_a_pronoun_target_gives_way_to_the_description_it_stands_for(nlp: Language) -> None:
    text = "The army killed the villagers because it considered them apostates."
    assert ("apostates", "it", "the villagers", "asserted") in events(nlp, text)


def test_stacked_verdict_words_share_the_name_they_modify(nlp: Language) -> None:
    text = "Its fighters were able to kill the polytheist apostate Karim Nasser, a preacher."
    assert {e[2] for e in events(nlp, text)} == {"Karim Nasser"}


def test_a_pronoun_in_a_reason_clause_keeps_its_own_referent(nlp: Language) -> None:
    text = ("The recruits said that they thought the council unbelieving since it would not "
            "make takfir on the farmers.")
    found = events(nlp, text)
    assert ("unbelieving", "The recruits", "the council", "asserted") in found  # reported "they"
    assert ("takfir", "it", "the farmers", "negated") in found


def test_a_participle_after_an_act_of_takfir_is_no_gloss(nlp: Language) -> None:
    text = "The brigade pronounced takfir, declaring the Northern Front apostates."
    assert ("apostates", "The brigade", "the Northern Front", "asserted") in events(nlp, text)


@pytest.mark.parametrize(("text", "trigger", "declarer"), [
    # the subject of a verb that promotes an act noun declares it
    ("The movement embraced a harsher creed, encouraging takfir of Muslims who voted.",
     "takfir", "The movement"),
    # a pronoun gives way to the name it stands for (GUIDELINES.md §3.7 rule 3)
    ("In his new book Samir Haddad explains why he considers the Northern Front apostates.",
     "apostates", "Samir Haddad"),
    # a "we" inside reported speech gives way to the speaker (GUIDELINES.md §3.7 rule 3)
    ("\"We declare the police apostates,\" the cleric said.", "apostates", "the cleric"),
    ("The recruiter told them that we count the soldiers murtaddin.", "murtaddin",
     "The recruiter"),
    # the speaker of a quotation names the party its own apostasy word names (§4.16)
    ("\"The apostates of the border militia will be punished,\" said the brigade.",
     "apostates", "the brigade"),
    # presenting someone as unbelievers is a verdict of the presenter
    ("The preacher praised the raid, presenting the village guards as \"nullifiers of "
     "Islam\".", "nullifiers of Islam", "The preacher"),
    # the speaker who introduces the verdict with a colon
    ("The sheikh wrote: the rulers of these lands are apostates.", "apostates", "The sheikh"),
    # a class is its own declarer, not the subject of a clause above it
    ("The tutor said that among the old sects were those who make takfir on every sin.",
     "takfir", "those"),
    # a subject pronoun does not stand for a name inside a prepositional phrase
    ("They follow the path of the Kharijites, and they make takfir on small sins.", "takfir",
     "they"),
    # an announced act noun keeps its owner as declarer
    ("Their takfir of the Taliban was announced in the magazine.", "takfir", "Their"),
    # a named party modifying an act noun owns it
    ("The ISIS takfir of the Nusra Front surprised nobody.", "takfir", "ISIS"),
    # the agent of an act noun, however the parser attached it
    ("The takfir of the Free Army by the brigade shocked many.", "takfir", "the brigade"),
    # a possessive pronoun gives way to the name it stands for (§3.7 rule 3)
    ("The tract answered Sayyid Qutb and his takfir of the rulers of Egypt.", "takfir",
     "Sayyid Qutb"),
    # the reporter of a verdict word that names a party
    ("The spokesman Abu Hamza says that if these \"apostates\" are captured, they will get no "
     "pardon.", "apostates", "Abu Hamza"),
    # a document is never the declarer: its issuer is
    ("The statement of the brigade explains why it considers the Northern Front apostates.",
     "apostates", "the brigade"),
])
def test_the_first_event_is_declared_by(nlp: Language, text: str, trigger: str,
                                        declarer: str) -> None:
    found = events(nlp, text)
    assert found and found[0][:2] == (trigger, declarer), found
