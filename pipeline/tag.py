"""Tag: run the project's spaCy pipeline over every document not yet tagged with the current
pipeline and resources, and store entities, takfir events and stance (source rule or model).

Documents are processed paragraph by paragraph (as segmentation does); stance is reported for
the stored sentences, each taking the label of the tagger's sentence that overlaps it most.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .errors import ConfigError, Errors
from .ingest import Progress
from .nlp.build import build_nlp, pipeline_config
from .nlp.ruler import SPANS_KEY
from .predictions import replace_predictions
from .records import (
    Entity,
    LabeledDocument,
    Span,
    Stance,
    TakfirEvent,
    event_from_json,
    span_from_json,
)
from .schema import load_schema
from .segment import SegmentConfig, ensure_segmented, paragraphs
from .store import Workspace, config_hash

log = logging.getLogger("takfir.tag")
STAGE = "tag"
SOURCES = ("rule", "model")
DEFAULT_BATCH_SIZE = 32
_DOCS_PER_COMMIT = 100
_WHOLE_DOC_CHARS = 100_000  # shorter documents are tagged whole (spaCy's limit is 1M)
_UNIT_CHARS = 400  # a typical paragraph: what DEFAULT_BATCH_SIZE was measured with


@dataclass
class TagReport:
    run_id: str
    documents: int
    skipped: int
    entities: int = 0
    events: int = 0
    stance: int = 0


def tag(workspace: Workspace, *, fast: bool = False, n_process: int = 1,
        batch_size: int = DEFAULT_BATCH_SIZE, force: bool = False,
        nlp: Language | None = None,
        progress: Progress[list[str]] | None = None) -> TagReport:
    """Tag every document not yet tagged with this pipeline (all of them with ``force``)."""
    if batch_size < 1:
        raise ConfigError(Errors.E302.format(value=batch_size))
    if n_process < 1:
        raise ConfigError(Errors.E303.format(value=n_process))
    ensure_segmented(workspace, SegmentConfig(method="sentencizer" if fast else "parser"))
    settings = pipeline_config(fast=fast)
    digest = config_hash(settings)
    total = workspace.query("SELECT count(*) FROM documents")[0][0]
    todo = ([r[0] for r in workspace.query("SELECT doc_id FROM documents ORDER BY doc_id")]
            if force else workspace.unprocessed(STAGE, digest))
    nlp = nlp or build_nlp(fast=fast)
    with workspace.run(STAGE, settings, model_version=settings["model"]) as run:
        report = TagReport(run.run_id, 0, total - len(todo))
        batches = [todo[i:i + _DOCS_PER_COMMIT] for i in range(0, len(todo), _DOCS_PER_COMMIT)]
        try:
            for ids in (progress(batches, len(batches)) if progress else batches):
                labeled = list(_tag_batch(workspace, nlp, ids, batch_size, n_process))
                with workspace.transaction():
                    replace_predictions(workspace, labeled, run.run_id, SOURCES)
                    workspace.mark_processed(STAGE, ids, digest, run.run_id)
                report.documents += len(ids)
                report.entities += sum(len(d.entities) for d in labeled)
                report.events += sum(len(d.takfir) for d in labeled)
                report.stance += sum(len(d.stance) for d in labeled)
                log.debug("tagged %d documents", report.documents)
        finally:
            run.counts = {"documents": report.documents, "skipped": report.skipped,
                          "entities": report.entities, "events": report.events,
                          "stance": report.stance}
    return report


def _tag_batch(workspace: Workspace, nlp: Language, ids: list[str], batch_size: int,
               n_process: int) -> Iterator[LabeledDocument]:
    rows = workspace.query("SELECT doc_id, sha256, text FROM documents WHERE doc_id IN "
                           "(SELECT unnest(?::VARCHAR[])) ORDER BY doc_id", [ids])
    sentences: dict[str, list[Span]] = {}
    for doc_id, start, end in workspace.query(
            "SELECT doc_id, start_char, end_char FROM sentences WHERE doc_id IN "
            "(SELECT unnest(?::VARCHAR[])) ORDER BY doc_id, idx", [ids]):
        sentences.setdefault(doc_id, []).append(Span(start, end))

    # The stored sentences are the sentence boundaries: the parser respects preset starts, so
    # a whole document is one Doc (document context for coreference and stance) whose
    # sentences line up with the stored ones; without a parser no sentencizer pass is needed.
    disable = ["sentencizer"] if "sentencizer" in nlp.pipe_names else []

    def units() -> Iterator[tuple[Doc, tuple[str, int]]]:
        for doc_id, _, text in rows:
            if len(text) <= _WHOLE_DOC_CHARS:
                yield _with_sentences(nlp, text, 0, sentences.get(doc_id, [])), (doc_id, 0)
                continue
            for start, end in paragraphs(text):
                yield _with_sentences(nlp, text[start:end], start, sentences.get(doc_id, [])), (
                    doc_id, start)

    found: dict[str, LabeledDocument] = {
        doc_id: LabeledDocument(sha, doc_id, "system") for doc_id, sha, _ in rows}
    # batch_size counts paragraph-sized texts: whole documents go fewer to a batch, so the
    # parser's working memory stays what it is for paragraphs
    mean_chars = sum(len(text) for _, _, text in rows) / max(1, len(rows))
    per_batch = max(1, min(batch_size, round(batch_size * _UNIT_CHARS / max(1, mean_chars))))
    with nlp.select_pipes(disable=disable):
        for doc, (doc_id, offset) in nlp.pipe(units(), as_tuples=True, batch_size=per_batch,
                                              n_process=n_process):
            part = labels_of(doc, offset)
            prior = found[doc_id]
            found[doc_id] = replace(prior, entities=prior.entities + part.entities,
                                    takfir=prior.takfir + part.takfir,
                                    stance=prior.stance + part.stance)
    for doc_id, labeled in found.items():
        stored = sentences.get(doc_id, [])
        yield replace(labeled, sentences=tuple(stored),
                      stance=tuple(_on_sentences(labeled.stance, stored)))


def _with_sentences(nlp: Language, text: str, offset: int, sentences: list[Span]) -> Doc:
    """A tokenized Doc whose sentence starts are the stored sentences' (``offset`` is where
    ``text`` starts in the document)."""
    doc = nlp.make_doc(text)
    if not len(doc):
        return doc
    idx = doc.to_array(IDX).astype(numpy.int64)
    starts = numpy.full(len(doc), -1, dtype=numpy.int64)  # -1: not a sentence start
    starts[0] = 1
    for sentence in sentences:
        local = sentence.start - offset
        if 0 < local < len(text):
            i = int(numpy.searchsorted(idx, local))
            if i < len(doc):
                starts[i] = 1
    doc.from_array([SENT_START], starts.reshape(-1, 1).astype(numpy.uint64))
    return doc


def labels_of(doc: Doc, offset: int = 0) -> LabeledDocument:
    """The labels a tagged Doc carries, with character offsets shifted by ``offset``."""
    ours = {(s.start, s.end, s.label_) for s in doc.spans.get(SPANS_KEY, [])}
    labels = set(load_schema().entity_labels)
    entities = tuple(
        Entity(e.start_char + offset, e.end_char + offset, e.label_, e.kb_id_ or None, 1.0,
               "rule" if (e.start, e.end, e.label_) in ours or e.kb_id_ else "model")
        for e in doc.ents if e.label_ in labels)
    events = tuple(_shift_event(event_from_json(e), offset)
                   for e in (doc._.takfir_events or []))
    stance = tuple(Stance(s["start"] + offset, s["end"] + offset, s["target"], s["label"],
                          _shift(span_from_json(s.get("holder")), offset),
                          float(s.get("score", 1.0)), s.get("source", "rule"))
                   for s in (doc._.stance or []))
    return LabeledDocument("", "", "system", entities, events, (), stance)


def _shift(span: Span | None, offset: int) -> Span | None:
    return None if span is None else Span(span.start + offset, span.end + offset, span.kb_id)


def _shift_event(e: TakfirEvent, offset: int) -> TakfirEvent:
    trigger = _shift(e.trigger, offset)
    assert trigger is not None
    return replace(e, trigger=trigger, declarer=_shift(e.declarer, offset),
                   target=_shift(e.target, offset), ground=_shift(e.ground, offset))


def _on_sentences(stance: Iterable[Stance], sentences: list[Span]) -> Iterator[Stance]:
    """Stance per stored sentence and target, from the best-overlapping tagged sentence."""
    by_target: dict[str, list[Stance]] = {}
    exact: dict[tuple[int, int, str], Stance] = {}
    for s in stance:
        by_target.setdefault(s.target, []).append(s)
        exact[(s.start, s.end, s.target)] = s
    for sentence in sentences:
        for target, items in by_target.items():
            best = exact.get((sentence.start, sentence.end, target))
            if best is not None:
                yield best
                continue
            # the tagger split this stretch differently: take the most overlapping sentence
            best = max(items, key=lambda s: min(s.end, sentence.end) - max(s.start,
                                                                           sentence.start))
            if min(best.end, sentence.end) - max(best.start, sentence.start) > 0:
                yield replace(best, start=sentence.start, end=sentence.end)
