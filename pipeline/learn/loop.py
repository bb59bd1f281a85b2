"""The model in the loop: trained classifiers score the stored sentences and add what the
rules missed, as predictions with source ``model``. Rule rows are never changed.

- takfir: every sentence gets p(TAKFIR) in ``sentence_scores`` (which also scores the rule
  events of that sentence); a sentence with p at or above the model's threshold (tuned by
  `takfir train` on held-out folds, in metrics.json), a takfir term and no
  non-negated rule event gets a model event on that term (mode from the mode model, else
  ``asserted``; none when the mode model says ``negated``).
- mode: the mode model's label per sentence with a takfir term, in ``sentence_scores``.
- stance: where the model's label differs from the rule's with p at or above its threshold, a
  stance row with source ``model`` (exports and `takfir evaluate` prefer it to the rule's).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from ..errors import LearnError
from ..evaluate import NEGATED
from ..predictions import predicted_documents, prediction_rows
from ..records import LabeledDocument, Span, Stance, TakfirEvent
from ..store import Workspace
from .data import TAKFIR, Unit, load_units, task_labels
from .persist import MODEL_FILE, available_models, default_models_folder, load_task_model
from .train import aligned_proba

STAGE = "predict"
SOURCE = "model"
ADD_THRESHOLD = 0.5  # defaults when a metrics.json has no tuned threshold
STANCE_THRESHOLD = 0.6
_DOCS_PER_COMMIT = 100


@dataclass(frozen=True)
class Scored:
    """One task's model output: a probability row per unit, columns in ``labels`` order."""

    units: list[Unit]
    labels: tuple[str, ...]
    proba: np.ndarray

    def by_key(self) -> dict[tuple[str, int, int, str | None], np.ndarray]:
        return {u.key: p for u, p in zip(self.units, self.proba, strict=True)
                if not np.isnan(p).any()}


def score_units(model: Pipeline, units: Sequence[Unit], labels: Sequence[str]) -> Scored:
    proba = aligned_proba(model, [u.input for u in units], labels) if units else \
        np.zeros((0, len(labels)))
    return Scored(list(units), tuple(labels), proba)


def combine(rules: LabeledDocument, scored: Mapping[str, Scored], *,
            add_threshold: float = ADD_THRESHOLD,
            stance_threshold: float = STANCE_THRESHOLD) -> LabeledDocument:
    """The rule labels of one document plus the model's (source ``model``); a model stance
    label replaces the rule's for the same sentence and target."""
    events = list(rules.takfir)
    stance = list(rules.stance)
    modes = scored["mode"].by_key() if "mode" in scored else {}
    mode_labels = scored["mode"].labels if "mode" in scored else ()
    if "takfir" in scored:
        positive = scored["takfir"].labels.index(TAKFIR)
        for unit, p in zip(scored["takfir"].units, scored["takfir"].proba, strict=True):
            if unit.doc_id != rules.doc_id or np.isnan(p).any() or not unit.terms:
                continue
            if p[positive] < add_threshold or any(m != NEGATED for m in unit.modes):
                continue
            mode = "asserted"
            if unit.key in modes:
                mode = mode_labels[int(modes[unit.key].argmax())]
            if mode == NEGATED:
                continue
            start, end = unit.terms[0]
            events.append(TakfirEvent(Span(start, end), None, None, None, mode, False,
                                      round(float(p[positive]), 4), SOURCE))
    if "stance" in scored:
        labels = scored["stance"].labels
        for unit, p in zip(scored["stance"].units, scored["stance"].proba, strict=True):
            if unit.doc_id != rules.doc_id or np.isnan(p).any():
                continue
            best = int(p.argmax())
            if labels[best] == (unit.rule_stance or "NONE") or p[best] < stance_threshold:
                continue
            stance = [s for s in stance if (s.start, s.end, s.target) !=
                      (unit.start, unit.end, unit.target)]
            assert unit.target is not None
            stance.append(Stance(unit.start, unit.end, unit.target, labels[best], None,
                                 round(float(p[best]), 4), SOURCE))
    return replace(rules, takfir=tuple(events), stance=tuple(stance))


def score_rows(scored: Scored, task: str, run_id: str, version: str) -> list[dict[str, Any]]:
    rows = []
    for unit, p in zip(scored.units, scored.proba, strict=True):
        order = np.argsort(p)[::-1]
        rows.append({"doc_id": unit.doc_id, "start_char": unit.start, "end_char": unit.end,
                     "task": task, "target": unit.target, "label": scored.labels[order[0]],
                     "score": round(float(p[order[0]]), 4),
                     "margin": round(float(p[order[0]] - p[order[1]]), 4),
                     "proba": json.dumps({lab: round(float(v), 4)
                                          for lab, v in zip(scored.labels, p, strict=True)}),
                     "source": SOURCE, "model_version": version, "run_id": run_id})
    return rows


@dataclass
class LoopReport:
    run_id: str = ""
    tasks: list[str] = field(default_factory=list)
    documents: int = 0
    skipped: int = 0
    events: int = 0
    stance: int = 0
    scores: int = 0


def model_version(models: Path, tasks: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for task in tasks:
        digest.update(task.encode() + (models / task / MODEL_FILE).read_bytes())
    return digest.hexdigest()[:12]


def stale_documents(workspace: Workspace, digest: str) -> list[str]:
    """Documents never scored with these models, or re-tagged since they were."""
    return [r[0] for r in workspace.query(
        "SELECT d.doc_id FROM documents d JOIN processed t ON t.doc_id = d.doc_id AND "
        "t.stage = 'tag' LEFT JOIN processed p ON p.doc_id = d.doc_id AND p.stage = ? "
        "WHERE p.doc_id IS NULL OR p.config_hash != ? OR t.processed_at > p.processed_at "
        "ORDER BY d.doc_id", [STAGE, digest])]


def apply_models(workspace: Workspace, *, models: Path | None = None, force: bool = False,
                 add_threshold: float | None = None,
                 stance_threshold: float | None = None) -> LoopReport:
    """Score every tagged document not yet scored with the current models; store the model's
    labels (source ``model``) and its per-sentence scores. Thresholds default to the ones
    `takfir train` tuned (metrics.json)."""
    folder = models or default_models_folder()
    tasks = available_models(folder)
    if not tasks:
        return LoopReport()
    both = {task: load_task_model(task, folder) for task in tasks}
    loaded = {task: model for task, (model, _) in both.items()}
    if add_threshold is None:
        add_threshold = float(both["takfir"][1].get("threshold", ADD_THRESHOLD)
                              if "takfir" in both else ADD_THRESHOLD)
    if stance_threshold is None:
        stance_threshold = float(both["stance"][1].get("threshold", STANCE_THRESHOLD)
                                 if "stance" in both else STANCE_THRESHOLD)
    version = model_version(folder, tasks)
    config = {"models": version, "tasks": tasks, "add_threshold": add_threshold,
              "stance_threshold": stance_threshold}
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]
    tagged = [r[0] for r in workspace.query(
        "SELECT doc_id FROM processed WHERE stage = 'tag' ORDER BY doc_id")]
    todo = tagged if force else stale_documents(workspace, digest)
    with workspace.run(STAGE, config, model_version=version) as run:
        report = LoopReport(run.run_id, tasks, 0, len(tagged) - len(todo))
        for i in range(0, len(todo), _DOCS_PER_COMMIT):
            ids = todo[i:i + _DOCS_PER_COMMIT]
            _apply_batch(workspace, ids, loaded, report, version, add_threshold,
                         stance_threshold)
            workspace.mark_processed(STAGE, ids, digest, run.run_id)
        run.counts = {"documents": report.documents, "skipped": report.skipped,
                      "events": report.events, "stance": report.stance,
                      "scores": report.scores}
    return report


def _apply_batch(workspace: Workspace, ids: list[str], loaded: Mapping[str, Pipeline],
                 report: LoopReport, version: str, add_threshold: float,
                 stance_threshold: float) -> None:
    scored = {}
    for task, model in loaded.items():
        units = [u for u in _units(workspace, task, ids) if task != "mode" or u.terms]
        scored[task] = score_units(model, units, task_labels(task))
    rules = {d.doc_id: d for d in _rule_documents(workspace, ids)}
    events, stance, scores = [], [], []
    for doc in rules.values():
        combined = combine(doc, scored, add_threshold=add_threshold,
                           stance_threshold=stance_threshold)
        model_only = replace(combined, entities=(),
                             takfir=tuple(e for e in combined.takfir if e.source == SOURCE),
                             stance=tuple(s for s in combined.stance if s.source == SOURCE))
        rows = prediction_rows(model_only, report.run_id)
        offset = len(doc.takfir)
        for row in rows["takfir_events"]:
            row["event_idx"] = int(row["event_idx"]) + offset  # type: ignore[call-overload]
        events += rows["takfir_events"]
        stance += rows["stance"]
    for task, part in scored.items():
        scores += score_rows(part, task, report.run_id, version)
    with workspace.transaction():
        for table in ("takfir_events", "stance"):
            workspace.query(f"DELETE FROM {table} WHERE source = ? AND doc_id IN "
                            "(SELECT unnest(?::VARCHAR[]))", [SOURCE, ids])
        workspace.query("DELETE FROM sentence_scores WHERE doc_id IN "
                        "(SELECT unnest(?::VARCHAR[]))", [ids])
        workspace.insert("takfir_events", events)
        workspace.insert("stance", stance)
        workspace.insert("sentence_scores", scores)
    report.documents += len(ids)
    report.events += len(events)
    report.stance += len(stance)
    report.scores += len(scores)


def _units(workspace: Workspace, task: str, ids: list[str]) -> list[Unit]:
    try:
        return load_units(workspace, task, doc_ids=ids)
    except LearnError:  # documents without sentences: nothing to score
        return []


def _rule_documents(workspace: Workspace, ids: list[str]) -> list[LabeledDocument]:
    return predicted_documents(workspace, doc_ids=ids, sources=("rule",))
