"""Scoring functions shared by `takfir evaluate` (system vs gold) and `takfir agreement`
(annotator vs annotator). Plain functions over plain tuples: no store, no I/O.

Spans are ``(doc, start, end, label)`` tuples; with ``match="overlap"`` two spans match when
they share at least one character, and each span is matched at most once (greedy, in order).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

SpanKey = tuple[str, int, int, str]  # doc, start, end, label
MICRO = "micro"


@dataclass(frozen=True)
class PRF:
    """Counts and the precision, recall and F1 they give (0.0 where undefined)."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "support": self.tp + self.fn}


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def match_spans(gold: Sequence[SpanKey], pred: Sequence[SpanKey], *, match: str = "exact",
                by_label: bool = True) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) of matching spans."""
    if match not in ("exact", "overlap"):
        raise ValueError(f"match must be 'exact' or 'overlap', got {match!r}")
    buckets: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for j, (doc, _, _, label) in enumerate(pred):
        buckets[(doc, label) if by_label else (doc,)].append(j)
    used: set[int] = set()
    pairs = []
    for i, (doc, start, end, label) in enumerate(gold):
        for j in buckets.get((doc, label) if by_label else (doc,), ()):
            if j in used:
                continue
            _, p_start, p_end, _ = pred[j]
            hit = ((start, end) == (p_start, p_end) if match == "exact"
                   else overlaps(start, end, p_start, p_end))
            if hit:
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def span_scores(gold: Iterable[SpanKey], pred: Iterable[SpanKey], *,
                match: str = "exact") -> dict[str, PRF]:
    """P/R/F1 per label and micro-averaged over all labels."""
    gold, pred = sorted(set(gold)), sorted(set(pred))
    pairs = match_spans(gold, pred, match=match)
    tp = Counter(gold[i][3] for i, _ in pairs)
    gold_n, pred_n = Counter(g[3] for g in gold), Counter(p[3] for p in pred)
    scores = {label: PRF(tp[label], pred_n[label] - tp[label], gold_n[label] - tp[label])
              for label in sorted(set(gold_n) | set(pred_n))}
    scores[MICRO] = sum(scores.values(), PRF(0, 0, 0))
    return scores


def binary_scores(gold: Mapping[Hashable, bool], pred: Mapping[Hashable, bool]) -> PRF:
    """P/R/F1 of the positive class over the items of ``gold`` (missing predictions: False)."""
    tp = sum(1 for k, g in gold.items() if g and pred.get(k, False))
    fp = sum(1 for k, g in gold.items() if not g and pred.get(k, False))
    fn = sum(1 for k, g in gold.items() if g and not pred.get(k, False))
    return PRF(tp, fp, fn)


def accuracy(pairs: Iterable[tuple[Hashable, Hashable]]) -> float | None:
    items = list(pairs)
    return sum(a == b for a, b in items) / len(items) if items else None


def stance_scores(gold: Mapping[Hashable, str], pred: Mapping[Hashable, str], *,
                  none: str = "NONE", favor: str = "FAVOR",
                  against: str = "AGAINST") -> dict[str, Any]:
    """SemEval-2016 Task 6: F_avg = (F_FAVOR + F_AGAINST) / 2, plus 3-class accuracy.

    Items missing from ``pred`` count as ``none``.
    """
    per_class = {}
    for label in (favor, against):
        tp = sum(1 for k, g in gold.items() if g == label and pred.get(k, none) == label)
        fp = sum(1 for k, g in gold.items() if g != label and pred.get(k, none) == label)
        fn = sum(1 for k, g in gold.items() if g == label and pred.get(k, none) != label)
        per_class[label] = PRF(tp, fp, fn)
    return {
        "macro_f1": (per_class[favor].f1 + per_class[against].f1) / 2,
        "accuracy": accuracy((g, pred.get(k, none)) for k, g in gold.items()),
        "per_class": per_class,
        "n": len(gold),
        "gold_counts": dict(Counter(gold.values())),
    }


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two annotators' labels for the same items (1.0 if both constant)."""
    if len(a) != len(b):
        raise ValueError(f"both annotators need the same items: {len(a)} vs {len(b)} labels")
    if not a:
        raise ValueError("no items to compare")
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if expected == 1.0:
        return 1.0
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Mapping[Hashable, Sequence[Hashable | None]]) -> float:
    """Krippendorff's alpha for nominal data; ``None`` marks a missing value.

    ``units`` maps each item to the labels its annotators gave. Units with fewer than two
    values carry no information about agreement and are skipped.
    """
    coincidences: Counter[tuple[Hashable, Hashable]] = Counter()
    for values in units.values():
        present = [v for v in values if v is not None]
        m = len(present)
        if m < 2:
            continue
        for x, y in combinations(range(m), 2):
            coincidences[(present[x], present[y])] += 1 / (m - 1)
            coincidences[(present[y], present[x])] += 1 / (m - 1)
    n_c: Counter[Hashable] = Counter()
    for (c, _), weight in coincidences.items():
        n_c[c] += weight
    n = sum(n_c.values())
    if n <= 1:
        raise ValueError("Krippendorff's alpha needs at least one unit with two values")
    observed = sum(w for (c, k), w in coincidences.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k) / (n - 1)
    return 1.0 if expected == 0 else 1 - observed / expected
