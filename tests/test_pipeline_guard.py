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
