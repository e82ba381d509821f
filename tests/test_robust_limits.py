"""Huge, deep and truncated input: bounded time and memory, kept data, reasons for losses."""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import subprocess
import sys
import time
from pathlib import Path

import pytest

from threadscan.mail import parse_item, parse_mail
from threadscan.model import Message, Provenance, RawItem, Skip
from threadscan.sources import iter_items
from threadscan.sources.base import SourceOptions
from threadscan.sources.files import page_item

PROV = Provenance("robust", "eml")
HEAD = ("From: Ann Author <ann@example.org>\nSubject: [PATCH] big\nMessage-ID: <{mid}@x>\n"
        "Date: Mon, 1 Jan 2024 00:00:00 +0000\n")
ROOT = Path(__file__).resolve().parents[1]

# Runs in a subprocess: reads every item of argv[1] and parses it, then prints what it
# saw and how much the peak RSS grew over the RSS after imports.
_MEASURE = """
import json, resource, sys
from threadscan.mail import parse_item
from threadscan.model import Skip
from threadscan.sources import iter_items
from threadscan.sources.base import SourceOptions
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = []
for item in iter_items(sys.argv[1], SourceOptions()):
    for got in ([item] if isinstance(item, Skip) else parse_item(item)):
        out.append(got.reason if isinstance(got, Skip) else "message " + got.msgid)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seen": out, "growth_mb": (peak - base) / 1024}))
"""


def _write_big(path: Path, *, mbox: bool, size: int = 100 * 1024 * 1024) -> None:
    line = b"x" * 76 + b"\n"
    with path.open("wb") as f:
        if mbox:
            f.write(b"From ann@example.org Mon Jan  1 00:00:00 2024\n")
        f.write(HEAD.format(mid="big").encode() + b"\n")
        f.write(line * (size // len(line)))
        if mbox:
            f.write(b"\nFrom bob@example.org Mon Jan  1 00:00:01 2024\n")
            f.write(HEAD.format(mid="after").encode() + b"\nsmall\n")


def _measure(path: Path) -> tuple[list[str], float, float]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    return doc["seen"], doc["growth_mb"], time.monotonic() - start


@pytest.mark.slow
@pytest.mark.parametrize("mbox", [True, False], ids=["mbox", "eml"])
def test_100mb_single_message_is_skipped_in_bounded_time_and_memory(
        tmp_path: Path, mbox: bool) -> None:
    path = tmp_path / ("big.mbox" if mbox else "big.eml")
    _write_big(path, mbox=mbox)
    seen, growth_mb, seconds = _measure(path)
    assert "larger than" in seen[0] and "bytes" in seen[0]
    if mbox:  # the message after the giant one is still read
        assert seen[1:] == ["message after@x"]
    assert growth_mb < 200, f"peak RSS grew {growth_mb:.0f} MB for a 100 MB message"
    assert seconds < 25


def test_one_100mb_line_does_not_become_one_100mb_buffer(tmp_path: Path) -> None:
    path = tmp_path / "oneline.mbox"
    with path.open("wb") as f:
        f.write(b"From a@b Mon Jan  1 00:00:00 2024\n" + HEAD.format(mid="l").encode() + b"\n")
        f.write(b"y" * (80 * 1024 * 1024))
    items = list(iter_items(str(path), SourceOptions(max_bytes=8 * 1024 * 1024)))
    assert [type(i) for i in items] == [Skip]
    assert isinstance(items[0], Skip) and "larger than 8388608 bytes" in items[0].reason


def _nested_mime(depth: int) -> bytes:
    opens = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n'
                    for i in range(depth))
    closes = "".join(f"\n--b{i}--\n" for i in reversed(range(depth)))
    leaf = "Content-Type: text/plain\n\nthe innermost text\n"
    return (HEAD.format(mid="deep") + "MIME-Version: 1.0\n" + opens + leaf + closes).encode()


def test_200_deep_multipart_keeps_the_innermost_text() -> None:
    start = time.perf_counter()
    msg = parse_mail(_nested_mime(200), PROV)
    assert time.perf_counter() - start < 2
    assert isinstance(msg, Message)
    assert msg.segments[0].text == "the innermost text"


def test_2000_deep_multipart_keeps_headers_and_says_the_body_was_lost() -> None:
    [msg] = parse_item(RawItem(_nested_mime(2000), "mail", PROV))
    assert isinstance(msg, Message)
    assert msg.msgid == "deep@x" and msg.subject.clean == "big"
    assert "MIME nesting too deep: body not parsed" in msg.defects


def test_500_levels_of_quotes_are_kept_with_their_depth() -> None:
    body = "\n".join(">" * i + f" level {i}" for i in range(500, 0, -1)) + "\nmy reply\n"
    start = time.perf_counter()
    msg = parse_mail((HEAD.format(mid="q") + "\n" + body).encode(), PROV)
    assert time.perf_counter() - start < 2
    assert isinstance(msg, Message)
    assert [s.depth for s in msg.segments[:3]] == [500, 499, 498]
    assert msg.segments[0].text == "level 500"
    assert msg.segments[-1].text == "my reply" and msg.segments[-1].speaker == "Ann Author"


def test_nul_bytes_are_removed_and_recorded() -> None:
    data = (b"From: Ann <ann@example.org>\x00\nSubject: n\x00ul\nMessage-ID: <n@x>\n\n"
            b"body\x00 with nul\n")
    [msg] = parse_item(RawItem(data, "mail", PROV))
    assert isinstance(msg, Message)
    assert msg.subject.clean == "nul" and msg.author.email == "ann@example.org"
    assert msg.segments[0].text == "body with nul"
    assert {"NUL bytes in message", "NUL bytes in header", "NUL bytes in body"} <= set(
        msg.defects)


def test_deeply_nested_json_looking_text_is_page_text_not_a_recursion_error() -> None:
    item = page_item(b"[" * 100_000, Provenance("x.txt", "text"))
    assert isinstance(item, RawItem) and item.kind == "page-text"
    assert parse_item(item)  # a Skip or messages, never an exception


def _two_mail_mbox() -> bytes:
    """A short mail, then a long one of poorly compressible lines (the cut falls in it)."""
    lines = ["".join(f"line {hashlib.sha1(str(n).encode()).hexdigest()}\n" for n in range(k))
             for k in (10, 6000)]
    return b"".join(
        b"From a@b Mon Jan  1 00:00:0%d 2024\n" % i
        + (HEAD.format(mid=f"t{i}") + "\n" + body + "\n").encode()
        for i, body in enumerate(lines)
    )


@pytest.mark.parametrize("packer", [gzip.compress, lzma.compress, lambda d: d],
                         ids=["gz", "xz", "plain"])
def test_truncated_archive_keeps_the_first_mail_and_never_raises(
        tmp_path: Path, packer: object) -> None:
    data = packer(_two_mail_mbox())  # type: ignore[operator]
    path = tmp_path / "cut.mbox"
    path.write_bytes(data[: len(data) * 3 // 4])
    items = list(iter_items(str(path), SourceOptions()))
    parsed = [p for i in items if isinstance(i, RawItem) for p in parse_item(i)]
    assert next(m.msgid for m in parsed if isinstance(m, Message)) == "t0@x"
    skips = [i for i in items if isinstance(i, Skip)]
    if packer is not gzip.compress and packer is not lzma.compress:
        assert not skips  # a plain cut mbox is just a shorter last mail
    else:
        assert skips and "truncated or corrupt" in skips[0].reason
