"""The workspace store: schema, runs, transactions, and surviving a killed or interrupted run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import Workspace
from pipeline.errors import WorkspaceError
from pipeline.store import SCHEMA, config_hash, resolve_workspace

BATCH = 25
N_DOCS = 3000


def _corpus(folder: Path, n: int) -> Path:
    """n distinct files of random words (no two are near-duplicates)."""
    folder.mkdir()
    vocabulary = [f"w{i}" for i in range(2000)]
    for i in range(n):
        rng = random.Random(i)
        (folder / f"doc{i:05d}.txt").write_text(" ".join(rng.choices(vocabulary, k=150)) + ".\n")
    return folder


def _start_ingest(corpus: Path, ws: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "pipeline", "--verbose", "ingest", str(corpus),
           "--workspace", str(ws), "--batch-size", str(BATCH)]
    return subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "COLUMNS": "200"})


def _wait_for_batches(proc: subprocess.Popen[str], n: int) -> None:
    deadline = time.monotonic() + 120
    seen = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        seen += "committed batch" in line
        if seen >= n or time.monotonic() > deadline:
            return
    pytest.fail("ingest finished before it could be interrupted; raise N_DOCS")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_interrupted_ingest_keeps_committed_batches_and_a_rerun_finishes(tmp_path, sig):
    corpus = _corpus(tmp_path / "corpus", N_DOCS)
    ws_path = tmp_path / "ws"
    proc = _start_ingest(corpus, ws_path)
    _wait_for_batches(proc, 3)
    proc.send_signal(sig)
    code = proc.wait(timeout=60)
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 130)

    with Workspace(ws_path) as ws:  # opening for writing marks the dead run as interrupted
        stored = len(ws.table("documents"))
        assert stored >= 3 * BATCH and stored % BATCH == 0  # whole batches only
        assert len(ws.table("sources")) == stored
        runs = ws.table("runs")
        assert list(runs.status) == ["interrupted"]

    rerun = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(corpus),
                            "--workspace", str(ws_path)], capture_output=True, text=True,
                           timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    with Workspace(ws_path, read_only=True) as ws:
        docs = ws.table("documents")
        assert len(docs) == N_DOCS and docs.doc_id.is_unique
        assert sorted(ws.table("runs").status) == ["done", "interrupted"]
        assert ws.table("sources").status.eq("ingested").all()


def test_schema_is_created_once_and_tables_come_back_as_dataframes(workspace):
    for name in SCHEMA:
        assert isinstance(workspace.table(name), pd.DataFrame)
    workspace.close()
    again = Workspace(workspace.path)
    assert set(again.table("meta").key) == {"schema_version"}
    again.close()


def test_transaction_rolls_back_on_error(workspace):
    with pytest.raises(RuntimeError), workspace.transaction():
        workspace.insert("rejections", [{"source_path": "x.txt", "code": "E102"}])
        raise RuntimeError("boom")
    assert workspace.table("rejections").empty


def test_run_records_failure_with_its_message(workspace):
    with pytest.raises(ValueError), workspace.run("ingest", {"a": 1}):
        raise ValueError("bad thing")
    run = workspace.table("runs").iloc[0]
    assert run.status == "failed" and "bad thing" in run.message
    assert run.config_hash == config_hash({"a": 1}) and run.finished_at is not pd.NaT


def test_read_only_workspace_that_does_not_exist_names_the_next_step(tmp_path):
    with pytest.raises(WorkspaceError, match="takfir ingest"):
        Workspace(tmp_path / "nothing", read_only=True).table("documents")


def test_workspace_path_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TAKFIR_WORKSPACE", str(tmp_path / "env_ws"))
    assert resolve_workspace() == tmp_path / "env_ws" / "takfir.duckdb"
    assert resolve_workspace(tmp_path / "x.duckdb") == tmp_path / "x.duckdb"


def test_second_writer_gets_a_clear_lock_error(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(30)",
                               str(ws / "takfir.duckdb")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceError, match=r"E201.*locked"):
            Workspace(ws).table("documents")
    finally:
        holder.kill()
        holder.wait()


def test_rows_can_be_inserted_right_after_opening(tmp_path):
    """Opening reads the schema version; that read must not block the first insert."""
    ws = Workspace(tmp_path / "fresh")
    assert ws.insert("rejections", [{"source_path": "x.txt", "code": "E102"}]) == 1
    assert ws.insert("rejections", [{"source_path": "y.txt", "code": "E102"}]) == 1
    ws.close()
