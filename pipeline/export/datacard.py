"""DATACARD.md: what an export holds, how its labels were made, and what it is for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TakfirError
from ..gold import load_gold
from ..metrics import MICRO
from ..schema import LabelSchema, load_schema
from ..store import Workspace
from .views import Record, label_sources

DATACARD_FILENAME = "DATACARD.md"


@dataclass(frozen=True)
class CardSettings:
    """The export options the card reports."""

    source: str
    split: str
    seed: int
    formats: Sequence[str]
    pseudonymized: bool
    placeholders: int = 0


def agreement_figures(workspace: Workspace, gold: Path | None) -> dict[str, Any] | None:
    """Self-agreement of the gold (``<gold>/agreement/*.jsonl`` against ``<gold>``), if any."""
    if gold is None or not gold.is_dir() or not (gold / "agreement").is_dir():
        return None
    from ..agreement import agreement_report  # evaluation code: only needed here

    try:
        first = load_gold(gold, workspace, skip_missing=True)
        second = load_gold(gold / "agreement", workspace, skip_missing=True)
    except TakfirError:
        return None
    shared = {d.doc_id for d in first} & {d.doc_id for d in second}
    if not shared:
        return None
    report = agreement_report([d for d in first if d.doc_id in shared],
                              [d for d in second if d.doc_id in shared])
    return {"documents": len(shared), "annotators": report.get("annotators", []),
            "entities_exact_f1": report["entities"]["exact"][MICRO]["f1"],
            "entities_overlap_f1": report["entities"]["overlap"][MICRO]["f1"],
            "takfir_trigger_f1": report["takfir_events"]["trigger"]["f1"],
            "takfir_sentences_kappa": report["takfir_sentences"].get("cohen_kappa"),
            "stance_kappa": {t: v.get("cohen_kappa") for t, v in report["stance"].items()}}


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _counts(splits: Mapping[str, list[Record]], schema: LabelSchema) -> list[list[Any]]:
    per: dict[str, Counter[str]] = {}
    for name, records in splits.items():
        c: Counter[str] = Counter()
        for r in records:
            c["documents"] += 1
            c["sentences"] += len(r["sentences"])
            c.update(f"entity {e['label']}" for e in r["entities"])
            c.update(f"takfir {e['mode']}" for e in r["takfir"])
            c.update(f"stance {s['target']} {s['label']}" for x in r["sentences"]
                     for s in x["stance"])
        per[name] = c
    keys = ["documents", "sentences", *(f"entity {x}" for x in schema.entities),
            *(f"takfir {m}" for m in schema.modes),
            *(f"stance {t} {label}" for t in schema.stance_targets
              for label in schema.stance_labels)]
    return [[k, *(per[n][k] for n in splits), sum(per[n][k] for n in splits)] for k in keys]


def render_datacard(splits: Mapping[str, list[Record]], settings: CardSettings, *,
                    agreement: dict[str, Any] | None = None,
                    schema: LabelSchema | None = None) -> str:
    """The card's Markdown."""
    schema = schema or load_schema()
    records = [r for rs in splits.values() for r in rs]
    formats = Counter(r["meta"].get("format") or "?" for r in records)
    languages = Counter(r["meta"].get("language") or "?" for r in records)
    sources = Counter(s for r in records for s in label_sources(r))
    total = sum(sources.values()) or 1
    with_gold = sum(1 for r in records if "gold" in label_sources(r))
    lines = [
        "# Data card: takfir-pipeline export", "",
        f"Formats: {', '.join(settings.formats)}. Label source: `{settings.source}` "
        "(`best` = gold where a document has it, then model, then rule; every label keeps "
        f"its `source`). Split `{settings.split}` by document, seed {settings.seed}.", "",
        "## Sources", "",
        f"{len(records)} documents ({', '.join(f'{n} {k}' for k, n in formats.most_common())}"
        f"; languages: {', '.join(f'{k} {n}' for k, n in languages.most_common())}):", "",
        *(f"- `{r['meta'].get('source')}` ({r['id']})" for r in
          sorted(records, key=lambda r: str(r["meta"].get("source")))[:50]),
        *([f"- ... and {len(records) - 50} more"] if len(records) > 50 else []), "",
        "## Counts per label and split", "",
        *_table(["label", *splits, "total"], _counts(splits, schema)), "",
        "## How the labels were made", "",
        *_table(["source", "labels", "share"],
                [[s, sources[s], f"{sources[s] / total:.1%}"] for s in ("gold", "model", "rule")]),
        "", f"{with_gold} of {len(records)} documents carry gold labels. `rule` labels come "
        "from the lexicon and the rule-based takfir and stance taggers, `model` from "
        "statistical models, `gold` from adjudicated human annotation.", "",
        "## Agreement", "",
    ]
    if agreement:
        lines += [f"Two blind annotation passes over {agreement['documents']} document(s) "
                  f"({', '.join(agreement['annotators'])}):", "",
                  f"- entities, micro F1: exact {agreement['entities_exact_f1']}, overlap "
                  f"{agreement['entities_overlap_f1']}",
                  f"- takfir triggers F1: {agreement['takfir_trigger_f1']}; takfir sentences "
                  f"Cohen's kappa: {agreement['takfir_sentences_kappa']}",
                  "- stance, Cohen's kappa: " + ", ".join(
                      f"{t} {k}" for t, k in agreement["stance_kappa"].items()), ""]
    else:
        lines += ["No agreement figures: no second annotation pass over these documents.", ""]
    lines += [
        "## Known gaps", "",
        "- Documents without gold carry predictions only; rule labels are far from perfect "
        "(see `takfir evaluate`), and a keyword match on takfir terms alone has precision ~0.5.",
        "- Stance is labeled only toward the targets in labels.toml ("
        + ", ".join(schema.stance_targets) + "); a missing target means NONE.",
        "- Non-English documents are flagged, not translated; the tokenization of the spaCy "
        "and CoNLL exports is English (spans are expanded to whole tokens there).",
        "- Takfir events are read within one document: no cross-document coreference of "
        "parties.", "",
        "## Intended use", "",
        "Research on discourse: who declares whom an unbeliever, on what grounds, and how "
        "groups position themselves. Not for judging, scoring or profiling individuals, and "
        "not for content moderation decisions about people.", "",
        "## Personal names", "",
    ]
    if settings.pseudonymized:
        lines.append(f"Pseudonymized: {settings.placeholders} private person(s) replaced by "
                     "consistent placeholders (PERSON_001, ...) in the texts and meta; public "
                     "figures listed in the lexicon keep their names. Names the taggers did not "
                     "tag as PERSON may remain: review before sharing.")
    else:
        lines.append("**Real names are present** (private persons included). Export with "
                     "`--pseudonymize` before sharing outside the research team.")
    return "\n".join(lines) + "\n"


def write_datacard(folder: Path, splits: Mapping[str, list[Record]], settings: CardSettings,
                   *, agreement: dict[str, Any] | None = None) -> Path:
    path = folder / DATACARD_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_datacard(splits, settings, agreement=agreement), encoding="utf-8")
    return path
