"""Segmentation: offsets into the canonical text, paragraph boundaries, incremental runs."""

from __future__ import annotations

import pytest

from pipeline.ingest import ingest
from pipeline.segment import SegmentConfig, load_segmenter, paragraphs, segment, split_sentences

FAST = SegmentConfig(method="sentencizer")


def test_paragraphs_cover_the_text_between_blank_lines():
    text = "One. Two.\n\n  \nThree\nstill three.\n\n"
    assert [text[a:b] for a, b in paragraphs(text)] == ["One. Two.", "Three\nstill three."]


def test_long_paragraphs_are_cut_below_spacy_limits():
    text = ("word " * 60_000).strip()
    spans = list(paragraphs(text))
    assert len(spans) >= 3 and all(b - a <= 100_000 for a, b in spans)
    assert "".join(text[a:b] for a, b in spans) == text


def test_sentences_map_to_their_text_and_never_cross_a_paragraph():
    nlp = load_segmenter(FAST)
    text = "The first claim. A second one\n\nA heading\n\nAnother paragraph here. And more."
    sents = list(split_sentences(nlp, [("d1", text)]))
    got = [text[s.start:s.end] for s in sents]
    assert got == ["The first claim.", "A second one", "A heading", "Another paragraph here.",
                   "And more."]
    assert [s.index for s in sents] == list(range(len(sents)))


@pytest.mark.slow
def test_statistical_segmenter_on_the_seed(workspace, seed_path):
    ingest([seed_path], workspace)
    report = segment(workspace)
    assert report.documents == 1 and report.sentences > 60
    sents = workspace.sentences()
    assert (sents.text == sents.text.str.strip()).all() and (sents.text.str.len() > 0).all()
    doc = workspace.documents().iloc[0].text
    for row in sents.itertuples():
        assert doc[row.start_char:row.end_char] == row.text
        assert "\n\n" not in row.text
    assert sents.start_char.is_monotonic_increasing


def test_segment_is_incremental_and_config_aware(workspace, tmp_path):
    (tmp_path / "a.txt").write_text("First text. It has two sentences.\n")
    ingest([tmp_path / "a.txt"], workspace)
    assert segment(workspace, config=FAST).documents == 1
    (tmp_path / "b.txt").write_text("Second text here. One more. And a third.\n")
    ingest([tmp_path / "b.txt"], workspace)
    again = segment(workspace, config=FAST)
    assert (again.documents, again.skipped, again.sentences) == (1, 1, 3)
    assert segment(workspace, config=FAST).documents == 0
    assert segment(workspace, config=FAST, force=True).documents == 2
    assert len(workspace.table("sentences")) == 5  # re-segmenting replaced, not appended


@pytest.mark.slow
def test_parallel_segmentation_matches_single_process(workspace, demo_path, tmp_path):
    ingest([demo_path], workspace)
    segment(workspace, config=SegmentConfig(method="senter"))
    single = workspace.sentences(with_text=False)[["doc_id", "idx", "start_char", "end_char"]]
    segment(workspace, config=SegmentConfig(method="senter"), n_process=2, force=True)
    double = workspace.sentences(with_text=False)[["doc_id", "idx", "start_char", "end_char"]]
    assert single.equals(double)


def test_bad_settings_are_refused(workspace):
    from pipeline.errors import ConfigError
    with pytest.raises(ConfigError, match="E302"):
        segment(workspace, config=FAST, batch_size=0)
    with pytest.raises(ConfigError, match="not installed"):
        load_segmenter(SegmentConfig(model="no_such_model_package"))


def test_heading_lines_end_a_block_hard_wrapped_prose_does_not():
    text = ("Statement on the Split in the Brigade\n"
            "Issued by the Media Office\n"
            "The council met in the spring of that year and heard the complaints of the\n"
            "fighters who had left their posts, and it decided to send two judges.\n"
            "Q: Did the judges arrive?")
    got = [text[a:b] for a, b in paragraphs(text)]
    assert got == ["Statement on the Split in the Brigade", "Issued by the Media Office",
                   "The council met in the spring of that year and heard the complaints of "
                   "the\nfighters who had left their posts, and it decided to send two judges.",
                   "Q: Did the judges arrive?"]
