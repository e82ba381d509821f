"""Throughput of the extract stage: diff repair/parsing and lock extraction.

Usage: python benchmarks/bench_extract.py [mbox(.xz|.gz)] [--limit N]

Default input: ../shared/fixtures/lore-linux-block-bench/linux-block-2025q3.mbox.xz
(relative to the repository). Bodies are read with the stdlib (mailbox + email, compat32);
the text from the first ``diff``/``--- +++`` header goes through ``parse_patch_text`` and
then ``lock_ops``, ``lock_changes`` and ``order_edges``. Mail decoding is timed separately.
Times are process CPU time (``time.process_time``, one core), so a busy machine does not
skew the rates.
"""

from __future__ import annotations

import argparse
import gzip
import lzma
import mailbox
import re
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from threadscan.extract import load_table, lock_changes, lock_ops, order_edges, parse_patch_text

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "fixtures" / "lore-linux-block-bench" / \
    "linux-block-2025q3.mbox.xz"
DIFF_START = re.compile(r"^(diff |--- \S+\n\+\+\+ )", re.M)


@dataclass
class Totals:
    messages: int = 0
    patches: int = 0
    hunks: int = 0
    lines: int = 0
    ops: int = 0
    changes: int = 0
    edges: int = 0
    defective: int = 0
    decode_s: float = 0.0
    parse_s: float = 0.0
    locks_s: float = 0.0


def plain_mbox(path: Path, tmp: Path) -> Path:
    """mailbox.mbox needs a plain file: decompress .xz/.gz into ``tmp``."""
    if path.suffix not in (".xz", ".gz"):
        return path
    out = tmp / path.stem
    opener = lzma.open if path.suffix == ".xz" else gzip.open
    with opener(path, "rb") as src, out.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return out


def body_text(msg: mailbox.mboxMessage) -> str:
    part = next((p for p in msg.walk() if p.get_content_type() == "text/plain"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"  # type: ignore[union-attr]
    try:
        return payload.decode(charset, "replace")
    except LookupError:  # a bogus charset label ("y") in a real message
        return payload.decode("utf-8", "replace")


def run(path: Path, limit: int | None) -> Totals:
    table = load_table()
    totals = Totals()
    with tempfile.TemporaryDirectory() as tmp:
        box = mailbox.mbox(plain_mbox(path, Path(tmp)))
        t0 = time.process_time()
        for msg in box:
            if limit is not None and totals.messages >= limit:
                break
            totals.messages += 1
            text = body_text(msg)
            t1 = time.process_time()
            totals.decode_s += t1 - t0
            measure_one(text, str(msg["message-id"]), table, totals)
            t0 = time.process_time()
    return totals


def measure_one(text: str, msgid: str, table: object, totals: Totals) -> None:
    m = DIFF_START.search(text)
    if not m:
        return
    t1 = time.process_time()
    patch = parse_patch_text(text[m.start():], msgid.strip().strip("<>"))
    t2 = time.process_time()
    ops = lock_ops(patch, table)  # type: ignore[arg-type]
    totals.changes += len(lock_changes(patch, ops, table))  # type: ignore[arg-type]
    totals.edges += len(order_edges(patch, table))  # type: ignore[arg-type]
    t3 = time.process_time()
    totals.parse_s += t2 - t1
    totals.locks_s += t3 - t2
    totals.patches += 1
    totals.hunks += len(patch.hunks)
    totals.lines += sum(len(h.lines) for h in patch.hunks)
    totals.ops += len(ops)
    totals.defective += bool(patch.defects)


def report(path: Path, t: Totals) -> str:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    extract = t.parse_s + t.locks_s
    rows = [
        ("input", path.name), ("messages", f"{t.messages}"), ("patches", f"{t.patches}"),
        ("patches with defects", f"{t.defective}"), ("hunks", f"{t.hunks}"),
        ("diff lines", f"{t.lines}"), ("lock ops / changes / edges",
                                       f"{t.ops} / {t.changes} / {t.edges}"),
        ("mail decode CPU s (stdlib)", f"{t.decode_s:.2f}"),
        ("diff parse CPU s", f"{t.parse_s:.2f}"),
        ("lock extraction CPU s", f"{t.locks_s:.2f}"),
        ("patches/s (extract)", f"{t.patches / extract:.1f}" if extract else "-"),
        ("hunks/s (extract)", f"{t.hunks / extract:.1f}" if extract else "-"),
        ("peak RSS MB", f"{peak_kb / 1024:.1f}"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mbox", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None, help="stop after N messages")
    args = parser.parse_args(argv)
    if not args.mbox.exists():
        print(f"no such input: {args.mbox}", file=sys.stderr)
        return 2
    print(report(args.mbox, run(args.mbox, args.limit)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
