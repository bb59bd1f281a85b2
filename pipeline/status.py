"""What is in a workspace, what ran last, and what is stale: one dict for the CLI and notebooks."""

from __future__ import annotations

import json
from typing import Any

from .ingest import display_path
from .nlp.build import pipeline_config
from .segment import STAGE as SEGMENT_STAGE
from .segment import SegmentConfig
from .store import Workspace, config_hash
from .tag import STAGE as TAG_STAGE


def workspace_status(workspace: Workspace) -> dict[str, Any]:
    """Counts, languages, duplicates, rejections, last runs and stale work."""
    q = workspace.query
    documents = q("SELECT count(*), coalesce(sum(n_chars), 0) FROM documents")[0]
    languages = dict(q("SELECT language, count(*) FROM documents GROUP BY language "
                       "ORDER BY count(*) DESC, language"))
    near = q("SELECT d.doc_id, d.source_path, d.record, d.near_duplicate_of, "
             "d.near_duplicate_similarity FROM documents d "
             "WHERE near_duplicate_of IS NOT NULL ORDER BY doc_id")
    exact = q("SELECT source_path, record, doc_id FROM sources WHERE status = 'duplicate' "
              "ORDER BY source_path, record")
    removed = dict(q("SELECT reason, count(*) FROM removed_lines GROUP BY reason ORDER BY 1"))
    last_ingest = q("SELECT run_id FROM runs WHERE stage = 'ingest' "
                    "ORDER BY started_at DESC LIMIT 1")
    rejected = q("SELECT source_path, line, code, message FROM rejections WHERE run_id = ? "
                 "ORDER BY source_path, line", [last_ingest[0][0]]) if last_ingest else []
    runs = workspace.last_runs()
    current = SegmentConfig().hash
    tagged = config_hash(pipeline_config(fast=False))
    return {
        "workspace": str(workspace.path),
        "documents": documents[0],
        "characters": int(documents[1]),
        "sentences": q("SELECT count(*) FROM sentences")[0][0],
        "languages": languages,
        "non_english": sum(n for lang, n in languages.items() if lang != "en"),
        "near_duplicates": [
            {"doc_id": r[0], "source": _location(r[1], r[2]), "duplicate_of": r[3],
             "similarity": round(r[4], 3)} for r in near],
        "exact_duplicates": [{"source": _location(r[0], r[1]), "doc_id": r[2]} for r in exact],
        "removed_lines": removed,
        "rejected": [{"source": _location(r[0], r[1]), "code": r[2], "message": r[3]}
                     for r in rejected],
        "last_runs": [
            {"stage": r.stage, "status": r.status, "started_at": str(r.started_at),
             "seconds": None if r.seconds != r.seconds else round(float(r.seconds), 2),
             "counts": json.loads(r.counts) if isinstance(r.counts, str) else {},
             "code_version": r.code_version, "message": r.message}
            for r in runs.itertuples()],
        # Stale = not yet processed with the default configuration of that stage.
        "stale": {SEGMENT_STAGE: len(workspace.unprocessed(SEGMENT_STAGE, current)),
                  TAG_STAGE: len(workspace.unprocessed(TAG_STAGE, tagged))},
        "predictions": dict(q("SELECT source, count(*) FROM (SELECT source FROM entities "
                              "UNION ALL SELECT source FROM takfir_events UNION ALL "
                              "SELECT source FROM stance) GROUP BY source ORDER BY 1")),
    }


def _location(path: str, record: int | None) -> str:
    shown = display_path(path)
    return shown if record is None else f"{shown}:{record}"
