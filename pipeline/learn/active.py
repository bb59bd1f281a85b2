"""Active learning: which documents annotators should see next. The current model scores
every sentence (and target); the documents whose least certain units have the smallest
margin between the two most probable labels come first, one pick per document, skipping
near-duplicates (of a picked document, or a sentence already picked), each with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import Errors, LearnError
from ..store import Workspace, now
from .data import load_units, task_labels
from .loop import model_version, score_units
from .persist import load_task_model, model_folder

TOP_UNITS = 3  # a document's uncertainty: the mean margin of its 3 least certain units


@dataclass(frozen=True)
class Pick:
    """One document chosen for annotation and why."""

    rank: int
    doc_id: str
    margin: float  # mean margin of its least certain units (0 = a coin flip)
    start: int  # its least certain sentence
    end: int
    target: str | None
    reason: str


def _shingles(text: str) -> frozenset[str]:
    words = re.findall(r"\w+", text.lower())
    return frozenset(" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2)))


def uncertain_documents(workspace: Workspace, task: str, limit: int, *,
                        models: Path | None = None, exclude: Collection[str] = (),
                        similarity: float = 0.8) -> list[Pick]:
    """The ``limit`` documents the model of ``task`` is least sure about (smallest margin)."""
    if limit < 1:
        raise LearnError(Errors.E707.format(value=limit))
    model, _ = load_task_model(task, models)
    units = [u for u in load_units(workspace, task) if u.doc_id not in set(exclude)]
    labels = task_labels(task)
    scored = score_units(model, units, labels)
    ordered = np.sort(scored.proba, axis=1)
    margins = ordered[:, -1] - ordered[:, -2]
    duplicates = dict(workspace.query("SELECT doc_id, near_duplicate_of FROM documents "
                                      "WHERE near_duplicate_of IS NOT NULL"))
    by_doc: dict[str, list[int]] = {}
    for i, unit in enumerate(units):
        by_doc.setdefault(unit.doc_id, []).append(i)
    ranked = []
    for doc_id, rows in by_doc.items():
        rows = sorted(rows, key=lambda i: margins[i])
        ranked.append((float(np.mean(margins[rows[:TOP_UNITS]])), doc_id, rows[0]))
    picks: list[Pick] = []
    seen: list[frozenset[str]] = []
    chosen: set[str] = set()
    for margin, doc_id, row in sorted(ranked):
        if len(picks) == limit:
            break
        unit = units[row]
        if duplicates.get(doc_id) in chosen or any(
                duplicates.get(c) == doc_id for c in chosen):
            continue  # a near-duplicate of a document already picked
        shingles = _shingles(unit.text)
        if any(len(shingles & s) / max(1, len(shingles | s)) >= similarity for s in seen):
            continue  # its most uncertain sentence repeats one already picked
        p = scored.proba[row]
        top = np.argsort(p)[::-1][:2]
        about = f" toward {unit.target}" if unit.target else ""
        reason = (f"{task}{about}: mean margin {margin:.3f} over its {TOP_UNITS} least certain "
                  f"units; least certain sentence {unit.start}-{unit.end} "
                  f"p({labels[top[0]]})={p[top[0]]:.2f} vs p({labels[top[1]]})={p[top[1]]:.2f}")
        picks.append(Pick(len(picks) + 1, doc_id, round(margin, 4), unit.start, unit.end,
                          unit.target, reason))
        seen.append(shingles)
        chosen.add(doc_id)
    return picks


def rank_uncertain(workspace: Workspace, task: str, limit: int, *,
                   models: Path | None = None, exclude: Collection[str] | None = None,
                   record: bool = True) -> list[str]:
    """Doc ids for `takfir doccano push --select uncertain`, most uncertain first; documents
    with adjudicated gold in the workspace are left out unless ``exclude`` says otherwise.
    With ``record``, why each was picked goes to the ``selections`` table."""
    if exclude is None:
        exclude = {r[0] for r in workspace.query("SELECT DISTINCT doc_id FROM gold")}
    picks = uncertain_documents(workspace, task, limit, models=models, exclude=exclude)
    if record and not workspace.read_only and picks:
        version = model_version(model_folder(task, models).parent, [task])
        at = now()
        workspace.insert("selections", [
            {"task": task, "rank": p.rank, "doc_id": p.doc_id, "start_char": p.start,
             "end_char": p.end, "target": p.target, "margin": p.margin, "reason": p.reason,
             "model_version": version, "selected_at": at} for p in picks])
    return [p.doc_id for p in picks]
