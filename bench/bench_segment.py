"""Segmentation speed per method, as words/s and as a ratio to the sentencizer baseline.

Usage: python bench/bench_segment.py [N_DOCS]  (400-word documents)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import document  # noqa: E402

from pipeline.segment import SegmentConfig, load_segmenter, split_sentences  # noqa: E402


def words_per_second(method: str, docs: list[tuple[str, str]], n_process: int = 1) -> float:
    nlp = load_segmenter(SegmentConfig(method=method))
    words = sum(len(text.split()) for _, text in docs)
    started = time.perf_counter()
    n = sum(1 for _ in split_sentences(nlp, docs, n_process=n_process))
    assert n > 0
    return words / (time.perf_counter() - started)


def main(n_docs: int = 200) -> dict[str, float]:
    docs = [(f"d{i}", document(i)) for i in range(n_docs)]
    results = {m: words_per_second(m, docs) for m in ("sentencizer", "senter", "parser")}
    results["parser_n_process_2"] = words_per_second("parser", docs, n_process=2)
    base = results["sentencizer"]
    for name, wps in results.items():
        print(f"{name:>20}: {wps:>10,.0f} words/s  ({wps / base:.3f}x sentencizer)")
    return results


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
