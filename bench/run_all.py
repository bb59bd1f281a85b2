"""Run every benchmark and print its figures (not pass/fail)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_ingest  # noqa: E402
import bench_segment  # noqa: E402
import train_speed  # noqa: E402

if __name__ == "__main__":
    bench_ingest.main(2000)
    bench_segment.main(200)
    train_speed.main(20_000)
