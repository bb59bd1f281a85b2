"""Pseudonymization: private persons' names become consistent placeholders (PERSON_001, ...).

A PERSON entity is private unless the lexicon marks its entry (by kb_id, else by lookup of its
text) as a public figure. Every private name is replaced wherever it occurs in the export (its
tagged mentions and any other whole-word occurrence of the same text, in the text and in the
meta strings), the same person (same kb_id, else same normalized name) gets the same
placeholder everywhere, and every offset is shifted. A span boundary that falls inside a
replaced name is moved to the placeholder's edge. kb_ids of private persons are dropped, and
``id``/``sha256`` are recomputed from the new text.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..lexicon import Lexicon, load_lexicon, normalize
from .views import Record

PERSON = "PERSON"


@dataclass
class Pseudonyms:
    """Placeholder of every private person and the surface forms that name them."""

    by_key: dict[str, str] = field(default_factory=dict)
    by_surface: dict[str, str] = field(default_factory=dict)
    private_kb_ids: set[str] = field(default_factory=set)

    def placeholder(self, key: str, surface: str) -> str:
        name = self.by_key.setdefault(key, f"{PERSON}_{len(self.by_key) + 1:03d}")
        self.by_surface.setdefault(surface, name)
        return name


def _is_public(entity: Record, surface: str, lexicon: Lexicon) -> bool:
    entry = lexicon.by_id.get(entity["kb_id"]) if entity["kb_id"] else None
    entry = entry or lexicon.lookup(surface)
    return bool(entry is not None and entry.public_figure)


def collect_pseudonyms(records: Sequence[Record], lexicon: Lexicon) -> Pseudonyms:
    """Placeholders numbered in order of first mention (records in id order)."""
    names = Pseudonyms()
    for record in sorted(records, key=lambda r: r["id"]):
        for e in record["entities"]:
            surface = record["text"][e["start"]:e["end"]]
            if e["label"] != PERSON or not surface.strip() or _is_public(e, surface, lexicon):
                continue
            names.placeholder(e["kb_id"] or normalize(surface) or surface, surface)
            if e["kb_id"]:
                names.private_kb_ids.add(e["kb_id"])
    return names


class OffsetShift:
    """Maps offsets of the old text to the new one, given sorted (start, end, new) edits."""

    def __init__(self, edits: list[tuple[int, int, str]]) -> None:
        self.starts = [s for s, _, _ in edits]
        self.edits: list[tuple[int, int, int, int]] = []  # old start, old end, new start/end
        delta = 0
        for start, end, new in edits:
            self.edits.append((start, end, start + delta, start + delta + len(new)))
            delta += len(new) - (end - start)

    def _shift_before(self, k: int, offset: int) -> int:
        """``offset`` after the first ``k`` edits, none of which contains it."""
        if k == 0:
            return offset
        old_start, old_end, _, new_end = self.edits[k - 1]
        return new_end + (offset - old_end)

    def start(self, offset: int) -> int:
        k = bisect.bisect_right(self.starts, offset)
        if k and offset < self.edits[k - 1][1]:
            return self.edits[k - 1][2]
        return self._shift_before(k, offset)

    def end(self, offset: int) -> int:
        k = bisect.bisect_left(self.starts, offset)
        if k and offset <= self.edits[k - 1][1]:
            return self.edits[k - 1][3]
        return self._shift_before(k, offset)


def _pattern(surfaces: Sequence[str]) -> re.Pattern[str] | None:
    if not surfaces:
        return None
    ordered = sorted(set(surfaces), key=lambda s: (-len(s), s))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in ordered) + r")(?!\w)")


def _edits(record: Record, names: Pseudonyms, pattern: re.Pattern[str] | None,
           lexicon: Lexicon) -> list[tuple[int, int, str]]:
    text = record["text"]
    found: list[tuple[int, int, str]] = []
    for e in record["entities"]:
        surface = text[e["start"]:e["end"]]
        if e["label"] == PERSON and surface in names.by_surface \
                and not _is_public(e, surface, lexicon):
            key = e["kb_id"] or normalize(surface) or surface
            found.append((e["start"], e["end"], names.by_key.get(key,
                                                                 names.by_surface[surface])))
    if pattern is not None:
        found += [(m.start(), m.end(), names.by_surface[m.group()])
                  for m in pattern.finditer(text)]
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    edits: list[tuple[int, int, str]] = []
    for start, end, new in found:
        if not edits or start >= edits[-1][1]:
            edits.append((start, end, new))
    return edits


def _replace_strings(value: Any, pattern: re.Pattern[str] | None, names: Pseudonyms) -> Any:
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(lambda m: names.by_surface[m.group()], value)
    if isinstance(value, list):
        return [_replace_strings(v, pattern, names) for v in value]
    if isinstance(value, dict):
        return {k: _replace_strings(v, pattern, names) for k, v in value.items()}
    return value


def _span(span: Record | None, shift: OffsetShift, private: set[str]) -> Record | None:
    if span is None:
        return None
    out = {**span, "start": shift.start(span["start"]), "end": shift.end(span["end"])}
    if out.get("kb_id") in private:
        out["kb_id"] = None
    return out


def pseudonymize_record(record: Record, names: Pseudonyms, pattern: re.Pattern[str] | None,
                        lexicon: Lexicon) -> Record:
    """A copy of ``record`` with private names replaced and every offset shifted."""
    edits = _edits(record, names, pattern, lexicon)
    text = record["text"]
    pieces, last = [], 0
    for start, end, new in edits:
        pieces += [text[last:start], new]
        last = end
    new_text = "".join(pieces) + text[last:]
    shift = OffsetShift(edits)
    private = names.private_kb_ids
    sha = hashlib.sha256(new_text.encode("utf-8")).hexdigest()
    entities = []
    for e in record["entities"]:
        moved = _span(e, shift, private)
        assert moved is not None
        if e["label"] == PERSON and record["text"][e["start"]:e["end"]] in names.by_surface:
            moved["kb_id"] = None
        entities.append(moved)
    return {
        **record, "id": f"doc_{sha[:16]}", "sha256": sha, "text": new_text,
        "meta": _replace_strings(record["meta"], pattern, names),
        "sentences": [{**s, "start": shift.start(s["start"]), "end": shift.end(s["end"]),
                       "stance": [{**x, "holder": _span(x["holder"], shift, private)}
                                  for x in s["stance"]]} for s in record["sentences"]],
        "entities": entities,
        "takfir": [{**e, **{role: _span(e[role], shift, private)
                            for role in ("trigger", "declarer", "target", "ground")}}
                   for e in record["takfir"]],
    }


def pseudonymize(records: Sequence[Record], lexicon: Lexicon | None = None
                 ) -> tuple[list[Record], Pseudonyms]:
    """Every record pseudonymized with one consistent set of placeholders."""
    lexicon = lexicon or load_lexicon()
    names = collect_pseudonyms(records, lexicon)
    pattern = _pattern(list(names.by_surface))
    out = [pseudonymize_record(r, names, pattern, lexicon) for r in records]
    new_ids = {old["id"]: new["id"] for old, new in zip(records, out, strict=True)}
    for record in out:
        near = record["meta"].get("near_duplicate_of")
        if near in new_ids:
            record["meta"] = {**record["meta"], "near_duplicate_of": new_ids[near]}
    return out, names
