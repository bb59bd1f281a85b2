"""Sentence classifiers: a scikit-learn Pipeline of TF-IDF word 1-2-grams and character
2-5-grams (a FeatureUnion) into a balanced classifier, cross-validated by document.

Two candidates are compared by grouped cross-validation and the better one is kept:
``logreg`` (LogisticRegression, probabilities from the log-loss fit) and ``calibrated_svm``
(LinearSVC inside CalibratedClassifierCV, sigmoid calibration). Folds split documents, so no
sentence of a test document is ever in training; weak labels come from the labeling functions
fitted on the training folds' gold only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from ..errors import Errors, LearnError
from ..metrics import binary_scores, stance_scores
from .aggregate import TrainingSet, WeightedVote, training_set
from .data import TAKFIR, Unit

CANDIDATES = ("logreg", "calibrated_svm")
MIN_PER_CLASS = 2


def make_pipeline(kind: str = "logreg", *, random_state: int = 0) -> Pipeline:
    """The untrained model: word and character TF-IDF into a balanced linear classifier."""
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 min_df=2)),
    ])
    if kind == "logreg":
        clf: Any = LogisticRegression(class_weight="balanced", C=4.0, max_iter=2000,
                                      random_state=random_state)
    elif kind == "calibrated_svm":
        clf = CalibratedClassifierCV(LinearSVC(class_weight="balanced", C=0.5,
                                               random_state=random_state),
                                     method="sigmoid", cv=3)
    else:
        raise ValueError(f"unknown model kind {kind!r}; use one of {', '.join(CANDIDATES)}")
    return Pipeline([("features", features), ("clf", clf)])


@dataclass
class Dataset:
    """A task's units with their label matrix and gold (None where a document has no gold)."""

    task: str
    labels: tuple[str, ...]
    units: list[Unit]
    matrix: np.ndarray
    gold: list[str | None]
    inputs: list[str] = field(init=False)
    groups: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.inputs = [u.input for u in self.units]
        self.groups = np.array([u.doc_id for u in self.units], dtype=object)

    @property
    def gold_documents(self) -> list[str]:
        return sorted({u.doc_id for u, g in zip(self.units, self.gold, strict=True)
                       if g is not None})


def weak_training(data: Dataset, *, exclude: set[str] = frozenset(),  # type: ignore[assignment]
                  weak_only: bool = False) -> tuple[TrainingSet, WeightedVote]:
    """Training rows outside ``exclude`` documents: gold overrides the vote unless
    ``weak_only``; the vote's accuracies come from the gold it may see."""
    keep = np.array([u.doc_id not in exclude for u in data.units], dtype=bool)
    gold = [g if k else None for g, k in zip(data.gold, keep, strict=True)]
    vote = WeightedVote(data.labels).fit(data.matrix, gold)
    labels = [None] * len(gold) if weak_only else gold
    rows = training_set(vote, data.matrix, labels, list(data.groups))
    mask = keep[rows.index]
    return TrainingSet(rows.index[mask], rows.labels[mask], rows.weights[mask],
                       rows.groups[mask], rows.from_gold[mask]), vote


def fit_model(kind: str, data: Dataset, rows: TrainingSet, *, random_state: int = 0
              ) -> Pipeline:
    """Fit a candidate on ``rows`` (validated: two labels with enough units each)."""
    counts = {lab: int((rows.labels == lab).sum()) for lab in set(rows.labels)}
    enough = [lab for lab, n in counts.items() if n >= MIN_PER_CLASS]
    if len(enough) < 2:
        raise LearnError(Errors.E706.format(task=data.task, n=len(rows.labels),
                                            labels=counts or "none", minimum=MIN_PER_CLASS))
    keep = np.isin(rows.labels, enough)
    if kind == "calibrated_svm" and min(counts[lab] for lab in enough) < 3:
        kind = "logreg"  # CalibratedClassifierCV needs 3 units per label for its 3 folds
    model = make_pipeline(kind, random_state=random_state)
    texts = [data.inputs[i] for i in rows.index[keep]]
    model.fit(texts, list(rows.labels[keep]), clf__sample_weight=rows.weights[keep])
    for _, vectorizer in model.named_steps["features"].transformer_list:
        if hasattr(vectorizer, "stop_words_"):  # terms cut by min_df: only for introspection
            del vectorizer.stop_words_
    return model


def aligned_proba(model: Pipeline, texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """predict_proba with one column per task label (zeros for labels the fit never saw)."""
    proba = model.predict_proba(list(texts))
    out = np.zeros((len(texts), len(labels)))
    for j, label in enumerate(model.classes_):
        out[:, list(labels).index(label)] = proba[:, j]
    return out


def grouped_folds(groups: Sequence[str], n_splits: int = 5) -> list[set[str]]:
    """Test documents of each fold: GroupKFold over the documents in ``groups``."""
    docs = np.array(sorted(set(groups)), dtype=object)
    n = min(n_splits, len(docs))
    if n < 2:
        raise LearnError(Errors.E706.format(task="cross-validation", n=len(docs),
                                            labels="documents", minimum=2))
    splitter = GroupKFold(n_splits=n)
    return [set(docs[test]) for _, test in splitter.split(docs, groups=docs)]


def _fold(kind: str, data: Dataset, test_docs: set[str], weak_only: bool,
          random_state: int) -> tuple[np.ndarray, np.ndarray]:
    rows, _ = weak_training(data, exclude=test_docs, weak_only=weak_only)
    model = fit_model(kind, data, rows, random_state=random_state)
    test = np.flatnonzero(np.isin(data.groups, list(test_docs)))
    return test, aligned_proba(model, [data.inputs[i] for i in test], data.labels)


def cross_validate(kind: str, data: Dataset, *, n_splits: int = 5, weak_only: bool = False,
                   n_jobs: int = 2, random_state: int = 0) -> tuple[np.ndarray, list[set[str]]]:
    """Out-of-fold probabilities for every unit of a gold document (NaN elsewhere)."""
    folds = grouped_folds(data.gold_documents, n_splits)
    results = Parallel(n_jobs=n_jobs)(delayed(_fold)(kind, data, test, weak_only, random_state)
                                      for test in folds)
    proba = np.full((len(data.units), len(data.labels)), np.nan)
    for test, part in results:
        proba[test] = part
    return proba, folds


def score(task: str, labels: Sequence[str], gold: Sequence[str | None],
          proba: np.ndarray) -> dict[str, Any]:
    """Model-alone figures on the units with gold and a prediction."""
    rows = [i for i, g in enumerate(gold) if g is not None and not np.isnan(proba[i]).any()]
    if not rows:
        return {"n": 0}
    truth = [str(gold[i]) for i in rows]
    pred = [labels[int(proba[i].argmax())] for i in rows]
    onehot = np.array([[t == lab for lab in labels] for t in truth], dtype=float)
    out: dict[str, Any] = {"n": len(rows),
                           "accuracy": round(float(np.mean([a == b for a, b in
                                                            zip(truth, pred, strict=True)])), 4),
                           "brier": round(float(((proba[rows] - onehot) ** 2).sum(1).mean()), 4)}
    if task == "takfir":
        prf = binary_scores({i: t == TAKFIR for i, t in enumerate(truth)},
                            {i: p == TAKFIR for i, p in enumerate(pred)})
        out.update(prf.as_dict())
        out["primary"] = out["f1"]
    elif task == "stance":
        scores = stance_scores(dict(enumerate(truth)), dict(enumerate(pred)))
        out["macro_f1"] = round(scores["macro_f1"], 4)
        out["FAVOR_f1"] = round(scores["per_class"]["FAVOR"].f1, 4)
        out["AGAINST_f1"] = round(scores["per_class"]["AGAINST"].f1, 4)
        out["primary"] = out["macro_f1"]
    else:
        present = sorted(set(truth))
        out["macro_f1"] = round(float(f1_score(truth, pred, labels=present, average="macro",
                                               zero_division=0)), 4)
        out["primary"] = out["macro_f1"]
    out["auc"] = _auc(task, labels, truth, proba[rows])
    out["gold_counts"] = {lab: truth.count(lab) for lab in labels if lab in truth}
    return out


def select_model(data: Dataset, *, n_splits: int = 5, n_jobs: int = 2,
                 candidates: Sequence[str] = CANDIDATES, random_state: int = 0
                 ) -> tuple[str, dict[str, Any], dict[str, np.ndarray]]:
    """Cross-validate every candidate; the kind with the best primary figure wins (ties: the
    first, the simpler logistic regression)."""
    figures: dict[str, Any] = {}
    oof: dict[str, np.ndarray] = {}
    for kind in candidates:
        proba, folds = cross_validate(kind, data, n_splits=n_splits, n_jobs=n_jobs,
                                      random_state=random_state)
        oof[kind] = proba
        figures[kind] = {**score(data.task, data.labels, data.gold, proba),
                         "folds": len(folds)}
    best = max(candidates, key=lambda k: (figures[k].get("primary", -1.0),
                                          -candidates.index(k)))
    return best, figures, oof




def _auc(task: str, labels: Sequence[str], truth: Sequence[str], proba: np.ndarray
         ) -> float | None:
    """ROC AUC of the positive label (takfir) or mean one-vs-rest AUC of FAVOR and AGAINST
    (stance): how well the scores rank, whatever the threshold."""
    wanted = [TAKFIR] if task == "takfir" else ["FAVOR", "AGAINST"] if task == "stance" else []
    aucs = []
    for label in wanted:
        y = np.array([t == label for t in truth])
        if 0 < y.sum() < len(y):
            aucs.append(roc_auc_score(y, proba[:, list(labels).index(label)]))
    return round(float(np.mean(aucs)), 4) if aucs else None
