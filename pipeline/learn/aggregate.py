"""Weighted vote of labeling functions into a weakly labeled training set.

Each function's vote counts log(acc * (K - 1) / (1 - acc)) (K labels), the weight of a
symmetric noisy voter of accuracy ``acc``: a coin-flip function weighs nothing. Accuracies
come from gold where the function voted on enough gold units (smoothed toward the prior),
else the prior. The winning label's share of the vote is the unit's confidence and becomes
its sample weight; gold labels override weak ones with weight 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import NotFittedError

from .labeling_functions import ABSTAIN


class WeightedVote:
    """Accuracy-weighted vote over a label matrix (rows: units, columns: functions)."""

    def __init__(self, labels: Sequence[str], *, prior_accuracy: float = 0.7,
                 prior_strength: float = 4.0, min_accuracy: float = 0.05,
                 max_accuracy: float = 0.98) -> None:
        self.labels = labels
        self.prior_accuracy = prior_accuracy
        self.prior_strength = prior_strength
        self.min_accuracy = min_accuracy
        self.max_accuracy = max_accuracy

    def fit(self, matrix: np.ndarray, gold: Sequence[str | None] | None = None) -> WeightedVote:
        if not 0 < self.prior_accuracy < 1:
            raise ValueError(f"prior_accuracy must be in (0, 1), got {self.prior_accuracy}")
        if len(self.labels) < 2:
            raise ValueError(f"need at least two labels, got {list(self.labels)}")
        if gold is not None and len(gold) != len(matrix):
            raise ValueError(f"gold has {len(gold)} items, the label matrix {len(matrix)} rows")
        self.classes_ = np.array(list(self.labels), dtype=object)
        k = len(self.classes_)
        accuracies = []
        for j in range(matrix.shape[1]):
            correct = total = 0
            if gold is not None:
                for i in range(len(matrix)):
                    if matrix[i, j] != ABSTAIN and gold[i] is not None:
                        total += 1
                        correct += matrix[i, j] == gold[i]
            acc = (correct + self.prior_strength * self.prior_accuracy) / (
                total + self.prior_strength)
            accuracies.append(min(max(acc, self.min_accuracy), self.max_accuracy))
        self.accuracies_ = np.array(accuracies)
        self.weights_ = np.maximum(0.0, np.log(self.accuracies_ * (k - 1)
                                                / (1 - self.accuracies_)))
        return self

    def predict_proba(self, matrix: np.ndarray) -> np.ndarray:
        """Vote shares per label; rows where every function abstained are all zero."""
        if not hasattr(self, "weights_"):
            raise NotFittedError("WeightedVote is not fitted yet; call fit(matrix) first")
        index = {label: n for n, label in enumerate(self.classes_)}
        scores = np.zeros((len(matrix), len(self.classes_)))
        covered = np.zeros(len(matrix), dtype=bool)
        for i, row in enumerate(matrix):
            for j, vote in enumerate(row):
                if vote != ABSTAIN and vote in index:
                    scores[i, index[vote]] += self.weights_[j]
                    covered[i] = True
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        proba = shifted / shifted.sum(axis=1, keepdims=True)
        proba[~covered] = 0.0
        return proba

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        proba = self.predict_proba(matrix)
        out = self.classes_[proba.argmax(axis=1)].astype(object)
        out[proba.sum(axis=1) == 0] = ABSTAIN
        return out


@dataclass(frozen=True)
class TrainingSet:
    """Units with one label each (gold or weak), sample weights and document groups."""

    index: np.ndarray  # positions in the unit list
    labels: np.ndarray
    weights: np.ndarray
    groups: np.ndarray  # doc_id per row
    from_gold: np.ndarray  # bool per row


def training_set(vote: WeightedVote, matrix: np.ndarray, gold: Sequence[str | None],
                 doc_ids: Sequence[str], *, use_weak: bool = True,
                 use_gold: bool = True) -> TrainingSet:
    """Gold where it exists (weight 1), else the vote (weight = confidence, uncovered units
    dropped)."""
    proba = vote.predict_proba(matrix)
    weak = vote.predict(matrix)
    rows, labels, weights, from_gold = [], [], [], []
    for i in range(len(matrix)):
        if gold[i] is not None:
            if use_gold:
                rows.append(i)
                labels.append(gold[i])
                weights.append(1.0)
                from_gold.append(True)
        elif use_weak and weak[i] != ABSTAIN:
            rows.append(i)
            labels.append(weak[i])
            weights.append(float(proba[i].max()))
            from_gold.append(False)
    index = np.array(rows, dtype=int)
    return TrainingSet(index, np.array(labels, dtype=object), np.array(weights, dtype=float),
                       np.array([doc_ids[i] for i in rows], dtype=object),
                       np.array(from_gold, dtype=bool))
