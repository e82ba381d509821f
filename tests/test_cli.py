"""The command line: fast help, help with examples for every command, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


DEV = Path(__file__).resolve().parents[1] / "training" / "labels" / "review-sentences.dev.jsonl"


def test_tag_jsonl_writes_one_line_per_input_line() -> None:
    lines = DEV.read_text(encoding="utf-8").splitlines()[:12]  # real labeled review sentences
    result = CliRunner().invoke(app, ["tag", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    out = [json.loads(x) for x in result.output.splitlines()]
    assert [o["text"] for o in out] == [json.loads(x)["text"] for x in lines]
    by_text = {o["text"]: o["objections"] for o in out}
    assert by_text["Acked-by: Jason Wang <jasowang@redhat.com>"] == []
    [ob] = by_text["usleep_range() is supposed to be used from non-atomic context."]
    assert ob["stance"] == "objection" and "atomic-context" in ob["categories"]


def test_tag_jsonl_answers_a_bad_line_in_place_and_exits_2() -> None:
    good = DEV.read_text(encoding="utf-8").splitlines()[4]
    result = CliRunner().invoke(app, ["tag", "--jsonl"],
                                input=f"{good}\nnot json\n\n{{\"text\": null}}\n{good}\n")
    assert result.exit_code == 2
    out = [json.loads(x) for x in result.output.splitlines() if x.startswith("{")]
    assert [o.get("line") for o in out] == [None, 2, 4, None]
    assert out[0] == out[3] and out[0]["objections"]
    assert "2 input line(s) skipped" in result.output
