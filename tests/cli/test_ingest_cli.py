"""`takfir ingest`: exit codes, `path[:line]: [Exxx]` messages, and what lands in the store.

Every bad-input case runs with one good file next to it: the good file is stored, the bad
input only leaves a row in ``rejections``.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline import Workspace

GOOD = ("The council met on Tuesday to discuss the new water policy for the northern "
        "districts. Members argued for hours before agreeing on a compromise.\n")
WORDS = [
    "council", "river", "policy", "market", "village", "winter", "teacher", "harbour", "letter",
    "bridge", "garden", "minister", "farmer", "station", "museum", "doctor", "summer", "forest",
    "island", "engine", "window", "student", "kitchen", "mountain", "library", "soldier",
    "captain", "artist", "valley", "railway",
]


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tmp_path so messages show the short relative names the tests write."""
    monkeypatch.chdir(tmp_path)


def stored(tmp_path: Path) -> list[tuple[str, int | None]]:
    """(file name, record) of every stored document."""
    with Workspace(tmp_path / "ws", read_only=True) as ws:
        rows = ws.query("SELECT source_path, record FROM documents ORDER BY source_path, record")
    return [(Path(path).name, record) for path, record in rows]


def rejections(tmp_path: Path) -> list[tuple[str, int | None, str]]:
    with Workspace(tmp_path / "ws", read_only=True) as ws:
        return ws.query("SELECT source_path, line, code FROM rejections ORDER BY rowid")


COLUMNS = ("doc_id", "encoding", "raw_text", "text", "metadata", "near_duplicate_of",
           "near_duplicate_similarity")


def document(tmp_path: Path, name: str) -> dict:
    """The stored row of the one document read from file ``name``."""
    with Workspace(tmp_path / "ws", read_only=True) as ws:
        rows = ws.query(f"SELECT source_path, {', '.join(COLUMNS)} FROM documents")
    [row] = [dict(zip(COLUMNS, rest, strict=True))
             for path, *rest in rows if Path(path).name == name]
    return row


def assert_rejected(result, tmp_path: Path, where: str, code: str, phrase: str) -> None:
    """Exit 1, one `where: [code] ...phrase` line on stderr, good.txt stored, nothing else."""
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"rejected: {where}: [{code}] "), line
    assert phrase in line
    assert stored(tmp_path) == [("good.txt", None)]
    path, _, number = where.partition(":")
    stored_as = str((tmp_path / path).resolve())  # the store keeps absolute paths
    assert rejections(tmp_path) == [(stored_as, int(number) if number else None, code)]


@pytest.fixture
def good(tmp_path: Path) -> str:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    return "good.txt"


# -- one test per bad input ----------------------------------------------------------------

def test_empty_file(invoke, tmp_path, good):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = invoke("ingest", good, "empty.txt")
    assert_rejected(result, tmp_path, "empty.txt", "E102", "empty file")


def test_binary_file_named_txt(invoke, tmp_path, good):
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    result = invoke("ingest", good, "photo.txt")
    assert_rejected(result, tmp_path, "photo.txt", "E103", "binary file (PNG image)")


def test_undecodable_bytes(invoke, tmp_path, good):
    (tmp_path / "garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    result = invoke("ingest", good, "garbled.txt")
    assert_rejected(result, tmp_path, "garbled.txt", "E104", "cannot decode the bytes")


def test_file_over_the_size_limit(invoke, tmp_path, good):
    (tmp_path / "big.txt").write_text("A long line of words. " * 10, encoding="utf-8")
    result = invoke("ingest", good, "big.txt", "--max-bytes", "200")
    assert_rejected(result, tmp_path, "big.txt", "E105", "raise the limit with --max-bytes")


def test_malformed_jsonl_line(invoke, tmp_path, good):
    (tmp_path / "items.jsonl").write_text(
        '{"text": "Rivers flood the valley every spring."}\n{"text": oops}\n'
        '{"text": "Mountains shelter the villages from the wind."}\n', encoding="utf-8")
    result = invoke("ingest", good, "items.jsonl")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("rejected: items.jsonl:2: [E106] malformed JSON"), line
    assert stored(tmp_path) == [("good.txt", None), ("items.jsonl", 1), ("items.jsonl", 3)]
    assert rejections(tmp_path) == [(str((tmp_path / "items.jsonl").resolve()), 2, "E106")]


def test_csv_without_text_column(invoke, tmp_path, good):
    (tmp_path / "table.csv").write_text("id,body\n1,Some body text.\n", encoding="utf-8")
    result = invoke("ingest", good, "table.csv")
    assert_rejected(result, tmp_path, "table.csv", "E109", "no 'text' column (columns: id, body)")


def test_missing_path(invoke, tmp_path, good):
    result = invoke("ingest", good, "missing.txt")
    assert_rejected(result, tmp_path, "missing.txt", "E101", "no such file or directory")


def test_folder_without_supported_files(invoke, tmp_path, good):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "page.pdf").write_bytes(b"%PDF-1.4\n")
    result = invoke("ingest", good, "scans")
    assert_rejected(result, tmp_path, "scans", "E111", "no supported files in this folder")


def test_all_boilerplate_file(invoke, tmp_path, good):
    (tmp_path / "chrome.txt").write_text(
        "Share\nAdvertisement\nPhoto: John Smith / Reuters\n", encoding="utf-8")
    result = invoke("ingest", good, "chrome.txt")
    assert_rejected(result, tmp_path, "chrome.txt", "E113",
                    "no text left after removing boilerplate (photo-credit, share-navigation)")


def test_bracketed_file_name_is_shown_as_is(invoke, tmp_path, good):
    (tmp_path / "notes[draft].txt").write_bytes(b"")
    result = invoke("ingest", good, "notes[draft].txt")
    assert_rejected(result, tmp_path, "notes[draft].txt", "E102", "empty file")


# -- good input ----------------------------------------------------------------------------

def test_clean_ingest_exits_zero_without_stderr(invoke, tmp_path, good):
    (tmp_path / "b.md").write_text("# Harbour\n\nBoats left the harbour at dawn.\n")
    (tmp_path / "c.jsonl").write_text('{"text": "The library opened a new wing."}\n')
    result = invoke("ingest", good, "b.md", "c.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "Ingested 3 documents from 3 files" in result.stdout
    assert stored(tmp_path) == [("b.md", None), ("c.jsonl", 1), ("good.txt", None)]
    assert rejections(tmp_path) == []


def test_rerun_is_idempotent(invoke, tmp_path, good):
    assert invoke("ingest", good).exit_code == 0
    result = invoke("ingest", good)
    assert result.exit_code == 0
    assert "Nothing new" in result.stdout
    assert stored(tmp_path) == [("good.txt", None)]
    with Workspace(tmp_path / "ws", read_only=True) as ws:
        assert ws.query("SELECT count(*) FROM sources") == [(1,)]


def test_text_field_for_jsonl(invoke, tmp_path):
    (tmp_path / "items.jsonl").write_text(
        '{"body": "Bridges were repaired after the storm.", "id": 9}\n', encoding="utf-8")
    result = invoke("ingest", "items.jsonl", "--text-field", "body")
    assert result.exit_code == 0, result.output
    row = document(tmp_path, "items.jsonl")
    assert row["text"] == "Bridges were repaired after the storm."
    assert '"id": 9' in row["metadata"]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_legacy_encodings_are_stored_as_text(invoke, tmp_path, encoding):
    """UTF-16 (with BOM) and cp1252 files: raw text kept curly, canonical text straight."""
    raw = ("The minister\u2019s \u201creform\u201d \u2014 announced at a caf\u00e9 \u2014 "
           "was welcomed by farmers.\n")
    (tmp_path / "legacy.txt").write_bytes(raw.encode(encoding))
    result = invoke("ingest", "legacy.txt")
    assert result.exit_code == 0, result.output
    row = document(tmp_path, "legacy.txt")
    assert row["encoding"] == encoding
    assert row["raw_text"] == raw
    assert "minister\u2019s" in row["raw_text"]
    assert "minister's" in row["text"] and "\u2019" not in row["text"]
    assert "caf\u00e9" in row["text"]


def test_help_shows_an_example(invoke):
    result = invoke("ingest", "--help")
    assert result.exit_code == 0
    assert "Example: takfir ingest" in " ".join(result.stdout.split())


def test_exact_duplicate_is_reported_and_stored_once(invoke, tmp_path, good):
    (tmp_path / "copy.txt").write_text(GOOD, encoding="utf-8")
    result = invoke("ingest", good, "copy.txt")
    assert result.exit_code == 0, result.output
    doc_id = document(tmp_path, "good.txt")["doc_id"]
    assert f"duplicate: copy.txt has the same text as {doc_id}; skipped" in result.stdout
    assert stored(tmp_path) == [("good.txt", None)]
    with Workspace(tmp_path / "ws", read_only=True) as ws:
        statuses = ws.query("SELECT source_path, status FROM sources ORDER BY status")
    assert [(Path(p).name, s) for p, s in statuses] == [("copy.txt", "duplicate"),
                                                         ("good.txt", "ingested")]


def test_near_duplicate_is_stored_and_linked(invoke, tmp_path):
    rng = random.Random(3)
    words = [rng.choice(WORDS) for _ in range(300)]
    (tmp_path / "original.txt").write_text(" ".join(words) + ".\n", encoding="utf-8")
    words[150] = "lighthouse"
    (tmp_path / "edited.txt").write_text(" ".join(words) + ".\n", encoding="utf-8")
    assert invoke("ingest", "original.txt").exit_code == 0
    result = invoke("ingest", "edited.txt")
    assert result.exit_code == 0, result.output
    original = document(tmp_path, "original.txt")
    edited = document(tmp_path, "edited.txt")
    assert edited["near_duplicate_of"] == original["doc_id"]
    assert 0.9 <= edited["near_duplicate_similarity"] < 1.0
    assert original["near_duplicate_of"] is None
    assert f"resembles {original['doc_id']}" in result.stdout
