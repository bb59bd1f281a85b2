"""agreement_report: span F1 plus chance-corrected agreement on sentence-level labels."""

from __future__ import annotations

import pytest

from pipeline.agreement import agreement_report
from pipeline.records import LabeledDocument, Span, Stance, TakfirEvent

SENTS = tuple(Span(i * 10, i * 10 + 9) for i in range(4))


def annotated(name: str, stance: list[str], takfir_in: list[int]) -> LabeledDocument:
    return LabeledDocument(
        "sha", "d1", name, sentences=SENTS,
        stance=tuple(Stance(s.start, s.end, "ISIS", label)
                     for s, label in zip(SENTS, stance, strict=True)),
        takfir=tuple(TakfirEvent(Span(SENTS[i].start, SENTS[i].start + 3), None, None, None,
                                 "asserted") for i in takfir_in))


def test_kappa_and_alpha_on_stance_and_takfir_sentences():
    a = annotated("a", ["AGAINST", "AGAINST", "NONE", "NONE"], [0, 1])
    b = annotated("b", ["AGAINST", "NONE", "NONE", "NONE"], [0])
    report = agreement_report([a], [b])
    # stance: observed 3/4; expected .5*.25 + .5*.75 = .5 -> kappa .5
    assert report["stance"]["ISIS"]["cohen_kappa"] == pytest.approx(0.5)
    assert report["takfir_sentences"]["cohen_kappa"] == pytest.approx(0.5)
    assert report["takfir_sentences"]["observed_agreement"] == 0.75
    # alpha on the same 4 pairs: o_AA 2, o_AN = o_NA 1, o_NN 4 -> 1 - 7 * 2 / 30
    assert report["stance"]["ISIS"]["krippendorff_alpha"] == pytest.approx(1 - 14 / 30, abs=1e-4)
    assert report["annotators"] == ["a", "b"]


def test_only_documents_both_annotated_count():
    a = annotated("a", ["NONE"] * 4, [])
    other_doc = LabeledDocument("sha2", "d2", "b", sentences=SENTS)
    assert agreement_report([a], [other_doc])["documents"] == 0
