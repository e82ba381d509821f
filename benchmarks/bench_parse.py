"""Parse rate of ``threadscan.mail.parse_item`` against the bare stdlib on the same mbox.

Usage: python benchmarks/bench_parse.py [mbox(.xz|.gz)] [--limit N] [--profile FILE]

Default input: ../shared/fixtures/lore-linux-block-bench/linux-block-2025q3.mbox.xz
(relative to the repository). The archive is decompressed once into memory and split
with ``threadscan.sources.files.iter_stream`` (split time reported separately), then:

- stdlib: ``email.message_from_bytes`` (compat32) + decoding the first text/plain part,
  i.e. what ``mailbox`` + ``email`` do for one message, without threadscan;
- threadscan: ``parse_item`` on the same RawItems (headers, subject, body segments,
  speakers, attachments).

Both passes run on one core and are timed in process CPU time (``time.process_time``), so
a busy machine does not skew the ratio; the ratio is the threadscan rate / the stdlib rate.
"""

from __future__ import annotations

import argparse
import email
import gzip
import io
import lzma
import resource
import sys
import time
from collections.abc import Callable
from email.policy import compat32
from pathlib import Path

from threadscan.mail import parse_item
from threadscan.model import Message, RawItem
from threadscan.sources.files import iter_stream

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "fixtures" / "lore-linux-block-bench" / \
    "linux-block-2025q3.mbox.xz"


def read_items(path: Path, limit: int | None) -> tuple[list[RawItem], float]:
    """The mbox as RawItems (decompressed in memory) and the split time in seconds."""
    opener = {".xz": lzma.open, ".gz": gzip.open}.get(path.suffix, open)
    with opener(path, "rb") as src:  # type: ignore[operator]
        data = src.read()
    t0 = time.perf_counter()
    items = [it for it in iter_stream(io.BytesIO(data), str(path), "mbox")
             if isinstance(it, RawItem)]
    return items[:limit] if limit is not None else items, time.perf_counter() - t0


def stdlib_one(item: RawItem) -> str:
    """Bare stdlib: parse the mail and decode its first text/plain part."""
    msg = email.message_from_bytes(item.data, policy=compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                try:
                    return payload.decode(part.get_content_charset() or "utf-8", "replace")
                except LookupError:
                    return payload.decode("utf-8", "replace")
    return ""


def threadscan_one(item: RawItem) -> int:
    return sum(len(m.segments) for m in parse_item(item) if isinstance(m, Message))


def timed(func: Callable[[RawItem], object], items: list[RawItem]) -> float:
    t0 = time.process_time()
    for item in items:
        func(item)
    return time.process_time() - t0


def table(rows: list[tuple[str, str, str, str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                     for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mbox", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None, help="stop after N messages")
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a cProfile of the threadscan pass to FILE")
    args = parser.parse_args(argv)
    if not args.mbox.exists():
        print(f"no such input: {args.mbox}", file=sys.stderr)
        return 2
    items, split_s = read_items(args.mbox, args.limit)
    n = len(items)
    base = timed(stdlib_one, items)
    if args.profile is not None:
        import cProfile

        prof = cProfile.Profile()
        ours = prof.runcall(timed, threadscan_one, items)
        prof.dump_stats(str(args.profile))
    else:
        ours = timed(threadscan_one, items)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"input {args.mbox.name}: {n} messages, split {split_s:.2f} s "
          f"({n / split_s:.0f} msg/s), peak RSS {peak:.0f} MB")
    print(table([
        ("pass", "CPU s", "msg/s", "ratio"),
        ("stdlib mailbox+email", f"{base:.2f}", f"{n / base:.0f}", "1.00"),
        ("threadscan parse_item", f"{ours:.2f}", f"{n / ours:.0f}", f"{base / ours:.2f}"),
    ]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
