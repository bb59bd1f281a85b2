"""`takfir train` and `takfir lf-report` as library calls: units from the store, weak labels
from the labeling functions, gold from annotations/gold, then model selection by grouped
cross-validation, held-out figures, the final fit and the three files of ``models/<task>/``.

The held-out gold (default: the seed's) is kept out of model selection and cross-validation;
its figures come from a model trained without it. The saved model is then fitted on all data.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops

from ..about import code_version
from ..evaluate import evaluate_documents
from ..gold import load_gold
from ..predictions import predicted_documents
from ..records import LabeledDocument
from ..store import Workspace, now
from .analysis import apply_lfs, lf_summary, matrix_totals
from .card import model_card
from .data import INPUTS, Unit, check_task, gold_labels, load_units, task_labels
from .labeling_functions import labeling_functions
from .loop import Scored, combine
from .persist import CARD_FILE, METRICS_FILE, TRUSTED_TYPES, model_folder, save_model
from .train import (
    Dataset,
    aligned_proba,
    cross_validate,
    fit_model,
    score,
    select_model,
    weak_training,
)

NEVER = 1.01
THRESHOLD_GRID = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2)


def build_dataset(workspace: Workspace, task: str, gold_path: Path | None
                  ) -> tuple[Dataset, list[LabeledDocument]]:
    """The task's units with label matrix and gold (``mode``: sentences with an event in gold,
    or with a takfir term or rule event where a document has no gold)."""
    check_task(task)
    units = load_units(workspace, task)
    gold = load_gold(gold_path, workspace, skip_missing=True) if gold_path else []
    labels = gold_labels(units, gold, task)
    if task == "mode":
        has_gold = {g.doc_id for g in gold}
        keep = [i for i, u in enumerate(units) if labels[i] is not None
                or (u.doc_id not in has_gold and (u.terms or u.events))]
        units, labels = [units[i] for i in keep], [labels[i] for i in keep]
    matrix = apply_lfs(units, labeling_functions(task))
    return Dataset(task, task_labels(task), units, matrix, labels), gold


def lf_report(workspace: Workspace, task: str, gold_path: Path | None) -> dict[str, Any]:
    """Coverage, overlap, conflict and empirical accuracy of every labeling function."""
    data, gold = build_dataset(workspace, task, gold_path)
    lfs = labeling_functions(task)
    summary = lf_summary(data.matrix, lfs, data.gold if gold else None)
    return {"task": task, "gold_documents": len(gold), **matrix_totals(data.matrix),
            "gold_units": sum(g is not None for g in data.gold),
            "functions": [s.as_dict() for s in summary]}


def _subset(data: Dataset, keep: np.ndarray) -> Dataset:
    rows = np.flatnonzero(keep)
    return Dataset(data.task, data.labels, [data.units[i] for i in rows], data.matrix[rows],
                   [data.gold[i] for i in rows])


def rules_vs_model(workspace: Workspace, data: Dataset, proba: np.ndarray,
                   gold: list[LabeledDocument], docs: set[str], threshold: float
                   ) -> dict[str, Any]:
    """`takfir evaluate` figures on ``docs``: the rules alone, then rules plus the model
    (which adds or overrides labels at probability ``threshold`` and above)."""
    gold_docs = [g for g in gold if g.doc_id in docs]
    rules = predicted_documents(workspace, doc_ids=sorted(docs), sources=("rule",))
    scored = {data.task: Scored(data.units, data.labels, proba)}
    both = [combine(doc, scored, add_threshold=threshold, stance_threshold=threshold)
            for doc in rules]
    out: dict[str, Any] = {"threshold": threshold}
    for name, pred in (("rules", rules), ("rules_plus_model", both)):
        report = evaluate_documents(gold_docs, pred)
        if data.task == "stance":
            out[name] = {t: {"macro_f1": s["macro_f1"], "accuracy": s["accuracy"]}
                         for t, s in report["stance"].items()}
        else:
            out[name] = {"takfir_sentences": report["takfir_sentences"],
                         "mode_accuracy": report["takfir_events"]["mode_accuracy"]}
    out["documents"] = len(gold_docs)
    return out


def primary(task: str, block: dict[str, Any], system: str) -> float:
    """The figure thresholds are tuned on: takfir-sentence F1, or mean stance macro-F1."""
    if task == "stance":
        return float(np.mean([s["macro_f1"] for s in block[system].values()]))
    return float(block[system]["takfir_sentences"]["f1"])


def tune_threshold(workspace: Workspace, data: Dataset, proba: np.ndarray,
                   gold: list[LabeledDocument]) -> tuple[float, dict[str, Any]]:
    """The probability at which the model may add or override labels, chosen on the
    out-of-fold predictions of the development documents (never the held-out gold); above
    1 means never (the rules alone were best)."""
    docs = set(data.gold_documents)
    best, best_block = NEVER, rules_vs_model(workspace, data, proba, gold, docs, NEVER)
    grid = {"rules": round(primary(data.task, best_block, "rules"), 4)}
    for threshold in THRESHOLD_GRID:
        block = rules_vs_model(workspace, data, proba, gold, docs, threshold)
        grid[str(threshold)] = round(primary(data.task, block, "rules_plus_model"), 4)
        if primary(data.task, block, "rules_plus_model") > primary(
                data.task, best_block, "rules_plus_model") + 1e-9:
            best, best_block = threshold, block
    return best, {**best_block, "grid": grid}


def train_task(workspace: Workspace, task: str, *, gold_path: Path | None,
               holdout_path: Path | None = None, models: Path | None = None,
               n_splits: int = 5, n_jobs: int = 2) -> dict[str, Any]:
    """Train, evaluate and save the model of ``task``; returns its metrics.json content."""
    started = time.perf_counter()
    data, gold = build_dataset(workspace, task, gold_path)
    held = ({g.doc_id for g in load_gold(holdout_path, workspace, skip_missing=True)}
            if holdout_path else set())
    config = {"task": task, "gold": str(gold_path), "holdout": str(holdout_path),
              "n_splits": n_splits}
    with workspace.run("train", config) as run:
        dev = _subset(data, np.array([u.doc_id not in held for u in data.units]))
        kind, candidates, oof = select_model(dev, n_splits=n_splits, n_jobs=n_jobs)
        cv: dict[str, Any] = {"selected": kind, "candidates": candidates,
                              "documents": len(dev.gold_documents)}
        weak_proba, _ = cross_validate(kind, dev, n_splits=n_splits, weak_only=True,
                                       n_jobs=n_jobs)
        cv["weak_labels_only"] = score(task, dev.labels, dev.gold, weak_proba)
        threshold = NEVER
        if task != "mode":
            threshold, cv["rules_vs_model"] = tune_threshold(workspace, dev, oof[kind], gold)
        holdout = _holdout(workspace, data, gold, held, kind, threshold) if held else None
        rows, vote = weak_training(data)
        model = fit_model(kind, data, rows)
        folder = model_folder(task, models)
        save_model(model, folder)
        metrics = {
            "task": task, "labels": list(data.labels), "input": INPUTS[task],
            "model": {"kind": kind, "steps": [name for name, _ in model.steps],
                      "classes": [str(c) for c in model.classes_]},
            "trusted_types": list(TRUSTED_TYPES), "trained_at": now().isoformat() + "Z",
            "code_version": code_version(),
            "versions": {"scikit-learn": sklearn.__version__, "skops": skops.__version__,
                         "python": platform.python_version()},
            "data": _data_figures(data, rows, gold),
            "labeling_functions": {
                **matrix_totals(data.matrix),
                "accuracy_used": {lf.name: round(float(a), 4) for lf, a in
                                  zip(labeling_functions(task), vote.accuracies_, strict=True)}},
            "cv": cv, "holdout": holdout,
            "threshold": threshold,
            "seconds": round(time.perf_counter() - started, 2),
        }
        (folder / METRICS_FILE).write_text(json.dumps(metrics, indent=1) + "\n",
                                           encoding="utf-8")
        (folder / CARD_FILE).write_text(model_card(metrics), encoding="utf-8")
        run.counts = {"units": len(data.units), "training_rows": len(rows.labels),
                      "selected": kind, "primary": candidates[kind].get("primary")}
    return metrics


def _holdout(workspace: Workspace, data: Dataset, gold: list[LabeledDocument],
             held: set[str], kind: str, threshold: float) -> dict[str, Any]:
    rows, _ = weak_training(data, exclude=held)
    model = fit_model(kind, data, rows)
    test = np.array([u.doc_id in held for u in data.units])
    part = _subset(data, test)
    proba = aligned_proba(model, part.inputs, part.labels)
    out: dict[str, Any] = {"doc_ids": sorted(held),
                           "model": score(data.task, part.labels, part.gold, proba)}
    if data.task != "mode":
        out.update(rules_vs_model(workspace, part, proba, gold, held, threshold))
    return out


def _data_figures(data: Dataset, rows: Any, gold: list[LabeledDocument]) -> dict[str, Any]:
    units: list[Unit] = data.units
    blob = json.dumps([[*map(str, units[i].key), str(lab), round(float(w), 4), units[i].input]
                       for i, lab, w in zip(rows.index, rows.labels, rows.weights,
                                            strict=True)])
    return {"documents": len({u.doc_id for u in units}), "gold_documents": len(gold),
            "units": len(units), "training_rows": len(rows.labels),
            "from_gold": int(rows.from_gold.sum()), "weak": int((~rows.from_gold).sum()),
            "label_counts": {
                "gold": dict(Counter(str(x) for x in rows.labels[rows.from_gold])),
                "weak": dict(Counter(str(x) for x in rows.labels[~rows.from_gold]))},
            "data_hash": hashlib.sha256(blob.encode()).hexdigest()[:16]}
