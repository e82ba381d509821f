"""Tagging throughput on the linux-block bench mbox (sentences/s, messages/s).

    python benchmarks/bench_tag.py [-n 500] [--mbox ../shared/fixtures/lore-linux-block-bench/...]

Parses the first N messages (parse time reported separately), threads them with
``build_threads``, runs extract per thread (not timed) and ``tag_thread`` per thread,
and reports the tagging rate in wall-clock and in CPU (process) time, the latter
being the one-core figure that stays meaningful on a busy machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threadscan.model import Message, RawItem  # noqa: E402

BENCH = (ROOT.parent / "shared" / "fixtures" / "lore-linux-block-bench"
         / "linux-block-2025q3.mbox.xz")


def read_messages(mbox: Path, limit: int) -> list[Message]:
    from threadscan.mail import parse_item
    from threadscan.sources import iter_items
    from threadscan.sources.base import SourceOptions

    out: list[Message] = []
    for item in iter_items(str(mbox), SourceOptions(offline=True)):
        if isinstance(item, RawItem):
            out.extend(m for m in parse_item(item) if isinstance(m, Message))
        if len(out) >= limit:
            break
    return out[:limit]


def by_thread(messages: list[Message]) -> list[list[Message]]:
    from threadscan.thread import build_threads

    by_id = {m.msgid: m for m in messages}
    return [[by_id[i] for i in t.message_ids if i in by_id] for t in build_threads(messages)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--messages", type=int, default=500)
    ap.add_argument("--mbox", type=Path, default=BENCH)
    args = ap.parse_args(argv)
    from threadscan.extract import analyze_patches
    from threadscan.nlp import load_pipeline, tag_thread
    from threadscan.nlp.tag import message_units

    t0 = time.monotonic()
    pipe = load_pipeline()
    t1 = time.monotonic()
    msgs = read_messages(args.mbox, args.messages)
    t2 = time.monotonic()
    sentences = objections = 0
    tag_time = cpu_time = 0.0
    for group in by_thread(msgs):
        pa = analyze_patches(group)
        sentences += sum(len(message_units(i, m, frozenset())) for i, m in enumerate(group))
        start, cpu = time.monotonic(), time.process_time()
        objections += len(tag_thread(group, pa, pipe).objections)
        tag_time += time.monotonic() - start
        cpu_time += time.process_time() - cpu
    print(f"pipeline load {t1 - t0:.2f}s; parsed {len(msgs)} messages in {t2 - t1:.1f}s")
    for label, spent in (("wall", tag_time), ("cpu", cpu_time)):
        print(f"tagged {len(msgs)} messages / {sentences} sentences in {spent:.2f}s {label}: "
              f"{len(msgs) / spent:.0f} messages/s, {sentences / spent:.0f} sentences/s")
    print(f"{objections} objections")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
