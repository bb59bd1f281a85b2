"""Real-text accuracy: the taggers on the real comparable corpus (corpus/real/MANIFEST.tsv),
scored against the standoff gold in annotations/gold/real/, on the dev and test splits and on
the seed, for the rules alone, the rules plus the trained classifiers, and the keyword
baseline. Everything runs as a user runs it: `takfir ingest`, `takfir tag --no-models`,
`takfir train`, `takfir predict`, in a fresh workspace under bench/results/real/.

Usage: python bench/real_text.py [--json] [--keep]   (texts first: corpus/real/README.md)
       python bench/real_text.py --errors            (also rewrites annotations/ERRORS.md)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from real_corpus import MANIFEST, TEXTS, read_manifest, sha256  # noqa: E402

from pipeline.baseline import keyword_baseline  # noqa: E402
from pipeline.evaluate import evaluate_documents  # noqa: E402
from pipeline.gold import load_gold  # noqa: E402
from pipeline.predictions import predicted_documents  # noqa: E402
from pipeline.store import Workspace  # noqa: E402

OUT = ROOT / "bench" / "results" / "real"
GOLD = ROOT / "annotations" / "gold"
SEED = Path(os.environ.get("TAKFIR_SHARED", ROOT.parent / "shared")) / "seeds"
SPLITS = ("dev", "test")
TARGETS = {"takfir sentence F1": ">= 0.80 (P, R >= 0.75)", "declarer F1": ">= 0.65",
           "target F1": ">= 0.65", "ISIS stance macro-F1": ">= 0.55"}


def takfir(*args: str, workspace: Path) -> float:
    """Run one `takfir` command as a user would; returns its wall time."""
    exe = Path(sys.executable).with_name("takfir")
    started = time.perf_counter()
    subprocess.run([str(exe), *args, "--workspace", str(workspace)], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def check_texts(rows: list[dict[str, str]]) -> list[str]:
    """Manifest rows whose cleaned text is missing (rebuild and ingest check the hashes)."""
    missing = [r["id"] for r in rows if not (TEXTS / f"{r['id']}.txt").exists()]
    return missing


def summary(report: dict[str, Any]) -> dict[str, Any]:
    events, stance = report["takfir_events"], report["stance"]
    ts = report["takfir_sentences"]
    return {
        "takfir sentence P": ts["precision"], "takfir sentence R": ts["recall"],
        "takfir sentence F1": ts["f1"], "gold takfir sentences": ts["support"],
        "trigger F1": events["trigger"]["f1"],
        "declarer F1": events["declarer"]["f1"], "target F1": events["target"]["f1"],
        "ground F1": events["ground"]["f1"], "mode accuracy": events["mode_accuracy"],
        "ISIS stance macro-F1": stance["ISIS"]["macro_f1"],
        "ISIS_LEADERSHIP stance macro-F1": stance["ISIS_LEADERSHIP"]["macro_f1"],
        "TAKFIRIS stance macro-F1": stance["TAKFIRIS"]["macro_f1"],
        "entity overlap F1": report["entities"]["overlap"]["micro"]["f1"],
    }


def score(workspace: Path, gold_file: Path, system: str) -> dict[str, Any]:
    with Workspace(workspace, read_only=True) as ws:
        gold = load_gold(gold_file, ws)
        ids = [d.doc_id for d in gold]
        if system == "baseline":
            texts = dict(ws.query("SELECT doc_id, text FROM documents"))
            pred = [keyword_baseline(d.doc_id, d.sha256, texts[d.doc_id], d.sentences)
                    for d in gold]
        else:
            sources = ["rule"] if system == "rules" else ["rule", "model"]
            pred = predicted_documents(ws, doc_ids=ids, sources=sources)
    return evaluate_documents(gold, pred)


def build(keep: bool) -> tuple[Path, dict[str, float]]:
    """A fresh workspace with the real texts, the seed and the demo corpus, tagged by rules;
    classifiers trained on the gold of everything but the real test split."""
    workspace, models = OUT / "workspace", OUT / "models"
    if not keep:
        shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    times = {"ingest": takfir("ingest", str(TEXTS), str(SEED), str(ROOT / "corpus" / "demo"),
                              workspace=workspace)}
    times["tag --no-models"] = takfir("tag", "--no-models", workspace=workspace)
    train_gold = OUT / "train-gold"
    train_gold.mkdir(exist_ok=True)
    for path in [*GOLD.glob("*.jsonl"), GOLD / "real" / "dev.jsonl"]:
        shutil.copy(path, train_gold / f"{path.parent.name}-{path.name}")
    for task in ("takfir", "stance"):
        times[f"train {task}"] = takfir("train", "--task", task, "--gold", str(train_gold),
                                        "--models", str(models), workspace=workspace)
    times["predict"] = takfir("predict", "--models", str(models), workspace=workspace)
    return workspace, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="reuse bench/results/real/ (only new work is done)")
    parser.add_argument("--errors", action="store_true",
                        help="rewrite annotations/ERRORS.md from the dev split")
    parser.add_argument("--quick", action="store_true",
                        help="developer loop: re-tag the existing workspace with the rules "
                             "and score dev and the seed only (never test)")
    args = parser.parse_args(argv)
    rows = read_manifest(MANIFEST)
    missing = check_texts(rows)
    if missing:
        print(f"{len(missing)} of {len(rows)} texts are missing from {TEXTS}: "
              f"{', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}. Get them back "
              "as corpus/real/README.md says (search, then scripts/real_corpus.py rebuild).",
              file=sys.stderr)
        return 1
    gold_of = {"seed": GOLD / "seed.jsonl",
               **{split: GOLD / "real" / f"{split}.jsonl" for split in SPLITS}}
    systems = ("rules", "rules+model", "baseline")
    if args.quick:
        workspace = OUT / "workspace"
        times = {"tag --force --no-models": takfir("tag", "--force", "--no-models",
                                                   workspace=workspace)}
        gold_of.pop("test")
        systems = ("rules",)
    else:
        workspace, times = build(args.keep)
    results: dict[str, dict[str, Any]] = {}
    for split, gold_file in gold_of.items():
        for system in systems:
            name = f"{split} / {system}" + (" (in-sample)" if split == "dev"
                                             and system == "rules+model" else "")
            results[name] = summary(score(workspace, gold_file, system))
    if args.errors:
        from errors_report import write_errors_report

        write_errors_report(workspace, gold_of["dev"], ROOT / "annotations" / "ERRORS.md")
    if args.json:
        print(json.dumps({"results": results, "seconds": times,
                          "manifest_sha256": sha256(MANIFEST.read_text(encoding="utf-8"))},
                         indent=2))
        return 0
    print_table(results)
    return 0


def print_table(results: dict[str, dict[str, Any]]) -> None:
    keys = ["takfir sentence P", "takfir sentence R", "takfir sentence F1", "declarer F1",
            "target F1", "ISIS stance macro-F1", "trigger F1", "mode accuracy",
            "ISIS_LEADERSHIP stance macro-F1", "TAKFIRIS stance macro-F1", "entity overlap F1"]
    short = ["sent P", "sent R", "sent F1", "decl F1", "targ F1", "ISIS F1", "trig F1",
             "mode acc", "LEAD F1", "TAKF F1", "ent F1"]
    width = max(len(k) for k in results) + 2
    print("split / system".ljust(width) + "".join(s.rjust(9) for s in short))
    for name, row in results.items():
        cells = ["-" if row[k] is None else f"{row[k]:.3f}" for k in keys]
        print(name.ljust(width) + "".join(c.rjust(9) for c in cells))
    print("\ntargets on test: " + "; ".join(f"{k} {v}" for k, v in TARGETS.items()))


if __name__ == "__main__":
    sys.exit(main())
