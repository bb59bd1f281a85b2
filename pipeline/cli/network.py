"""`takfir network`: the declarer -> target graph of takfir declarations."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ..export.documents import CHOICES, labeled_documents
from ..network import chains, takfir_network, write_network
from .common import DEFAULT_WORKSPACE_PATH, WorkspaceOption, console, err_console, open_workspace


def network_cli(
    out: Annotated[Path, typer.Option(help="Output file: .graphml or .json (node-link).")],
    workspace: WorkspaceOption = DEFAULT_WORKSPACE_PATH,
    source: Annotated[str, typer.Option(help=f"Labels to use: {', '.join(CHOICES)}.")
                      ] = "best",
    gold: Annotated[Path, typer.Option(help="Gold file or folder.")] = Path("annotations/gold"),
    show_chains: Annotated[bool, typer.Option(
        "--chains", help="List chain-takfir cascades (A declares B because B did not "
                         "declare C).")] = False,
) -> None:
    """Write the takfir network (declarer -> target over canonical ids).

    Example: takfir network --out workspace/network.graphml --chains
    """
    with open_workspace(workspace, read_only=True) as ws:
        docs = labeled_documents(ws, source=source, gold=gold)
        texts = dict(ws.query("SELECT doc_id, text FROM documents"))
    graph = takfir_network(docs.values(), texts)
    try:
        path = write_network(graph, out)
    except ValueError as err:
        err_console.print(f"[red]error:[/red] {escape(str(err))}")
        raise typer.Exit(1) from None
    console.print(f"Wrote {path}: {graph.number_of_nodes()} parties, "
                  f"{graph.number_of_edges()} declarations.")
    if show_chains:
        table = Table("declarer", "target", "did not declare", "mode", "document",
                      title="Chain takfir")
        for c in chains(graph):
            table.add_row(c["declarer"], c["target"], c["not_declared"] or "(unnamed)",
                          c["mode"], c["doc_id"])
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command("network")(network_cli)
