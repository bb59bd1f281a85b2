"""Train/dev/test splits by document: hash-based, deterministic, stratified by takfir events.

Each stratum (documents with takfir events, documents without) is ordered by the sha256 of
``seed:doc_id``; the strata are then interleaved by relative position (systematic sampling) and
the interleaved order is cut at the cumulative proportions. So a split never shares a document
with another, the same seed and documents give the same split, the overall proportions are as
close as whole documents allow, and each split holds the strata in about their overall shares.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Errors, ExportError

SPLIT_NAMES = ("train", "dev", "test")
DEFAULT_SPLIT = "80/10/10"


def parse_split(spec: str) -> dict[str, float]:
    """``"80/10/10"`` -> {"train": 0.8, "dev": 0.1, "test": 0.1}; zero parts are dropped."""
    parts = spec.replace(",", "/").split("/")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ExportError(Errors.E602.format(spec=spec)) from None
    if not 1 <= len(numbers) <= 3 or any(n < 0 for n in numbers) or abs(sum(numbers) - 100) > 1e-6:
        raise ExportError(Errors.E602.format(spec=spec))
    return {name: n / 100 for name, n in zip(SPLIT_NAMES, numbers, strict=False) if n > 0}


def split_key(doc_id: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()


def has_takfir(record: Mapping[str, Any]) -> bool:
    return bool(record.get("takfir"))


def assign_splits(records: Sequence[Mapping[str, Any]], proportions: Mapping[str, float], *,
                  seed: int = 0) -> dict[str, str]:
    """doc_id -> split name for every record."""
    strata: dict[bool, list[str]] = {True: [], False: []}
    for record in records:
        strata[has_takfir(record)].append(record["id"])
    ordered: list[tuple[float, str, str]] = []
    for ids in strata.values():
        ids.sort(key=lambda i: split_key(i, seed))
        ordered += [((k + 0.5) / len(ids), split_key(i, seed), i) for k, i in enumerate(ids)]
    ordered.sort()
    names = list(proportions)
    bounds, total = [], 0.0
    for name in names:
        total += proportions[name]
        bounds.append(round(total * len(ordered)))
    bounds[-1] = len(ordered)
    out: dict[str, str] = {}
    part = 0
    for position, (_, _, doc_id) in enumerate(ordered):
        while position >= bounds[part]:
            part += 1
        out[doc_id] = names[part]
    return out
