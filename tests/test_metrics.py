"""Every metric on small cases worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from pipeline.metrics import (
    PRF,
    binary_scores,
    cohen_kappa,
    krippendorff_alpha,
    span_scores,
    stance_scores,
)

GOLD = [("d", 0, 5, "PERSON"), ("d", 10, 15, "ORG"), ("d", 20, 25, "PERSON")]
PRED = [("d", 0, 5, "PERSON"), ("d", 10, 14, "ORG"), ("d", 30, 35, "PERSON")]


def test_prf_arithmetic_and_empty_cases():
    assert PRF(1, 1, 2).precision == 0.5 and PRF(1, 1, 2).recall == pytest.approx(1 / 3)
    assert PRF(1, 1, 2).f1 == pytest.approx(0.4)  # 2 * .5 * .333 / .833
    assert PRF(0, 0, 0).f1 == 0.0


def test_exact_span_scores_per_label_and_micro():
    scores = span_scores(GOLD, PRED, match="exact")
    # PERSON: (0,5) hit; (30,35) spurious; (20,25) missed -> 1/1/1
    assert (scores["PERSON"].tp, scores["PERSON"].fp, scores["PERSON"].fn) == (1, 1, 1)
    assert scores["PERSON"].f1 == 0.5
    assert scores["ORG"].f1 == 0.0  # (10,14) is not (10,15)
    assert scores["micro"].f1 == pytest.approx(1 / 3)  # tp 1, fp 2, fn 2


def test_overlap_span_scores_count_partial_matches():
    scores = span_scores(GOLD, PRED, match="overlap")
    assert scores["ORG"].f1 == 1.0
    assert scores["micro"].f1 == pytest.approx(2 / 3)  # tp 2, fp 1, fn 1


def test_overlap_matching_is_one_to_one_and_label_aware():
    gold = [("d", 0, 10, "ORG")]
    pred = [("d", 0, 4, "ORG"), ("d", 5, 10, "ORG"), ("d", 0, 10, "GPE")]
    scores = span_scores(gold, pred, match="overlap")
    assert (scores["ORG"].tp, scores["ORG"].fp, scores["ORG"].fn) == (1, 1, 0)
    assert (scores["GPE"].tp, scores["GPE"].fp) == (0, 1)
    assert span_scores(gold, [("other", 0, 10, "ORG")], match="overlap")["ORG"].tp == 0


def test_binary_scores_treat_missing_predictions_as_negative():
    gold = {"a": True, "b": True, "c": False, "d": False}
    pred = {"a": True, "b": False, "c": True}
    assert binary_scores(gold, pred) == PRF(1, 1, 1)


def test_stance_macro_f1_is_the_mean_of_favor_and_against():
    gold = dict(enumerate(["FAVOR", "FAVOR", "AGAINST", "AGAINST", "NONE", "NONE"]))
    pred = dict(enumerate(["FAVOR", "AGAINST", "AGAINST", "NONE", "NONE", "FAVOR"]))
    scores = stance_scores(gold, pred)
    # FAVOR: tp item 0, fp item 5, fn item 1 -> F 0.5; AGAINST: tp 2, fp 1, fn 3 -> F 0.5
    assert scores["per_class"]["FAVOR"] == PRF(1, 1, 1)
    assert scores["per_class"]["AGAINST"] == PRF(1, 1, 1)
    assert scores["macro_f1"] == 0.5
    assert scores["accuracy"] == 0.5  # items 0, 2, 4 agree
    assert stance_scores({1: "AGAINST"}, {})["accuracy"] == 0.0  # missing counts as NONE


def test_stance_macro_f1_ignores_none_agreement():
    gold = {i: "NONE" for i in range(9)} | {9: "AGAINST"}
    pred = {i: "NONE" for i in range(10)}
    scores = stance_scores(gold, pred)
    assert scores["accuracy"] == 0.9 and scores["macro_f1"] == 0.0


def test_cohen_kappa_by_hand():
    # observed 3/4; expected .5 * .25 + .5 * .75 = .5; kappa (.75 - .5) / .5
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(0.5)
    assert cohen_kappa(["x", "y"], ["x", "y"]) == 1.0
    assert cohen_kappa(["x", "x"], ["x", "x"]) == 1.0
    assert cohen_kappa(["x", "y"], ["y", "x"]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa([1], [1, 2])


def test_krippendorff_alpha_by_hand():
    # coincidences: o_aa 2, o_ab = o_ba 1, o_bb 4; n_a 3, n_b 5, n 8
    # alpha = 1 - (n - 1) * 2 / (2 * n_a * n_b) = 1 - 14 / 30
    units = {1: ["a", "a"], 2: ["a", "b"], 3: ["b", "b"], 4: ["b", "b"], 5: ["a", None]}
    assert krippendorff_alpha(units) == pytest.approx(16 / 30)


def test_krippendorff_alpha_matches_the_published_nominal_example():
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability': 4 coders, 12 units,
    missing values; nominal alpha 0.743."""
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = {u: [coder[u] for coder in coders] for u in range(12)}
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=0.001)


def test_krippendorff_alpha_needs_pairable_values():
    with pytest.raises(ValueError, match="two values"):
        krippendorff_alpha({1: ["a", None]})
