"""A corpus fed in pieces (the replies before the patches, as a daily archive fetch can
deliver them) ends with the same analysis as one fed the whole thread at once."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from threadscan.pipeline import IngestOptions, ingest
from threadscan.store import Corpus

THREAD = (Path(__file__).resolve().parent / "data" / "extract" /
          "linux-block-022-nvme-convert-tag-list-mutex-to-rwsemaphore-to-avoid-deadlock.mbox")


def analysis(corpus: Corpus) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    [row] = corpus.threads()
    a = corpus.load_analysis(row.id)
    return ({(o.msgid, o.speaker, o.sentence, o.stance, o.categories, o.locks)
             for o in a.objections},
            {(c.msgid, c.function, c.kind, c.lock) for c in a.lock_changes})


def test_replies_ingested_before_their_patches_give_the_same_analysis(tmp_path: Path) -> None:
    data = THREAD.read_bytes()
    starts = [m.start() for m in re.finditer(rb"^From ", data, re.M)] + [len(data)]
    mails = [data[a:b] for a, b in pairwise(starts)]
    half = len(mails) // 2
    (tmp_path / "first.mbox").write_bytes(b"".join(mails[:half]))
    (tmp_path / "later.mbox").write_bytes(b"".join(mails[half:]))
    with Corpus.open(tmp_path / "whole.sqlite") as whole:
        ingest([str(THREAD)], whole, IngestOptions(jobs=1))
        want = analysis(whole)
    with Corpus.open(tmp_path / "pieces.sqlite") as pieces:
        ingest([str(tmp_path / "later.mbox")], pieces, IngestOptions(jobs=1))
        ingest([str(tmp_path / "first.mbox")], pieces, IngestOptions(jobs=1))
        got = analysis(pieces)
    assert len(mails) == 9 and want[0] and want[1]
    assert got == want
