"""Tagging throughput on the linux-block bench mbox (sentences/s, messages/s).

    python benchmarks/bench_tag.py [-n 500] [--mbox ../shared/fixtures/lore-linux-block-bench/...]

Parses the first N messages (parse time reported separately), groups them by
thread, runs extract + ``tag_thread`` per thread, and reports the tagging rate.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
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
    groups: dict[str, list[Message]] = defaultdict(list)
    for m in messages:
        root = m.parent_ids[0] if m.parent_ids else m.msgid
        groups[root].append(m)
    return list(groups.values())


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
    tag_time = 0.0
    for group in by_thread(msgs):
        pa = analyze_patches(group)
        sentences += sum(len(message_units(i, m, frozenset())) for i, m in enumerate(group))
        start = time.monotonic()
        objections += len(tag_thread(group, pa.patches, pa.lock_changes, pipe).objections)
        tag_time += time.monotonic() - start
    print(f"pipeline load {t1 - t0:.2f}s; parsed {len(msgs)} messages in {t2 - t1:.1f}s")
    print(f"tagged {len(msgs)} messages / {sentences} sentences in {tag_time:.1f}s: "
          f"{len(msgs) / tag_time:.0f} messages/s, {sentences / tag_time:.0f} sentences/s; "
          f"{objections} objections")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
