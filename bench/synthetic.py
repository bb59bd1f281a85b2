"""Synthetic corpora for benchmarks: distinct report-like texts of a chosen size."""

from __future__ import annotations

import random
from pathlib import Path

_SUBJECTS = ["The council", "A former fighter", "The preacher", "The court", "A local official",
             "The spokesman", "Several residents", "The committee", "A defector", "The group"]
_VERBS = ["described", "rejected", "questioned", "reported", "denied", "recalled", "criticized",
          "defended", "documented", "announced"]
_OBJECTS = ["the new rules on trade", "the arrests in the district", "a dispute over doctrine",
            "the closure of the market", "a statement by the leadership", "the court's ruling",
            "the return of families", "the hearing in the spring", "the schools in the valley",
            "the roads near the border"]
_TAILS = ["last year.", "after the fighting ended.", "in a long interview.", "without evidence.",
          "according to two witnesses.", "in the capital.", "during the trial.", "in 2016.",
          "to the press.", "on several occasions."]


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
                    f"{rng.choice(_TAILS)} (note {rng.randrange(10**9)})"
                    for _ in range(sentences))


def document(seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    paragraphs, total = [], 0
    while total < words:
        para = paragraph(rng, rng.randint(3, 6))
        paragraphs.append(para)
        total += len(para.split())
    return "\n\n".join(paragraphs) + "\n"


def write_corpus(folder: Path, n_docs: int, words: int = 400) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        (folder / f"doc{i:06d}.txt").write_text(document(i, words), encoding="utf-8")
    return folder
