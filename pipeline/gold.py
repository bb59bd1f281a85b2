"""Gold files (`takfir-gold/1` JSONL): read, validate, join with the workspace, write.

A gold record holds offsets into a document's canonical text and that text's sha256, never
the text. Loading joins each record with the stored document of the same sha256 and stops
with an error naming the file and line when there is none, or when an offset does not fit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import ConfigError, Errors, GoldError
from .records import Entity, LabeledDocument, Span, Stance, TakfirEvent, misplaced_span
from .schema import LabelSchema, load_schema
from .store import Workspace

GOLD_SCHEMA = "takfir-gold/1"


def gold_files(path: Path) -> list[Path]:
    """The gold files at ``path``: the file itself, or the *.jsonl directly in a folder."""
    if path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise GoldError(Errors.E406.format(path=path))
        return files
    if not path.exists():
        raise GoldError(Errors.E406.format(path=path))
    return [path]


def read_gold(path: Path, schema: LabelSchema | None = None
              ) -> Iterator[tuple[int, LabeledDocument, str]]:
    """(line, document with an empty doc_id, source hint) for each record of one file."""
    schema = schema or load_schema()
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise GoldError(Errors.E401.format(where=where, detail=err.msg)) from err
        if record.get("schema") != GOLD_SCHEMA:
            raise GoldError(Errors.E402.format(where=where, found=record.get("schema"),
                                               expected=GOLD_SCHEMA))
        try:
            yield number, from_record(record, schema, where), str(record.get("source", ""))
        except (KeyError, TypeError, ValueError) as err:
            if isinstance(err, GoldError):
                raise
            raise GoldError(Errors.E405.format(where=where, detail=err)) from err


def load_gold(path: Path, workspace: Workspace, *, schema: LabelSchema | None = None,
              skip_missing: bool = False) -> list[LabeledDocument]:
    """Every gold document at ``path``, joined with its workspace document by sha256.

    With ``skip_missing``, gold for texts the workspace does not hold is passed over (exports
    of a partial corpus); otherwise it is an error (evaluation must not silently shrink).
    """
    schema = schema or load_schema()
    texts = {sha: (doc_id, text) for doc_id, sha, text in workspace.query(
        "SELECT doc_id, sha256, text FROM documents")}
    out = []
    missing: list[tuple[str, str, str]] = []
    total = 0
    for file in gold_files(path):
        for number, doc, source in read_gold(file, schema):
            where = f"{file}:{number}"
            total += 1
            if doc.sha256 not in texts:
                missing.append((where, doc.sha256, source))
                continue
            doc_id, text = texts[doc.sha256]
            _check_offsets(doc, len(text), where)
            out.append(LabeledDocument(doc.sha256, doc_id, doc.annotator, doc.entities,
                                       doc.takfir, doc.sentences, doc.stance))
    if missing and not skip_missing:
        raise GoldError(_missing_message(missing, total, workspace))
    return out


def _missing_message(missing: list[tuple[str, str, str]], total: int,
                     workspace: Workspace) -> str:
    """Every gold record whose text the workspace lacks, whether the file was ingested with
    other content (changed) or not at all (missing), with its manifest row when the text
    belongs to a corpus with a MANIFEST.tsv (the real texts, which stay out of git)."""
    stored = {Path(p).name for (p,) in workspace.query("SELECT source_path FROM sources")}
    lines, readmes, changed = [], set(), 0
    for where, sha, source in missing:
        line = Errors.E403.format(where=where, sha=sha[:12], source=source or
                                  "the annotated text")
        hint = Path(source) if source else None
        if hint is not None and hint.name in stored:
            changed += 1
            line += f"; {hint.name} is in the workspace with other content (changed)"
        row = _manifest_row(hint) if hint is not None else None
        if row is not None:
            line += f"; manifest row {row.get('id')} ({row.get('url')})"
            readmes.add(str(hint.parent.parent / "README.md"))
        lines.append(line)
    how = (f"get the texts back as {', '.join(sorted(readmes))} says" if readmes
           else "ingest the annotated texts unchanged")
    lines.append(Errors.E407.format(count=len(missing), total=total, changed=changed,
                                    absent=len(missing) - changed, how=how))
    return "\n".join(lines)


def _manifest_row(hint: Path) -> dict[str, str] | None:
    """The MANIFEST.tsv row of a text saved as <corpus>/texts/<id>.txt, if there is one."""
    manifest = hint.parent.parent / "MANIFEST.tsv"
    if not manifest.exists():
        return None
    import csv

    with manifest.open(encoding="utf-8", newline="") as handle:
        return next((row for row in csv.DictReader(handle, delimiter="\t")
                     if row.get("id") == hint.stem), None)


def from_record(record: dict[str, Any], schema: LabelSchema, where: str) -> LabeledDocument:
    def check(kind: str, value: str) -> str:
        try:
            return schema.check(kind, value, where)
        except ConfigError as err:
            raise GoldError(str(err)) from err

    entities = tuple(Entity(e["start"], e["end"], check("entity", e["label"]), e.get("kb_id"))
                     for e in record.get("entities", []))
    takfir = tuple(
        TakfirEvent(_span(e["trigger"]), _span(e.get("declarer")), _span(e.get("target")),
                    _span(e.get("ground")), check("mode", e["mode"]), bool(e.get("chain")))
        for e in record.get("takfir", []))
    sentences, stance = [], []
    for s in record.get("sentences", []):
        sentences.append(Span(s["start"], s["end"]))
        for item in s.get("stance", []):
            stance.append(Stance(s["start"], s["end"], check("target", item["target"]),
                                 check("stance", item["label"]), _span(item.get("holder"))))
    return LabeledDocument(record["sha256"], "", record.get("annotator", ""), entities, takfir,
                           tuple(sentences), tuple(stance))


def to_record(doc: LabeledDocument, source: str = "") -> dict[str, Any]:
    """The JSON object of one gold line (the inverse of from_record)."""
    by_sentence: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for s in doc.stance:
        by_sentence.setdefault((s.start, s.end), []).append(
            {"target": s.target, "label": s.label, "holder": _span_json(s.holder)})
    return {
        "schema": GOLD_SCHEMA, "sha256": doc.sha256, "source": source,
        "annotator": doc.annotator,
        "entities": [{"start": e.start, "end": e.end, "label": e.label, "kb_id": e.kb_id}
                     for e in doc.entities],
        "takfir": [{"trigger": _span_json(e.trigger, kb=False),
                    "declarer": _span_json(e.declarer), "target": _span_json(e.target),
                    "ground": _span_json(e.ground, kb=False), "mode": e.mode,
                    "chain": e.chain} for e in doc.takfir],
        "sentences": [{"start": s.start, "end": s.end,
                       "stance": by_sentence.get((s.start, s.end), [])} for s in doc.sentences],
    }


def write_gold(path: Path, docs: Iterable[tuple[LabeledDocument, str]]) -> int:
    """Write (document, source hint) pairs as one gold file; returns the record count."""
    lines = [json.dumps(to_record(doc, source), ensure_ascii=False) for doc, source in docs]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _span(value: dict[str, Any] | None) -> Span | None:
    return None if value is None else Span(value["start"], value["end"], value.get("kb_id"))


def _span_json(span: Span | None, *, kb: bool = True) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, **({"kb_id": span.kb_id} if kb else {})}


def _check_offsets(doc: LabeledDocument, length: int, where: str) -> None:
    bad = misplaced_span(doc, length)
    if bad is not None:
        kind, span = bad
        raise GoldError(Errors.E404.format(where=where, kind=kind, start=span.start,
                                           end=span.end, length=length))
