"""Options and helpers shared by the commands (no analysis logic here)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from threadscan.errors import ThreadscanError, exit_code

if TYPE_CHECKING:
    from threadscan.store import Corpus

CorpusOpt = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus file (default: per-user corpus)",
                 envvar="THREADSCAN_CORPUS"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


@contextmanager
def guard() -> Iterator[None]:
    """Turn library errors into a message on stderr and an exit code."""
    try:
        yield
    except ThreadscanError as err:
        typer.echo(f"threadscan: error: {err}", err=True)
        raise typer.Exit(exit_code(err)) from None


@contextmanager
def open_corpus(path: Path | None, *, default: bool = False) -> Iterator[Corpus]:
    """Open the corpus; with ``default``, build the sample corpus on first use."""
    from threadscan.sample import ensure_sample_corpus
    from threadscan.store import Corpus

    with Corpus.open(path) as db:
        if default and path is None:
            from threadscan.cli.render import progress_callback

            bar = progress_callback(False)
            if ensure_sample_corpus(db, progress=bar):
                typer.echo("built the default corpus from the shipped sample (corpus/)", err=True)
            if bar is not None:
                bar.close()
        yield db


def read_text_arg(text: str | None) -> str:
    if text is None or text == "-":
        return sys.stdin.read()
    return text
