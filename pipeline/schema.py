"""The label schema, read from annotations/labels.toml: the one place labels are defined."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ConfigError

LABELS_ENV = "TAKFIR_LABELS"


def default_labels_path() -> Path:
    """annotations/labels.toml of the checkout (or $TAKFIR_LABELS)."""
    env = os.environ.get(LABELS_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "annotations" / "labels.toml"


@dataclass(frozen=True)
class StanceTarget:
    name: str
    description: str
    aliases: tuple[str, ...]
    lexicon_ids: tuple[str, ...]


@dataclass(frozen=True)
class LabelSchema:
    version: str
    entities: dict[str, dict[str, str]]
    takfir_roles: dict[str, dict[str, str]]
    takfir_relations: dict[str, dict[str, str]]
    modes: dict[str, str]
    stance_labels: tuple[str, ...]
    stance_colors: dict[str, str]
    stance_targets: dict[str, StanceTarget]

    @property
    def entity_labels(self) -> tuple[str, ...]:
        return tuple(self.entities)

    def check(self, kind: str, value: str, where: str = "") -> str:
        """Return ``value`` if it is a known label of ``kind``, else raise naming the file."""
        known = {"entity": self.entities, "mode": self.modes, "stance": self.stance_labels,
                 "target": self.stance_targets, "role": self.takfir_roles}[kind]
        if value not in known:
            prefix = f"{where}: " if where else ""
            raise ConfigError(f"{prefix}unknown {kind} label {value!r}; labels.toml defines "
                              f"{', '.join(known)}")
        return value


@cache
def load_schema(path: Path | None = None) -> LabelSchema:
    path = path or default_labels_path()
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"{path}: label schema not found; set ${LABELS_ENV} or run from a "
                          "checkout that has annotations/labels.toml") from err
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML ({err})") from err
    takfir, stance = data["takfir"], data["stance"]
    targets = {
        name: StanceTarget(name, spec.get("description", ""), tuple(spec.get("aliases", ())),
                           tuple(spec.get("lexicon_ids", ())))
        for name, spec in stance["targets"].items()}
    return LabelSchema(
        version=str(data.get("version", "")), entities=data["entities"],
        takfir_roles=takfir["roles"], takfir_relations=takfir["relations"],
        modes=takfir["modes"], stance_labels=tuple(stance["labels"]),
        stance_colors=stance.get("colors", {}), stance_targets=targets)
