"""Training: grouped folds never leak a document, skops round trip and refusal, the train CLI
writes its three files, a fresh process loads the model with scikit-learn and skops only, and
the model in the loop writes source-model rows; active learning picks documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.preprocessing import FunctionTransformer
from typer.testing import CliRunner

from pipeline import Workspace
from pipeline.cli import app
from pipeline.errors import LearnError
from pipeline.learn.active import rank_uncertain
from pipeline.learn.loop import apply_models
from pipeline.learn.persist import TRUSTED_TYPES, load_model, load_task_model, save_model
from pipeline.learn.train import grouped_folds, make_pipeline

REPO = Path(__file__).resolve().parents[2]


def test_grouped_folds_never_share_a_document() -> None:
    groups = [f"doc{i % 7}" for i in range(60)]
    folds = grouped_folds(groups, n_splits=5)
    assert len(folds) == 5
    seen: set[str] = set()
    for test in folds:
        train = set(groups) - test
        assert test and not (test & train)
        assert not (test & seen)  # each document is tested exactly once
        seen |= test
    assert seen == set(groups)
    with pytest.raises(LearnError, match="E706"):
        grouped_folds(["only"] * 5)


def _fitted(kind: str = "logreg"):
    texts = ["they declared the council apostates", "the market reopened today",
             "whoever votes is a kafir", "the river flooded the fields"] * 4
    labels = ["TAKFIR", "NONE", "TAKFIR", "NONE"] * 4
    return make_pipeline(kind).fit(texts, labels)


@pytest.mark.parametrize("kind", ["logreg", "calibrated_svm"])
def test_skops_round_trip(tmp_path: Path, kind: str) -> None:
    model = _fitted(kind)
    path = save_model(model, tmp_path)
    assert path.name == "model.skops"
    back = load_model(path)
    probe = ["the court declared him an apostate"]
    assert np.allclose(back.predict_proba(probe), model.predict_proba(probe))


def test_untrusted_type_is_refused(tmp_path: Path) -> None:
    model = _fitted()
    model.steps.insert(0, ("tamper", FunctionTransformer(os.system)))
    sio.dump(model, tmp_path / "model.skops")  # written behind save_model's back
    with pytest.raises(LearnError, match=r"E704.*(posix|os)\.system"):
        load_model(tmp_path / "model.skops")
    with pytest.raises(LearnError, match="E704"):
        save_model(model, tmp_path / "again")
    (tmp_path / "broken.skops").write_bytes(b"not a zip")
    with pytest.raises(LearnError, match="E705"):
        load_model(tmp_path / "broken.skops")


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo corpus, tagged (fast), with takfir and stance models trained by the CLI."""
    root = tmp_path_factory.mktemp("learn")
    ws, models = root / "ws", root / "models"
    runner = CliRunner()
    for args in (["ingest", str(REPO / "corpus" / "demo")], ["tag", "--fast"]):
        result = runner.invoke(app, [*args, "--workspace", str(ws)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    for task in ("takfir", "stance"):
        result = runner.invoke(app, ["train", "--task", task, "--workspace", str(ws),
                                     "--models", str(models), "--gold",
                                     str(REPO / "annotations" / "gold"), "--folds", "3",
                                     "--n-jobs", "1"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return ws, models


def test_train_cli_writes_three_files(trained: tuple[Path, Path]) -> None:
    _, models = trained
    for task in ("takfir", "stance"):
        folder = models / task
        assert sorted(p.name for p in folder.iterdir()) == ["MODEL_CARD.md", "metrics.json",
                                                             "model.skops"]
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["task"] == task and metrics["cv"]["selected"] in ("logreg",
                                                                         "calibrated_svm")
        assert metrics["data"]["data_hash"] and metrics["code_version"]
        assert set(metrics["cv"]["candidates"]) == {"logreg", "calibrated_svm"}
        card = (folder / "MODEL_CARD.md").read_text()
        assert "not judging" in card.lower() or "**Not** for judging" in card
        assert "Known failure modes" in card


def test_fresh_process_loads_with_sklearn_and_skops_only(trained: tuple[Path, Path]) -> None:
    _, models = trained
    folder = models / "takfir"
    script = textwrap.dedent(f"""
        import json, sys
        class NoPipeline:
            def find_spec(self, name, path=None, target=None):
                if name == "pipeline" or name.startswith("pipeline."):
                    raise ImportError("this process must not use the takfir package")
        sys.meta_path.insert(0, NoPipeline())
        import skops.io as sio
        folder = {str(folder)!r}
        trusted = json.load(open(folder + "/metrics.json"))["trusted_types"]
        model = sio.load(folder + "/model.skops", trusted=trusted)
        proba = model.predict_proba(["The council declared the elders apostates."])
        assert "pipeline" not in sys.modules
        print(json.dumps({{"classes": list(model.classes_), "p": proba[0].tolist()}}))
    """)
    out = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True,
                         cwd=models, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["classes"] == ["NONE", "TAKFIR"] and abs(sum(result["p"]) - 1) < 1e-6
    assert list(TRUSTED_TYPES) == json.loads((folder / "metrics.json").read_text())[
        "trusted_types"]


def test_model_in_the_loop_writes_model_rows(trained: tuple[Path, Path]) -> None:
    ws_path, models = trained
    with Workspace(ws_path) as ws:
        # thresholds 0: every sentence with a takfir term and no rule event gets a model
        # event, every disagreement with the stance rule a model stance row
        report = apply_models(ws, models=models, add_threshold=0.0, stance_threshold=0.0)
        assert report.tasks == ["takfir", "stance"] and report.documents > 0
        sources = dict(ws.query("SELECT source, count(*) FROM sentence_scores GROUP BY 1"))
        assert sources == {"model": report.scores}
        assert ws.query("SELECT count(*) FROM stance WHERE source = 'model'")[0][0] \
            == report.stance > 0
        assert ws.query("SELECT count(*) FROM takfir_events WHERE source = 'model'")[0][0] \
            == report.events
        rules = ws.query("SELECT count(*) FROM stance WHERE source = 'rule'")[0][0]
        again = apply_models(ws, models=models, add_threshold=0.0, stance_threshold=0.0)
        assert again.documents == 0 and again.skipped == report.documents  # incremental
        assert ws.query("SELECT count(*) FROM stance WHERE source = 'rule'")[0][0] == rules


def test_rank_uncertain_picks_distinct_documents(trained: tuple[Path, Path]) -> None:
    ws_path, models = trained
    with Workspace(ws_path) as ws:
        picked = rank_uncertain(ws, "stance", 3, models=models)
        assert len(picked) == len(set(picked)) == 3
        rows = ws.query("SELECT rank, doc_id, reason FROM selections ORDER BY rank")
        assert [r[1] for r in rows] == picked and all("margin" in r[2] for r in rows)
        with pytest.raises(LearnError, match="E707"):
            rank_uncertain(ws, "stance", 0, models=models)


def test_missing_model_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(LearnError, match=r"E703.*takfir train --task stance"):
        load_task_model("stance", tmp_path)
