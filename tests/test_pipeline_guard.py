"""One thread whose analysis fails does not abort an ingest; it is reported and kept."""

from __future__ import annotations

from pathlib import Path

import pytest

import threadscan.extract
from threadscan.model import Message
from threadscan.pipeline import IngestOptions, ingest
from threadscan.store import Corpus

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"


def test_a_failing_thread_is_skipped_with_its_reason(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = threadscan.extract.analyze_patches

    def flaky(messages: tuple[Message, ...], **kw: object) -> object:
        if any(m.author.name == "Halil" for m in messages):
            raise RuntimeError("extract blew up")
        return real(messages, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(threadscan.extract, "analyze_patches", flaky)
    sources = [str(SEEDS / "002_49b293774edf041f.txt"), str(SEEDS / "004_829cfff417aa0942.txt")]
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        report = ingest(sources, corpus, IngestOptions(jobs=1))
        assert report.seen == 2 and len(report.threads) == 2
        (skip,) = report.skipped
        assert "analysis failed: RuntimeError: extract blew up" in skip.reason
        good = corpus.load_analysis(next(t for t in report.threads if t != skip.msgid))
        assert good.lock_changes  # the other thread was analysed
        failed = corpus.load_analysis(skip.msgid)
        assert failed.messages and not failed.objections  # messages kept, analysis empty
        again = ingest(sources, corpus, IngestOptions(jobs=1))
        assert again.stored == 0 and again.skipped == ()  # not retried on every run


def test_a_process_pool_stores_the_same_analyses_as_one_process(tmp_path: Path) -> None:
    """Two worker processes (results in job order, biggest thread first) store what one
    process stores."""
    sources = [str(SEEDS / "002_49b293774edf041f.txt"), str(SEEDS / "004_829cfff417aa0942.txt")]
    stored = []
    for jobs in (1, 2):
        with Corpus.open(tmp_path / f"c{jobs}.sqlite") as corpus:
            report = ingest(sources, corpus, IngestOptions(jobs=jobs))
            stored.append({t: corpus.load_analysis(t) for t in report.threads})
    one, pool = stored
    assert one == pool
    assert all(a.messages for a in pool.values())
    assert any(a.lock_changes for a in pool.values())
    assert all(a.objections for a in pool.values())


def test_objections_the_patch_author_answered_are_resolved_with_a_pool(tmp_path: Path) -> None:
    """The patch author is read off the thread's messages in the parent: Christoph Hellwig's
    three objections on the debugfs/elevator_lock patch were all answered later by its author
    Nilay Shroff (real linux-block thread, byte-exact copy in tests/data/nlp)."""
    thread = next((SEEDS.parent / "nlp").glob("linux-block-noobj-004-*.mbox"))
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        report = ingest([str(thread)], corpus, IngestOptions(jobs=2))
        analysis = corpus.load_analysis(report.threads[0])
        assert {o.speaker for o in analysis.objections} == {"Christoph Hellwig"}
        assert len(analysis.objections) == 3
        assert corpus.search("is:unresolved") == []
