"""The workspace store: one DuckDB file, its schema defined here once, and a small pandas API.

Stages write in transactions of a batch each: a crash or Ctrl-C loses at most the batch in
flight, and the per-document ``processed`` ledger lets a re-run finish the job. Every stage
run is a row in ``runs``.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .about import code_version
from .errors import Errors, WorkspaceError

SCHEMA_VERSION = 1
DEFAULT_WORKSPACE = "workspace"
DB_FILENAME = "takfir.duckdb"

SCHEMA: dict[str, str] = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "runs": """run_id VARCHAR PRIMARY KEY, stage VARCHAR NOT NULL, config_hash VARCHAR,
        config JSON, code_version VARCHAR, model_version VARCHAR, status VARCHAR NOT NULL,
        counts JSON, started_at TIMESTAMP, finished_at TIMESTAMP, seconds DOUBLE,
        pid INTEGER, message VARCHAR""",
    "documents": """doc_id VARCHAR PRIMARY KEY, sha256 VARCHAR NOT NULL UNIQUE,
        raw_sha256 VARCHAR NOT NULL, source_path VARCHAR NOT NULL, record INTEGER,
        format VARCHAR, encoding VARCHAR, title VARCHAR, language VARCHAR,
        language_score DOUBLE, is_english BOOLEAN, n_chars INTEGER, raw_text VARCHAR,
        text VARCHAR NOT NULL, offset_map JSON, substitutions INTEGER, metadata JSON,
        near_duplicate_of VARCHAR, near_duplicate_similarity DOUBLE, minhash BLOB,
        ingest_run VARCHAR, ingested_at TIMESTAMP""",
    # Every file or record seen by ingest, including exact duplicates that were not stored.
    "sources": """source_path VARCHAR NOT NULL, record INTEGER, raw_sha256 VARCHAR,
        doc_id VARCHAR NOT NULL, status VARCHAR NOT NULL, run_id VARCHAR,
        seen_at TIMESTAMP""",
    "removed_lines": """doc_id VARCHAR NOT NULL, raw_start INTEGER, raw_end INTEGER,
        canonical_offset INTEGER, reason VARCHAR, text VARCHAR""",
    "rejections": """source_path VARCHAR NOT NULL, line INTEGER, code VARCHAR,
        message VARCHAR, run_id VARCHAR, rejected_at TIMESTAMP""",
    "sentences": """doc_id VARCHAR NOT NULL, idx INTEGER NOT NULL, start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL, config_hash VARCHAR, PRIMARY KEY (doc_id, idx)""",
    # Predictions of the taggers (source = rule | model); offsets into documents.text.
    "entities": """doc_id VARCHAR NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT
        NULL, label VARCHAR NOT NULL, kb_id VARCHAR, score DOUBLE, source VARCHAR NOT NULL,
        run_id VARCHAR""",
    "takfir_events": """doc_id VARCHAR NOT NULL, event_idx INTEGER NOT NULL,
        trigger_start INTEGER NOT NULL, trigger_end INTEGER NOT NULL, declarer_start INTEGER,
        declarer_end INTEGER, declarer_kb_id VARCHAR, target_start INTEGER, target_end INTEGER,
        target_kb_id VARCHAR, ground_start INTEGER, ground_end INTEGER, mode VARCHAR NOT NULL,
        chain BOOLEAN NOT NULL, score DOUBLE, source VARCHAR NOT NULL, run_id VARCHAR""",
    "stance": """doc_id VARCHAR NOT NULL, sent_start INTEGER NOT NULL, sent_end INTEGER NOT NULL,
        target VARCHAR NOT NULL, label VARCHAR NOT NULL, holder_start INTEGER,
        holder_end INTEGER, score DOUBLE, source VARCHAR NOT NULL, run_id VARCHAR""",
    # The trained classifiers' output per sentence (pipeline/learn): task takfir, mode or
    # stance (with its target); the predicted label, its probability, the margin to the
    # runner-up (active learning ranks by it) and every label's probability.
    "sentence_scores": """doc_id VARCHAR NOT NULL, start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL, task VARCHAR NOT NULL, target VARCHAR, label VARCHAR NOT
        NULL, score DOUBLE, margin DOUBLE, proba JSON, source VARCHAR NOT NULL,
        model_version VARCHAR, run_id VARCHAR""",
    # Why active learning picked each document for annotation (pipeline/learn/active.py).
    "selections": """task VARCHAR NOT NULL, rank INTEGER NOT NULL, doc_id VARCHAR NOT NULL,
        start_char INTEGER, end_char INTEGER, target VARCHAR, margin DOUBLE, reason VARCHAR,
        model_version VARCHAR, selected_at TIMESTAMP NOT NULL""",
    # Which document went through which stage with which configuration (weasel's lock file,
    # per document): a stage skips documents already processed with its config hash.
    "processed": """stage VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, config_hash VARCHAR NOT
        NULL, run_id VARCHAR, processed_at TIMESTAMP, PRIMARY KEY (stage, doc_id)""",
    # Doccano (pipeline/doccano): what went to which Doccano project and example (push is
    # idempotent and resumable through it); `labels` holds the pre-annotations sent, with the
    # kb_ids Doccano cannot hold, in canonical offsets.
    "pushes": """project VARCHAR NOT NULL, doccano_project VARCHAR NOT NULL,
        doccano_project_id INTEGER NOT NULL, annotator VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        unit_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
        unit_start INTEGER NOT NULL, unit_end INTEGER NOT NULL, example_id INTEGER NOT NULL,
        n_labels INTEGER, labels JSON, run_id VARCHAR, pushed_at TIMESTAMP,
        PRIMARY KEY (doccano_project_id, unit_id)""",
    # Pulled human labels, append-only: one row per unit, annotator and pull whose labels
    # changed; `record` is a takfir-gold/1 record of the unit (canonical offsets), `raw` the
    # Doccano export line (with Doccano's span and relation ids).
    "annotations": """project VARCHAR NOT NULL, doccano_project VARCHAR NOT NULL,
        doccano_project_id INTEGER NOT NULL, annotator VARCHAR NOT NULL, unit_id VARCHAR NOT
        NULL, doc_id VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, example_id INTEGER NOT NULL,
        confirmed BOOLEAN, record JSON NOT NULL, raw JSON, labels_hash VARCHAR, problems JSON,
        run_id VARCHAR, pulled_at TIMESTAMP NOT NULL""",
    # Adjudicated documents, versioned (a new version never replaces an old row); `record`
    # is a takfir-gold/1 record, so gold files and this table hold the same thing.
    "gold": """doc_id VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, version INTEGER NOT NULL,
        project VARCHAR, strategy VARCHAR NOT NULL, annotators JSON, record JSON NOT NULL,
        run_id VARCHAR, created_at TIMESTAMP NOT NULL, PRIMARY KEY (doc_id, version)""",
}


def config_hash(config: Mapping[str, Any]) -> str:
    """Stable short hash of a stage configuration."""
    blob = json.dumps(config, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def resolve_workspace(path: str | os.PathLike[str] | None = None) -> Path:
    """The DuckDB file for a workspace folder (or a .duckdb path given directly)."""
    chosen = Path(path or os.environ.get("TAKFIR_WORKSPACE") or DEFAULT_WORKSPACE)
    return chosen if chosen.suffix == ".duckdb" else chosen / DB_FILENAME


@dataclass
class Run:
    """A stage run in progress; stages add to ``counts`` and the store records them."""

    run_id: str
    stage: str
    config_hash: str
    counts: dict[str, Any] = field(default_factory=dict)
    status: str = "done"


class Workspace:
    """A workspace store. Tables come out as pandas DataFrames; rows go in as dicts."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = resolve_workspace(path)
        self.read_only = read_only
        self._con: duckdb.DuckDBPyConnection | None = None

    # -- connection ----------------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = self._connect()
        return self._con

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self.read_only and not self.path.exists():
            raise WorkspaceError(Errors.E202.format(path=self.path.parent))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(self.path), read_only=self.read_only)
        except duckdb.IOException as err:
            if "lock" in str(err).lower():
                raise WorkspaceError(Errors.E201.format(path=self.path, detail=err)) from err
            raise WorkspaceError(Errors.E204.format(path=self.path, detail=err)) from err
        if not self.read_only:
            self._create_schema(con)
        self._check_version(con)
        return con

    def _create_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, columns in SCHEMA.items():
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                    [str(SCHEMA_VERSION)])
        # Only one process can open the file for writing, so a run still marked running
        # belongs to a process that died (kill -9, power loss): say so.
        con.execute("UPDATE runs SET status = 'interrupted', message = 'process ended "
                    "without finishing; re-run the stage to finish the job' "
                    "WHERE status = 'running'")

    def _check_version(self, con: duckdb.DuckDBPyConnection) -> None:
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection and
        # then refuses the next register()
        rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        row = rows[0] if rows else None
        if row and row[0] != str(SCHEMA_VERSION):
            raise WorkspaceError(Errors.E203.format(path=self.path, found=row[0],
                                                    expected=SCHEMA_VERSION))

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        if name not in SCHEMA:
            raise KeyError(f"no table {name!r}; tables: {', '.join(SCHEMA)}")
        return self.con.execute(f"SELECT * FROM {name}").df()

    def documents(self, *, with_text: bool = True) -> pd.DataFrame:
        columns = "*" if with_text else "* EXCLUDE (raw_text, text, offset_map, minhash)"
        return self.con.execute(f"SELECT {columns} FROM documents ORDER BY doc_id").df()

    def sentences(self, *, with_text: bool = True) -> pd.DataFrame:
        text = (", substr(d.text, s.start_char + 1, s.end_char - s.start_char) AS text"
                if with_text else "")
        return self.con.execute(
            f"SELECT s.*{text} FROM sentences s JOIN documents d USING (doc_id) "
            "ORDER BY s.doc_id, s.idx").df()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    def unprocessed(self, stage: str, config_hash_: str) -> list[str]:
        """Ids of documents not yet processed by ``stage`` with this configuration."""
        return [row[0] for row in self.query(
            "SELECT d.doc_id FROM documents d LEFT JOIN processed p ON p.doc_id = d.doc_id "
            "AND p.stage = ? AND p.config_hash = ? WHERE p.doc_id IS NULL ORDER BY d.doc_id",
            [stage, config_hash_])]

    # -- writing -------------------------------------------------------------------------
    def insert(self, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
        """Append rows (dicts keyed by column) in one statement; returns the row count."""
        if not rows:
            return 0
        frame = pd.DataFrame(list(rows))
        self.con.register("_incoming", frame)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")
        return len(frame)

    @contextmanager
    def transaction(self) -> Iterator[Workspace]:
        """All writes inside commit together or not at all (Ctrl-C included)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def mark_processed(self, stage: str, doc_ids: Sequence[str], config_hash_: str,
                       run_id: str) -> None:
        if not doc_ids:
            return
        self.con.execute("DELETE FROM processed WHERE stage = ? AND doc_id IN "
                         "(SELECT unnest(?::VARCHAR[]))", [stage, list(doc_ids)])
        at = now()
        self.insert("processed", [
            {"stage": stage, "doc_id": d, "config_hash": config_hash_, "run_id": run_id,
             "processed_at": at} for d in doc_ids])

    @contextmanager
    def run(self, stage: str, config: Mapping[str, Any], *,
            model_version: str | None = None) -> Iterator[Run]:
        """Record a stage run: 'running' at once, then 'done', 'failed' or 'interrupted'."""
        run = Run(uuid.uuid4().hex[:12], stage, config_hash(config))
        started = now()
        self.con.execute(
            "INSERT INTO runs (run_id, stage, config_hash, config, code_version, model_version,"
            " status, started_at, pid) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)",
            [run.run_id, stage, run.config_hash, json.dumps(config, default=str),
             code_version(), model_version, started, os.getpid()])
        status, message = "done", None
        try:
            yield run
            status = run.status
        except KeyboardInterrupt:
            status, message = "interrupted", "stopped by Ctrl-C; re-run to finish the job"
            raise
        except BaseException as err:
            status, message = "failed", f"{type(err).__name__}: {err}"
            raise
        finally:
            finished = now()
            self.con.execute(
                "UPDATE runs SET status = ?, counts = ?, finished_at = ?, seconds = ?, "
                "message = ? WHERE run_id = ?",
                [status, json.dumps(run.counts, default=str), finished,
                 (finished - started).total_seconds(), message, run.run_id])

    def last_runs(self) -> pd.DataFrame:
        """The latest run of each stage."""
        return self.con.execute(
            "SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY stage "
            "ORDER BY started_at DESC) AS rn FROM runs) WHERE rn = 1 ORDER BY started_at").df()
