"""Export speed, each format separately: the demo corpus (ingested, segmented, tagged --fast)
and a synthetic corpus of N documents whose sentences and predictions are written straight
into the store (no tagger), so the figure is the export's alone.

Usage: python bench/export_speed.py [N_DOCS]   (default 10,000)
"""

from __future__ import annotations

import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import document  # noqa: E402

from pipeline import Workspace  # noqa: E402
from pipeline.export import FORMATS, export  # noqa: E402
from pipeline.predictions import replace_predictions  # noqa: E402
from pipeline.records import Entity, LabeledDocument, Span, Stance, TakfirEvent  # noqa: E402
from pipeline.store import now  # noqa: E402

NAMES = ["Margit Ostrander", "Claire Dufresne", "Abu Bakr al-Baghdadi", "Omar Haddad"]


def demo_workspace(folder: Path) -> Workspace:
    from pipeline.ingest import ingest
    from pipeline.segment import SegmentConfig, segment
    from pipeline.tag import tag

    ws = Workspace(folder / "demo")
    ingest([ROOT / "corpus" / "demo"], ws)
    segment(ws, config=SegmentConfig(method="sentencizer"))
    tag(ws, fast=True)
    return ws


def _synthetic(i: int) -> tuple[str, list[Span], LabeledDocument]:
    rng = random.Random(i)
    text = f"{rng.choice(NAMES)} declared the council apostates. " + document(i, 300)
    sentences, start = [], 0
    for end in range(len(text)):
        if text[end] == "." and (end + 1 == len(text) or text[end + 1] in " \n"):
            sentences.append(Span(start, end + 1))
            start = end + 2
    sha = hashlib.sha256(text.encode()).hexdigest()
    name_end = text.index(" declared")
    entities = [Entity(0, name_end, "PERSON", None, 0.9, "rule"),
                Entity(text.index("apostates"), text.index("apostates") + 9, "TAKFIR_TERM",
                       "term:apostate", 1.0, "rule")]
    entities += [Entity(m, m + 9, "ORG", None, 0.6, "model") for m in
                 range(len(text)) if text.startswith("The court", m)]
    event = TakfirEvent(Span(text.index("apostates"), text.index("apostates") + 9),
                        Span(0, name_end), Span(name_end + 10, name_end + 21), None,
                        "asserted", False, 0.8, "rule")
    stance = [Stance(s.start, s.end, "ISIS", rng.choice(["FAVOR", "AGAINST", "NONE"]), None,
                     0.7, "rule") for s in sentences[::4]]
    return text, sentences, LabeledDocument(sha, f"doc_{sha[:16]}", "system", tuple(entities),
                                            (event,) if i % 3 else (), tuple(sentences),
                                            tuple(stance))


def synthetic_workspace(folder: Path, n_docs: int) -> Workspace:
    ws = Workspace(folder / "synthetic")
    docs, sentence_rows, labeled = [], [], []
    for i in range(n_docs):
        text, sentences, doc = _synthetic(i)
        docs.append({"doc_id": doc.doc_id, "sha256": doc.sha256, "raw_sha256": doc.sha256,
                     "source_path": f"/synthetic/doc{i:06d}.txt", "format": "txt",
                     "title": f"doc {i}", "language": "en", "text": text, "raw_text": text,
                     "metadata": "{}", "ingested_at": now()})
        sentence_rows += [{"doc_id": doc.doc_id, "idx": k, "start_char": s.start,
                           "end_char": s.end, "config_hash": "bench"}
                          for k, s in enumerate(sentences)]
        labeled.append(doc)
    with ws.transaction():
        ws.insert("documents", docs)
        ws.insert("sentences", sentence_rows)
        replace_predictions(ws, labeled, "bench", ["rule", "model"])
    return ws


def time_formats(ws: Workspace, out: Path, label: str) -> dict[str, float]:
    """Seconds per format (each its own export, records read each time) and with all."""
    results = {}
    for fmt in (*FORMATS, "all"):
        started = time.perf_counter()
        report = export(ws, fmt=fmt, out=out / fmt, gold=None)
        results[fmt] = time.perf_counter() - started
        print(f"{label:>10} {fmt:>8}: {results[fmt]:7.2f} s  ({report.documents:,} documents; "
              f"reading records {report.seconds['records']:.2f} s)", flush=True)
    started = time.perf_counter()
    export(ws, fmt="all", out=out / "pseudonymized", gold=None, pseudonymize=True)
    results["all --pseudonymize"] = time.perf_counter() - started
    print(f"{label:>10} all --pseudonymize: {results['all --pseudonymize']:.2f} s", flush=True)
    return results


def main(n_docs: int = 10_000) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with demo_workspace(folder) as ws:
            demo = time_formats(ws, folder / "out-demo", "demo")
        started = time.perf_counter()
        with synthetic_workspace(folder, n_docs) as ws:
            print(f"(synthetic store of {n_docs:,} documents built in "
                  f"{time.perf_counter() - started:.1f} s)")
            synthetic = time_formats(ws, folder / "out-synthetic", f"{n_docs:,}")
    return {"demo": demo, "synthetic": synthetic}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
