"""The `takfir` command line: one module per command group, each a thin twin of a library call."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from . import doccano as doccano_cli
from . import evaluate, export, ingest, network, run, segment, status, tag
from . import train as train_cli
from .common import setup_logging

app = typer.Typer(
    name="takfir",
    help="Corpus annotation pipeline for research on takfir discourse.\n\n"
         "Example: takfir run corpus/demo",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
for module in (ingest, segment, tag, status, run, evaluate, export, network):
    module.register(app)
doccano_cli.register(app)  # takfir doccano push|pull, agreement, adjudicate
train_cli.register(app)  # takfir train, lf-report, predict, uncertain


def _version(value: bool) -> None:
    if value:
        typer.echo(f"takfir-pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each batch.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    setup_logging(verbose)


def main() -> None:
    app()
