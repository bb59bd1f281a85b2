"""The real-corpus tool: cleaning recipes and annotation sheets turned into standoff gold.

The texts here were written for these tests.
"""

from __future__ import annotations

import sys

import pytest

from pipeline.lexicon import load_lexicon
from pipeline.schema import load_schema
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import real_corpus  # noqa: E402


def test_cleaning_drops_listed_lines_and_the_unfinished_tail_and_nothing_else():
    raw = ("Menu | Home | World\nThe council met. It heard the judges.\nShare this\n"
           "Then the emir spoke. He said that the")
    text = real_corpus.clean(raw, "1,3", "yes")
    assert text == "The council met. It heard the judges.\nThen the emir spoke.\n"
    assert real_corpus.clean(raw, "-", "no").startswith("Menu | Home")


def test_raw_digest_ignores_invisible_spaces_only():
    assert real_corpus.raw_digest("a\u00a0b") == real_corpus.raw_digest("a b")
    assert real_corpus.raw_digest("a b") != real_corpus.raw_digest("a  b")


TEXT = "The brigade called the judges apostates. ISIS denounced them.\n"
DOC = {"text": TEXT, "sha256": "s" * 64, "sentences": [(0, 40), (41, 61)]}


def test_a_sheet_compiles_to_offsets_inside_its_sentences():
    sheet = {"id": "x", "annotator": "pass-a", "sentences": [
        {"s": 0, "entities": [["apostates", "TAKFIR_TERM", "term:apostate"]],
         "events": [{"trigger": "apostates", "declarer": "The brigade", "target": "the judges",
                     "ground": None, "mode": "asserted", "chain": False}]},
        {"s": 1, "entities": [["ISIS", "ORG", "org:isis"]],
         "stance": [{"target": "ISIS", "label": "AGAINST", "holder": None}]}]}
    ids = {e.id for e in load_lexicon().entries}
    record, problems = real_corpus.compile_sheet(sheet, DOC, load_schema(), ids)
    assert problems == []
    [event] = record["takfir"]
    assert TEXT[event["target"]["start"]:event["target"]["end"]] == "the judges"
    assert record["sentences"][1]["stance"] == [{"target": "ISIS", "label": "AGAINST",
                                                 "holder": None}]
    assert "text" not in record and record["sha256"] == "s" * 64


def test_quotes_that_cannot_be_placed_are_reported_not_guessed():
    sheet = {"id": "x", "annotator": "pass-a", "sentences": [
        {"s": 0, "entities": [["IS", "ORG"], ["judge", "ROLE"]],
         "events": [{"trigger": "kafirs", "mode": "asserted"}]}]}
    record, problems = real_corpus.compile_sheet(sheet, DOC, load_schema(), set())
    assert len(problems) == 3 and record["entities"] == [] and record["takfir"] == []


@pytest.mark.parametrize(("quote", "sentence", "found"), [
    ("judges", 0, "judges"), ({"text": "them", "s": 1}, 0, "them"), ("the#1", 0, "the")])
def test_locator_finds_whole_words_in_the_named_sentence(quote, sentence, found):
    loc = real_corpus.Locator("x", TEXT, DOC["sentences"])
    start, end = loc.find(quote, sentence)
    assert TEXT[start:end] == found
