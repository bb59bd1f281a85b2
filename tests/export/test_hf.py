"""Hugging Face export: Parquet per split loads with `datasets` and the right features."""

from __future__ import annotations

import json

import pytest

datasets = pytest.importorskip("datasets", reason="datasets is a dev dependency: pip install "
                               "-e '.[dev]'")

from pipeline.export import export  # noqa: E402


def test_load_dataset_parquet_with_classlabels_and_span_lists(labeled, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    report = export(labeled, fmt="hf", out=tmp_path / "out", source="predicted")
    folder = tmp_path / "out" / "hf"
    files = {name: str(folder / f"{name}.parquet") for name in report.splits}
    loaded = datasets.load_dataset("parquet", data_files=files,
                                   cache_dir=str(tmp_path / "cache"))
    assert {name: len(loaded[name]) for name in loaded} == report.splits
    features = loaded["train"].features
    assert json.loads((folder / "features.json").read_text()) == features.to_dict()
    stance = features["sentences"].feature["stance"].feature
    assert isinstance(stance["label"], datasets.ClassLabel)
    assert stance["label"].names == ["FAVOR", "AGAINST", "NONE"]
    entity = features["entities"].feature
    assert isinstance(entity["label"], datasets.ClassLabel)
    assert "TAKFIR_TERM" in entity["label"].names
    assert isinstance(features["entities"], datasets.List)
    assert isinstance(features["takfir"].feature["mode"], datasets.ClassLabel)
    rows = [row for name in loaded for row in loaded[name]]
    takfir = next(r for r in rows if "declared the council" in r["text"])
    names = entity["label"].names
    assert [(takfir["text"][e["start"]:e["end"]], names[e["label"]])
            for e in takfir["entities"]][0] == ("Abu Talha", "PERSON")
    event = takfir["takfir"][0]
    assert takfir["text"][event["declarer_start"]:event["declarer_end"]] == "Abu Talha"
    assert features["takfir"].feature["mode"].int2str(event["mode"]) == "asserted"
    against = [s for r in rows for x in r["sentences"] for s in x["stance"]
               if stance["label"].int2str(s["label"]) == "AGAINST"]
    assert against and all(stance["target"].int2str(s["target"]) in ("ISIS", "TAKFIRIS")
                           for s in against)
