"""`threadscan show --json` on the seeds: author, date and quote structure with speakers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from threadscan.cli import app

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


def show(tmp_path: Path, seed: str) -> dict[str, Any]:
    db = str(tmp_path / "c.sqlite")
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(SEEDS / seed), "--corpus", db, "--json"])
    assert ingested.exit_code == 0, ingested.output
    thread = json.loads(ingested.output)["threads"][0]
    shown = runner.invoke(app, ["show", thread, "--corpus", db, "--json"])
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.output)  # type: ignore[no-any-return]


def speakers_by_depth(message: dict[str, Any]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for seg in message["segments"]:
        if seg["kind"] in ("quote", "diff", "text"):
            found.setdefault(seg["depth"], set()).add(seg["speaker"])
    return found


def test_seed000_is_harens_page_with_four_quote_levels(tmp_path: Path) -> None:
    doc = show(tmp_path, "000_4ba6946febdef0f1.txt")
    (msg,) = doc["messages"]
    assert msg["author"]["name"] == "Haren Myneni"
    assert msg["author"]["email"] == "haren@linux.ibm.com"
    assert msg["date"].startswith("2023-10-14T07:22:34+11:00")
    depths = speakers_by_depth(msg)
    assert depths[0] == {"Haren Myneni"}
    assert depths[1] == {"Nathan Lynch"}
    assert depths[2] == {"Haren Myneni"}
    assert depths[3] == {"Nathan Lynch"}
    assert depths[4] == {"Haren Myneni"}


def test_seed001_recovers_who_said_what_without_quote_markers(tmp_path: Path) -> None:
    doc = show(tmp_path, "001_348e1c24a06daa3c.txt")
    (msg,) = doc["messages"]
    assert msg["author"]["name"] == "Juliet Kim"
    by_text = {s["text"].split("\n")[0]: s for s in msg["segments"]}
    conflating = next(s for t, s in by_text.items() if "conflating two issues" in t)
    prrn = next(s for t, s in by_text.items() if t.startswith("PRRN request can be received"))
    assert conflating["speaker"] == "Nathan Lynch" and conflating["depth"] >= 1
    assert prrn["speaker"] == "Juliet Kim" and prrn["depth"] == 0


@pytest.mark.parametrize(("seed", "author", "quoted"), [
    ("002_49b293774edf041f.txt", "Halil", "Tony Krowiak"),
    ("004_829cfff417aa0942.txt", "Andres Lagar-Cavilla", "George"),
])
def test_mhonarc_pages_attribute_the_quoted_reviewer(tmp_path: Path, seed: str, author: str,
                                                     quoted: str) -> None:
    (msg,) = show(tmp_path, seed)["messages"]
    assert msg["author"]["name"] == author
    assert quoted in speakers_by_depth(msg)[1]


def test_seed003_patchwork_page_is_five_threaded_messages(tmp_path: Path) -> None:
    doc = show(tmp_path, "003_7f74704c25fc2499.txt")
    authors = [m["author"]["name"] for m in doc["messages"]]
    assert authors[0] == "Yishai Hadas"
    assert authors.count("Alex Williamson") == 2 and authors.count("Jason Gunthorpe") == 2
    replies = [m for m in doc["messages"] if m["in_reply_to"]]
    assert len(replies) == 4
    alex = next(m for m in doc["messages"] if m["author"]["name"] == "Alex Williamson")
    assert alex["date"].startswith("2022-02-08")
    quoted_diff = [s for s in alex["segments"] if s["kind"] == "diff" and s["depth"] >= 1]
    assert quoted_diff and quoted_diff[0]["speaker"] == "Yishai Hadas"
