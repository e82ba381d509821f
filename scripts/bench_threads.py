"""Cut the benchmark mbox into one mbox per thread, keeping the threads with locking talk.

    python scripts/bench_threads.py [--mbox MBOX] [--out DIR] [--min-lines 3] [--list]

MBOX defaults to ../shared/fixtures/lore-linux-block-bench/linux-block-2025q3.mbox.xz, DIR to
training/bench-threads/lore-linux-block-bench (the folder name gives the list name).

Threads are grouped by Message-ID / In-Reply-To / References (a union over every id a message
names). A thread is kept when it has a reply and at least ``--min-lines`` distinct unquoted reply
lines that name locking or concurrency (``LOCKING``). Each kept thread is written, messages in
archive order and bytes unchanged, to ``OUT/bench-<NNN>-<subject slug>.mbox`` (NNN: order of the
thread's first message in the archive), the names the label files in
``training/labels/threads/bench-*.jsonl`` refer to. The output is derived data: re-run this script
to recreate it (it is not kept in the repository).
"""

from __future__ import annotations

import argparse
import lzma
import mailbox
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MBOX = (ROOT.parent / "shared" / "fixtures" / "lore-linux-block-bench"
                / "linux-block-2025q3.mbox.xz")
DEFAULT_OUT = ROOT / "training" / "bench-threads" / "lore-linux-block-bench"  # folder = list name
IDS = re.compile(r"<([^<>\s]+)>")
LOCKING = re.compile(
    r"\b(?:locks?|locking|locked|unlock\w*|mutex\w*|spinlock\w*|rwsem|semaphore|races?|racy|racing|"
    r"deadlocks?|rcu|srcu|lockdep|atomic\w*|irqs?|barriers?|preempt\w*|contention|contended|"
    r"starv\w*|use-after-free|uaf|refcount\w*|write_once|read_once|smp_\w+|seqlock|"
    r"concurren\w*|serializ\w*|synchroniz\w*)\b", re.I)
SLUG = re.compile(r"[^a-z0-9]+")
REPLY = re.compile(r"^\s*(?:re|aw|sv)\s*:", re.I)


def messages(path: Path) -> list[bytes]:
    """The raw messages of an (optionally xz-compressed) mbox, in order."""
    data = lzma.decompress(path.read_bytes()) if path.suffix == ".xz" else path.read_bytes()
    parts = re.split(rb"(?m)^(?=From \S+ .*\d{4}\s*$)", data)
    return [p for p in parts if p.startswith(b"From ")]


def ids_of(msg: mailbox.mboxMessage) -> list[str]:
    own = IDS.findall(str(msg.get("Message-ID", "")))
    refs = IDS.findall(str(msg.get("References", "")))
    refs += IDS.findall(str(msg.get("In-Reply-To", "")))
    return own[:1] + refs


def group(msgs: list[mailbox.mboxMessage]) -> list[list[int]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys = []
    for i, msg in enumerate(msgs):
        ids = ids_of(msg) or [f"no-id-{i}"]
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
        keys.append(ids[0])
    threads: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        threads.setdefault(find(key), []).append(i)
    return sorted(threads.values(), key=lambda t: t[0])


def locking_lines(msg: mailbox.mboxMessage) -> set[str]:
    if not REPLY.match(str(msg.get("Subject", ""))):
        return set()
    payload = msg.get_payload(decode=True) if not msg.is_multipart() else b""
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return {line.strip() for line in text.splitlines()
            if not line.lstrip().startswith((">", "+", "-", "@@")) and LOCKING.search(line)}


def slug(subject: str) -> str:
    s = re.sub(r"^\s*(?:re:\s*)*(?:\[[^\]]*\]\s*)*", "", subject.lower())
    return SLUG.sub("-", s).strip("-")[:60].rstrip("-")


def kept_threads(mbox: Path, min_lines: int = 3, kept: bool = True) -> list[tuple[str, bytes]]:
    """(name, mbox bytes) of each kept thread, in archive order; with ``kept=False`` the other
    threads with a reply (the background: little or no locking talk, never labeled)."""
    raws = messages(mbox)
    msgs = [mailbox.mboxMessage(r) for r in raws]
    out = []
    for n, thread in enumerate(group(msgs)):
        lines = set().union(*(locking_lines(msgs[i]) for i in thread))
        if len(thread) >= 2 and (len(lines) >= min_lines) == kept:
            name = f"bench-{n:04d}-{slug(str(msgs[thread[0]].get('Subject', '')))}"
            out.append((name, b"".join(raws[i] for i in thread)))
    return out


def write_threads(mbox: Path = DEFAULT_MBOX, out: Path = DEFAULT_OUT, min_lines: int = 3) -> int:
    out.mkdir(parents=True, exist_ok=True)
    kept = kept_threads(mbox, min_lines)
    for name, data in kept:
        (out / f"{name}.mbox").write_bytes(data)
    return len(kept)


def thread_mbox(thread: str, fixtures: Path) -> Path | None:
    """The mbox of a labeled thread: a fixture file, or a benchmark thread (cut on demand from
    the benchmark mbox beside ``fixtures``)."""
    found = sorted(fixtures.glob(f"*/{thread}"))
    if found or not thread.startswith("bench-"):
        return found[0] if found else None
    source = fixtures / DEFAULT_MBOX.parent.name / DEFAULT_MBOX.name
    if not (DEFAULT_OUT / thread).exists() and source.exists():
        write_threads(source)
    return DEFAULT_OUT / thread if (DEFAULT_OUT / thread).exists() else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mbox", type=Path, default=DEFAULT_MBOX)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-lines", type=int, default=3)
    ap.add_argument("--list", action="store_true", help="print the kept threads, write nothing")
    args = ap.parse_args()
    if args.list:
        for name, data in kept_threads(args.mbox, args.min_lines):
            print(f"{name}\t{len(data)} bytes")
        return 0
    print(f"{write_threads(args.mbox, args.out, args.min_lines)} threads written to {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
