"""CSV export: one row per sentence, UTF-8 with BOM, no formula reaches a spreadsheet."""

from __future__ import annotations

import csv

import pandas as pd

from pipeline.export import export
from pipeline.export.csv import inert


def test_inert_cells():
    assert inert("=SUM(A1)") == "'=SUM(A1)"
    assert [inert(x) for x in ("+1", "-2", "@cmd", "\tx")] == ["'+1", "'-2", "'@cmd", "'\tx"]
    assert inert("plain text") == "plain text" and inert(3) == "3" and inert(None) == ""


def test_one_row_per_sentence_with_bom_and_inert_formulas(labeled, tmp_path):
    export(labeled, fmt="csv", out=tmp_path / "out", source="predicted", split="100")
    path = tmp_path / "out" / "csv" / "train.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    assert len(rows) == labeled.query("SELECT count(*) FROM sentences")[0][0]
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    formula = next(r for r in rows if "SUM(A1:A9)" in r["text"])
    assert formula["text"].startswith("'=SUM(A1:A9)")
    preacher = next(r for r in rows if "preacher" in r["text"])
    assert preacher["text"].startswith("'-The") and preacher["takfir_modes"] == "negated"
    assert preacher["takfir"] == "0"  # a negated declaration is not a takfir sentence
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert list(frame.columns)[:5] == ["doc_id", "sentence", "start", "end", "text"]
    assert (frame["stance_ISIS"] == "AGAINST").sum() == 10
