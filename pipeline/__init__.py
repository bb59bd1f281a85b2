"""takfir-pipeline: a corpus annotation pipeline for research on takfir discourse."""

from .about import package_version
from .store import Workspace

__version__ = package_version()
__all__ = ["Workspace", "__version__"]
