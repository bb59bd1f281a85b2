"""The takfir network: nodes over canonical ids, one edge per declaration, chain cascades."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from pipeline.network import UNSTATED, chains, takfir_network, write_network
from pipeline.records import Entity, LabeledDocument, Span, TakfirEvent

TEXT = ("Baghdadi's men declared the Hazimis apostates. The Hazimis declared the villagers "
        "unbelievers because they did not excommunicate Baghdadi. Someone was called a kafir.")


def _doc() -> LabeledDocument:
    def at(s: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = TEXT.index(s, start + 1)
        return Span(start, start + len(s))

    entities = (Entity(*_se(at("Baghdadi")), "PERSON", "per:abu_bakr_al_baghdadi"),
                Entity(*_se(at("Hazimis")), "NORP", "norp:hazimis"),
                Entity(*_se(at("Hazimis", 1)), "NORP", "norp:hazimis"),
                Entity(*_se(at("Baghdadi", 1)), "PERSON", "per:abu_bakr_al_baghdadi"))
    events = (
        TakfirEvent(at("apostates"), at("Baghdadi's men"), at("the Hazimis"), None, "asserted"),
        TakfirEvent(at("unbelievers"), at("The Hazimis"), at("the villagers"),
                    at("they did not excommunicate Baghdadi"), "asserted", chain=True),
        TakfirEvent(at("kafir"), None, at("Someone"), None, "asserted"),
    )
    return LabeledDocument("sha", "d1", "gold", entities, events, (Span(0, len(TEXT)),))


def _se(span: Span) -> tuple[int, int]:
    return span.start, span.end


def test_edges_link_canonical_ids_and_keep_text_otherwise():
    graph = takfir_network([_doc()], {"d1": TEXT})
    assert graph.has_edge("per:abu_bakr_al_baghdadi", "norp:hazimis")
    assert graph.has_edge("norp:hazimis", "the villagers")
    assert graph.has_edge(UNSTATED, "someone")
    assert graph.nodes["norp:hazimis"]["label"] == "Hazimis"
    data = next(iter(graph.get_edge_data("norp:hazimis", "the villagers").values()))
    assert data["chain"] and data["ground"] == "they did not excommunicate Baghdadi"
    assert data["third_party"] == "per:abu_bakr_al_baghdadi"


def test_chains_list_the_cascade():
    [cascade] = chains(takfir_network([_doc()], {"d1": TEXT}))
    assert (cascade["declarer"], cascade["target"], cascade["not_declared"]) == (
        "norp:hazimis", "the villagers", "per:abu_bakr_al_baghdadi")


@pytest.mark.parametrize("suffix", [".graphml", ".json"])
def test_written_files_load_back(tmp_path, suffix):
    graph = takfir_network([_doc()], {"d1": TEXT})
    path = write_network(graph, tmp_path / f"net{suffix}")
    if suffix == ".graphml":
        loaded = nx.read_graphml(path, force_multigraph=True)
    else:
        loaded = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    assert loaded.number_of_edges() == 3 and set(loaded.nodes) == set(graph.nodes)
    with pytest.raises(ValueError, match="graphml or .json"):
        write_network(graph, tmp_path / "net.csv")
