"""The command line: fast help, help with examples for every command, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from threadscan.cli import app

COMMANDS = ("ingest", "threads", "show", "locks", "tag", "summary", "query", "stats")


def test_help_imports_neither_spacy_nor_bs4() -> None:
    code = (
        "import sys\n"
        "from threadscan.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'bs4', 'httpx', 'thinc', 'unidiff') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY=\n" in out.stdout, out.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_show_of_unknown_thread_is_a_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.sqlite"
    result = CliRunner().invoke(app, ["show", "no-such-thread@example", "--corpus", str(db)])
    assert result.exit_code == 2
    assert "no-such-thread@example" in result.output


def test_ingest_of_a_missing_file_exits_1(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.sqlite"
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "nope.mbox"), "--corpus", str(db)])
    assert result.exit_code == 1
