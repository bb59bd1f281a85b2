"""Labeling functions, LF analysis and the weighted vote, on units written here."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from pipeline.learn.aggregate import WeightedVote, training_set
from pipeline.learn.analysis import apply_lfs, lf_summary, matrix_totals
from pipeline.learn.data import Unit, mask_target, target_mentions
from pipeline.learn.labeling_functions import (
    ABSTAIN,
    LabelingFunction,
    labeling_functions,
    lf_against_cue,
    lf_definition,
    lf_doctrine_clause,
    lf_favor_cue,
    lf_mode_modal,
    lf_mode_negation,
    lf_negated_favor,
    lf_negated_term,
    lf_no_term,
    lf_rule_event,
    lf_rule_only_negated,
    lf_target_absent,
    lf_term_after_declaring_verb,
)


def unit(text: str, *, terms: tuple[str, ...] = (), modes: tuple[str, ...] = (),
         target: str | None = None, rule: str | None = None) -> Unit:
    spans = tuple((text.index(t), text.index(t) + len(t)) for t in terms)
    events = tuple((s, e, m) for (s, e), m in zip(spans, modes, strict=False))
    mentions = tuple(dict.fromkeys(n for _, _, n in target_mentions(text)))
    return Unit("doc_x", 0, len(text), text, target, events, rule, spans, mentions,
                mask_target(text, target) if target else text)


def test_takfir_functions_on_written_sentences() -> None:
    declared = unit("The tribunal declared the village elders apostates in 2019.",
                    terms=("apostates",), modes=("asserted",))
    assert lf_rule_event(declared) == "TAKFIR"
    assert lf_term_after_declaring_verb(declared) == "TAKFIR"
    assert lf_no_term(declared) == ABSTAIN
    plain = unit("The market reopened after the floods.")
    assert lf_no_term(plain) == "NONE"
    assert lf_rule_event(plain) == ABSTAIN
    refused = unit("The preacher never called the farmers kafirs.", terms=("kafirs",),
                   modes=("negated",))
    assert lf_negated_term(refused) == "NONE"
    assert lf_rule_only_negated(refused) == "NONE"
    assert lf_term_after_declaring_verb(refused) == ABSTAIN
    rule = unit("Whoever votes in the election is a kafir, the pamphlet said.", terms=("kafir",))
    assert lf_doctrine_clause(rule) == "TAKFIR"
    gloss = unit("The word murtad means one who has turned away.", terms=("murtad",))
    assert lf_definition(gloss) == "NONE"


def test_mode_functions() -> None:
    modal = unit("Such a vote could make them apostates.", terms=("apostates",))
    assert lf_mode_modal(modal) == "hypothetical"
    denial = unit("He did not call them infidels.", terms=("infidels",))
    assert lf_mode_negation(denial) == "negated"


def test_stance_functions_and_masking() -> None:
    text = "The defectors condemned ISIS and its caliph."
    assert mask_target(text, "ISIS") == "The defectors condemned TGTX and its caliph."
    against = unit(text, target="ISIS")
    assert lf_against_cue(against) == "AGAINST"
    assert lf_target_absent(unit(text, target="TAKFIRIS")) == "NONE"
    favor = unit("The villagers pledged allegiance to the Islamic State.", target="ISIS")
    assert favor.input == "The villagers pledged allegiance to the TGTX."
    assert lf_favor_cue(favor) == "FAVOR"
    refused = unit("The elders refused to pledge allegiance to ISIS.", target="ISIS")
    assert lf_negated_favor(refused) == "AGAINST"
    assert lf_favor_cue(refused) == ABSTAIN


def test_every_function_is_registered_pure_and_named() -> None:
    sample = unit("They declared the council apostates.", terms=("apostates",), target="ISIS")
    for task in ("takfir", "mode", "stance"):
        lfs = labeling_functions(task)
        assert lfs and len({lf.name for lf in lfs}) == len(lfs)
        for lf in lfs:
            assert lf(sample) == lf(sample)  # no hidden state
            assert isinstance(lf(sample), str)


def _lfs(*funcs: object) -> list[LabelingFunction]:
    return [LabelingFunction(f"f{i}", "takfir", f) for i, f in enumerate(funcs)]  # type: ignore[arg-type]


def test_lf_summary_by_hand() -> None:
    matrix = np.array([["A", "A", ABSTAIN],
                       ["A", "B", ABSTAIN],
                       [ABSTAIN, "B", "B"],
                       [ABSTAIN, ABSTAIN, ABSTAIN]], dtype=object)
    lfs = _lfs(lambda u: "A", lambda u: "B", lambda u: "B")
    gold = ["A", "B", "B", None]
    rows = {s.name: s for s in lf_summary(matrix, lfs, gold)}
    assert rows["f0"].coverage == 0.5 and rows["f0"].overlaps == 0.5
    assert rows["f0"].conflicts == 0.25  # row 1 only
    assert (rows["f0"].correct, rows["f0"].incorrect, rows["f0"].accuracy) == (1, 1, 0.5)
    assert rows["f1"].coverage == 0.75 and rows["f1"].accuracy == 1.0
    assert rows["f1"].conflicts == 0.25
    assert rows["f2"].conflicts == 0.0 and rows["f2"].accuracy == 1.0
    assert matrix_totals(matrix) == {"units": 4, "coverage": 0.75, "overlap": 0.75,
                                     "conflict": 0.25}


def test_weighted_vote_by_hand() -> None:
    # f0 is always right on gold (4/4), f1 always wrong (0/4); prior 0.7 with strength 4
    matrix = np.array([["A", "B"], ["B", "A"], ["A", "B"], ["B", "A"],
                       ["A", "B"], [ABSTAIN, ABSTAIN]], dtype=object)
    gold = ["A", "B", "A", "B", None, None]
    vote = WeightedVote(["A", "B"]).fit(matrix, gold)
    assert vote.accuracies_[0] == pytest.approx((4 + 2.8) / 8)
    assert vote.accuracies_[1] == pytest.approx(2.8 / 8)
    assert vote.weights_[1] == 0.0  # worse than a coin: ignored, not inverted
    w0 = np.log(0.85 / 0.15)
    proba = vote.predict_proba(matrix)
    assert proba[4, 0] == pytest.approx(np.exp(w0) / (np.exp(w0) + 1))
    assert list(vote.predict(matrix)[4:]) == ["A", ABSTAIN]
    rows = training_set(vote, matrix, gold, ["d1", "d1", "d2", "d2", "d3", "d3"])
    assert list(rows.index) == [0, 1, 2, 3, 4]  # the uncovered unit is dropped
    assert list(rows.labels) == ["A", "B", "A", "B", "A"]  # gold overrides (rows 1, 3)
    assert list(rows.weights[:4]) == [1.0] * 4
    assert rows.weights[4] == pytest.approx(proba[4, 0])
    assert list(rows.from_gold) == [True] * 4 + [False]


def test_weighted_vote_contract() -> None:
    vote = WeightedVote(["A"])
    assert vote.labels == ["A"]  # __init__ stores, fit validates
    with pytest.raises(ValueError, match="two labels"):
        vote.fit(np.array([["A"]], dtype=object))
    with pytest.raises(NotFittedError):
        WeightedVote(["A", "B"]).predict(np.array([["A"]], dtype=object))


def test_apply_lfs_shape() -> None:
    units = [unit("They declared him a kafir.", terms=("kafir",)), unit("Rain fell.")]
    matrix = apply_lfs(units, labeling_functions("takfir"))
    assert matrix.shape == (2, len(labeling_functions("takfir")))
    assert matrix[1, [lf.name for lf in labeling_functions("takfir")].index("lf_no_term")] \
        == "NONE"
