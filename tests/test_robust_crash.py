"""Crash safety: an ingest killed with SIGKILL leaves a consistent corpus that a re-run completes.

Also: the corpus can be read while an ingest is writing to it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from threadscan.store import Corpus

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(str(p) for p in (ROOT / "corpus" / "lore").glob("*.mbox"))[:6]


def start_ingest(db: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "threadscan", "ingest", *SOURCES, "--corpus", str(db),
           "--jobs", "1", "--no-summary", "--json"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)


def run_ingest(db: Path) -> None:
    proc = start_ingest(db)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()


def snapshot(db: Path) -> tuple[int, list[tuple[str, int]], int, int]:
    with Corpus.open(db) as corpus:
        rows = sorted((t.id, t.messages) for t in corpus.threads())
        stats = corpus.stats()
        analysed = [corpus.load_analysis(tid) for tid, _ in rows]
        objections = sum(len(a.objections) for a in analysed)
        lock_changes = sum(len(a.lock_changes) for a in analysed)
    return stats.messages, rows, objections, lock_changes


def wait_for_messages(db: Path, proc: subprocess.Popen[bytes], minimum: int) -> int:
    """Poll the corpus (a reader beside the writer) until it holds ``minimum`` messages."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.returncode is None:
        if db.exists():
            with Corpus.open(db) as corpus:
                count = corpus.stats().messages
            if count >= minimum:
                return count
        time.sleep(0.05)
    return -1


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_equals_a_clean_ingest(tmp_path: Path) -> None:
    clean = tmp_path / "clean.sqlite"
    run_ingest(clean)
    expected = snapshot(clean)
    assert expected[0] > 50

    killed = tmp_path / "killed.sqlite"
    proc = start_ingest(killed)
    seen = wait_for_messages(killed, proc, 1)
    os.kill(proc.pid, signal.SIGKILL)  # the child is not reaped yet, so its pid is still ours
    assert proc.wait() == -signal.SIGKILL, "the ingest finished before it could be killed"
    assert seen >= 1, "the reader never saw a message while the ingest was writing"

    with Corpus.open(killed) as corpus:  # consistent: opens, migrates nothing, reads
        partial = corpus.stats().messages
    assert 0 < partial <= expected[0]

    run_ingest(killed)
    assert snapshot(killed) == expected
    run_ingest(killed)  # and a third run changes nothing
    assert snapshot(killed) == expected


@pytest.mark.slow
def test_sigkill_right_after_start_leaves_a_corpus_a_rerun_completes(tmp_path: Path) -> None:
    clean = tmp_path / "clean.sqlite"
    run_ingest(clean)
    killed = tmp_path / "killed.sqlite"
    proc = start_ingest(killed)
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    run_ingest(killed)
    assert snapshot(killed) == snapshot(clean)
