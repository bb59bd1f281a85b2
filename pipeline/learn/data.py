"""Learning units from the store: one per sentence (tasks ``takfir`` and ``mode``) or per
sentence and stance target (task ``stance``), each with the rule taggers' output for it.

The classifiers see plain text only (``Unit.input``), so a saved model needs nothing of this
package to predict: for stance, mentions of the unit's target become ``TGTX`` and mentions of
the other targets ``OTHX`` (one model serves every target in labels.toml).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from ..errors import Errors, LearnError
from ..evaluate import NEGATED
from ..lexicon import is_acronym, load_lexicon, variants
from ..metrics import overlaps
from ..predictions import predicted_documents
from ..records import LabeledDocument, Span
from ..schema import load_schema
from ..store import Workspace

TASKS = ("takfir", "mode", "stance")
TAKFIR, NOT_TAKFIR = "TAKFIR", "NONE"
TARGET_MASK, OTHER_MASK = "TGTX", "OTHX"
INPUTS = {
    "takfir": "the sentence text, unchanged",
    "mode": "the sentence text, unchanged",
    "stance": f"the sentence text with mentions of the unit's target replaced by {TARGET_MASK} "
              f"and mentions of the other stance targets by {OTHER_MASK}",
}


@dataclass(frozen=True, slots=True)
class Unit:
    """What a labeling function or a classifier sees of one sentence (and target)."""

    doc_id: str
    start: int
    end: int
    text: str
    target: str | None = None  # the stance target (task stance only)
    events: tuple[tuple[int, int, str], ...] = ()  # rule events here: trigger offsets, mode
    rule_stance: str | None = None  # the stance rule's label for (sentence, target)
    terms: tuple[tuple[int, int], ...] = ()  # TAKFIR_TERM entities (document offsets)
    mentions: tuple[str, ...] = ()  # stance targets named in the sentence
    input: str = ""  # the classifier's input

    @property
    def key(self) -> tuple[str, int, int, str | None]:
        return (self.doc_id, self.start, self.end, self.target)

    @property
    def modes(self) -> tuple[str, ...]:
        return tuple(mode for _, _, mode in self.events)


def check_task(task: str) -> str:
    if task not in TASKS:
        raise LearnError(Errors.E702.format(task=task, tasks=", ".join(TASKS)))
    return task


def task_labels(task: str) -> tuple[str, ...]:
    schema = load_schema()
    return {"takfir": (NOT_TAKFIR, TAKFIR), "mode": tuple(schema.modes),
            "stance": tuple(schema.stance_labels)}[check_task(task)]


def _words(form: str) -> str:
    return " ".join(w for w in re.split(r"[\s-]+", form) if w)


@cache
def _mention_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every alias of every stance target (longest first) and the owner map:
    acronyms match in capitals only (keyed as written), other forms in any case."""
    schema, lexicon = load_schema(), load_lexicon()
    owner: dict[str, str] = {}
    for name, target in schema.stance_targets.items():
        surfaces = list(target.aliases)
        for lexicon_id in target.lexicon_ids:
            surfaces += list(lexicon.by_id[lexicon_id].surfaces)
        for form in (f for surface in surfaces for f in variants(surface)):
            owner.setdefault(_words(form) if is_acronym(form) else _words(form.casefold()),
                             name)
    parts = []
    for form in sorted(owner, key=len, reverse=True):
        body = r"[\s-]+".join(re.escape(w) for w in form.split(" "))
        parts.append(body if is_acronym(form) else f"(?i:{body})")
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)"), owner


def target_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, target) of every stance-target mention in ``text``."""
    pattern, owner = _mention_pattern()
    out = []
    for m in pattern.finditer(text):
        name = owner.get(_words(m.group(0))) or owner.get(_words(m.group(0).casefold()))
        if name is not None:
            out.append((m.start(), m.end(), name))
    return out


def mask_target(text: str, target: str) -> str:
    """The stance model's input: the target's mentions as TGTX, other targets' as OTHX."""
    pieces, last = [], 0
    for start, end, name in target_mentions(text):
        pieces += [text[last:start], TARGET_MASK if name == target else OTHER_MASK]
        last = end
    return "".join(pieces + [text[last:]])


def load_units(workspace: Workspace, task: str, *,
               doc_ids: Sequence[str] | None = None) -> list[Unit]:
    """Every unit of ``task`` in the store (the documents must be segmented and tagged)."""
    check_task(task)
    rules = {d.doc_id: d for d in predicted_documents(workspace, doc_ids=doc_ids,
                                                      sources=("rule",))}
    params: list[object] = [list(rules)]
    terms: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc_id, start, end in workspace.query(
            "SELECT DISTINCT doc_id, start_char, end_char FROM entities WHERE label = "
            "'TAKFIR_TERM' AND doc_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1, 2", params):
        terms[doc_id].append((start, end))
    texts = dict(workspace.query("SELECT doc_id, text FROM documents WHERE doc_id IN "
                                 "(SELECT unnest(?::VARCHAR[]))", params))
    units: list[Unit] = []
    for doc_id in sorted(rules):
        units += units_of_document(rules[doc_id], texts[doc_id], terms[doc_id], task)
    if not units:
        raise LearnError(Errors.E701.format(path=workspace.path.parent))
    return units


def units_of_document(rules: LabeledDocument, text: str, terms: Iterable[tuple[int, int]],
                      task: str) -> list[Unit]:
    """The units of one document, from its rule predictions (sentences included)."""
    targets = tuple(load_schema().stance_targets)
    terms = list(terms)
    out: list[Unit] = []
    for sentence in rules.sentences:
        s, e = sentence.start, sentence.end
        sent_text = text[s:e]
        events = tuple((ev.trigger.start, ev.trigger.end, ev.mode) for ev in rules.takfir
                       if overlaps(s, e, ev.trigger.start, ev.trigger.end))
        here = tuple(t for t in terms if overlaps(s, e, *t))
        mentions = tuple(dict.fromkeys(n for _, _, n in target_mentions(sent_text)))
        if task != "stance":
            out.append(Unit(rules.doc_id, s, e, sent_text, None, events, None, here, mentions,
                            sent_text))
            continue
        stance = {x.target: x.label for x in rules.stance if (x.start, x.end) == (s, e)}
        for target in targets:
            out.append(Unit(rules.doc_id, s, e, sent_text, target, events,
                            stance.get(target), here, mentions, mask_target(sent_text, target)))
    return out


def gold_label(unit: Unit, gold: LabeledDocument, task: str) -> str | None:
    """The gold label of ``unit`` (None: the unit is not an item of ``task`` in gold)."""
    inside = [ev for ev in gold.takfir
              if overlaps(unit.start, unit.end, ev.trigger.start, ev.trigger.end)]
    if task == "takfir":
        return TAKFIR if any(ev.mode != NEGATED for ev in inside) else NOT_TAKFIR
    if task == "mode":
        return inside[0].mode if inside else None
    best, shared = "NONE", 0
    for s in gold.stance:
        common = min(s.end, unit.end) - max(s.start, unit.start)
        if s.target == unit.target and common > shared:
            best, shared = s.label, common
    return best


def gold_labels(units: Sequence[Unit], gold: Iterable[LabeledDocument],
                task: str) -> list[str | None]:
    """Gold label per unit; None for units of documents without gold."""
    by_doc = {g.doc_id: g for g in gold}
    return [gold_label(u, by_doc[u.doc_id], task) if u.doc_id in by_doc else None
            for u in units]


def sentence_span(unit: Unit) -> Span:
    return Span(unit.start, unit.end)
