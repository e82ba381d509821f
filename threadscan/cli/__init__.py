"""The ``threadscan`` command: thin typer wrappers around library calls.

Each command parses options, calls one or two library functions and renders the
result. Errors from the library (``ThreadscanError``) become exit codes here and
nowhere else: 2 for usage errors, 1 for runtime errors.
"""

from __future__ import annotations

import sys

from threadscan.cli.app import app


def main() -> None:
    """Console-script entry point."""
    from threadscan.errors import ThreadscanError, exit_code

    try:
        app()
    except ThreadscanError as err:  # pragma: no cover - exercised through subprocess tests
        print(f"threadscan: error: {err}", file=sys.stderr)
        sys.exit(exit_code(err))


__all__ = ["app", "main"]
