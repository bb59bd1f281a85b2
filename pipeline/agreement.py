"""Agreement between two annotators on the same documents: span F1 from evaluate_documents
(symmetric in F1), plus chance-corrected Cohen's kappa and Krippendorff's alpha for the
sentence-level tasks (takfir sentence yes/no, stance per target).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .evaluate import evaluate_documents, takfir_sentence_labels
from .metrics import cohen_kappa, krippendorff_alpha
from .records import LabeledDocument, Span
from .schema import LabelSchema, load_schema


def agreement_report(first: Sequence[LabeledDocument], second: Sequence[LabeledDocument], *,
                     schema: LabelSchema | None = None) -> dict[str, Any]:
    """Agreement of ``second`` with ``first`` over the documents both annotated.

    Sentence-level labels are compared on ``first``'s sentences; the other annotator's label
    for a sentence is the one on its sentence that overlaps most (NONE/False if none).
    """
    schema = schema or load_schema()
    by_doc = {d.doc_id: d for d in second}
    shared = [d for d in first if d.doc_id in by_doc]
    other = [by_doc[d.doc_id] for d in shared]
    report = evaluate_documents(shared, other, schema=schema)
    takfir_a: list[bool] = []
    takfir_b: list[bool] = []
    for a, b in zip(shared, other, strict=True):
        takfir_a += takfir_sentence_labels(a, a.sentences).values()
        takfir_b += takfir_sentence_labels(b, a.sentences).values()
    report["takfir_sentences"].update(_chance_corrected(takfir_a, takfir_b))
    for target in schema.stance_targets:
        labels_a, labels_b = [], []
        for a, b in zip(shared, other, strict=True):
            labels_a += _stance_labels(a, a.sentences, target)
            labels_b += _stance_labels(b, a.sentences, target)
        report["stance"][target].update(_chance_corrected(labels_a, labels_b))
    report["annotators"] = sorted({d.annotator for d in shared} | {d.annotator for d in other})
    return report


def _chance_corrected(a: list[Any], b: list[Any]) -> dict[str, float | None]:
    if not a:
        return {"cohen_kappa": None, "krippendorff_alpha": None}
    alpha_units = {i: [x, y] for i, (x, y) in enumerate(zip(a, b, strict=True))}
    return {"cohen_kappa": round(cohen_kappa(a, b), 4),
            "krippendorff_alpha": round(krippendorff_alpha(alpha_units), 4),
            "observed_agreement": round(sum(x == y for x, y in zip(a, b, strict=True)) / len(a),
                                        4)}


def _stance_labels(doc: LabeledDocument, sentences: Sequence[Span], target: str) -> list[str]:
    mine = [s for s in doc.stance if s.target == target]
    out = []
    for sentence in sentences:
        best, shared = "NONE", 0
        for s in mine:
            overlap = min(sentence.end, s.end) - max(sentence.start, s.start)
            if overlap > shared:
                best, shared = s.label, overlap
        out.append(best)
    return out
