"""spaCy DocBin export: ents, span groups, cats, and `spacy train` runs on it."""

from __future__ import annotations

import subprocess
import sys

import pytest
import spacy
from spacy.tokens import DocBin

from pipeline.export import export


def _docs(path):
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_docbin_has_ents_span_groups_and_cats(labeled, tmp_path):
    report = export(labeled, fmt="spacy", out=tmp_path / "out", source="predicted",
                    split="100")
    docs = _docs(tmp_path / "out" / "spacy" / "train.spacy")
    assert len(docs) == report.documents == 12
    takfir = next(d for d in docs if "declared the council" in d.text)
    assert [(e.text, e.label_) for e in takfir.ents][:3] == [
        ("Abu Talha", "PERSON"), ("the council", "ORG"), ("apostates", "TAKFIR_TERM")]
    assert {s.label_ for s in takfir.spans["entities"]} >= {"NORP", "ORG"}  # overlap kept
    assert [s.text for s in takfir.spans["takfir_declarer"]] == ["Abu Talha"]
    assert [(s.text, s.label_) for s in takfir.spans["takfir_trigger"]] == [
        ("apostates", "asserted")]
    assert takfir.spans["takfir_ground"][0].text == "it refused to rule by sharia"
    assert takfir.cats == {"TAKFIR": 1.0} and len(list(takfir.sents)) == 2
    assert takfir.user_data["doc_id"].startswith("doc_")
    for doc in docs:  # doc.ents never overlap (spaCy would refuse them), all labels known
        assert all(a.end <= b.start for a, b in zip(doc.ents, doc.ents[1:], strict=False))
    mid_token = next(d for d in docs if "mayor an apostate." in d.text)
    assert "apostate." in [e.text for e in mid_token.ents]  # expanded to whole tokens
    sentences = _docs(tmp_path / "out" / "spacy" / "train.sentences.spacy")
    negated = next(s for s in sentences if "never called" in s.text)
    assert negated.cats["TAKFIR"] == 0.0 and negated.cats["ISIS:NONE"] == 1.0
    against = next(s for s in sentences if "criticized ISIS" in s.text)
    assert against.cats["ISIS:AGAINST"] == 1.0 and against.cats["ISIS:FAVOR"] == 0.0


def test_corpus_initialize_and_update(labeled, tmp_path):
    """The lighter proof: spaCy's Corpus reader feeds nlp.initialize and nlp.update."""
    from spacy.training import Corpus

    export(labeled, fmt="spacy", out=tmp_path / "out", source="predicted")
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    corpus = Corpus(str(tmp_path / "out" / "spacy" / "train.spacy"))
    examples = list(corpus(nlp))
    assert examples and any(ex.reference.ents for ex in examples)
    optimizer = nlp.initialize(lambda: examples)
    losses = nlp.update(examples, sgd=optimizer)
    assert losses["ner"] > 0
    assert "TAKFIR_TERM" in nlp.get_pipe("ner").labels


@pytest.mark.slow
def test_spacy_train_runs_on_the_export(labeled, tmp_path):
    export(labeled, fmt="spacy", out=tmp_path / "out", source="predicted", split="70/30")
    config = tmp_path / "config.cfg"
    init = subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config),
                           "--lang", "en", "--pipeline", "ner", "--optimize", "efficiency",
                           "--force"], capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, init.stderr
    folder = tmp_path / "out" / "spacy"
    train = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output",
         str(tmp_path / "model"), "--paths.train", str(folder / "train.spacy"),
         "--paths.dev", str(folder / "dev.spacy"), "--training.max_steps", "5",
         "--training.eval_frequency", "5", "--nlp.batch_size", "8"],
        capture_output=True, text=True, timeout=600)
    assert train.returncode == 0, train.stdout[-2000:] + train.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / "meta.json").exists()
    trained = spacy.load(tmp_path / "model" / "model-last")
    assert "TAKFIR_TERM" in trained.get_pipe("ner").labels
