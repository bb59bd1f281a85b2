"""Export: the front door over one writer per format.

``export()`` reads the documents and their labels once (as `takfir-export/1` records),
pseudonymizes them when asked, splits them by document, hands each split to every requested
writer, and writes DATACARD.md. Layout of ``out``::

    DATACARD.md  jsonl/  doccano/  spacy/  conll/  hf/  csv/   (one folder per format)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Errors, ExportError
from ..store import Workspace
from .datacard import DATACARD_FILENAME, CardSettings, agreement_figures, write_datacard
from .documents import CHOICES, export_records, labeled_documents
from .jsonl import write_jsonl, write_jsonl_splits
from .splits import DEFAULT_SPLIT, assign_splits, parse_split

FORMATS = ("jsonl", "doccano", "spacy", "conll", "hf", "csv")
Writer = Callable[[Mapping[str, list[dict[str, Any]]], Path], list[Path]]


@dataclass
class ExportReport:
    """What one export wrote: files per format, documents per split, seconds per step."""

    folder: Path
    documents: int = 0
    files: dict[str, list[Path]] = field(default_factory=dict)
    splits: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    datacard: Path | None = None

    @property
    def path(self) -> Path:
        """The single JSONL file of a file export, else the folder."""
        return self.files["jsonl"][0] if self.folder.suffix == ".jsonl" else self.folder


def writers() -> dict[str, Writer]:
    """Format -> writer; imported lazily so jsonl exports need neither spaCy nor pyarrow."""
    from .conll import write_conll
    from .csv import write_csv
    from .doccano import write_doccano
    from .hf import write_hf
    from .spacy_docbin import write_spacy

    return {"jsonl": write_jsonl_splits, "doccano": write_doccano, "spacy": write_spacy,
            "conll": write_conll, "hf": write_hf, "csv": write_csv}


def resolve_formats(spec: str) -> list[str]:
    """``"all"`` or a comma list -> formats in canonical order; unknown names raise E601."""
    asked = FORMATS if spec.strip() == "all" else [f.strip() for f in spec.split(",") if f.strip()]
    for fmt in asked:
        if fmt not in FORMATS:
            raise ExportError(Errors.E601.format(fmt=fmt, formats=", ".join(FORMATS)))
    if not asked:
        raise ExportError(Errors.E601.format(fmt=spec, formats=", ".join(FORMATS)))
    return [f for f in FORMATS if f in asked]


def _check_out(out: Path, formats: list[str]) -> None:
    if out.suffix == ".jsonl" and formats != ["jsonl"]:
        raise ExportError(Errors.E604.format(out=out, formats=", ".join(formats)))
    if out.suffix != ".jsonl" and out.is_dir() and any(out.iterdir()) \
            and not (out / DATACARD_FILENAME).exists():
        raise ExportError(Errors.E608.format(out=out))


def export(workspace: Workspace, *, fmt: str = "jsonl", out: Path, source: str = "best",
           gold: Path | None = None, split: str = DEFAULT_SPLIT, seed: int = 0,
           pseudonymize: bool = False) -> ExportReport:
    """Write the workspace's documents and labels in every format of ``fmt``.

    ``out`` is a folder (one sub-folder per format, one file per split), or a ``.jsonl`` file
    for a single unsplit JSONL export. DATACARD.md is written beside the data either way.
    """
    formats = resolve_formats(fmt)
    if source not in CHOICES:
        raise ExportError(Errors.E603.format(source=source, choices=", ".join(CHOICES)))
    _check_out(out, formats)
    single_file = out.suffix == ".jsonl"
    proportions = {"all": 1.0} if single_file else parse_split(split)
    report = ExportReport(out)
    started = time.perf_counter()
    labeled = labeled_documents(workspace, source=source, gold=gold)
    records = list(export_records(workspace, labeled))
    report.seconds["records"] = time.perf_counter() - started
    assigned = assign_splits(records, proportions, seed=seed)
    placeholders = 0
    if pseudonymize:
        from .pseudonymize import pseudonymize as replace_names

        started = time.perf_counter()
        renamed, names = replace_names(records)
        assigned = {new["id"]: assigned[old["id"]]
                    for old, new in zip(records, renamed, strict=True)}
        records, placeholders = renamed, len(names.by_key)
        report.seconds["pseudonymize"] = time.perf_counter() - started
    splits: dict[str, list[dict[str, Any]]] = {name: [] for name in proportions}
    for record in records:
        splits[assigned[record["id"]]].append(record)
    report.documents = len(records)
    report.splits = {name: len(rs) for name, rs in splits.items()}
    folder = out.parent if single_file else out
    if single_file:
        started = time.perf_counter()
        report.files["jsonl"] = [write_jsonl(records, out)[0]]
        report.seconds["jsonl"] = time.perf_counter() - started
    else:
        available = writers()
        for name in formats:
            started = time.perf_counter()
            report.files[name] = available[name](splits, folder / name)
            report.seconds[name] = time.perf_counter() - started
    settings = CardSettings(source, "none (one file)" if single_file else split, seed,
                            formats, pseudonymize, placeholders)
    report.datacard = write_datacard(folder, splits, settings,
                                     agreement=agreement_figures(workspace, gold))
    return report


__all__ = ["CHOICES", "DEFAULT_SPLIT", "FORMATS", "ExportReport", "export", "resolve_formats"]
