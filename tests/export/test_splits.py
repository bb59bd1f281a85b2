"""Splits: by document, deterministic, stratified, seed-dependent, validated."""

from __future__ import annotations

import pytest

from pipeline.errors import ExportError
from pipeline.export.splits import assign_splits, parse_split


def _records(n: int, with_takfir_every: int = 4) -> list[dict]:
    return [{"id": f"doc_{i:016x}", "takfir": [{}] if i % with_takfir_every == 0 else []}
            for i in range(n)]


def test_parse_split():
    assert parse_split("80/10/10") == {"train": 0.8, "dev": 0.1, "test": 0.1}
    assert parse_split("90/10") == {"train": 0.9, "dev": 0.1}
    assert parse_split("100") == {"train": 1.0}
    for bad in ("80/10", "a/b/c", "50/50/10", "-10/100/10", "10/10/10/70"):
        with pytest.raises(ExportError, match="E602"):
            parse_split(bad)


def test_every_document_in_exactly_one_split_with_the_proportions():
    records = _records(1000)
    assigned = assign_splits(records, parse_split("80/10/10"), seed=3)
    assert set(assigned) == {r["id"] for r in records}
    counts = {name: list(assigned.values()).count(name) for name in ("train", "dev", "test")}
    assert counts == {"train": 800, "dev": 100, "test": 100}


def test_stratified_by_takfir_events():
    records = _records(1000)
    assigned = assign_splits(records, parse_split("80/10/10"), seed=0)
    with_takfir = [r["id"] for r in records if r["takfir"]]
    for name, share in (("train", 0.8), ("dev", 0.1), ("test", 0.1)):
        got = sum(assigned[i] == name for i in with_takfir)
        assert abs(got - share * len(with_takfir)) <= 2


def test_same_seed_same_split_other_seed_other_split():
    records = _records(200)
    first = assign_splits(records, parse_split("80/10/10"), seed=7)
    assert assign_splits(list(reversed(records)), parse_split("80/10/10"), seed=7) == first
    assert assign_splits(records, parse_split("80/10/10"), seed=8) != first
