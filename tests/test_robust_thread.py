"""Threading hostile References: deep chains, huge reference lists, loops — linear time,
every message exactly once, no cycles."""

from __future__ import annotations

import datetime as dt
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.model import Message, Person, Provenance, Subject
from threadscan.thread import build_threads

PROV = Provenance("robust", "mbox")
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def msg(mid: str, second: int, refs: tuple[str, ...] = (), irt: str | None = None,
        subject: str = "Re: lock") -> Message:
    return Message(msgid=mid, author=Person("Ann", "ann@example.org"),
                   date=T0 + dt.timedelta(seconds=second),
                   subject=Subject(subject, subject.removeprefix("Re: "), subject.startswith("Re")),
                   in_reply_to=irt, references=refs, segments=(), provenance=PROV)


def test_20000_deep_reply_chain_threads_in_linear_time() -> None:
    chain = [msg("m0", 0, subject="lock")] + [
        msg(f"m{i}", i, irt=f"m{i - 1}") for i in range(1, 20_000)]
    start = time.perf_counter()
    [thread] = build_threads(reversed(chain))
    assert time.perf_counter() - start < 2.0
    assert thread.id == "m0" and len(thread.nodes) == 20_000
    assert thread.nodes[-1].msgid == "m19999" and thread.nodes[-1].parent == "m19998"


def test_one_message_with_20000_references_keeps_them_as_ghosts_fast() -> None:
    refs = tuple(f"ghost{i}@x" for i in range(20_000))
    start = time.perf_counter()
    [thread] = build_threads([msg("m", 0, refs=refs)])
    assert time.perf_counter() - start < 2.0
    assert thread.id == "ghost0@x" and len(thread.ghosts) == 20_000
    assert thread.message_ids == ("m",)


IDS = st.sampled_from([f"m{i}" for i in range(8)] + ["g1", "g2"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(IDS, st.lists(IDS, max_size=5), st.none() | IDS,
                          st.integers(0, 5), st.booleans()), max_size=10))
def test_any_references_give_each_message_once_and_no_cycles(
        rows: list[tuple[str, list[str], str | None, int, bool]]) -> None:
    messages = [msg(mid, sec, tuple(refs), irt, "Re: x" if reply else "x")
                for mid, refs, irt, sec, reply in rows]
    threads = build_threads(messages)
    seen = [m for t in threads for m in t.message_ids]
    assert sorted(seen) == sorted({m.msgid for m in messages})
    for thread in threads:
        parent = {n.msgid: n.parent for n in thread.nodes}
        assert len(parent) == len(thread.nodes)
        for node in thread.nodes:  # walking up always reaches the root
            steps, current = 0, node.msgid
            while parent[current] is not None:
                current, steps = parent[current] or "", steps + 1
                assert steps <= len(thread.nodes)
            assert current == thread.id
