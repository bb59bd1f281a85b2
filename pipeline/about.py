"""Version information recorded with every run."""

from __future__ import annotations

import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "takfir-pipeline"


@cache
def package_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


@cache
def code_version() -> str:
    """Package version plus the git commit when running from a checkout (``0.1.0+g1a2b3c4``)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return package_version()
    try:
        sha = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return package_version()
    return f"{package_version()}+g{sha.strip()}" if sha.strip() else package_version()
