"""Label matrix and LF analysis: coverage, overlap, conflict and empirical accuracy of every
labeling function, as Snorkel's ``LFAnalysis`` reports them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .data import Unit
from .labeling_functions import ABSTAIN, LabelingFunction


def apply_lfs(units: Sequence[Unit], lfs: Sequence[LabelingFunction]) -> np.ndarray:
    """The label matrix: one row per unit, one column per function (ABSTAIN where silent)."""
    matrix = np.full((len(units), len(lfs)), ABSTAIN, dtype=object)
    for i, unit in enumerate(units):
        for j, lf in enumerate(lfs):
            matrix[i, j] = lf(unit)
    return matrix


@dataclass(frozen=True)
class LFSummary:
    """One function's row of the report; fractions are over all units."""

    name: str
    labels: tuple[str, ...]  # what it emitted (its polarity)
    coverage: float
    overlaps: float
    conflicts: float
    correct: int
    incorrect: int
    accuracy: float | None  # empirical, on the units that have gold (None: no gold there)
    doc: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v)
                for k, v in asdict(self).items()}


def lf_summary(matrix: np.ndarray, lfs: Sequence[LabelingFunction],
               gold: Sequence[str | None] | None = None) -> list[LFSummary]:
    """Coverage, overlap, conflict and (with gold) empirical accuracy of each function."""
    n = max(len(matrix), 1)
    voted = matrix != ABSTAIN
    votes = voted.sum(axis=1)
    out = []
    for j, lf in enumerate(lfs):
        mine = voted[:, j]
        others = votes - mine
        overlap = mine & (others > 0)
        conflict = np.array([
            bool(mine[i]) and any(voted[i, k] and matrix[i, k] != matrix[i, j]
                                  for k in range(len(lfs)) if k != j)
            for i in range(len(matrix))], dtype=bool)
        correct = incorrect = 0
        if gold is not None:
            for i in map(int, np.flatnonzero(mine)):
                if gold[i] is not None:
                    correct += matrix[i, j] == gold[i]
                    incorrect += matrix[i, j] != gold[i]
        labels = tuple(sorted(Counter(matrix[mine, j]).keys()))
        out.append(LFSummary(lf.name, labels, float(mine.sum() / n),
                             float(overlap.sum() / n), float(conflict.sum() / n),
                             int(correct), int(incorrect),
                             correct / (correct + incorrect) if correct + incorrect else None,
                             lf.doc))
    return out


def matrix_totals(matrix: np.ndarray) -> dict[str, float]:
    """Share of units with at least one vote, with two or more, and with disagreeing votes."""
    n = max(len(matrix), 1)
    voted = matrix != ABSTAIN
    disagree = sum(len({v for v in row if v != ABSTAIN}) > 1 for row in matrix)
    return {"units": len(matrix), "coverage": round(float(voted.any(axis=1).sum()) / n, 4),
            "overlap": round(float((voted.sum(axis=1) > 1).sum()) / n, 4),
            "conflict": round(disagree / n, 4)}
