"""The real comparable corpus: rebuild the texts, ingest them, print worksheets, compile gold.

The texts are third-party writing and never enter git (corpus/real/README.md). What is
committed is corpus/real/MANIFEST.tsv (where each text comes from, how it was cleaned, the
sha256 of the raw excerpt and of the canonical text, the split) and the standoff gold in
annotations/gold/real/ (offsets plus sha256). This script goes from one to the other:

  rebuild    corpus/real/raw/<id>.txt  -> corpus/real/texts/<id>.txt (the cleaning recipe)
  ingest     corpus/real/texts/        -> corpus/real/workspace (takfir ingest + segment),
             then checks every canonical sha256 against the manifest (--update fills it in)
  worksheet  ID...                     -> numbered sentences for annotators
  compile    corpus/real/sheets/<pass>/<id>.json -> annotations/gold/real/*.jsonl

Annotation sheets quote the text (they stay in corpus/real/sheets/, git-ignored); `compile`
turns each quote into offsets inside its sentence and refuses quotes it cannot place.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpus" / "real"
MANIFEST = REAL / "MANIFEST.tsv"
RAW, TEXTS, SHEETS = REAL / "raw", REAL / "texts", REAL / "sheets"
WORKSPACE = REAL / "workspace"
GOLD = ROOT / "annotations" / "gold" / "real"
COLUMNS = ("id", "url", "title", "outlet", "date", "kind", "movement", "has_takfir", "split",
           "query", "drop_lines", "trim_tail", "raw_sha256", "sha256")


def use_root(root: Path) -> None:
    """Work on a staging copy of corpus/real (its own MANIFEST.tsv, raw/, texts/, sheets/ and
    workspace/), so that annotators adding texts in parallel do not touch each other's files."""
    global REAL, MANIFEST, RAW, TEXTS, SHEETS, WORKSPACE
    REAL = root.resolve()
    MANIFEST = REAL / "MANIFEST.tsv"
    RAW, TEXTS, SHEETS = REAL / "raw", REAL / "texts", REAL / "sheets"
    WORKSPACE = REAL / "workspace"


_SENTENCE_END = re.compile(r"""[.!?]["'”’)\]]*(?=\s|$)""")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def raw_digest(raw: str) -> str:
    """sha256 of a raw excerpt with every Unicode space as a plain space: the stored pages
    hold non-breaking spaces that a copy cannot see, and ingest maps them to spaces anyway."""
    return sha256("".join(" " if unicodedata.category(c) == "Zs" else c for c in raw))


def read_manifest(path: Path | None = None) -> list[dict[str, str]]:
    path = path or MANIFEST
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for number, row in enumerate(rows, start=2):
        missing = [c for c in COLUMNS if row.get(c) is None]
        if missing:
            sys.exit(f"{path}:{number}: missing columns {missing}; header must be "
                     f"{' '.join(COLUMNS)}")
    return rows


def write_manifest(rows: list[dict[str, str]], path: Path | None = None) -> None:
    path = path or MANIFEST
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)


# -- rebuild: the cleaning recipe ----------------------------------------------------------------

def clean(raw: str, drop_lines: str, trim_tail: str) -> str:
    """Drop the listed lines (1-based; navigation, captions, subscription lines) and, with
    ``trim_tail`` = yes, the unfinished sentence the excerpt ends on. Nothing is rewritten."""
    drop = {int(n) for n in drop_lines.replace(" ", "").split(",") if n and n != "-"}
    lines = [line for number, line in enumerate(raw.split("\n"), start=1) if number not in drop]
    text = "\n".join(lines).rstrip()
    if trim_tail == "yes":
        last_break = text.rfind("\n")
        tail = text[last_break + 1:]
        ends = list(_SENTENCE_END.finditer(tail))
        if not ends or not tail.rstrip().endswith(ends[-1].group()):
            keep = ends[-1].end() if ends else 0
            text = (text[:last_break + 1] + tail[:keep]).rstrip()
    return text + "\n"


def rebuild(rows: list[dict[str, str]]) -> int:
    TEXTS.mkdir(parents=True, exist_ok=True)
    problems = 0
    for row in rows:
        raw_path = RAW / f"{row['id']}.txt"
        if not raw_path.exists():
            print(f"{row['id']}: missing {raw_path.relative_to(ROOT)}; re-fetch it as "
                  "corpus/real/README.md says", file=sys.stderr)
            problems += 1
            continue
        raw = raw_path.read_text(encoding="utf-8")
        if row["raw_sha256"] and raw_digest(raw) != row["raw_sha256"]:
            print(f"{row['id']}: raw excerpt differs from the manifest's (sha256 "
                  f"{raw_digest(raw)[:12]} != {row['raw_sha256'][:12]}); the stored page changed "
                  "or the copy is not exact", file=sys.stderr)
            problems += 1
        (TEXTS / f"{row['id']}.txt").write_text(
            clean(raw, row["drop_lines"], row["trim_tail"]), encoding="utf-8")
    print(f"rebuilt {len(rows) - problems} of {len(rows)} texts into "
          f"{TEXTS.relative_to(ROOT)}")
    return problems


# -- ingest: canonical texts and sentences from the pipeline itself ------------------------------

def takfir(*args: str) -> None:
    exe = Path(sys.executable).with_name("takfir")
    subprocess.run([str(exe), *args, "--workspace", str(WORKSPACE)], check=True)


def documents() -> dict[str, dict[str, Any]]:
    """Manifest id -> doc_id, sha256, text and sentence offsets, from the corpus workspace."""
    from pipeline.store import Workspace

    out: dict[str, dict[str, Any]] = {}
    with Workspace(WORKSPACE, read_only=True) as ws:
        rows = ws.query("SELECT s.source_path, d.doc_id, d.sha256, d.text FROM sources s "
                        "JOIN documents d USING (doc_id)")
        sentences: dict[str, list[tuple[int, int]]] = {}
        for doc_id, start, end in ws.query("SELECT doc_id, start_char, end_char FROM "
                                           "sentences ORDER BY doc_id, idx"):
            sentences.setdefault(doc_id, []).append((start, end))
    for source, doc_id, sha, text in rows:
        key = Path(source).stem
        out[key] = {"doc_id": doc_id, "sha256": sha, "text": text,
                    "sentences": sentences.get(doc_id, [])}
    return out


def ingest(rows: list[dict[str, str]], update: bool) -> int:
    takfir("ingest", str(TEXTS))
    takfir("segment")
    docs = documents()
    problems = 0
    for row in rows:
        doc = docs.get(row["id"])
        if doc is None:
            print(f"{row['id']}: not in the workspace (rejected at ingest?)", file=sys.stderr)
            problems += 1
            continue
        if update:
            row["sha256"] = doc["sha256"]
            raw = (RAW / f"{row['id']}.txt").read_text(encoding="utf-8")
            row["raw_sha256"] = raw_digest(raw)
        elif row["sha256"] != doc["sha256"]:
            print(f"{row['id']}: canonical sha256 {doc['sha256'][:12]} differs from the "
                  f"manifest's {row['sha256'][:12]}", file=sys.stderr)
            problems += 1
    if update:
        write_manifest(rows)
    print(f"{len(rows) - problems} of {len(rows)} texts ingested and matching the manifest")
    return problems


def worksheet(ids: list[str]) -> None:
    docs = documents()
    for key in ids:
        doc = docs[key]
        text = doc["text"]
        print(f"# {key}  ({len(doc['sentences'])} sentences; a blank line = paragraph break)")
        previous_end = 0
        for index, (start, end) in enumerate(doc["sentences"]):
            if "\n\n" in text[previous_end:start] or "\n" in text[previous_end:start]:
                print()
            print(f"[{index}] {text[start:end]}")
            previous_end = end
        print()


# -- compile: sheets to takfir-gold/1 ------------------------------------------------------------

class SheetError(ValueError):
    pass


@dataclass
class Locator:
    """Finds quoted spans in one document, in its sentences, as offsets."""

    key: str
    text: str
    sentences: list[tuple[int, int]]

    def find(self, quote: Any, sentence: int, *, after: int | None = None) -> tuple[int, int]:
        """``quote`` is "words", "words#2" (second occurrence in the sentence) or
        {"text": "words", "s": 4} (in sentence 4, for an argument outside the trigger's)."""
        if isinstance(quote, dict):
            sentence = int(quote.get("s", sentence))
            quote = quote["text"]
        if not isinstance(quote, str) or not quote:
            raise SheetError(f"sentence {sentence}: bad quote {quote!r}")
        nth = 1
        if re.search(r"#\d+$", quote):
            quote, _, number = quote.rpartition("#")
            nth = int(number)
        if not 0 <= sentence < len(self.sentences):
            raise SheetError(f"sentence {sentence} does not exist "
                             f"({len(self.sentences)} sentences)")
        start, end = self.sentences[sentence]
        hits = [m.start() for m in re.finditer(re.escape(quote), self.text[start:end])
                if self._bounded(start + m.start(), start + m.start() + len(quote))]
        if after is not None and nth == 1:
            later = [h for h in hits if start + h >= after]
            hits = later or hits
        if len(hits) < nth:
            raise SheetError(f"sentence {sentence}: {quote!r} not found "
                             f"(occurrence {nth}) in {self.text[start:end][:80]!r}...")
        begin = start + hits[nth - 1]
        return begin, begin + len(quote)

    def _bounded(self, start: int, end: int) -> bool:
        """A quote matches whole words only ("IS" never inside "ISIS")."""
        before = self.text[start - 1] if start > 0 else " "
        after = self.text[end] if end < len(self.text) else " "
        return not (before.isalnum() and self.text[start].isalnum()) and not (
            after.isalnum() and self.text[end - 1].isalnum())


def compile_sheet(sheet: dict[str, Any], doc: dict[str, Any], schema: Any,
                  lexicon_ids: set[str]) -> tuple[dict[str, Any], list[str]]:
    """One takfir-gold/1 record and the list of problems (empty when the sheet is clean)."""
    loc = Locator(sheet["id"], doc["text"], doc["sentences"])
    problems: list[str] = []
    entities, events = [], []
    stance: dict[int, list[dict[str, Any]]] = {}
    for entry in sheet.get("sentences", []):
        s = int(entry["s"])
        cursor: int | None = None
        for item in entry.get("entities", []):
            try:
                quote, label = item[0], item[1]
                kb_id = item[2] if len(item) > 2 else None
                schema.check("entity", label, f"{sheet['id']} sentence {s}")
                if kb_id and kb_id not in lexicon_ids:
                    problems.append(f"sentence {s}: kb_id {kb_id!r} is not in the lexicon")
                start, end = loc.find(quote, s, after=cursor)
                cursor = end
                entities.append({"start": start, "end": end, "label": label, "kb_id": kb_id})
            except (SheetError, ValueError, IndexError, TypeError) as err:
                problems.append(f"entity {item!r}: {err}")
        for event in entry.get("events", []):
            try:
                record: dict[str, Any] = {}
                start, end = loc.find(event["trigger"], s)
                record["trigger"] = {"start": start, "end": end}
                for role in ("declarer", "target", "ground"):
                    quote = event.get(role)
                    if quote in (None, ""):
                        record[role] = None
                        continue
                    start, end = loc.find(quote, s)
                    record[role] = {"start": start, "end": end}
                    if role != "ground":
                        kb_id = event.get(f"{role}_kb")
                        if kb_id and kb_id not in lexicon_ids:
                            problems.append(f"sentence {s}: kb_id {kb_id!r} not in lexicon")
                        record[role]["kb_id"] = kb_id or None
                record["mode"] = schema.check("mode", event["mode"], f"sentence {s}")
                record["chain"] = bool(event.get("chain", False))
                events.append(record)
            except (SheetError, ValueError, KeyError) as err:
                problems.append(f"event {event.get('trigger')!r} in sentence {s}: {err}")
        for item in entry.get("stance", []):
            try:
                target = schema.check("target", item["target"], f"sentence {s}")
                label = schema.check("stance", item["label"], f"sentence {s}")
                holder = None
                if item.get("holder"):
                    start, end = loc.find(item["holder"], s)
                    holder = {"start": start, "end": end, "kb_id": item.get("holder_kb")}
                stance.setdefault(s, []).append({"target": target, "label": label,
                                                 "holder": holder})
            except (SheetError, ValueError, KeyError) as err:
                problems.append(f"stance {item!r} in sentence {s}: {err}")
    entities.sort(key=lambda e: (e["start"], e["end"]))
    events.sort(key=lambda e: e["trigger"]["start"])
    record = {
        "schema": "takfir-gold/1", "sha256": doc["sha256"],
        "source": f"corpus/real/texts/{sheet['id']}.txt", "annotator": sheet["annotator"],
        "entities": entities, "takfir": events,
        "sentences": [{"start": a, "end": b, "stance": stance.get(i, [])}
                      for i, (a, b) in enumerate(doc["sentences"])],
    }
    return record, problems


def check_sheets(name: str, ids: list[str]) -> int:
    from pipeline.lexicon import load_lexicon
    from pipeline.schema import load_schema

    schema, lexicon, docs = load_schema(), load_lexicon(), documents()
    problems = 0
    for key in ids:
        path = SHEETS / name / f"{key}.json"
        try:
            sheet = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            print(f"{path.name}: {err}")
            problems += 1
            continue
        record, issues = compile_sheet(sheet, docs[key], schema, {e.id for e in lexicon.entries})
        for issue in issues:
            print(f"{path.name}: {issue}")
        problems += len(issues)
        print(f"{path.name}: {len(record['entities'])} entities, {len(record['takfir'])} "
              f"events, {sum(len(s['stance']) for s in record['sentences'])} stance labels, "
              f"{len(issues)} problems")
    return problems


def compile_gold(rows: list[dict[str, str]], passes: list[str]) -> int:
    from pipeline.lexicon import load_lexicon
    from pipeline.schema import load_schema

    schema, lexicon = load_schema(), load_lexicon()
    ids = {e.id for e in lexicon.entries}
    docs = documents()
    split_of = {row["id"]: row["split"] for row in rows}
    problems = 0
    for name in passes:
        out: dict[str, list[str]] = {}
        for path in sorted((SHEETS / name).glob("*.json")):
            sheet = json.loads(path.read_text(encoding="utf-8"))
            key = sheet["id"]
            if key not in docs or key not in split_of:
                print(f"{path.name}: no manifest row or ingested text for {key!r}",
                      file=sys.stderr)
                problems += 1
                continue
            record, issues = compile_sheet(sheet, docs[key], schema, ids)
            for issue in issues:
                print(f"{path.relative_to(ROOT)}: {issue}", file=sys.stderr)
            problems += len(issues)
            group = split_of[key] if name == "pass-a" else f"agreement/{name}"
            out.setdefault(group, []).append(json.dumps(record, ensure_ascii=False))
        for group, lines in out.items():
            target = GOLD / f"{group}.jsonl"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(f"{target.relative_to(ROOT)}: {len(lines)} documents")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("rebuild", help="raw excerpts -> cleaned texts")
    ingest_cmd = sub.add_parser("ingest", help="ingest + segment, check sha256s")
    ingest_cmd.add_argument("--update", action="store_true",
                            help="write the raw and canonical sha256s into the manifest")
    sheet_cmd = sub.add_parser("worksheet", help="numbered sentences of documents")
    sheet_cmd.add_argument("ids", nargs="+")
    check_cmd = sub.add_parser("check", help="list the problems of some sheets, write nothing")
    check_cmd.add_argument("sheet_pass", metavar="PASS")
    check_cmd.add_argument("ids", nargs="+")
    compile_cmd = sub.add_parser("compile", help="annotation sheets -> takfir-gold/1")
    compile_cmd.add_argument("--passes", nargs="+", default=["pass-a", "pass-b"])
    parser.add_argument("--root", type=Path, help="a staging copy of corpus/real with its own "
                        "MANIFEST.tsv, raw/ and sheets/ (compile still writes the real gold)")
    args = parser.parse_args(argv)
    if args.root:
        use_root(args.root)
    rows = read_manifest()
    if args.command == "rebuild":
        return 1 if rebuild(rows) else 0
    if args.command == "ingest":
        return 1 if ingest(rows, args.update) else 0
    if args.command == "worksheet":
        worksheet(args.ids)
        return 0
    if args.command == "check":
        return 1 if check_sheets(args.sheet_pass, args.ids) else 0
    return 1 if compile_gold(rows, args.passes) else 0


if __name__ == "__main__":
    sys.exit(main())
