"""A real Doccano 1.8.4 server for the test session: installed into .doccano/venv when missing
(as `make doccano` does), started on a free port with a fresh data folder, stopped at the end.
Never skipped: when it cannot start, the tests that need it fail with the reason."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import Workspace
from pipeline.cli import app
from pipeline.doccano.server import ServerPaths, start, stop
from pipeline.doccano.settings import DoccanoSettings

# Sentences written for these tests (synthetic; the names are invented).
TEXTS = {
    "d1.txt": "Abu Talha declared the council apostates because it refused to rule by sharia. "
              "The residents of Raqqa supported ISIS.",
    "d2.txt": "The preacher never called them kuffar. ISIS fighters burned the market.",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def doccano_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoccanoSettings]:
    data = tmp_path_factory.mktemp("doccano-data")
    paths = ServerPaths(data=data)
    settings = DoccanoSettings(f"http://127.0.0.1:{free_port()}", "admin",
                               secrets.token_urlsafe(16))
    start(settings, paths)
    try:
        yield settings
    finally:
        stop(paths)


@pytest.fixture
def doccano_env(doccano_server: DoccanoSettings, monkeypatch: pytest.MonkeyPatch,
                tmp_path: Path) -> DoccanoSettings:
    """The CLI finds the test server through the environment, never the user's config."""
    monkeypatch.setenv("TAKFIR_DOCCANO_URL", doccano_server.url)
    monkeypatch.setenv("TAKFIR_DOCCANO_USER", doccano_server.user)
    monkeypatch.setenv("TAKFIR_DOCCANO_PASSWORD", doccano_server.password)
    monkeypatch.setenv("TAKFIR_DOCCANO_CONFIG", str(tmp_path / "no-config.toml"))
    return doccano_server


def tagged_workspace(folder: Path) -> Path:
    """A workspace with the two test documents ingested, segmented and tagged (fast)."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for name, text in TEXTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    ws = folder / "ws"
    runner = CliRunner()
    for args in (["ingest", str(corpus)], ["segment", "--fast"], ["tag", "--fast"]):
        result = runner.invoke(app, [*args, "--workspace", str(ws)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    with Workspace(ws, read_only=True) as workspace:
        assert workspace.query("SELECT count(*) FROM sentences")[0][0] == 4
    return ws
