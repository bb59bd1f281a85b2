"""The takfir network: who declares whom an unbeliever, as a directed multigraph.

Nodes are canonical lexicon ids where the declarer or target is linked, else the normalized
span text (or "(unstated)" for an implicit declarer). Each edge is one declaration with its
document, sentence offsets, mode, chain flag and ground text. Chain cascades (A declares B
because B did not declare C) are read from chain events whose ground names a third party.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from .lexicon import Lexicon, load_lexicon, normalize
from .records import Entity, LabeledDocument, Span

UNSTATED = "(unstated)"
FORMATS = (".graphml", ".json")


def takfir_network(docs: Iterable[LabeledDocument], texts: dict[str, str], *,
                   lexicon: Lexicon | None = None) -> nx.MultiDiGraph:
    """declarer -> target edges, one per takfir event that has a target."""
    lexicon = lexicon or load_lexicon()
    graph = nx.MultiDiGraph()
    for doc in docs:
        text = texts[doc.doc_id]
        sentences = sorted(doc.sentences, key=lambda s: s.start)
        for event in doc.takfir:
            if event.target is None:
                continue
            source = _node(graph, event.declarer, text, doc.entities, lexicon)
            target = _node(graph, event.target, text, doc.entities, lexicon)
            sentence = next((s for s in sentences if s.start <= event.trigger.start < s.end),
                            event.trigger)
            ground = text[event.ground.start:event.ground.end] if event.ground else ""
            graph.add_edge(source, target, doc_id=doc.doc_id, sentence_start=sentence.start,
                           sentence_end=sentence.end, mode=event.mode, chain=event.chain,
                           ground=ground, trigger=text[event.trigger.start:event.trigger.end],
                           score=event.score, source=event.source,
                           third_party=_third_party(event.ground, text, doc.entities, lexicon)
                           if event.chain else "")
    return graph


def chains(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Chain-takfir cascades: A declares B because B did not declare C (C may be unnamed)."""
    out = []
    for a, b, data in graph.edges(data=True):
        if data.get("chain"):
            out.append({"declarer": a, "target": b, "not_declared": data.get("third_party")
                        or None, "ground": data.get("ground"), "doc_id": data["doc_id"],
                        "mode": data["mode"],
                        "sentence": [data["sentence_start"], data["sentence_end"]]})
    return sorted(out, key=lambda c: (c["doc_id"], c["sentence"]))


def write_network(graph: nx.MultiDiGraph, out: Path) -> Path:
    """GraphML or node-link JSON, chosen by the file extension."""
    if out.suffix not in FORMATS:
        raise ValueError(f"{out}: unknown network format {out.suffix!r}; use "
                         f"{' or '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".graphml":
        nx.write_graphml(graph, out)
    else:
        data = nx.node_link_data(graph, edges="edges")
        out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def _node(graph: nx.MultiDiGraph, span: Span | None, text: str, entities: tuple[Entity, ...],
          lexicon: Lexicon) -> str:
    if span is None:
        graph.add_node(UNSTATED, label=UNSTATED, linked=False)
        return UNSTATED
    kb_id = span.kb_id or _linked_inside(span, entities)
    surface = text[span.start:span.end]
    if kb_id and kb_id in lexicon.by_id:
        graph.add_node(kb_id, label=lexicon.by_id[kb_id].name, linked=True)
        return kb_id
    key = normalize(surface) or surface
    if key not in graph:
        graph.add_node(key, label=surface, linked=False)
    return key


def _linked_inside(span: Span, entities: tuple[Entity, ...]) -> str | None:
    """The kb_id of the last linked entity inside the span (its head, in English NPs)."""
    inside = [e for e in entities if span.start <= e.start and e.end <= span.end and e.kb_id
              and e.label not in ("TAKFIR_TERM", "RELIGIOUS_CONCEPT", "ROLE")]
    return inside[-1].kb_id if inside else None


def _third_party(ground: Span | None, text: str, entities: tuple[Entity, ...],
                 lexicon: Lexicon) -> str:
    if ground is None:
        return ""
    linked = _linked_inside(ground, entities)
    return linked or ""
