"""Ingest: files and folders in, canonical documents out, into the workspace store.

Content-addressed and idempotent: a document's id is a hash of its canonical text, so the same
text is stored once however often and from wherever it is ingested. Exact duplicates are
skipped and reported; near-duplicates are stored and linked to the document they resemble.
Bad files and records become rejections (``path[:line]: reason``) while the rest goes through.
A `takfir-export/1` JSONL line (an export of this pipeline) keeps its meta, its sentences and,
with ``labels="predictions"`` or ``"gold"``, its labels (see pipeline/export/reimport.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .canonical import CANONICAL_VERSION, canonicalize
from .dedup import CONFIG as DEDUP_CONFIG
from .dedup import NearDuplicateIndex, shingles, signature, signature_bytes, signature_from_bytes
from .errors import Errors, ExportError, InputError
from .formats import DEFAULT_MAX_BYTES, DEFAULT_TEXT_FIELD, READERS, read_file
from .language import detect_language
from .records import Rejection, SourceText
from .store import Workspace, now

log = logging.getLogger("takfir.ingest")
T = TypeVar("T")
Progress = Callable[[Iterable[T], int], Iterable[T]]
STAGE = "ingest"
DEFAULT_BATCH_SIZE = 200


@dataclass
class IngestReport:
    """What one ingest call did; ``exit_code`` is 1 when anything was rejected."""

    run_id: str = ""
    files: int = 0
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (location, doc_id)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    non_english: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, language)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unsupported files inside folders
    labeled: list[str] = field(default_factory=list)  # export records whose labels were read
    gold_file: str | None = None  # where --labels gold wrote the records' labels

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def counts(self) -> dict[str, int]:
        return {"files": self.files, "ingested": len(self.ingested),
                "unchanged": len(self.unchanged), "duplicates": len(self.duplicates),
                "near_duplicates": len(self.near_duplicates),
                "non_english": len(self.non_english), "rejected": len(self.rejected),
                "skipped": len(self.skipped), "labeled": len(self.labeled)}


def document_id(sha256: str) -> str:
    return f"doc_{sha256[:16]}"


def collect_files(paths: Sequence[str | os.PathLike[str]]
                  ) -> tuple[list[Path], list[Rejection], list[str]]:
    """Expand files and folders (recursively) into supported files, rejections and skips."""
    files: list[Path] = []
    rejected: list[Rejection] = []
    skipped: list[str] = []
    suffixes = ", ".join(READERS)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [p for p in sorted(path.rglob("*")) if p.is_file()
                     and not any(part.startswith(".") for part in p.relative_to(path).parts)]
            supported = [p for p in found if p.suffix.lower() in READERS]
            skipped.extend(display_path(p) for p in found if p.suffix.lower() not in READERS)
            if not supported:
                rejected.append(_rejection(InputError(Errors.E111.format(suffixes=suffixes),
                                                      path=display_path(path))))
            files.extend(supported)
        elif path.is_file():
            if path.suffix.lower() in READERS:
                files.append(path)
            else:
                msg = Errors.E112.format(suffix=path.suffix or "(none)", suffixes=suffixes)
                rejected.append(_rejection(InputError(msg, path=display_path(path))))
        else:
            rejected.append(_rejection(InputError(Errors.E101, path=display_path(path))))
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, rejected, skipped


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    workspace: Workspace,
    *,
    text_field: str = DEFAULT_TEXT_FIELD,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress[Path] | None = None,
    labels: str = "predictions",
    gold_out: Path | None = None,
) -> IngestReport:
    """Ingest ``paths`` into ``workspace`` and report what happened to every input.

    ``labels`` says what becomes of the labels of `takfir-export/1` records: ``predictions``
    (rows of the prediction tables, each keeping its source), ``gold`` (a takfir-gold/1 file,
    ``gold_out`` or ``<workspace>/gold/imported-<run>.jsonl``, to pass to --gold) or
    ``ignore``.
    """
    from .export.reimport import LABEL_MODES

    if labels not in LABEL_MODES:
        raise InputError(Errors.E606.format(choices=", ".join(LABEL_MODES), value=labels))
    config = {"canonical_version": CANONICAL_VERSION, "dedup": DEDUP_CONFIG,
              "text_field": text_field, "max_bytes": max_bytes, "labels": labels}
    report = IngestReport()
    files, report.rejected, report.skipped = collect_files(paths)
    report.files = len(files)
    with workspace.run(STAGE, config) as run:
        report.run_id = run.run_id
        writer = _BatchWriter(workspace, run.run_id, batch_size, labels)
        try:
            for rejection in report.rejected:
                writer.reject(rejection)
            tracked = progress(files, len(files)) if progress else files
            for path in tracked:
                for item in _records(path, text_field, max_bytes):
                    if isinstance(item, Rejection):
                        report.rejected.append(item)
                        writer.reject(item)
                    else:
                        writer.add(item, report)
            writer.flush()
            if writer.gold:
                from .gold import write_gold

                path = gold_out or workspace.path.parent / "gold" / f"imported-{run.run_id}.jsonl"
                write_gold(path, writer.gold)
                report.gold_file = display_path(path)
        finally:
            run.counts = report.counts()
    return report


def _records(path: Path, text_field: str, max_bytes: int) -> Iterator[SourceText | Rejection]:
    shown = display_path(path)
    try:
        for item in read_file(path, text_field=text_field, max_bytes=max_bytes, display=shown):
            yield _rejection(item) if isinstance(item, InputError) else item
    except InputError as err:
        yield _rejection(err)


class _BatchWriter:
    """Buffers rows and writes each batch in one transaction."""

    def __init__(self, workspace: Workspace, run_id: str, batch_size: int,
                 labels: str = "ignore") -> None:
        self.ws = workspace
        self.labels = labels
        self.labeled_docs: list[Any] = []  # LabeledDocument of export records (predictions)
        self.sentence_rows: list[dict[str, Any]] = []
        self.gold: list[tuple[Any, str]] = []  # (LabeledDocument, source hint) for --labels gold
        self.run_id = run_id
        self.batch_size = batch_size
        self.batches = 0
        self.rows: dict[str, list[dict[str, Any]]] = {
            "documents": [], "removed_lines": [], "sources": [], "rejections": []}
        self.pending_text: dict[str, str] = {}
        self.known_docs: set[str] = {r[0] for r in workspace.query(
            "SELECT doc_id FROM documents")}
        self.known_sources: set[tuple[str, int, str]] = {
            (r[0], r[1] if r[1] is not None else -1, r[2]) for r in workspace.query(
                "SELECT source_path, record, doc_id FROM sources")}
        self.index = NearDuplicateIndex(self._text_of)
        for doc_id, blob in workspace.query(
                "SELECT doc_id, minhash FROM documents WHERE minhash IS NOT NULL"):
            self.index.add(doc_id, signature_from_bytes(blob))

    def _text_of(self, doc_id: str) -> str:
        if doc_id in self.pending_text:
            return self.pending_text[doc_id]
        return self.ws.query("SELECT text FROM documents WHERE doc_id = ?", [doc_id])[0][0]

    def reject(self, rejection: Rejection) -> None:
        self.rows["rejections"].append({
            "source_path": str(Path(rejection.source_path).resolve()), "line": rejection.line,
            "code": rejection.code, "message": rejection.message, "run_id": self.run_id,
            "rejected_at": now()})

    def add(self, source: SourceText, report: IngestReport) -> None:
        from .export import reimport

        canonical = canonicalize(source.raw_text)
        fields = source.metadata
        exported = reimport.is_export_record(fields)
        if exported:
            metadata = reimport.stored_metadata(source.metadata)
            source = SourceText(source.source_path, source.record, source.format,
                                source.encoding, str(metadata[reimport.EXPORT_META_KEY].get(
                                    "title") or source.title), source.raw_text, metadata)
            if self.labels != "ignore" and canonical.text != source.raw_text:
                changed = sum(a != b for a, b in zip(canonical.text, source.raw_text,
                                                     strict=False))
                changed += abs(len(canonical.text) - len(source.raw_text))
                self._reject_record(source, Errors.E605.format(changed=changed), report)
                return
        if not canonical.text.strip():
            reasons = ", ".join(sorted({r.reason for r in canonical.removed})) or "whitespace"
            rejection = _rejection(InputError(Errors.E113.format(reasons=reasons),
                                              path=source.source_path, line=source.record))
            report.rejected.append(rejection)
            self.reject(rejection)
            return
        sha = hashlib.sha256(canonical.text.encode("utf-8")).hexdigest()
        doc_id = document_id(sha)
        if exported and self.labels != "ignore":
            try:
                self._read_labels(fields, canonical.text, doc_id, sha, source.location)
            except ExportError as err:
                self._reject_record(source, str(err), report)
                return
            report.labeled.append(doc_id)
        abs_path = str(Path(source.source_path).resolve())
        key = (abs_path, source.record if source.record is not None else -1, doc_id)
        raw_sha = hashlib.sha256(source.raw_text.encode("utf-8")).hexdigest()
        source_row = {"source_path": abs_path, "record": source.record, "raw_sha256": raw_sha,
                      "doc_id": doc_id, "run_id": self.run_id, "seen_at": now()}
        if doc_id in self.known_docs:
            if key in self.known_sources:
                report.unchanged.append(source.location)
                return
            report.duplicates.append((source.location, doc_id))
            self._add_source(key, {**source_row, "status": "duplicate"})
            return
        shingle_set = shingles(canonical.text)
        sig = signature(shingle_set)
        match = self.index.best_match(sig, shingle_set)
        language, score = detect_language(canonical.text)
        self.rows["documents"].append({
            "doc_id": doc_id, "sha256": sha, "raw_sha256": raw_sha, "source_path": abs_path,
            "record": source.record, "format": source.format, "encoding": source.encoding,
            "title": source.title, "language": language, "language_score": score,
            "is_english": language == "en", "n_chars": len(canonical.text),
            "raw_text": source.raw_text, "text": canonical.text,
            "offset_map": json.dumps(canonical.offset_map),
            "substitutions": canonical.substitutions,
            "metadata": json.dumps(source.metadata, default=str, ensure_ascii=False),
            "near_duplicate_of": match[0] if match else None,
            "near_duplicate_similarity": match[1] if match else None,
            "minhash": signature_bytes(sig), "ingest_run": self.run_id, "ingested_at": now()})
        self.rows["removed_lines"].extend({
            "doc_id": doc_id, "raw_start": r.raw_start, "raw_end": r.raw_end,
            "canonical_offset": r.canonical_offset, "reason": r.reason, "text": r.text}
            for r in canonical.removed)
        status = "near-duplicate" if match else "ingested"
        self._add_source(key, {**source_row, "status": status})
        self.known_docs.add(doc_id)
        self.pending_text[doc_id] = canonical.text
        self.index.add(doc_id, sig)
        report.ingested.append(doc_id)
        if match:
            report.near_duplicates.append((doc_id, match[0], match[1]))
        if language != "en":
            report.non_english.append((doc_id, language))
        if len(self.rows["documents"]) >= self.batch_size:
            self.flush()

    def _read_labels(self, fields: dict[str, Any], text: str, doc_id: str, sha: str,
                     location: str) -> None:
        """Queue an export record's sentences and labels (predictions or gold)."""
        from .export import reimport

        doc = reimport.labels_of(fields, text, doc_id, sha, as_gold=self.labels == "gold")
        self.sentence_rows += reimport.sentence_rows(doc)
        if self.labels == "gold":
            self.gold.append((doc, location))
        else:
            self.labeled_docs.append(doc)

    def _reject_record(self, source: SourceText, message: str, report: IngestReport) -> None:
        rejection = _rejection(InputError(message, path=source.source_path, line=source.record))
        report.rejected.append(rejection)
        self.reject(rejection)

    def _add_source(self, key: tuple[str, int, str], row: dict[str, Any]) -> None:
        self.known_sources.add(key)
        self.rows["sources"].append(row)

    def flush(self) -> None:
        if not any(self.rows.values()) and not self.sentence_rows:
            return
        with self.ws.transaction():
            for table, rows in self.rows.items():
                self.ws.insert(table, rows)
            self._write_labels()
        self.batches += 1
        log.debug("committed batch %d (%d documents)", self.batches,
                  len(self.rows["documents"]))
        for rows in self.rows.values():
            rows.clear()
        self.pending_text.clear()

    def _write_labels(self) -> None:
        """Sentences and predictions of export records (inside the batch's transaction)."""
        if not self.sentence_rows:
            return
        from .export.documents import STORED_SOURCES
        from .predictions import replace_predictions

        ids = sorted({row["doc_id"] for row in self.sentence_rows} |
                     {d.doc_id for d in self.labeled_docs})
        self.ws.query("DELETE FROM sentences WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                      [ids])
        self.ws.insert("sentences", self.sentence_rows)
        if self.labeled_docs:
            replace_predictions(self.ws, self.labeled_docs, self.run_id, STORED_SOURCES)
        self.sentence_rows.clear()
        self.labeled_docs.clear()


def _rejection(err: InputError) -> Rejection:
    return Rejection(err.path, err.line, err.code, err.message)


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
