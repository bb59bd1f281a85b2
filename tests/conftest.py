"""Shared fixtures: a fresh workspace per test, the CLI runner, the seed article's path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import Workspace
from pipeline.cli import app

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TAKFIR_SHARED", REPO.parent / "shared"))  # CI lays it beside
SEED = SHARED / "seeds" / "000_3bbeaf2ed3c0de72.txt"
DEMO = REPO / "corpus" / "demo"


@pytest.fixture
def seed_path() -> Path:
    assert SEED.exists(), (f"the seed article is expected at {SEED}: put shared/ beside the "
                           "checkout, or set TAKFIR_SHARED")
    return SEED


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner, tmp_path: Path):
    """Run `takfir ARGS` against a per-test workspace; returns the click Result."""
    def _invoke(*args: str):
        return runner.invoke(app, [*args, "--workspace", str(tmp_path / "ws")],
                             catch_exceptions=False)
    return _invoke


@pytest.fixture
def demo_path() -> Path:
    return DEMO
