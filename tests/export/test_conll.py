"""CoNLL export: parsed back, DOCSTART per document, blank line per sentence, seqeval agrees."""

from __future__ import annotations

from seqeval.metrics import classification_report, f1_score
from seqeval.metrics.sequence_labeling import get_entities
from spacy.training import biluo_to_iob, offsets_to_biluo_tags

from pipeline.export import export
from pipeline.export.documents import export_records, labeled_documents
from pipeline.export.spacy_docbin import build_doc


def parse_conll(text: str) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (token, tag), as a CoNLL-2003 reader does."""
    docs: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in text.split("\n"):
        if line.startswith("-DOCSTART-"):
            docs.append([])
            continue
        if not line.strip():
            if sentence:
                docs[-1].append(sentence)
                sentence = []
            continue
        columns = line.split(" ")
        assert len(columns) == 4, line
        sentence.append((columns[0], columns[3]))
    assert not sentence, "the file must end with a blank line"
    return docs


def test_conll_parses_back_and_matches_the_entities(labeled, tmp_path):
    export(labeled, fmt="conll", out=tmp_path / "out", source="predicted", split="100")
    text = (tmp_path / "out" / "conll" / "train.conll").read_text(encoding="utf-8")
    docs = parse_conll(text)
    records = list(export_records(labeled, labeled_documents(labeled, source="predicted")))
    assert len(docs) == len(records) == text.count("-DOCSTART-")
    expected_tags: list[list[str]] = []
    for record, doc in zip(records, docs, strict=True):
        spacy_doc = build_doc(record)
        assert len(doc) == len(record["sentences"])  # one blank-line block per sentence
        offsets = [(e.start_char, e.end_char, e.label_) for e in spacy_doc.ents]
        tags = biluo_to_iob(offsets_to_biluo_tags(spacy_doc, offsets))
        expected_tags += [[t for tok, t in zip(spacy_doc, tags, strict=True)
                           if not tok.is_space and tok.sent.start == s.start]
                          for s in spacy_doc.sents]
    got = [[tag for _, tag in s] for d in docs for s in d]
    assert got == [s for s in expected_tags if s]
    assert f1_score(expected_tags, got) == 1.0
    report = classification_report(expected_tags, got, output_dict=True)
    assert report["TAKFIR_TERM"]["support"] > 0 and report["PERSON"]["f1-score"] == 1.0
    entities = get_entities(got)
    tokens = [tok for d in docs for s in d for tok, _ in s]
    assert "Margit Ostrander" in {" ".join(tokens[a:b + 1]) for label, a, b in entities
                                  if label == "PERSON"}
