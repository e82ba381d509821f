"""The shipped sample corpus (corpus/): the README's main job works on it end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from threadscan.cli import app
from threadscan.pipeline import IngestOptions, ingest
from threadscan.sample import sample_files
from threadscan.store import Corpus

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "corpus.sqlite"
    with Corpus.open(db) as corpus:
        report = ingest(sample_files(ROOT / "corpus"), corpus, IngestOptions(jobs=2))
    assert report.skipped == () and report.errors == ()
    return db


def test_sample_corpus_holds_every_seed_and_fixture_thread(sample_db: Path) -> None:
    with Corpus.open(sample_db) as corpus:
        rows = corpus.threads()
    subjects = " | ".join(r.subject for r in rows)
    assert len(rows) == 16  # 5 seeds + 11 lore/xen threads, one thread each
    assert "Rework locking in the PoD layer" in subjects
    assert "allow hot plug/unplug of AP resources" in subjects


def test_lock_graph_lists_the_real_abba_inversion_first(sample_db: Path) -> None:
    """The nvme tag_list thread states both directions of q->freeze_lock vs tag_list_lock.

    In the sample both directions come from one thread (a reviewer describing the ABBA
    in prose); no pair of sample threads takes two locks in opposite orders in code.
    """
    with Corpus.open(sample_db) as corpus:
        edges = corpus.lock_graph()
    assert edges[0].status == "inversion"  # inversions are listed first
    inversions = {(e.outer, e.inner): e for e in edges if e.status == "inversion"}
    assert ("q->freeze_lock", "tag_set->tag_list_lock") in inversions
    assert ("tag_set->tag_list_lock", "q->freeze_lock") in inversions
    back = inversions[("tag_set->tag_list_lock", "q->freeze_lock")]
    assert any("lock order becomes tag_set->tag_list_lock -> q->freeze_lock" in ev.evidence
               for ev in back.evidence)


def test_shared_edge_is_backed_by_several_threads(sample_db: Path) -> None:
    with Corpus.open(sample_db) as corpus:
        shared = [e for e in corpus.lock_graph() if e.status == "shared"]
    assert shared
    assert all(len({ev.thread_id for ev in e.evidence}) >= 2 for e in shared)


def test_main_job_summary_and_query_on_the_sample(sample_db: Path) -> None:
    runner = CliRunner()
    summary = runner.invoke(app, ["summary", "<20220207172216.206415-15-yishaih@nvidia.com>",
                                  "--corpus", str(sample_db)])
    assert summary.exit_code == 0, summary.output
    assert "mvdev->reset_lock -> mvdev->state_mutex" in summary.output
    assert "Alex Williamson" in summary.output
    found = runner.invoke(app, ["query", "cat:race", "--corpus", str(sample_db), "--json"])
    assert found.exit_code == 0, found.output
    assert '"race"' in found.output


def test_first_query_builds_the_default_corpus_from_the_sample() -> None:
    result = CliRunner().invoke(app, ["threads", "--json"])  # XDG dirs are private per test
    assert result.exit_code == 0, result.output
    assert "Rework locking in the PoD layer" in result.output


def test_stats_tables_name_the_most_discussed_locks(sample_db: Path) -> None:
    result = CliRunner().invoke(app, ["stats", "--corpus", str(sample_db)],
                                env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "top discussed locks" in result.output
    assert "lo->lo_mutex" in result.output
    assert "linux-block.vger.kernel.org" in result.output


def test_piped_tables_keep_each_row_on_one_line(sample_db: Path) -> None:
    # CliRunner's output is not a terminal: as with `threadscan threads | grep ...`
    result = CliRunner().invoke(app, ["threads", "--corpus", str(sample_db)],
                                env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    [row] = [ln for ln in result.output.splitlines() if "Rework locking in the PoD layer" in ln]
    assert "@" in row and row.count("│") >= 6  # the id and every column on the same line


def test_a_page_without_a_subject_says_so(sample_db: Path) -> None:
    # seed 001 is Google Groups text: no Subject line anywhere on the page
    with Corpus.open(sample_db) as corpus:
        [row] = [r for r in corpus.threads() if not r.subject]
    runner = CliRunner()
    summary = runner.invoke(app, ["summary", row.id, "--corpus", str(sample_db)])
    assert summary.output.startswith("THREAD (no subject)\n"), summary.output[:200]
    listed = runner.invoke(app, ["threads", "--corpus", str(sample_db)], env={"COLUMNS": None})
    assert any(row.id in ln and "(no subject)" in ln for ln in listed.output.splitlines())
