"""`takfir run`, `takfir status`, `takfir segment` and the help texts, through Typer's runner."""

from __future__ import annotations

import json

import pytest

from pipeline import Workspace
from pipeline.cli import app


@pytest.mark.parametrize("command", ["ingest", "segment", "tag", "status", "run", "evaluate",
                                     "export", "network"])
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: takfir" in result.stdout


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("takfir-pipeline ")


@pytest.mark.slow
def test_run_on_the_demo_corpus_then_again_changes_nothing(invoke, demo_path, tmp_path):
    first = invoke("run", str(demo_path))
    assert first.exit_code == 0, first.stderr
    assert "Segmented" in first.stdout and "Last runs" in first.stdout
    assert (tmp_path / "ws" / "export.jsonl").exists()
    assert (tmp_path / "ws" / "network.graphml").exists()
    with Workspace(tmp_path / "ws", read_only=True) as ws:
        docs, sents = len(ws.table("documents")), len(ws.table("sentences"))
    assert docs >= 10 and sents > docs
    second = invoke("run", str(demo_path))
    assert second.exit_code == 0
    assert "Nothing new" in second.stdout and "Segmented 0 documents" in second.stdout
    assert "Tagged 0 documents" in second.stdout
    with Workspace(tmp_path / "ws", read_only=True) as ws:
        assert (len(ws.table("documents")), len(ws.table("sentences"))) == (docs, sents)


@pytest.mark.slow
def test_seed_ingest_then_status_shows_one_document_without_boilerplate(invoke, seed_path):
    assert invoke("ingest", str(seed_path)).exit_code == 0
    result = invoke("status", "--json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["documents"] == 1
    assert info["removed_lines"] == {"paywall-trailer": 6, "photo-caption": 2,
                                     "photo-credit": 2}
    assert info["stale"] == {"segment": 1, "tag": 1}
    table = invoke("status")
    assert "1 document" in table.stdout and "need `takfir segment`" in table.stdout


def test_segment_fast_then_status(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("One sentence here. And another one.\n")
    assert invoke("ingest", str(tmp_path / "a.txt")).exit_code == 0
    result = invoke("segment", "--fast")
    assert result.exit_code == 0 and "into 2 sentences" in result.stdout


def test_status_of_an_empty_workspace_names_the_next_step(invoke):
    result = invoke("status")
    assert result.exit_code == 1 and "takfir ingest" in result.stderr


def test_segment_rejects_a_bad_batch_size(invoke, tmp_path):
    (tmp_path / "a.txt").write_text("Some text.\n")
    invoke("ingest", str(tmp_path / "a.txt"))
    result = invoke("segment", "--fast", "--batch-size", "0")
    assert result.exit_code == 1 and "E302" in result.stderr


@pytest.mark.slow
def test_tag_export_network_commands(invoke, tmp_path):
    (tmp_path / "a.txt").write_text(
        "The council declared the governor an apostate because he ignored the court.\n")
    assert invoke("ingest", str(tmp_path / "a.txt")).exit_code == 0
    result = invoke("tag")
    assert result.exit_code == 0 and "1 takfir events" in result.stdout
    out = tmp_path / "out" / "data.jsonl"
    result = invoke("export", "--format", "jsonl", "--out", str(out), "--source", "predicted")
    assert result.exit_code == 0 and out.exists()
    assert (out.parent / "takfir-export-1.schema.json").exists()
    record = json.loads(out.read_text().splitlines()[0])
    assert record["takfir"][0]["mode"] == "asserted"
    result = invoke("network", "--out", str(tmp_path / "net.json"), "--chains")
    assert result.exit_code == 0 and "1 declarations" in result.stdout
    assert invoke("export", "--format", "xml", "--out", str(out)).exit_code == 1
    assert invoke("network", "--out", str(tmp_path / "net.csv")).exit_code == 1
