"""The parse view: what it hides from the model, and that the analysis comes back whole."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from pipeline.nlp.build import build_nlp
from pipeline.nlp.view import _brackets, _glosses, _headline_tokens, _scare_quotes


def tokens(text: str) -> Doc:
    nlp = spacy.blank("en")
    return nlp(text)


def test_scare_quotes_around_short_spans_are_hidden_long_quotations_kept() -> None:
    doc = tokens('He called them "apostate dogs" and said "we will fight you until the end".')
    hidden = {doc[i].text for i in _scare_quotes(doc)}
    assert hidden == {'"'} and len(_scare_quotes(doc)) == 2


def test_apostrophes_inside_words_are_not_quotes() -> None:
    doc = tokens("The Qur'an and the ta'ifa are named.")
    assert _scare_quotes(doc) == set()


def test_glosses_are_lower_case_translations_after_a_word() -> None:
    doc = tokens("The murtadeen [apostates] fled with the Emir (the governor) and takfir "
                 "(excommunication) followed.")
    hidden = [doc[i].text for i in sorted(_glosses(doc))]
    assert hidden == ["[", "apostates", "]", "(", "excommunication", ")"]


def test_editorial_brackets_are_hidden_their_words_kept() -> None:
    doc = tokens("They deemed [the governor of the province] an apostate.")
    assert {doc[i].text for i in _brackets(doc)} == {"[", "]"}
    assert not _glosses(doc)


def test_headlines_are_found_by_title_case() -> None:
    doc = tokens("Group Declares Rival Front's Leaders Apostates")
    assert _headline_tokens(doc) == set(range(1, len(doc)))
    assert not _headline_tokens(tokens("The group declared the rival front's leaders apostates."))


def test_analysis_is_projected_onto_every_original_token() -> None:
    nlp = build_nlp()
    text = 'The sheikh called the\njudges "kuffar" [unbelievers] and left.'
    doc = nlp(text)
    assert doc.text == text and doc.has_annotation("DEP")
    by_text = {t.text: t for t in doc}
    assert by_text["kuffar"].head.text == "called"
    assert by_text["judges"].dep_ in ("dobj", "nsubj", "compound")
    assert by_text["unbelievers"].dep_ == "appos" and by_text["unbelievers"].head.text == "kuffar"
    assert [s.text for s in doc.sents] == [text]


def test_the_acronym_is_is_parsed_as_a_name_except_in_capitals() -> None:
    nlp = build_nlp()
    doc = nlp("The scholars wrote a letter denouncing IS for its crimes. WHAT IS LEFT NOW")
    by_index = list(doc)
    assert by_index[6].text == "IS" and by_index[6].pos_ in ("PROPN", "NOUN")
    assert by_index[6].dep_ in ("dobj", "pobj") and doc.text.count("IS") == 2
    assert [t for t in doc if t.text == "IS"][1].pos_ in ("AUX", "VERB")


def test_transliterated_terms_reach_the_model_in_english() -> None:
    nlp = build_nlp()
    view = nlp.get_pipe("takfir_parse_view")
    view.initialize()
    assert view.english["murtaddin"] == "unbelievers" and view.english["takfir"] == \
        "excommunication" and view.english["murtad"] == "unbeliever"
    assert "apostates" not in view.english  # English terms stay as they are
    doc = nlp("The murtaddin fled the town.")
    assert doc[1].text == "murtaddin" and doc[1].pos_ == "NOUN" and doc[1].dep_ == "nsubj"


def test_two_transliterated_terms_in_a_row_are_a_modifier_and_a_noun() -> None:
    nlp = build_nlp()
    view = nlp.get_pipe("takfir_parse_view")
    doc = nlp.make_doc("The judges of the town are kaafir murtad.")
    view.initialize()
    assert view.view(doc).words[6:8] == ["unbelieving", "unbeliever"]
    parsed = nlp("The judges of the town are kaafir murtad.")
    targets = [parsed.text[e["target"]["start"]:e["target"]["end"]]
               for e in parsed._.takfir_events if e["target"]]
    assert targets == ["The judges of the town"]


def test_the_arabic_article_of_a_name_is_hidden_from_the_tagger() -> None:
    nlp = build_nlp()
    view = nlp.get_pipe("takfir_parse_view")
    view.initialize()
    merge = nlp.get_pipe("takfir_hyphen_merger")
    doc = merge(nlp.make_doc("The scholar al-Rashidi declared Khalid al-Tamimi an apostate."))
    assert view.view(doc).words[2:6] == ["Rashidi", "declared", "Khalid", "Tamimi"]
    parsed = nlp("The scholar al-Rashidi declared Khalid al-Tamimi an apostate.")
    assert [t.pos_ for t in parsed if t.text.startswith("al-")] == ["PROPN", "PROPN"]
    assert parsed.text == "The scholar al-Rashidi declared Khalid al-Tamimi an apostate."
