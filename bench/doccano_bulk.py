"""Doccano push and pull of N pre-annotated units: the bulk path vs one call per example.

Starts its own Doccano (fresh data folder, free port; installs .doccano/venv when missing),
builds N synthetic units with three spans and two relations each (a takfir event: trigger,
declarer, target) through the same mapping as `takfir doccano push`, then times:
bulk upload (verified count), per-call creation, and the export + mapping back of all units.
Usage: python bench/doccano_bulk.py [N]   (figures, not pass/fail)
"""

from __future__ import annotations

import json
import random
import secrets
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.doccano.client import connect  # noqa: E402
from pipeline.doccano.mapping import Unit, from_line, label_types, to_line  # noqa: E402
from pipeline.doccano.server import ServerPaths, start, stop  # noqa: E402
from pipeline.doccano.settings import DoccanoSettings  # noqa: E402
from pipeline.records import Entity, LabeledDocument, Span, TakfirEvent  # noqa: E402
from pipeline.schema import load_schema  # noqa: E402

DECLARERS = ["The council", "A former fighter", "The preacher", "The court", "A defector"]
TARGETS = ["the villagers", "the old imam", "the rival faction", "the traders", "the judges"]


def unit_text(rng: random.Random) -> tuple[str, LabeledDocument]:
    declarer, target = rng.choice(DECLARERS), rng.choice(TARGETS)
    text = (f"{declarer} declared {target} apostates in a statement read out on "
            f"day {rng.randrange(10**6)}. Witnesses described the scene to reporters.")
    d0, t0 = 0, text.index(target)
    trig = text.index("apostates")
    event = TakfirEvent(Span(trig, trig + 9), Span(d0, len(declarer)),
                        Span(t0, t0 + len(target)), None, "asserted", False, 0.9, "rule")
    entity = Entity(trig, trig + 9, "TAKFIR_TERM", "term:apostate", 1.0, "rule")
    return text, LabeledDocument("sha", "doc", "system", (entity,), (event,))


def main(n: int = 1000) -> dict[str, float]:
    rng = random.Random(5)
    schema = load_schema()
    lines, texts = [], {}
    for i in range(n):
        text, doc = unit_text(rng)
        unit = Unit(f"doc_{i:05d}", f"sha{i}", 0, len(text))
        texts[unit.doc_id] = text
        lines.append(to_line(unit, text, LabeledDocument(unit.sha256, unit.doc_id, "system",
                                                         doc.entities, doc.takfir)).line)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = DoccanoSettings(f"http://127.0.0.1:{port}", "admin", secrets.token_urlsafe(16))
    paths = ServerPaths(data=Path(tempfile.mkdtemp(prefix="doccano-bench-")))
    t = time.perf_counter()
    start(settings, paths)
    figures = {"server_start_s": time.perf_counter() - t}
    try:
        with connect(settings) as doccano:
            spans, relations = label_types(schema)
            ids = {}
            for name in ("bulk", "per-call"):
                pid = doccano.ensure_project(name, description="bench", guideline="-").id
                doccano.ensure_label_types(pid, "span", spans)
                doccano.ensure_label_types(pid, "relation", relations)
                ids[name] = pid
            t = time.perf_counter()
            doccano.upload_jsonl(ids["bulk"], lines, project="bulk")
            figures["push_bulk_s"] = time.perf_counter() - t
            span_ids = doccano.label_ids(ids["per-call"], "span")
            rel_ids = doccano.label_ids(ids["per-call"], "relation")
            pid, api = ids["per-call"], doccano.api
            t = time.perf_counter()
            for line in lines:
                meta = {k: v for k, v in line.items() if k not in ("text", "entities",
                                                                      "relations")}
                example = api.create_example(pid, line["text"], meta)
                made = {e["id"]: api.create_span(pid, example, e["start_offset"],
                                                 e["end_offset"], span_ids[e["label"]])
                        for e in line["entities"]}
                for r in line["relations"]:
                    api.create_relation(pid, example, made[r["from_id"]], made[r["to_id"]],
                                        rel_ids[r["type"]])
            figures["push_per_call_s"] = time.perf_counter() - t
            t = time.perf_counter()
            exported = doccano.export_lines(ids["bulk"], project="bulk")
            back = [from_line(x, texts[x["doc_id"]], schema)
                    for rows in exported.values() for x in rows]
            figures["pull_s"] = time.perf_counter() - t
            assert len(back) == n and all(not b.problems and len(b.takfir) == 1 for b in back)
    finally:
        stop(paths)
    figures["speedup_bulk"] = figures["push_per_call_s"] / figures["push_bulk_s"]
    figures = {k: round(v, 2) for k, v in figures.items()}
    print(json.dumps({"units": n, "spans_per_unit": 4, "relations_per_unit": 2, **figures}))
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
