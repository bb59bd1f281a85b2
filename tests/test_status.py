"""workspace_status: the numbers behind `takfir status`."""

from __future__ import annotations

from pipeline.ingest import ingest
from pipeline.segment import SegmentConfig, segment
from pipeline.status import workspace_status


def test_status_counts_duplicates_rejections_and_stale_work(workspace, tmp_path):
    text = " ".join(f"The committee then discussed item {i} of the agenda." for i in range(40))
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(text)  # exact duplicate
    (tmp_path / "c.txt").write_text(text.replace("item 20 ", "point 20 "))  # near-duplicate
    (tmp_path / "d.txt").write_text("")
    (tmp_path / "e.txt").write_text("Une déclaration courte écrite en français pour le test.")
    ingest([tmp_path], workspace)
    info = workspace_status(workspace)
    assert info["documents"] == 3
    assert [d["source"] for d in info["exact_duplicates"]] == [str(tmp_path / "b.txt")]
    assert len(info["near_duplicates"]) == 1 and info["near_duplicates"][0]["similarity"] >= 0.9
    assert [r["code"] for r in info["rejected"]] == ["E102"]
    assert info["languages"].get("fr") == 1 and info["non_english"] == 1
    assert info["stale"] == {"segment": 3, "tag": 3}
    assert [r["stage"] for r in info["last_runs"]] == ["ingest"]

    segment(workspace, config=SegmentConfig(method="sentencizer"))
    info = workspace_status(workspace)
    assert info["sentences"] > 0
    assert info["stale"] == {"segment": 3, "tag": 3}  # stale for the default settings
    assert [r["stage"] for r in info["last_runs"]] == ["ingest", "segment"]
