"""Write docs/CLI.md from the commands' own --help (tests/test_docs.py checks it is current).

Usage: python scripts/gen_cli_docs.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from threadscan.cli import app

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("ingest", "threads", "show", "locks", "tag", "summary", "query", "stats")
ENV = {"COLUMNS": "100", "TERMINAL_WIDTH": "100", "NO_COLOR": "1", "TERM": "dumb"}


def help_text(args: list[str]) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=ENV, prog_name="threadscan")
    return "\n".join(line.rstrip() for line in result.output.strip().splitlines())


def render() -> str:
    parts = ["# threadscan command reference", "",
             "Generated from `--help` by `python scripts/gen_cli_docs.py`; do not edit by hand.",
             "", "```", help_text([]), "```"]
    for cmd in COMMANDS:
        parts += ["", f"## threadscan {cmd}", "", "```", help_text([cmd]), "```"]
    return "\n".join(parts) + "\n"


def main() -> int:
    target = ROOT / "docs" / "CLI.md"
    text = render()
    if "--check" in sys.argv:
        return 0 if target.exists() and target.read_text() == text else 1
    target.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
