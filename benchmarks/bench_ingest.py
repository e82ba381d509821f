"""Full-pipeline ingest benchmark (issue: throughput, memory and robustness).

Measures, on this machine:
- the bare stdlib ceiling: ``mailbox`` + ``email`` parse rate of the same mbox;
- a full ``threadscan.pipeline.ingest`` of the benchmark mbox (4,474 messages) and of a
  10x corpus built by repeating it with rewritten Message-IDs: messages/s, peak RSS of
  the whole process tree, per-stage seconds;
- query latency (p50/p95) of typical queries on the 10x corpus.

Usage: python benchmarks/bench_ingest.py [--mbox PATH] [--repeat 10] [--jobs N] [--skip-10x]
Each measurement runs in a fresh child process so peak RSS is per measurement.
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MBOX = ROOT.parent / "shared/fixtures/lore-linux-block-bench/linux-block-2025q3.mbox.xz"
MSGID_RE = re.compile(rb"<([^<>@\s]+@[^<>\s]+)>")
QUERIES = (
    "deadlock",
    "cat:lock-order",
    "lock:->queue_lock",
    "cat:race stance:objection",
    "q->sysfs_lock dfn:block/blk-sysfs.c",
    "f:hch@lst.de d:2025-07-01..2025-09-30",
)


def decompress(src: Path, dst: Path) -> None:
    opener = lzma.open if src.suffix == ".xz" else open
    with opener(src, "rb") as fin, dst.open("wb") as fout:
        while chunk := fin.read(1 << 20):
            fout.write(chunk)


def build_repeated(src: Path, dst: Path, times: int) -> None:
    """``times`` copies of ``src`` with every Message-ID rewritten per copy."""
    data = src.read_bytes()
    with dst.open("wb") as out:
        for n in range(times):
            out.write(data if n == 0 else MSGID_RE.sub(rb"<r%d.\1>" % n, data))


def child(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON line."""
    wrapper = code + (
        "\nimport resource, json as _j\n"
        "_r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "_c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "RESULT['peak_rss_mb'] = round(max(_r, _c) / 1024, 1)\n"
        "print(_j.dumps(RESULT))\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True,
                         check=False, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bare_parse(mbox: Path) -> dict[str, object]:
    """The ceiling: stdlib mailbox split + email parse + plain-text body decode."""
    return child(f"""
import mailbox, email, email.policy, time
t = time.perf_counter(); n = 0; failed = 0
box = mailbox.mbox({str(mbox)!r}, factory=None, create=False)
for key in box.iterkeys():
    m = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
    try:
        body = m.get_body(preferencelist=('plain',))
        _ = body.get_content() if body is not None else ''
    except Exception:
        failed += 1
    n += 1
dt = time.perf_counter() - t
RESULT = {{'messages': n, 'seconds': round(dt, 2), 'msgs_per_s': round(n / dt, 1),
          'stages': {{'undecodable bodies': failed}}}}
""")


def full_ingest(mbox: Path, db: Path, jobs: int) -> dict[str, object]:
    return child(f"""
import time
from threadscan.pipeline import IngestOptions, ingest
from threadscan.store import Corpus
t = time.perf_counter()
with Corpus.open(__import__('pathlib').Path({str(db)!r})) as corpus:
    rep = ingest([{str(mbox)!r}], corpus, IngestOptions(jobs={jobs}))
dt = time.perf_counter() - t
RESULT = {{'messages': rep.seen, 'stored': rep.stored, 'skipped': len(rep.skipped),
          'threads': len(rep.threads), 'seconds': round(dt, 2),
          'msgs_per_s': round(rep.seen / dt, 1),
          'stages': {{k: round(v, 2) for k, v in rep.timings}}}}
""")


def query_latency(db: Path) -> dict[str, object]:
    return child(f"""
import time, statistics
from pathlib import Path
from threadscan.store import Corpus
from threadscan.store.query import parse_query
lat = []
with Corpus.open(Path({str(db)!r})) as corpus:
    for _ in range(5):
        for q in {QUERIES!r}:
            for what in ('objections', 'messages'):
                t = time.perf_counter()
                corpus.search(parse_query(q), what=what, limit=20)
                lat.append((time.perf_counter() - t) * 1000)
lat.sort()
RESULT = {{'queries': len(lat), 'p50_ms': round(statistics.median(lat), 1),
          'p95_ms': round(lat[int(len(lat) * 0.95) - 1], 1)}}
""")


def table(rows: list[tuple[str, dict[str, object]]]) -> str:
    lines = ["| run | messages | seconds | msgs/s | peak RSS MB | stages (s) |",
             "|---|---|---|---|---|---|"]
    for name, r in rows:
        lines.append(f"| {name} | {r.get('messages', '')} | {r.get('seconds', '')} | "
                     f"{r.get('msgs_per_s', '')} | {r.get('peak_rss_mb', '')} | "
                     f"{r.get('stages', '')} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mbox", type=Path, default=DEFAULT_MBOX)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--skip-10x", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="threadscan-bench-") as tmp:
        work = Path(tmp)
        plain = work / "bench.mbox"
        decompress(args.mbox, plain)
        rows = [("bare mailbox+email (1x)", bare_parse(plain))]
        rows.append(("threadscan ingest (1x)", full_ingest(plain, work / "1x.sqlite", args.jobs)))
        if not args.skip_10x:
            big = work / "bench10.mbox"
            build_repeated(plain, big, args.repeat)
            rows.append((f"threadscan ingest ({args.repeat}x)",
                         full_ingest(big, work / "10x.sqlite", args.jobs)))
        print(table(rows))
        ratio = float(rows[1][1]["msgs_per_s"]) / float(rows[0][1]["msgs_per_s"])  # type: ignore[arg-type]
        print(f"\npipeline / bare parse rate: {ratio:.2f}")
        db = work / ("10x.sqlite" if not args.skip_10x else "1x.sqlite")
        print(f"query latency on {db.stem}: {query_latency(db)}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"benchmark wall time: {time.perf_counter() - start:.0f} s")
