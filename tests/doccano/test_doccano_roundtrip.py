"""The round trip against the real Doccano server of the session: push with pre-annotations,
two annotators labeling through the API as the UI does, pull, agreement on planted
disagreements, adjudication (majority, prefer, review), idempotent and resumed pushes."""

from __future__ import annotations

import json
import os
import secrets
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import free_port, tagged_workspace
from typer.testing import CliRunner

from pipeline import Workspace
from pipeline.cli import app
from pipeline.doccano import push as push_module
from pipeline.doccano.client import Api, Doccano, connect
from pipeline.doccano.push import push
from pipeline.doccano.server import ServerPaths, _pid_alive, start, stop
from pipeline.doccano.settings import DoccanoSettings
from pipeline.errors import DoccanoError
from pipeline.gold import load_gold

PASSWORDS = {"alice": "alice-pw-8c1f2e", "bob": "bob-pw-41d9aa"}
# What each annotator draws, per document: spans (label, text, occurrence) and relations
# (from span index, to span index, type). Planted disagreements: bob misses GPE Raqqa and adds
# ORG "the council"; bob leaves out the ground; bob reads the negated "kuffar" as asserted;
# bob gives no stance to "ISIS fighters burned the market".
LABELS: dict[str, dict[str, tuple[list[tuple[str, str, int]], list[tuple[int, int, str]]]]] = {
    "alice": {
        "Abu Talha": ([("PERSON", "Abu Talha", 1), ("GPE", "Raqqa", 1), ("ORG", "ISIS", 1),
                       ("TRIGGER:asserted", "apostates", 1), ("DECLARER", "Abu Talha", 1),
                       ("TARGET", "the council", 1), ("GROUND", "refused to rule by sharia", 1),
                       ("ISIS:FAVOR", "The residents of Raqqa supported ISIS.", 1)],
                      [(3, 4, "declared_by"), (3, 5, "targets"), (3, 6, "on_ground")]),
        "preacher": ([("TAKFIR_TERM", "kuffar", 1), ("ORG", "ISIS", 1),
                      ("TRIGGER:negated", "kuffar", 1), ("DECLARER", "The preacher", 1),
                      ("ISIS:AGAINST", "ISIS fighters burned the market.", 1)],
                     [(2, 3, "declared_by")]),
    },
    "bob": {
        "Abu Talha": ([("PERSON", "Abu Talha", 1), ("ORG", "the council", 1), ("ORG", "ISIS", 1),
                       ("TRIGGER:asserted", "apostates", 1), ("DECLARER", "Abu Talha", 1),
                       ("TARGET", "the council", 1),
                       ("ISIS:FAVOR", "The residents of Raqqa supported ISIS.", 1)],
                      [(3, 4, "declared_by"), (3, 5, "targets")]),
        "preacher": ([("TAKFIR_TERM", "kuffar", 1), ("ORG", "ISIS", 1),
                      ("TRIGGER:asserted", "kuffar", 1), ("DECLARER", "The preacher", 1)],
                     [(2, 3, "declared_by")]),
    },
}


def cli(ws: Path, *args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--workspace", str(ws)], catch_exceptions=False)


def annotate(doccano: Doccano, api: Api, name: str, plan: dict[str, Any]) -> None:
    """Delete the pre-annotations, draw the planned spans and relations, confirm: the UI's
    calls, made as the annotator."""
    project = doccano.find_project(name)
    assert project is not None
    spans, relations = doccano.label_ids(project.id, "span"), doccano.label_ids(project.id,
                                                                                "relation")
    for example in api.examples(project.id):
        key = next(k for k in plan if k in example["text"])
        for span in api.spans(project.id, example["id"]):
            api.delete_span(project.id, example["id"], span["id"])
        ids = []
        for label, text, _ in plan[key][0]:
            start = example["text"].index(text)
            ids.append(api.create_span(project.id, example["id"], start, start + len(text),
                                       spans[label]))
        for a, b, kind in plan[key][1]:
            api.create_relation(project.id, example["id"], ids[a], ids[b], relations[kind])
        if name.endswith("alice") and key == "Abu Talha":
            api.post(f"projects/{project.id}/comments?example={example['id']}", "comment",
                     {"text": 'KB "Abu Talha" = per:abu_talha'})
        api.confirm(project.id, example["id"])


@pytest.fixture(scope="module")
def annotated(doccano_server: DoccanoSettings,
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Doccano]:
    """Pushed to alice and bob, labeled by both, pulled."""
    ws = tagged_workspace(tmp_path_factory.mktemp("roundtrip"))
    with connect(doccano_server) as doccano:
        for user, password in PASSWORDS.items():
            if doccano.user_id(user) is None:
                doccano.create_user(user, password)
        with Workspace(ws) as workspace:
            report = push(workspace, doccano, "rt", annotators=["alice", "bob"])
        assert (report.sent, report.documents, report.projects) == (4, 2, ["rt / alice",
                                                                           "rt / bob"])
        for user, password in PASSWORDS.items():
            project = doccano.find_project(f"rt / {user}")
            assert project is not None
            api = doccano.as_user(user, password)
            examples = api.examples(project.id)
            # The annotator sees the pre-annotations: every pushed span, as that user.
            seen = sum(len(api.spans(project.id, e["id"])) for e in examples)
            with Workspace(ws, read_only=True) as workspace:
                pushed = workspace.query("SELECT sum(n_labels) FROM pushes WHERE "
                                         "doccano_project = ?", [f"rt / {user}"])[0][0]
            assert len(examples) == 2 and seen == pushed > 0
            annotate(doccano, api, f"rt / {user}", LABELS[user])
        yield ws, doccano


def test_pull_appends_per_annotator_and_never_overwrites(annotated: tuple[Path, Doccano],
                                                         doccano_env: DoccanoSettings) -> None:
    ws, _ = annotated
    result = cli(ws, "doccano", "pull", "--project", "rt")
    assert result.exit_code == 0, result.output
    assert "4 new or changed" in result.output and "0 problems" in result.output
    again = cli(ws, "doccano", "pull", "--project", "rt")
    assert "0 new or changed, 4 unchanged" in again.output
    with Workspace(ws, read_only=True) as workspace:
        rows = workspace.query("SELECT annotator, record, example_id, pulled_at FROM "
                               "annotations ORDER BY annotator")
    assert [r[0] for r in rows] == ["alice", "alice", "bob", "bob"]
    alice = [json.loads(r[1]) for r in rows if r[0] == "alice"]
    person = [e for rec in alice for e in rec["entities"] if e["label"] == "PERSON"]
    assert person[0]["kb_id"] == "per:abu_talha"  # from the KB comment
    raqqa = [e for rec in alice for e in rec["entities"] if e["label"] == "GPE"]
    assert raqqa[0]["kb_id"] == "gpe:raqqa"  # kept from the pre-annotation
    assert all(r[2] > 0 for r in rows)


def test_agreement_on_planted_disagreements(annotated: tuple[Path, Doccano],
                                            doccano_env: DoccanoSettings) -> None:
    ws, _ = annotated
    cli(ws, "doccano", "pull", "--project", "rt")
    result = cli(ws, "agreement", "--project", "rt", "--json")
    assert result.exit_code == 0, result.output
    pair = json.loads(result.output)["pairs"][0]
    assert pair["annotators"] == ["alice", "bob"]
    r = pair["report"]
    assert r["entities"]["exact"]["micro"]["f1"] == 0.8  # 4 of 5 each
    assert r["takfir_roles"]["exact"]["GROUND"]["f1"] == 0.0
    assert r["takfir_roles"]["exact"]["micro"]["f1"] == 0.9091  # 5 shared of 6 and 5
    assert r["takfir_events"]["mode_accuracy"] == 0.5
    ts = r["takfir_sentences"]
    assert (ts["cohen_kappa"], ts["krippendorff_alpha"]) == (0.5, 0.5333)
    isis = r["stance"]["ISIS"]
    assert (isis["cohen_kappa"], isis["krippendorff_alpha"]) == (0.5556, 0.5882)
    tasks = sorted({d["task"] for d in r["disagreements"]})
    assert tasks == ["entity", "stance", "takfir_event", "takfir_role", "takfir_sentence"]
    table = cli(ws, "agreement", "--project", "rt")
    assert "alice vs bob" in table.output and "disagreeing items" in table.output


def test_adjudication_majority_prefer_and_review(annotated: tuple[Path, Doccano],
                                                 doccano_env: DoccanoSettings,
                                                 tmp_path: Path) -> None:
    ws, doccano = annotated
    cli(ws, "doccano", "pull", "--project", "rt")
    gold = tmp_path / "gold" / "rt.jsonl"
    result = cli(ws, "adjudicate", "--project", "rt", "--strategy", "majority",
                 "--out", str(gold))
    assert result.exit_code == 0, result.output
    with Workspace(ws, read_only=True) as workspace:
        docs = load_gold(gold, workspace)
        rows = workspace.query("SELECT strategy, annotators FROM gold")
    assert len(docs) == 2 and {r[0] for r in rows} == {"majority"}
    assert sum(len(d.entities) for d in docs) == 4 and not any(d.takfir for d in docs)
    assert sum(len(d.stance) for d in docs) == 1
    assert json.loads(rows[0][1]) == ["alice", "bob"]
    assert cli(ws, "evaluate", "--gold", str(gold.parent), "--json").exit_code == 0

    cli(ws, "adjudicate", "--project", "rt", "--strategy", "prefer:alice", "--out", str(gold))
    with Workspace(ws, read_only=True) as workspace:
        docs = load_gold(gold, workspace)
        versions = workspace.query("SELECT max(version) FROM gold")[0][0]
    assert versions == 2 and sum(len(d.takfir) for d in docs) == 2
    assert cli(ws, "adjudicate", "--project", "rt", "--strategy", "prefer:carol").exit_code == 1

    result = cli(ws, "adjudicate", "--project", "rt", "--strategy", "review", "--out", str(gold))
    assert result.exit_code == 0, result.output
    assert "2 documents with disagreements" in result.output
    review = doccano.find_project("rt / review")
    assert review is not None
    examples = doccano.api.examples(review.id)
    assert len(examples) == 2
    for example in examples:  # every version is shown, and who has what is in a comment
        spans = doccano.api.spans(review.id, example["id"])
        comments = doccano.api.get(f"projects/{review.id}/comments", "comments",
                                   params={"example": example["id"]})
        text = " ".join(c["text"] for c in comments.get("results", comments))
        assert "alice:" in text and "bob:" in text
        assert len(spans) >= 5
        doccano.api.confirm(review.id, example["id"])
    result = cli(ws, "doccano", "pull", "--project", "rt")
    assert "2 reviewed documents settled into gold" in result.output
    with Workspace(ws, read_only=True) as workspace:
        latest = workspace.query("SELECT doc_id, strategy, version FROM gold WHERE version = 3")
    assert {r[1] for r in latest} == {"review"} and len(latest) == 2


def test_changed_labels_append_a_new_row(annotated: tuple[Path, Doccano],
                                         doccano_env: DoccanoSettings) -> None:
    ws, doccano = annotated
    cli(ws, "doccano", "pull", "--project", "rt")
    project = doccano.find_project("rt / bob")
    assert project is not None
    bob = doccano.as_user("bob", PASSWORDS["bob"])
    example = bob.examples(project.id)[0]
    span = bob.spans(project.id, example["id"])[0]
    bob.delete_span(project.id, example["id"], span["id"])
    result = cli(ws, "doccano", "pull", "--project", "rt")
    assert "1 new or changed" in result.output
    with Workspace(ws, read_only=True) as workspace:
        counts = workspace.query("SELECT count(*), count(DISTINCT labels_hash) FROM annotations"
                                 " WHERE annotator = 'bob' AND example_id = ?",
                                 [example["id"]])[0]
    assert counts == (2, 2)  # the earlier pull is still there


def test_repush_adds_nothing(annotated: tuple[Path, Doccano],
                             doccano_env: DoccanoSettings) -> None:
    ws, doccano = annotated
    before = {n: doccano.count_examples(doccano.find_project(n).id)  # type: ignore[union-attr]
              for n in ("rt / alice", "rt / bob")}
    for select in ("new", "all"):
        result = cli(ws, "doccano", "push", "--project", "rt", "--select", select)
        assert result.exit_code == 0, result.output
        assert "Pushed 0 units" in result.output
    after = {n: doccano.count_examples(doccano.find_project(n).id)  # type: ignore[union-attr]
             for n in before}
    assert after == before


def test_interrupted_push_resumes_without_duplicates(doccano_server: DoccanoSettings,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tagged_workspace(tmp_path)
    real = push_module._record
    calls = {"n": 0}

    def crash_after_upload(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # first batch: uploaded to Doccano, then the process dies
            raise KeyboardInterrupt
        real(*args, **kwargs)

    monkeypatch.setattr(push_module, "_record", crash_after_upload)
    with connect(doccano_server) as doccano, Workspace(ws) as workspace:
        with pytest.raises(KeyboardInterrupt):
            push(workspace, doccano, "resume", batch=1)
        monkeypatch.setattr(push_module, "_record", real)
        assert workspace.query("SELECT count(*) FROM pushes")[0][0] == 0
        report = push(workspace, doccano, "resume", batch=1)
        project = doccano.find_project("resume")
        assert project is not None
        assert (report.recovered, report.sent) == (1, 1)
        assert doccano.count_examples(project.id) == 2
        assert workspace.query("SELECT count(DISTINCT example_id) FROM pushes")[0][0] == 2
        status = workspace.query("SELECT status FROM runs WHERE stage = 'doccano-push' "
                                 "ORDER BY started_at")
    assert [s[0] for s in status] == ["interrupted", "done"]


def test_server_down_is_a_clear_error_within_seconds(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("TAKFIR_DOCCANO_URL", url)
    monkeypatch.setenv("TAKFIR_DOCCANO_PASSWORD", "unused")
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["doccano", "pull", "--project", "x", "--workspace",
                                      str(tmp_path / "ws")])
    assert result.exit_code == 1
    assert url in result.output and "make doccano" in result.output
    assert time.perf_counter() - started < 10


def test_missing_worker_is_a_clear_error_within_seconds(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server of its own whose Celery worker is stopped: a connection made while the worker
    was up gets a bounded wait, a new connection the health check's E502, both in seconds."""
    paths = ServerPaths(data=tmp_path / "doccano-data")
    settings = DoccanoSettings(f"http://127.0.0.1:{free_port()}", "admin",
                               secrets.token_urlsafe(16))
    start(settings, paths)
    try:
        with connect(settings, task_timeout=3) as early:
            project = early.ensure_project("w", description="worker test", guideline="-")
            worker = int(paths.pidfile("celery").read_text())
            os.killpg(worker, signal.SIGTERM)  # the worker this test started, by its PID
            deadline = time.monotonic() + 30
            while _pid_alive(worker) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not _pid_alive(worker)
            started = time.perf_counter()
            with pytest.raises(DoccanoError) as err:
                early.export_lines(project.id, project="w")
            assert time.perf_counter() - started < 15
            assert settings.url in str(err.value) and "make doccano" in str(err.value)
        monkeypatch.setenv("TAKFIR_DOCCANO_URL", settings.url)
        monkeypatch.setenv("TAKFIR_DOCCANO_PASSWORD", settings.password)
        monkeypatch.setenv("TAKFIR_DOCCANO_CONFIG", str(tmp_path / "no-config.toml"))
        started = time.perf_counter()
        result = CliRunner().invoke(app, ["doccano", "pull", "--project", "w", "--workspace",
                                          str(tmp_path / "ws")])
        assert result.exit_code == 1
        assert "E502" in result.output and "Celery" in result.output
        assert settings.url in result.output and "make doccano" in result.output
        assert time.perf_counter() - started < 15
    finally:
        stop(paths)
