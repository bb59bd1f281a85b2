"""Ingest throughput against a same-run baseline: reading and hashing the same files.

Prints documents/s for `ingest` and for the baseline (read bytes, decode, sha256) and their
ratio, so the figure survives a noisy machine. Usage: python bench/bench_ingest.py [N_DOCS]
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_corpus  # noqa: E402

from pipeline import Workspace  # noqa: E402
from pipeline.ingest import ingest  # noqa: E402


def baseline(folder: Path) -> float:
    started = time.perf_counter()
    for path in sorted(folder.glob("*.txt")):
        hashlib.sha256(path.read_bytes().decode("utf-8").encode("utf-8")).hexdigest()
    return time.perf_counter() - started


def main(n_docs: int = 2000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_corpus(Path(tmp) / "corpus", n_docs)
        base = baseline(folder)
        started = time.perf_counter()
        with Workspace(Path(tmp) / "ws") as ws:
            report = ingest([folder], ws)
        first = time.perf_counter() - started
        started = time.perf_counter()
        with Workspace(Path(tmp) / "ws") as ws:
            again = ingest([folder], ws)
        second = time.perf_counter() - started
    assert len(report.ingested) == n_docs and len(again.unchanged) == n_docs
    result = {"docs": n_docs, "ingest_docs_per_s": n_docs / first,
              "reingest_docs_per_s": n_docs / second, "baseline_docs_per_s": n_docs / base,
              "ingest_vs_baseline": first / base}
    print(f"ingest {n_docs} docs: {first:.2f} s ({n_docs / first:,.0f} docs/s); "
          f"re-ingest (all unchanged): {second:.2f} s; baseline read+hash: {base:.3f} s; "
          f"ingest costs {first / base:,.0f}x the baseline")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
