"""Token-level facts read through ``Doc.to_array``: one call instead of a Python loop over
Token objects, which dominated the cost of the rule components on large corpora."""

from __future__ import annotations

from collections.abc import Iterable

import numpy
from spacy.attrs import IDX, LENGTH, LOWER, SENT_START
from spacy.strings import StringStore
from spacy.tokens import Doc


def hashes(strings: StringStore, words: Iterable[str]) -> numpy.ndarray:
    return numpy.array([strings.add(w) for w in words], dtype=numpy.uint64)


def has_any_word(doc: Doc, lower_hashes: frozenset[int]) -> bool:
    """Whether any token's lowercase form is one of ``lower_hashes``."""
    return not lower_hashes.isdisjoint(doc.to_array(LOWER).tolist())


def sentence_chars(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of each sentence, like ``[(s.start_char, s.end_char) ...]``."""
    if not len(doc):
        return []
    arr = doc.to_array([SENT_START, IDX, LENGTH]).astype(numpy.int64)
    starts = numpy.flatnonzero(arr[:, 0] == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = starts[1:] + [len(doc)]
    return [(int(arr[s, 1]), int(arr[e - 1, 1] + arr[e - 1, 2])) for s, e in zip(starts, ends,
                                                                                  strict=True)]
