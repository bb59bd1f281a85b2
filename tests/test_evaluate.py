"""evaluate_documents on small labeled documents worked out by hand."""

from __future__ import annotations

import pytest

from pipeline.evaluate import evaluate_documents, takfir_sentence_labels
from pipeline.records import Entity, LabeledDocument, Span, Stance, TakfirEvent

SENTS = (Span(0, 50), Span(51, 100), Span(101, 150))


def doc(annotator="gold", **labels) -> LabeledDocument:
    return LabeledDocument("sha", "d1", annotator, sentences=SENTS, **labels)


def event(trigger, declarer=None, target=None, ground=None, mode="asserted", chain=False):
    spans = [None if s is None else Span(*s) for s in (declarer, target, ground)]
    return TakfirEvent(Span(*trigger), *spans, mode=mode, chain=chain)


def test_events_trigger_roles_mode_and_chain():
    gold = doc(takfir=(
        event((10, 18), declarer=(0, 9), target=(19, 30), mode="asserted"),
        event((60, 70), target=(71, 80), ground=(81, 99), mode="doctrinal", chain=True),
    ))
    pred = doc("system", takfir=(
        event((12, 18), declarer=(0, 5), target=(40, 45), mode="asserted"),  # target misses
        event((120, 125), declarer=(101, 110), mode="asserted"),  # spurious event
    ))
    events = evaluate_documents([gold], [pred])["takfir_events"]
    assert (events["trigger"]["tp"], events["trigger"]["fp"], events["trigger"]["fn"]) == (1, 1, 1)
    # declarer: gold 1, pred 2, hit 1 -> P .5 R 1
    assert (events["declarer"]["precision"], events["declarer"]["recall"]) == (0.5, 1.0)
    assert events["target"]["f1"] == 0.0 and events["target"]["support"] == 2
    assert events["ground"]["recall"] == 0.0
    assert events["mode_accuracy"] == 1.0 and events["chain_accuracy"] == 1.0
    assert events["matched_events"] == 1


def test_takfir_sentences_come_from_non_negated_triggers():
    gold = doc(takfir=(event((10, 18)), event((60, 70), mode="negated")))
    labels = takfir_sentence_labels(gold, SENTS)
    assert list(labels.values()) == [True, False, False]
    pred = doc("system", takfir=(event((60, 70)), event((120, 130))))
    scores = evaluate_documents([gold], [pred])["takfir_sentences"]
    assert (scores["tp"], scores["fp"], scores["fn"]) == (0, 2, 1)


def test_stance_aligns_predicted_sentences_by_overlap():
    gold = doc(stance=(Stance(0, 50, "ISIS", "AGAINST"), Stance(51, 100, "ISIS", "FAVOR")))
    # the system split its sentences differently; the best-overlapping one counts
    pred = LabeledDocument("sha", "d1", "system", sentences=(Span(0, 40), Span(41, 100)),
                           stance=(Stance(0, 40, "ISIS", "AGAINST"),
                                   Stance(41, 100, "ISIS", "AGAINST")))
    isis = evaluate_documents([gold], [pred])["stance"]["ISIS"]
    assert isis["AGAINST"]["f1"] == pytest.approx(2 / 3, abs=1e-4)  # tp 1, fp 1, fn 0
    assert isis["FAVOR"]["f1"] == 0.0
    assert isis["macro_f1"] == pytest.approx(1 / 3, abs=1e-4)
    assert isis["accuracy"] == pytest.approx(2 / 3, abs=1e-4)  # third sentence: NONE and NONE
    assert isis["gold_counts"] == {"AGAINST": 1, "FAVOR": 1, "NONE": 1}


def test_entities_and_linking():
    gold = doc(entities=(Entity(0, 4, "ORG", "org:isis"), Entity(10, 17, "PERSON", "per:x"),
                         Entity(20, 25, "GPE")))
    pred = doc("system", entities=(Entity(0, 4, "ORG", "org:isis"),
                                   Entity(10, 15, "PERSON", "per:y")))
    report = evaluate_documents([gold], [pred])
    assert report["entities"]["exact"]["micro"]["tp"] == 1
    assert report["entities"]["overlap"]["micro"]["tp"] == 2
    assert report["linking"]["accuracy"] == 0.5  # org:isis right, per:x linked to per:y
    assert report["linking"]["recall_by_id"] == {"org:isis": 1.0, "per:x": 0.0}


def test_documents_without_predictions_score_zero_not_crash():
    gold = doc(entities=(Entity(0, 4, "ORG"),), takfir=(event((10, 18)),))
    report = evaluate_documents([gold], [])
    assert report["entities"]["exact"]["micro"]["fn"] == 1
    assert report["takfir_events"]["mode_accuracy"] is None
