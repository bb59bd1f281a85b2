"""spaCy DocBin writer: one ``<split>.spacy`` of documents and one of sentences per split.

Document docs carry ``doc.ents`` (non-overlapping: ``filter_spans`` keeps the longest),
every entity (overlaps included) in ``doc.spans["entities"]``, the takfir roles in
``doc.spans["takfir_trigger" | "takfir_declarer" | "takfir_target" | "takfir_ground"]`` (as the
``takfir_declarations`` component writes them; triggers are labeled with their mode),
sentence starts from the export, and ``doc.cats["TAKFIR"]``. Sentence docs
(``<split>.sentences.spacy``) carry the sentence categories for ``textcat_multilabel``:
``TAKFIR`` and ``<TARGET>:<FAVOR|AGAINST|NONE>``, in document and sentence order (the rows of
the CSV export, which name doc_id and sentence index). Document docs keep their ``doc_id`` in
``doc.user_data``. Character spans that do not fall on token
boundaries are expanded to the tokens they touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.util import filter_spans

from ..schema import LabelSchema, load_schema
from .views import ROLES, Record, sentences_of

ENTITY_GROUP = "entities"
ALIGNMENT = "expand"


@cache
def tokenizer_nlp() -> Language:
    """The blank English pipeline whose tokenizer every export uses."""
    return spacy.blank("en")


def _span(doc: Doc, start: int, end: int, label: str, kb_id: str | None = None) -> Span | None:
    return doc.char_span(start, end, label=label, kb_id=kb_id or "", alignment_mode=ALIGNMENT)


def build_doc(record: Record, nlp: Language | None = None) -> Doc:
    """The annotated document Doc of one record."""
    nlp = nlp or tokenizer_nlp()
    doc = nlp.make_doc(record["text"])
    entities = [s for e in record["entities"]
                if (s := _span(doc, e["start"], e["end"], e["label"], e["kb_id"])) is not None]
    doc.spans[ENTITY_GROUP] = entities
    doc.ents = filter_spans(entities)
    for role in ROLES:
        group = []
        for event in record["takfir"]:
            part = event[role]
            label = event["mode"] if role == "trigger" else role.upper()
            if part is not None and (s := _span(doc, part["start"], part["end"], label,
                                                 part.get("kb_id"))) is not None:
                group.append(s)
        doc.spans[f"takfir_{role}"] = group
    _set_sentences(doc, record)
    doc.cats = {"TAKFIR": float(any(e["mode"] != "negated" for e in record["takfir"]))}
    doc.user_data["doc_id"] = record["id"]
    return doc


def _set_sentences(doc: Doc, record: Record) -> None:
    """Sentence starts from the export, set as one array (per-token setters are slow)."""
    if len(doc) == 0:
        return
    starts = numpy.full((len(doc), 1), -1, dtype="int64")
    starts[0, 0] = 1
    for s in record["sentences"]:
        span = doc.char_span(s["start"], s["end"], alignment_mode=ALIGNMENT)
        if span is not None and len(span):
            starts[span.start, 0] = 1
    doc.from_array([SENT_START], starts.astype("uint64"))  # -1 wraps, as spaCy stores it


def sentence_cats(record: Record, schema: LabelSchema) -> Iterable[tuple[str, dict[str, float]]]:
    """(sentence text, cats) for every sentence; a target without a label counts as NONE."""
    for view in sentences_of(record):
        cats = {"TAKFIR": float(view.is_takfir)}
        labels = {s["target"]: s["label"] for s in view.stance}
        for target in schema.stance_targets:
            for label in schema.stance_labels:
                cats[f"{target}:{label}"] = float(labels.get(target, "NONE") == label)
        yield view.text, cats


def write_spacy(splits: Mapping[str, list[Record]], folder: Path,
                schema: LabelSchema | None = None) -> list[Path]:
    """Write ``<split>.spacy`` and ``<split>.sentences.spacy`` for every split."""
    schema = schema or load_schema()
    nlp = tokenizer_nlp()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, records in splits.items():
        docs = DocBin(store_user_data=True)
        sentences = DocBin()  # no user_data: msgpack-ing it per doc triples the time
        for record in records:
            docs.add(build_doc(record, nlp))
            for text, cats in sentence_cats(record, schema):
                sentence = nlp.make_doc(text)
                sentence.cats = cats
                sentences.add(sentence)
        for path, binary in ((folder / f"{name}.spacy", docs),
                             (folder / f"{name}.sentences.spacy", sentences)):
            binary.to_disk(path)
            written.append(path)
    return written
