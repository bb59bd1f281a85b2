"""Evaluate: score one set of labeled documents against another (system vs gold, or one
annotator vs another) on every task: entities, linking, takfir sentences, takfir events,
stance. Returns a plain dict that the CLI prints as tables or JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .metrics import (
    MICRO,
    PRF,
    accuracy,
    binary_scores,
    match_spans,
    overlaps,
    span_scores,
    stance_scores,
)
from .records import LabeledDocument, Span, TakfirEvent
from .schema import LabelSchema, load_schema

ROLES = ("declarer", "target", "ground")
NEGATED = "negated"


def evaluate_documents(gold: Sequence[LabeledDocument], pred: Sequence[LabeledDocument], *,
                       schema: LabelSchema | None = None) -> dict[str, Any]:
    """Scores of ``pred`` against ``gold``, over the documents of ``gold`` only."""
    schema = schema or load_schema()
    by_doc = {doc.doc_id: doc for doc in pred}
    pairs = [(g, by_doc.get(g.doc_id, LabeledDocument(g.sha256, g.doc_id, "none")))
             for g in gold]
    return {
        "documents": len(gold),
        "entities": _entities(pairs),
        "linking": _linking(pairs),
        "takfir_sentences": _takfir_sentences(pairs).as_dict(),
        "takfir_events": _events(pairs),
        "stance": _stance(pairs, schema),
    }


def _entities(pairs: list[tuple[LabeledDocument, LabeledDocument]]) -> dict[str, Any]:
    gold = [(g.doc_id, e.start, e.end, e.label) for g, _ in pairs for e in g.entities]
    pred = [(g.doc_id, e.start, e.end, e.label) for g, p in pairs for e in p.entities]
    return {match: {label: prf.as_dict() for label, prf in
                    span_scores(gold, pred, match=match).items()}
            for match in ("exact", "overlap")}


def _linking(pairs: list[tuple[LabeledDocument, LabeledDocument]]) -> dict[str, Any]:
    """Of the gold mentions with a kb_id that the system found (overlap, same label), the share
    it linked to the same id; plus the recall of each gold kb_id's mentions."""
    correct = total = 0
    per_id: dict[str, list[int]] = {}
    for g, p in pairs:
        gold = [(g.doc_id, e.start, e.end, e.label) for e in g.entities]
        pred = [(g.doc_id, e.start, e.end, e.label) for e in p.entities]
        found = dict(match_spans(gold, pred, match="overlap"))
        for i, entity in enumerate(g.entities):
            if entity.kb_id is None:
                continue
            hit = i in found and p.entities[found[i]].kb_id == entity.kb_id
            counts = per_id.setdefault(entity.kb_id, [0, 0])
            counts[0] += hit
            counts[1] += 1
            if i in found:
                total += 1
                correct += hit
    return {"accuracy": round(correct / total, 4) if total else None, "linked_mentions": total,
            "recall_by_id": {k: round(h / n, 4) for k, (h, n) in sorted(per_id.items())}}


def takfir_sentence_labels(doc: LabeledDocument, sentences: Sequence[Span]) -> dict[Any, bool]:
    """A sentence is a takfir sentence when a non-negated event's trigger lies in it."""
    triggers = [e.trigger for e in doc.takfir if e.mode != NEGATED]
    return {(doc.doc_id, s.start, s.end): any(overlaps(s.start, s.end, t.start, t.end)
                                              for t in triggers) for s in sentences}


def _takfir_sentences(pairs: list[tuple[LabeledDocument, LabeledDocument]]) -> PRF:
    total = PRF(0, 0, 0)
    for g, p in pairs:
        total += binary_scores(takfir_sentence_labels(g, g.sentences),
                               takfir_sentence_labels(p, g.sentences))
    return total


def _events(pairs: list[tuple[LabeledDocument, LabeledDocument]]) -> dict[str, Any]:
    trigger = PRF(0, 0, 0)
    roles = dict.fromkeys(ROLES, PRF(0, 0, 0))
    modes: list[tuple[str, str]] = []
    chains: list[tuple[bool, bool]] = []
    for g, p in pairs:
        gold_t = [_trigger_key(g.doc_id, e) for e in g.takfir]
        pred_t = [_trigger_key(g.doc_id, e) for e in p.takfir]
        matched = match_spans(gold_t, pred_t, match="overlap", by_label=False)
        trigger += PRF(len(matched), len(pred_t) - len(matched), len(gold_t) - len(matched))
        for role in ROLES:
            hits = sum(1 for i, j in matched
                       if _arg_overlap(getattr(g.takfir[i], role), getattr(p.takfir[j], role)))
            n_gold = sum(1 for e in g.takfir if getattr(e, role) is not None)
            n_pred = sum(1 for e in p.takfir if getattr(e, role) is not None)
            roles[role] = roles[role] + PRF(hits, n_pred - hits, n_gold - hits)
        modes.extend((g.takfir[i].mode, p.takfir[j].mode) for i, j in matched)
        chains.extend((g.takfir[i].chain, p.takfir[j].chain) for i, j in matched)
    mode_acc, chain_acc = accuracy(modes), accuracy(chains)
    return {"trigger": trigger.as_dict(),
            **{role: prf.as_dict() for role, prf in roles.items()},
            "mode_accuracy": None if mode_acc is None else round(mode_acc, 4),
            "chain_accuracy": None if chain_acc is None else round(chain_acc, 4),
            "matched_events": len(modes)}


def _trigger_key(doc_id: str, event: TakfirEvent) -> tuple[str, int, int, str]:
    return (doc_id, event.trigger.start, event.trigger.end, "TRIGGER")


def _arg_overlap(gold: Span | None, pred: Span | None) -> bool:
    return gold is not None and pred is not None and overlaps(gold.start, gold.end,
                                                              pred.start, pred.end)


def _stance(pairs: list[tuple[LabeledDocument, LabeledDocument]],
            schema: LabelSchema) -> dict[str, Any]:
    out = {}
    for target in schema.stance_targets:
        gold: dict[Any, str] = {}
        pred: dict[Any, str] = {}
        for g, p in pairs:
            gold_labels = {(s.start, s.end): s.label for s in g.stance if s.target == target}
            pred_stance = [s for s in p.stance if s.target == target]
            for sentence in g.sentences:
                key = (g.doc_id, sentence.start, sentence.end)
                gold[key] = gold_labels.get((sentence.start, sentence.end), "NONE")
                # a model's label for the same sentence beats the rule's (as in exports)
                best = max(pred_stance, default=None,
                           key=lambda s, a=sentence: (_shared(a, s.start, s.end),
                                                      s.source == "model"))
                if best is not None and _shared(sentence, best.start, best.end) > 0:
                    pred[key] = best.label
        scores = stance_scores(gold, pred)
        out[target] = {"macro_f1": round(scores["macro_f1"], 4),
                       "accuracy": None if scores["accuracy"] is None
                       else round(scores["accuracy"], 4),
                       "FAVOR": scores["per_class"]["FAVOR"].as_dict(),
                       "AGAINST": scores["per_class"]["AGAINST"].as_dict(),
                       "n": scores["n"], "gold_counts": scores["gold_counts"]}
    return out


def _shared(sentence: Span, start: int, end: int) -> int:
    return max(0, min(sentence.end, end) - max(sentence.start, start))


__all__ = ["MICRO", "evaluate_documents", "takfir_sentence_labels"]
