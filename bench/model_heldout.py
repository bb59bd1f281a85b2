"""Rules alone vs rules + the trained models on the held-out construction set
(tests/data/constructions.jsonl, which neither the rules nor the models were fitted or tuned
on). Figures only; needs trained models (takfir train --task takfir / --task stance).

Usage: python bench/model_heldout.py [--models DIR] [--threshold P]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from heldout import SET, gold_document, summary, system_document  # noqa: E402

from pipeline.evaluate import evaluate_documents  # noqa: E402
from pipeline.learn.data import task_labels, units_of_document  # noqa: E402
from pipeline.learn.loop import combine, score_units  # noqa: E402
from pipeline.learn.persist import available_models, load_task_model  # noqa: E402
from pipeline.nlp.build import build_nlp  # noqa: E402


def main(models: Path | None, threshold: float | None) -> dict[str, object]:
    items = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    nlp = build_nlp()
    tasks = [t for t in available_models(models) if t in ("takfir", "stance", "mode")]
    loaded = {t: load_task_model(t, models) for t in tasks}
    gold, rules, both = [], [], []
    for item in items:
        doc = nlp(item["text"])
        system = system_document(item, nlp)
        terms = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "TAKFIR_TERM"]
        scored = {}
        for task, (model, _) in loaded.items():
            units = units_of_document(system, item["text"], terms, task)
            scored[task] = score_units(model, units, task_labels(task))
        cut = {t: threshold if threshold is not None else m.get("threshold", 0.5)
               for t, (_, m) in loaded.items()}
        gold.append(gold_document(item))
        rules.append(system)
        both.append(combine(system, scored, add_threshold=cut.get("takfir", 1.01),
                            stance_threshold=cut.get("stance", 1.01)))
    results = {"items": len(items), "models": tasks,
               "rules": summary(evaluate_documents(gold, rules)),
               "rules_plus_model": summary(evaluate_documents(gold, both))}
    for key in results["rules"]:
        print(f"{key:>32}: rules {results['rules'][key]}   rules + model "
              f"{results['rules_plus_model'][key]}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=None)
    parser.add_argument("--threshold", type=float, default=None,
                        help="override the tuned thresholds (e.g. 0.5)")
    options = parser.parse_args()
    main(options.models, options.threshold)
