"""Score the taggers (and the keyword baseline) on the held-out construction set,
tests/data/constructions.jsonl, which no rule was written against. Figures only.

Usage: python bench/heldout.py [--json]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.baseline import keyword_baseline  # noqa: E402
from pipeline.evaluate import evaluate_documents  # noqa: E402
from pipeline.nlp.build import build_nlp  # noqa: E402
from pipeline.records import LabeledDocument, Span, Stance, TakfirEvent  # noqa: E402
from pipeline.tag import labels_of  # noqa: E402

SET = ROOT / "tests" / "data" / "constructions.jsonl"


def gold_document(item: dict[str, Any]) -> LabeledDocument:
    text = item["text"]

    def span(value: str | None) -> Span | None:
        if value is None:
            return None
        start = text.index(value)
        return Span(start, start + len(value))

    events = tuple(TakfirEvent(span(e["trigger"]), span(e["declarer"]), span(e["target"]),
                               span(e["ground"]), e["mode"], e["chain"])
                   for e in item["events"])
    whole = Span(0, len(text))
    stance = tuple(Stance(0, len(text), t, label) for t, label in item["stance"].items())
    return LabeledDocument(item["id"], item["id"], "heldout", (), events, (whole,), stance)


def system_document(item: dict[str, Any], nlp: Any) -> LabeledDocument:
    labels = labels_of(nlp(item["text"]))
    whole = Span(0, len(item["text"]))
    # one sentence per item: keep, per target, the strongest label the tagger gave
    stance: dict[str, Stance] = {}
    for s in labels.stance:
        kept = stance.get(s.target)
        if kept is None or (kept.label == "NONE" and s.label != "NONE"):
            stance[s.target] = Stance(0, whole.end, s.target, s.label, s.holder, s.score,
                                      s.source)
    return LabeledDocument(item["id"], item["id"], "system", labels.entities, labels.takfir,
                           (whole,), tuple(stance.values()))


def summary(report: dict[str, Any]) -> dict[str, Any]:
    events = report["takfir_events"]
    return {"takfir_sentence_f1": report["takfir_sentences"]["f1"],
            "trigger_f1": events["trigger"]["f1"], "declarer_f1": events["declarer"]["f1"],
            "target_f1": events["target"]["f1"], "ground_f1": events["ground"]["f1"],
            "mode_accuracy": events["mode_accuracy"], "chain_accuracy": events["chain_accuracy"],
            **{f"stance_{t}_macro_f1": s["macro_f1"] for t, s in report["stance"].items()}}


def main(as_json: bool = False) -> dict[str, Any]:
    items = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    nlp = build_nlp()
    gold = [gold_document(i) for i in items]
    system = [system_document(i, nlp) for i in items]
    baseline = [keyword_baseline(i["id"], i["id"], i["text"], (Span(0, len(i["text"])),))
                for i in items]
    results = {"items": len(items),
               "system": summary(evaluate_documents(gold, system)),
               "baseline": summary(evaluate_documents(gold, baseline)),
               "by_construction": {}}
    groups: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(items):
        groups[item["construction"]].append(n)
    for name, idx in sorted(groups.items()):
        report = evaluate_documents([gold[i] for i in idx], [system[i] for i in idx])
        results["by_construction"][name] = {
            **summary(report), "items": len(idx),
            "spurious_events": sum(len(system[i].takfir) for i in idx if not gold[i].takfir)}
    if as_json:
        print(json.dumps(results, indent=1))
    else:
        print(f"held-out constructions: {len(items)} sentences")
        for key in results["system"]:
            s, b = results["system"][key], results["baseline"][key]
            print(f"  {key:>32}: system {_fmt(s)}   baseline {_fmt(b)}")
        for name, scores in results["by_construction"].items():
            if name.startswith(("not_", "stance_")):  # no takfir gold: count false events
                print(f"  {name:>24}: {scores['spurious_events']} spurious events in "
                      f"{scores['items']} sentences, ISIS stance macro-F1 "
                      f"{_fmt(scores['stance_ISIS_macro_f1'])}")
                continue
            print(f"  {name:>24}: takfir-sentence F1 {_fmt(scores['takfir_sentence_f1'])}, "
                  f"declarer F1 {_fmt(scores['declarer_f1'])}, target F1 "
                  f"{_fmt(scores['target_f1'])}, mode acc {_fmt(scores['mode_accuracy'])}")
    return results


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main("--json" in sys.argv)
