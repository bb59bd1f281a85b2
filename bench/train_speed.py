"""Training speed of the sentence classifiers on synthetic sentences (figures, not pass/fail).

Builds N synthetic sentences in documents of 20 (a fifth of the documents with gold, the rest
weakly labeled by the labeling functions), then times, in the same run: the baseline (fitting
the TF-IDF features alone), one fit of the selected pipeline, and what `takfir train` does
(both candidates cross-validated by document, the weak-label-only CV, the final fit).
Target: the whole of it under 60 s for 20,000 sentences on 2 cores.

Usage: python bench/train_speed.py [N] [--n-jobs 2]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import paragraph  # noqa: E402

from pipeline.learn.analysis import apply_lfs  # noqa: E402
from pipeline.learn.data import NOT_TAKFIR, TAKFIR, Unit  # noqa: E402
from pipeline.learn.labeling_functions import labeling_functions  # noqa: E402
from pipeline.learn.train import (  # noqa: E402
    Dataset,
    cross_validate,
    fit_model,
    make_pipeline,
    select_model,
    weak_training,
)

_TAKFIR = ["The council declared the judges apostates {tail}",
           "Whoever votes in the elections is a kafir, the preacher said {tail}",
           "The cell branded the village elders infidels {tail}"]
_OTHER = ["The preacher never called the farmers kafirs {tail}",
          "The word murtad means one who turned away {tail}"]


def synthetic_units(n: int, seed: int = 0) -> tuple[list[Unit], list[str | None]]:
    rng = random.Random(seed)
    units, gold = [], []
    for i in range(n):
        doc = f"doc{i // 20:05d}"
        roll = rng.random()
        tail = f"(note {rng.randrange(10**9)})."
        if roll < 0.15:
            text, label = rng.choice(_TAKFIR).format(tail=tail), TAKFIR
        elif roll < 0.25:
            text, label = rng.choice(_OTHER).format(tail=tail), NOT_TAKFIR
        else:
            text, label = paragraph(rng, 1), NOT_TAKFIR
        terms = tuple((text.find(w), text.find(w) + len(w)) for w in
                      ("apostates", "kafir", "infidels", "kafirs", "murtad") if w in text)[:1]
        events = ((terms[0][0], terms[0][1], "asserted"),) if terms and label == TAKFIR else ()
        units.append(Unit(doc, 0, len(text), text, None, events, None, terms, (), text))
        gold.append(label if (i // 20) % 5 == 0 else None)
    return units, gold


def main(n: int = 20_000, n_jobs: int = 2) -> dict[str, float]:
    units, gold = synthetic_units(n)
    started = time.perf_counter()
    matrix = apply_lfs(units, labeling_functions("takfir"))
    data = Dataset("takfir", (NOT_TAKFIR, TAKFIR), units, matrix, gold)
    lf_seconds = time.perf_counter() - started

    started = time.perf_counter()
    make_pipeline().named_steps["features"].fit_transform(data.inputs)
    baseline = time.perf_counter() - started

    rows, _ = weak_training(data)
    started = time.perf_counter()
    fit_model("logreg", data, rows)
    one_fit = time.perf_counter() - started

    started = time.perf_counter()
    kind, figures, _ = select_model(data, n_jobs=n_jobs)
    cross_validate(kind, data, weak_only=True, n_jobs=n_jobs)
    fit_model(kind, data, rows)
    full = time.perf_counter() - started
    print(f"{n:,} sentences ({len(set(data.groups)):,} documents, "
          f"{int(np.sum([g is not None for g in gold])):,} with gold), n_jobs={n_jobs}")
    print(f"  labeling functions (label matrix):  {lf_seconds:6.1f} s")
    print(f"  baseline, TF-IDF features alone:    {baseline:6.1f} s")
    print(f"  one fit of the logreg pipeline:     {one_fit:6.1f} s  ({one_fit / baseline:.1f}x "
          "the baseline)")
    print(f"  takfir train (2 candidates x 5-fold grouped CV, weak-only CV, final fit): "
          f"{full:6.1f} s  ({full / baseline:.1f}x the baseline; selected {kind}, CV F1 "
          f"{figures[kind]['primary']})")
    print(f"  total with labeling: {lf_seconds + full:.1f} s (target < 60 s)")
    return {"baseline": baseline, "one_fit": one_fit, "full": full, "lf": lf_seconds}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=20_000)
    parser.add_argument("--n-jobs", type=int, default=2)
    options = parser.parse_args()
    main(options.n, options.n_jobs)
