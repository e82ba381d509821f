"""Every message of the shared fixture corpus survives the store unchanged (slow, shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_store_support import read_mbox
from threadscan.store import Corpus
from threadscan.thread import build_threads

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = SHARED / "fixtures"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.slow,
    pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared is absent"),
]


def _mboxes() -> list[Path]:
    """The linux-block eval and control threads and the Xen thread (about 6 MB)."""
    return sorted(FIXTURES.glob("lore-linux-block/*.mbox")) + sorted(
        FIXTURES.glob("lore-linux-block-controls/*.mbox")) + sorted(
        FIXTURES.glob("xen-devel-transcribed/*.mbox"))


def test_all_shared_mbox_messages_round_trip_and_thread(tmp_path: Path) -> None:
    msgs = [m for path in _mboxes() for m in read_mbox(path)]
    unique = {m.msgid: m for m in reversed(msgs)}  # first copy wins, as in the store
    with Corpus.open(tmp_path / "c.sqlite") as corpus:
        stored, dups = corpus.upsert_messages(msgs)
        assert (stored, dups) == (len(unique), len(msgs) - len(unique))
        assert corpus.upsert_messages(msgs) == (0, len(msgs))
        assert corpus.messages(list(unique)) == list(unique.values())
        corpus.replace_threads(build_threads(corpus.thread_inputs()))
        rows = corpus.threads()
        assert sum(r.messages for r in rows) == len(unique)
        assert corpus.search("deadlock", what="threads", limit=200)
