"""Models on disk: skops only (never pickle or joblib), loaded against an explicit list of
trusted types, so a tampered file is refused instead of run.

A model folder holds ``model.skops``, ``metrics.json`` and ``MODEL_CARD.md``. The pipeline
inside is plain scikit-learn: loading it needs scikit-learn and skops, not this package.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import skops.io as sio
from sklearn.pipeline import Pipeline

from ..errors import Errors, LearnError
from .data import check_task

MODEL_FILE, METRICS_FILE, CARD_FILE = "model.skops", "metrics.json", "MODEL_CARD.md"
MODELS_ENV = "TAKFIR_MODELS"
# skops trusts scikit-learn's public estimators itself; these private helpers of
# CalibratedClassifierCV are the only other types our pipelines hold.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)


def default_models_folder() -> Path:
    """models/ of the checkout, or $TAKFIR_MODELS."""
    env = os.environ.get(MODELS_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[2] / "models"


def model_folder(task: str, models: Path | None = None) -> Path:
    return (models or default_models_folder()) / check_task(task)


def save_model(model: Pipeline, folder: Path) -> Path:
    """Write ``model.skops``; refuses a model that holds a type we would not load back."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    tmp = path.with_suffix(".skops.tmp")
    sio.dump(model, tmp)
    untrusted = [t for t in sio.get_untrusted_types(file=tmp) if t not in TRUSTED_TYPES]
    if untrusted:
        tmp.unlink()
        raise LearnError(Errors.E704.format(path=path, types=", ".join(untrusted)))
    tmp.replace(path)
    return path


def load_model(path: Path, *, trusted: tuple[str, ...] = TRUSTED_TYPES) -> Pipeline:
    """Load a skops model, refusing any type outside skops' defaults and ``trusted``."""
    try:
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in trusted]
    except FileNotFoundError as err:
        raise LearnError(Errors.E705.format(path=path, detail="no such file")) from err
    except Exception as err:  # a corrupt zip or schema: skops raises many kinds
        raise LearnError(Errors.E705.format(path=path, detail=err)) from err
    if untrusted:
        raise LearnError(Errors.E704.format(path=path, types=", ".join(sorted(untrusted))))
    try:
        model = sio.load(path, trusted=list(trusted))
    except Exception as err:
        raise LearnError(Errors.E705.format(path=path, detail=err)) from err
    if not isinstance(model, Pipeline):
        raise LearnError(Errors.E705.format(path=path, detail=f"a {type(model).__name__}, "
                                                              "not a scikit-learn Pipeline"))
    return model


def read_metrics(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / METRICS_FILE).read_text(encoding="utf-8")))


def load_task_model(task: str, models: Path | None = None) -> tuple[Pipeline, dict[str, Any]]:
    """The trained model of ``task`` and its metrics.json; an error naming the fix if absent."""
    folder = model_folder(task, models)
    if not (folder / MODEL_FILE).exists() or not (folder / METRICS_FILE).exists():
        raise LearnError(Errors.E703.format(task=task, path=folder))
    metrics = read_metrics(folder)
    if metrics.get("task") != task:
        raise LearnError(Errors.E708.format(path=folder, found=metrics.get("task"), task=task))
    return load_model(folder / MODEL_FILE), metrics


def available_models(models: Path | None = None) -> list[str]:
    """Tasks that have a trained model in the models folder."""
    root = models or default_models_folder()
    return [t for t in ("takfir", "mode", "stance")
            if (root / t / MODEL_FILE).exists() and (root / t / METRICS_FILE).exists()]
