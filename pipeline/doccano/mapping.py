"""Labels <-> Doccano examples, both ways, without loss. Pure functions: no server, no store.

The mapping (one sequence-labeling project with relations and overlapping spans):

- entities: one span label per entity label of labels.toml;
- a takfir event: its trigger is a span labeled ``TRIGGER:<mode>`` (one per event); relations
  ``declared_by`` / ``targets`` / ``on_ground`` run from it to ``DECLARER`` / ``TARGET`` /
  ``GROUND`` spans (an argument span shared by two events is drawn once); ``chain`` is a
  ``CHAIN`` span on exactly the trigger's characters;
- stance: a span ``<TARGET>:<FAVOR|AGAINST>`` over the sentence, with a ``held_by`` relation to
  a ``HOLDER`` span when the holder is not the author; no span means NONE;
- kb_ids (Doccano spans have no attributes): kept from the pushed pre-annotation when the
  pulled span has the same label and characters, or set by a comment line
  ``KB "<span text>" = <id>`` (GUIDELINES.md 7.4; ``"<text>#2"`` for the 2nd occurrence).

Offsets in Doccano are relative to the unit (a document or a window of whole sentences);
``unit_start`` in the example's meta maps them back to canonical offsets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DoccanoError, Errors
from ..records import Entity, LabeledDocument, Span, Stance, TakfirEvent
from ..schema import LabelSchema

TRIGGER_PREFIX = "TRIGGER:"
CHAIN = "CHAIN"
HOLDER = "HOLDER"
HELD_BY = "held_by"
ROLE_OF_RELATION = {"declared_by": "declarer", "targets": "target", "on_ground": "ground"}
POLAR = ("FAVOR", "AGAINST")
KB_COMMENT = re.compile(r'^KB\s+"(?P<text>[^"#]+)(?:#(?P<nth>\d+))?"\s*=\s*(?P<kb>\S+)\s*$')


@dataclass(frozen=True)
class Unit:
    """What one Doccano example shows: ``text[start:end]`` of one document."""

    doc_id: str
    sha256: str
    start: int
    end: int

    @property
    def unit_id(self) -> str:
        return f"{self.doc_id}:{self.start}-{self.end}"


def label_types(schema: LabelSchema) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(span labels, relation types) as (name, color), in the order the UI lists them."""
    roles = schema.takfir_roles
    trigger = roles["TRIGGER"].get("color", "#ff0000")
    spans = [(name, spec.get("color", "#999999")) for name, spec in schema.entities.items()]
    spans += [(f"{TRIGGER_PREFIX}{mode}", trigger) for mode in schema.modes]
    spans += [(CHAIN, "#800000")]
    spans += [(role, spec.get("color", "#999999")) for role, spec in roles.items()
              if role != "TRIGGER"]
    spans += [(f"{target}:{label}", schema.stance_colors.get(label, "#999999"))
              for target in schema.stance_targets for label in POLAR]
    spans += [(HOLDER, "#808000")]
    relations = [(name, "#333333") for name in schema.takfir_relations] + [(HELD_BY, "#555555")]
    return spans, relations


def make_units(doc_id: str, sha256: str, length: int, sentences: Sequence[Span],
               window_chars: int | None) -> list[Unit]:
    """The whole document, or windows of whole sentences of at most ``window_chars``."""
    if window_chars is None or length <= window_chars or not sentences:
        return [Unit(doc_id, sha256, 0, length)]
    units: list[Unit] = []
    first = last = sentences[0]
    for sentence in sentences[1:]:
        if sentence.end - first.start > window_chars:
            units.append(Unit(doc_id, sha256, first.start, last.end))
            first = sentence
        last = sentence
    units.append(Unit(doc_id, sha256, first.start, last.end))
    return units


@dataclass
class Outgoing:
    """One Doccano JSONL line, the labels it carries, and what did not fit the unit."""

    line: dict[str, Any]
    labels: list[list[Any]]  # [label, start, end, kb_id] in canonical offsets
    outside: int = 0


def to_line(unit: Unit, text: str, doc: LabeledDocument) -> Outgoing:
    """The example for ``unit`` with ``doc``'s labels inside it as pre-annotations.

    Offsets are checked against the document first (E509): Doccano stores spans beyond the
    text without complaint. An argument or holder outside the unit is left out and counted.
    """
    lo, hi = unit.start, unit.end
    for kind, span in _all_spans(doc):
        if not 0 <= span.start < span.end <= len(text):
            raise DoccanoError(Errors.E509.format(doc_id=doc.doc_id, kind=kind,
                                                  start=span.start, end=span.end,
                                                  unit=unit.unit_id, lo=lo, hi=hi,
                                                  length=len(text)))
    inside = lambda s: lo <= s.start and s.end <= hi  # noqa: E731
    entities: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    labels: list[list[Any]] = []
    shared: dict[tuple[str, int, int], int] = {}
    outside = 0

    def add(label: str, span: Span, *, share: bool) -> int:
        key = (label, span.start, span.end)
        if share and key in shared:
            return shared[key]
        ident = len(entities)
        entities.append({"id": ident, "start_offset": span.start - lo,
                         "end_offset": span.end - lo, "label": label})
        labels.append([label, span.start, span.end, span.kb_id])
        if share:
            shared[key] = ident
        return ident

    for e in doc.entities:
        if inside(e):
            add(e.label, Span(e.start, e.end, e.kb_id), share=True)
    for event in doc.takfir:
        if not inside(event.trigger):
            continue
        trigger = add(f"{TRIGGER_PREFIX}{event.mode}", event.trigger, share=False)
        if event.chain:
            add(CHAIN, event.trigger, share=True)
        for relation, role in ROLE_OF_RELATION.items():
            arg: Span | None = getattr(event, role)
            if arg is None:
                continue
            if not inside(arg):
                outside += 1
                continue
            relations.append({"from_id": trigger, "to_id": add(role.upper(), arg, share=True),
                              "type": relation})
    for s in doc.stance:
        if s.label not in POLAR or not inside(s):
            continue
        stance = add(f"{s.target}:{s.label}", Span(s.start, s.end), share=False)
        if s.holder is not None:
            if inside(s.holder):
                relations.append({"from_id": stance, "to_id": add(HOLDER, s.holder, share=True),
                                  "type": HELD_BY})
            else:
                outside += 1
    line = {"text": text[lo:hi], "entities": entities, "relations": relations,
            "takfir_unit": unit.unit_id, "doc_id": unit.doc_id, "sha256": unit.sha256,
            "unit_start": lo, "unit_end": hi}
    return Outgoing(line, labels, outside)


@dataclass
class Incoming:
    """One annotator's labels of one unit, in canonical offsets, and what could not be kept."""

    entities: list[Entity] = field(default_factory=list)
    takfir: list[TakfirEvent] = field(default_factory=list)
    stance: list[Stance] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def from_line(line: dict[str, Any], doc_text: str, schema: LabelSchema, *,
              pushed: Sequence[Sequence[Any]] = ()) -> Incoming:
    """Map an exported line back to canonical labels.

    A span whose characters in Doccano differ from the document's at the mapped offsets is
    reported in ``problems`` and not kept (never shifted to a guessed place).
    """
    lo = int(line["unit_start"])
    shown: str = line["text"]
    out = Incoming()
    kb = {(str(p[0]), int(p[1]), int(p[2])): p[3] for p in pushed if p[3]}
    spans: dict[int, tuple[str, Span]] = {}
    for raw in line.get("entities", []):
        start, end, label = int(raw["start_offset"]), int(raw["end_offset"]), str(raw["label"])
        piece = shown[start:end]
        if not 0 <= start < end <= len(shown) or doc_text[lo + start:lo + end] != piece:
            out.problems.append(
                f"{label} span {lo + start}-{lo + end} reads {piece!r} in Doccano but "
                f"{doc_text[lo + start:lo + end]!r} in the document; not kept")
            continue
        spans[int(raw["id"])] = (label, Span(lo + start, lo + end,
                                             kb.get((label, lo + start, lo + end))))
    _apply_kb_comments(line, shown, lo, spans, out,
                       {*schema.entities, "DECLARER", "TARGET"})
    links: dict[int, dict[str, list[int]]] = {}
    for rel in line.get("relations", []):
        if rel["from_id"] in spans and rel["to_id"] in spans:
            links.setdefault(int(rel["from_id"]), {}).setdefault(str(rel["type"]), []).append(
                int(rel["to_id"]))
    chains = {(s.start, s.end) for label, s in spans.values() if label == CHAIN}
    used: set[int] = set()
    for ident, (label, span) in sorted(spans.items(), key=lambda kv: kv[1][1].start):
        if label in schema.entities:
            out.entities.append(Entity(span.start, span.end, label, span.kb_id, 1.0, "gold"))
        elif label.startswith(TRIGGER_PREFIX):
            mode = label[len(TRIGGER_PREFIX):]
            if mode not in schema.modes:
                out.problems.append(f"unknown mode label {label!r}; not kept")
                continue
            args: dict[str, Span | None] = {}
            for relation, role in ROLE_OF_RELATION.items():
                targets = links.get(ident, {}).get(relation, [])
                if len(targets) > 1:
                    out.problems.append(f"trigger {span.start}-{span.end} has {len(targets)} "
                                        f"{relation} relations; kept the first")
                args[role] = spans[targets[0]][1] if targets else None
                used.update(targets[:1])
            out.takfir.append(TakfirEvent(Span(span.start, span.end), args["declarer"],
                                          args["target"], args["ground"], mode,
                                          (span.start, span.end) in chains, 1.0, "gold"))
        elif _is_stance(label, schema):
            target, polarity = label.rsplit(":", 1)
            holders = links.get(ident, {}).get(HELD_BY, [])
            used.update(holders[:1])
            holder = spans[holders[0]][1] if holders else None
            out.stance.append(Stance(span.start, span.end, target, polarity,
                                     Span(holder.start, holder.end) if holder else None,
                                     1.0, "gold"))
        elif label not in (CHAIN, HOLDER) and label not in schema.takfir_roles:
            out.problems.append(f"label {label!r} at {span.start}-{span.end} is not in "
                                "labels.toml; not kept")
    for ident, (label, span) in spans.items():
        if label in (*schema.takfir_roles, HOLDER) and ident not in used:
            out.problems.append(f"{label} span {span.start}-{span.end} is not linked from a "
                                "trigger or stance span; not kept")
    return out


def _is_stance(label: str, schema: LabelSchema) -> bool:
    target, _, polarity = label.rpartition(":")
    return target in schema.stance_targets and polarity in POLAR


def _apply_kb_comments(line: dict[str, Any], shown: str, lo: int,
                       spans: dict[int, tuple[str, Span]], out: Incoming,
                       linkable: set[str]) -> None:
    for comment in line.get("Comments", []):
        for text in str(comment.get("comment") or comment.get("text") or "").splitlines():
            match = KB_COMMENT.match(text.strip())
            if not match:
                continue
            nth = int(match["nth"] or 1)
            hits = sorted((s.start, ident) for ident, (_, s) in spans.items()
                          if shown[s.start - lo:s.end - lo] == match["text"])
            starts = sorted({start for start, _ in hits})
            if len(starts) < nth:
                out.problems.append(f"comment {text.strip()!r} names no span; ignored")
                continue
            for start, ident in hits:
                label, span = spans[ident]
                if start == starts[nth - 1] and label in linkable:
                    spans[ident] = (label, Span(span.start, span.end, match["kb"]))


def _all_spans(doc: LabeledDocument) -> list[tuple[str, Span]]:
    out: list[tuple[str, Span]] = [(e.label, Span(e.start, e.end)) for e in doc.entities]
    for e in doc.takfir:
        out += [(r, s) for r, s in (("trigger", e.trigger), ("declarer", e.declarer),
                                    ("target", e.target), ("ground", e.ground)) if s]
    for s in doc.stance:
        out.append(("stance sentence", Span(s.start, s.end)))
        if s.holder:
            out.append(("holder", s.holder))
    return out
