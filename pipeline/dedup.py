"""Near-duplicate detection: MinHash over word shingles, LSH for candidates, exact check.

Candidates from LSH are confirmed with the exact Jaccard similarity of their shingle sets, so
the threshold means what it says; signatures are stored so later ingests compare against the
whole workspace without re-reading it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.9
_LSH_THRESHOLD = 0.7  # looser than THRESHOLD: LSH finds candidates, the exact check decides
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")

CONFIG = {"num_perm": NUM_PERM, "shingle_words": SHINGLE_WORDS, "threshold": THRESHOLD,
          "scheme": _SCHEME}


def shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def signature(shingle_set: Iterable[str]) -> MinHash:
    sig = MinHash(num_perm=NUM_PERM, scheme=_SCHEME)
    sig.update_batch([s.encode("utf-8") for s in shingle_set])
    return sig


def signature_bytes(sig: MinHash) -> bytes:
    return np.asarray(sig.hashvalues).tobytes()


def signature_from_bytes(blob: bytes) -> MinHash:
    values = np.frombuffer(blob, dtype=np.uint32 if _SCHEME == "affine32" else np.uint64)
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=_SCHEME)


class NearDuplicateIndex:
    """Finds the stored document most similar to a new one, if any is at or above THRESHOLD."""

    def __init__(self, text_of: Callable[[str], str]) -> None:
        self._lsh = MinHashLSH(threshold=_LSH_THRESHOLD, num_perm=NUM_PERM)
        self._text_of = text_of

    def add(self, doc_id: str, sig: MinHash) -> None:
        self._lsh.insert(doc_id, sig)

    def best_match(self, sig: MinHash, shingle_set: set[str]) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for candidate in sorted(self._lsh.query(sig)):
            similarity = jaccard(shingle_set, shingles(self._text_of(candidate)))
            if similarity >= THRESHOLD and (best is None or similarity > best[1]):
                best = (candidate, similarity)
        return best
