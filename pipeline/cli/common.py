"""What every command shares: the workspace option, consoles, progress bars, error exits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import track

from ..errors import TakfirError
from ..store import DEFAULT_WORKSPACE, Workspace

T = TypeVar("T")
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

WorkspaceOption = Annotated[Path, typer.Option(
    "--workspace", "-w", envvar="TAKFIR_WORKSPACE",
    help="Workspace folder (holds takfir.duckdb) or a .duckdb file.")]
DEFAULT_WORKSPACE_PATH = Path(DEFAULT_WORKSPACE)


def progress(description: str) -> Callable[[Iterable[T], int], Iterable[T]]:
    """A progress bar for a stage loop; silent when output is not a terminal."""
    def wrap(items: Iterable[T], total: int) -> Iterable[T]:
        return track(items, total=total, description=description, console=err_console,
                     disable=not err_console.is_terminal, transient=True)
    return wrap


def setup_logging(verbose: bool) -> None:
    level = logging.DEBUG if verbose else logging.WARNING
    handler = RichHandler(console=err_console, show_path=False, show_time=False)
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)


@contextmanager
def open_workspace(path: Path, *, read_only: bool = False) -> Iterator[Workspace]:
    """Open the workspace; user errors become one red line and exit code 1 (Ctrl-C: 130)."""
    try:
        with Workspace(path, read_only=read_only) as workspace:
            yield workspace
    except TakfirError as err:
        err_console.print(f"[red]error:[/red] {escape(str(err))}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted:[/yellow] the last batch was rolled back; "
                          "re-run the same command to finish the job")
        raise typer.Exit(130) from None


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
