"""The committed gold data: it loads against the real texts, holds no text, and uses only ids
and labels that exist (lexicon, labels.toml)."""

from __future__ import annotations

import pytest

from pipeline import Workspace
from pipeline.gold import load_gold
from pipeline.ingest import ingest
from pipeline.lexicon import load_lexicon
from pipeline.segment import segment
from tests.conftest import DEMO, REPO, SEED

GOLD = REPO / "annotations" / "gold"


@pytest.fixture(scope="module")
def gold_workspace(tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("gold") / "ws")
    ingest([SEED, DEMO], ws)
    segment(ws)
    yield ws
    ws.close()


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(GOLD.glob("*.jsonl")) + sorted(
    (GOLD / "agreement").glob("*.jsonl")), ids=lambda p: p.name)
def test_gold_file_loads_and_fits_the_segmentation(gold_workspace, path):
    docs = load_gold(path, gold_workspace)
    assert docs
    lexicon = load_lexicon()
    stored = gold_workspace.sentences(with_text=False)
    for doc in docs:
        sents = stored[stored.doc_id == doc.doc_id]
        assert [(s.start, s.end) for s in doc.sentences] == list(
            zip(sents.start_char, sents.end_char, strict=True)), doc.doc_id
        ids = {e.kb_id for e in doc.entities} | {
            span.kb_id for event in doc.takfir for span in (event.declarer, event.target)
            if span is not None}
        unknown = {i for i in ids if i is not None and i not in lexicon.by_id}
        assert not unknown, f"{path.name}: kb_ids not in the lexicon: {sorted(unknown)}"


def test_gold_files_hold_no_seed_text():
    words = SEED.read_text(encoding="utf-8").split()
    probes = {" ".join(words[i:i + 4]) for i in range(0, len(words) - 4, 7)}
    for path in GOLD.rglob("*.jsonl"):
        content = path.read_text(encoding="utf-8")
        assert not any(p in content for p in probes), path
