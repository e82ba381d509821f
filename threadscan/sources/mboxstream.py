"""mbox streams: split lines into messages (mboxo/mboxrd unescaping), bounded memory.

A stream is read line by line (a line longer than ``_LINE_CAP`` comes in pieces); a message
over the size limit is counted but never held; a read error ends the stream with a ``Skip``.
"""

from __future__ import annotations

import lzma
import re
import zlib
from collections.abc import Iterable, Iterator

from threadscan.model import Provenance, RawItem, Skip
from threadscan.sources.base import Item

__all__ = ["READ_ERRORS", "capped_lines", "iter_stream", "mail_item", "split_mbox", "split_sized"]

_SEPARATOR = re.compile(rb"^From \S.*\d\d?:\d\d(?::\d\d)?.*\d{4}")
_MBOXRD_ESCAPE = re.compile(rb"^>(>*From )")
_MBOXO_ESCAPE = re.compile(rb"^>(From )")
READ_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)
_LINE_CAP = 1 << 20  # longest line read at once from an mbox stream


def split_mbox(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Split mbox lines into message bytes (From_ line dropped, ``>From`` unescaped)."""
    for data, _ in split_sized(lines, None):
        yield data


def split_sized(lines: Iterable[bytes], limit: int | None) -> Iterator[tuple[bytes, int]]:
    """``(bytes, size)`` per message; one over ``limit`` is never held in memory (``b""``)."""
    current: list[bytes] | None = None
    size = 0
    escape = _MBOXO_ESCAPE
    previous_blank = True
    for line in lines:
        if line.startswith(b"From ") and (
            current is None or (previous_blank and _SEPARATOR.match(line))
        ):
            if current is not None and _is_message(current, size, limit):
                yield _finish(current, size, limit)
            escape = _MBOXRD_ESCAPE if line.startswith(b"From mboxrd@") else escape
            current, size = [], 0
        else:
            if line[:1] == b">":
                line = escape.sub(rb"\1", line)
            if current is None:
                current = []
            size += len(line)
            if limit is None or size <= limit:
                current.append(line)
            elif current:
                current = []  # over the limit: drop what was kept, go on counting
        previous_blank = line in (b"\n", b"\r\n") or not line.strip()
    if current is not None and _is_message(current, size, limit):
        yield _finish(current, size, limit)


def _is_message(lines: list[bytes], size: int, limit: int | None) -> bool:
    return size > (limit if limit is not None else size) or any(ln.strip() for ln in lines)


def _finish(lines: list[bytes], size: int, limit: int | None) -> tuple[bytes, int]:
    if limit is not None and size > limit:
        return b"", size
    data = b"".join(lines)
    if data.endswith(b"\n\n"):
        data = data[:-1]
    elif data.endswith(b"\r\n\r\n"):
        data = data[:-2]
    return data, size


def capped_lines(stream: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a stream; a line longer than ``_LINE_CAP`` comes in pieces (bounded memory)."""
    readline = getattr(stream, "readline", None)
    if readline is None:
        yield from stream
        return
    yield from iter(lambda: bytes(readline(_LINE_CAP)), b"")


def _guarded_lines(stream: Iterable[bytes], errors: list[str]) -> Iterator[bytes]:
    try:
        yield from capped_lines(stream)
    except READ_ERRORS as exc:
        errors.append(f"{type(exc).__name__}: {exc}")


def iter_stream(stream: Iterable[bytes], source: str, kind: str,
                limit: int | None = None) -> Iterator[Item]:
    """Messages of an mbox stream as RawItems; a read error ends it with a Skip.

    A message larger than ``limit`` bytes becomes a Skip (it is never held in memory).
    """
    errors: list[str] = []
    pending: tuple[int, bytes, int] | None = None
    for index, (data, size) in enumerate(split_sized(_guarded_lines(stream, errors), limit)):
        if pending is not None:
            yield _sized_item(pending, source, kind, limit)
        pending = (index, data, size)
    if errors:
        where = f"after message {pending[0] - 1}" if pending else "before the first message"
        locator = str(pending[0]) if pending else "0"
        yield Skip(Provenance(source, kind, locator), f"truncated or corrupt {where}: {errors[0]}")
    elif pending is not None:
        yield _sized_item(pending, source, kind, limit)


def _sized_item(pending: tuple[int, bytes, int], source: str, kind: str,
                limit: int | None) -> Item:
    index, data, size = pending
    if limit is not None and size > limit:
        return Skip(Provenance(source, kind, str(index)),
                    f"message of {size} bytes is larger than {limit} bytes")
    return mail_item(data, source, kind, str(index))


def mail_item(data: bytes, source: str, kind: str, locator: str) -> RawItem:
    return RawItem(data=data, kind="mail", provenance=Provenance(source, kind, locator))
