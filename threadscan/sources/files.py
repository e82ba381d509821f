"""Local sources: mbox/mboxrd (plain, .gz, .xz), Maildir, single mail, stdin, page text.

Kinds are sniffed from content, not from the file name. Archives are streamed
message by message; a truncated .gz/.xz yields what was read plus a ``Skip``.
Files are only ever read.
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Literal, cast

from threadscan.errors import SourceError
from threadscan.model import Provenance, RawItem, Skip
from threadscan.sources.base import Adapter, Item, SourceOptions
from threadscan.sources.mboxstream import (
    READ_ERRORS,
    capped_lines,
    iter_stream,
    mail_item,
    split_mbox,
)

__all__ = ["FILE_ADAPTERS", "iter_binary", "iter_stream", "page_item", "sniff", "split_mbox"]

Sniffed = Literal["mbox", "mail", "text"]

_GZIP_MAGIC = b"\x1f\x8b"
_XZ_MAGIC = b"\xfd7zXZ\x00"
_HEAD_BYTES = 16384
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_MAIL_HEADERS = re.compile(
    rb"^(from|date|subject|message-id|received|return-path|to|cc|in-reply-to|references|"
    rb"mime-version|content-type|delivered-to|x-mailer|sender|list-id):",
    re.I,
)
_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body)\b", re.I)


# ---------------------------------------------------------------- sniffing


def sniff(head: bytes) -> Sniffed:
    """What a (decompressed) file head holds: an mbox, one mail, or other text."""
    lines = head.lstrip(b"\r\n").splitlines()[:200]
    if not lines:
        return "text"
    if lines[0].startswith(b"From ") and (len(lines) < 2 or _HEADER_LINE.match(lines[1])):
        return "mbox"
    block = _header_block(lines)
    known = sum(1 for ln in block if _MAIL_HEADERS.match(ln))
    if block and _HEADER_LINE.match(block[0]) and known >= min(2, len(block)):
        return "mail"
    return "text"


def _header_block(lines: list[bytes]) -> list[bytes]:
    block: list[bytes] = []
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue
        block.append(line)
    return block


def _decompressor(head: bytes, raw: BinaryIO) -> BinaryIO:
    if head.startswith(_GZIP_MAGIC):
        return cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))
    if head.startswith(_XZ_MAGIC):
        return cast(BinaryIO, lzma.LZMAFile(raw, mode="rb"))
    return raw


def _open_file(path: str) -> BinaryIO:
    raw = open(path, "rb")  # noqa: SIM115 - the caller closes the returned stream
    head = raw.read(len(_XZ_MAGIC))
    raw.seek(0)
    return _decompressor(head, raw)


def _sniff_path(path: str) -> Sniffed | None:
    """Sniff a file; None when it is not a readable regular file."""
    if not os.path.isfile(path):
        return None
    try:
        with _open_file(path) as stream:
            head = stream.read(_HEAD_BYTES)
    except READ_ERRORS:
        return "mbox"  # unreadable archive: the mbox reader reports it as a Skip
    return sniff(head)


# ---------------------------------------------------------------- adapters


def is_mbox(arg: str) -> bool:
    return _sniff_path(arg) == "mbox"


def is_eml(arg: str) -> bool:
    return _sniff_path(arg) == "mail"


def is_page_text(arg: str) -> bool:
    return _sniff_path(arg) == "text"


def is_maildir(arg: str) -> bool:
    return os.path.isdir(arg) and any(os.path.isdir(os.path.join(arg, d)) for d in ("cur", "new"))


def is_stdin(arg: str) -> bool:
    return arg == "-"


def iter_mbox(arg: str, options: SourceOptions) -> Iterator[Item]:
    try:
        stream = _open_file(arg)
    except OSError as exc:
        raise SourceError(f"cannot read mbox: {exc}", file=arg) from exc
    with stream:
        yield from iter_stream(stream, arg, "mbox", options.max_bytes)


def iter_eml(arg: str, options: SourceOptions) -> Iterator[Item]:
    data = _read_capped(arg, options, "eml")
    if isinstance(data, Skip):
        yield data
    else:
        yield mail_item(data, arg, "eml", "")


def iter_page_text(arg: str, options: SourceOptions) -> Iterator[Item]:
    data = _read_capped(arg, options, "text")
    yield data if isinstance(data, Skip) else page_item(data, Provenance(arg, "text"))


def page_item(data: bytes, prov: Provenance) -> Item:
    """A page-text item; saved HTML is rendered to text, binary and JSON data are skipped."""
    head = data[:_HEAD_BYTES].lstrip()
    if not head:
        return Skip(prov, "empty input")
    if b"\x00" in head:
        return Skip(prov, "binary data: neither mail nor archive page text")
    if head[:1] in (b"{", b"[") and _is_json(data):
        return Skip(prov, "JSON data: not an archive page (use the archive URL)")
    if _looks_html(head):
        text = _html_to_text(data)
        prov = Provenance(prov.source, prov.kind, "html", prov.url, prov.list_id)
        return RawItem(data=text.encode("utf-8"), kind="page-text", provenance=prov)
    return RawItem(data=data, kind="page-text", provenance=prov)


def _looks_html(head: bytes) -> bool:
    """An HTML start tag after an optional XML declaration and comments (a scan: the
    regex ``(?:<!--.*?-->)*`` backtracks exponentially on runs of ``<!-- -->``)."""
    text = head.lstrip()
    if text.startswith(b"<?xml"):
        text = text[text.find(b">") + 1:].lstrip() if b">" in text else b""
    while text.startswith(b"<!--"):
        end = text.find(b"-->", 4)
        text = text[end + 3:].lstrip() if end >= 0 else b""
    return bool(_HTML_TAG.match(text))


def _is_json(data: bytes) -> bool:
    import json

    try:
        json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: hostile nesting like "[[[[..."
        return False
    return True


def _html_to_text(data: bytes) -> str:
    """A saved page's visible text, rendered exactly as a fetched page is."""
    from bs4.dammit import EncodingDetector

    from threadscan.sources.detect import render_text, soup

    body, bom = EncodingDetector.strip_byte_order_mark(data)
    declared = EncodingDetector.find_declared_encoding(data[:4096], is_html=True) or ""
    if declared.lower().startswith(("utf-16", "utf-32")):
        declared = ""  # read from ASCII bytes, so the claim cannot be true
    try:  # BOM, else <meta charset>, else UTF-8 (as a fetched page without a charset)
        text = body.decode(bom or declared or "utf-8", errors="replace")
    except LookupError:  # an unknown charset name
        text = body.decode("utf-8", errors="replace")
    return render_text(soup(text))


def _read_capped(arg: str, options: SourceOptions, kind: str) -> bytes | Skip:
    try:
        with _open_file(arg) as stream:
            data = stream.read(options.max_bytes + 1)
    except READ_ERRORS as exc:
        if isinstance(exc, (FileNotFoundError, PermissionError, IsADirectoryError)):
            raise SourceError(f"cannot read file: {exc}", file=arg) from exc
        return Skip(Provenance(arg, kind), f"unreadable: {type(exc).__name__}: {exc}")
    if len(data) > options.max_bytes:
        return Skip(Provenance(arg, kind), f"larger than {options.max_bytes} bytes")
    return data


def iter_maildir(arg: str, options: SourceOptions) -> Iterator[Item]:
    root = Path(arg)
    for sub in ("cur", "new"):
        folder = root / sub
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
        for name in names:
            if not name.startswith("."):
                yield _maildir_item(folder / name, arg, name.split(":", 1)[0], options)


def _maildir_item(path: Path, source: str, key: str, options: SourceOptions) -> Item:
    prov = Provenance(source, "maildir", key)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            return Skip(prov, f"larger than {options.max_bytes} bytes")
        return RawItem(data=path.read_bytes(), kind="mail", provenance=prov)
    except OSError as exc:
        return Skip(prov, f"unreadable: {type(exc).__name__}: {exc}")


def iter_stdin(arg: str, options: SourceOptions) -> Iterator[Item]:
    yield from iter_binary(sys.stdin.buffer, "-", options)


def iter_binary(raw: BinaryIO, source: str, options: SourceOptions) -> Iterator[Item]:
    """Read an unseekable stream (stdin): sniff its head, then stream the rest."""
    head = raw.read(len(_XZ_MAGIC))
    stream = _decompressor(head, io.BufferedReader(_Prepend(head, raw)))
    try:
        head = stream.read(_HEAD_BYTES)
    except READ_ERRORS as exc:
        yield Skip(Provenance(source, "stdin"), f"unreadable: {type(exc).__name__}: {exc}")
        return
    kind = sniff(head)
    if kind == "mbox":
        yield from iter_stream(_relines(head, stream), source, "stdin", options.max_bytes)
        return
    rest = stream.read(options.max_bytes + 1 - len(head)) if len(head) == _HEAD_BYTES else b""
    data = head + rest
    prov = Provenance(source, "stdin")
    if len(data) > options.max_bytes:
        yield Skip(prov, f"larger than {options.max_bytes} bytes")
    elif kind == "mail":
        yield RawItem(data=data, kind="mail", provenance=prov)
    else:
        yield page_item(data, prov)


def _relines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    lines = head.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += stream.readline()
    yield from lines
    yield from capped_lines(stream)


class _Prepend(io.RawIOBase):
    """A raw reader that returns ``head`` and then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


FILE_ADAPTERS: tuple[Adapter, ...] = (
    Adapter(name="stdin", claims=is_stdin, iter_items=iter_stdin, priority=50),
    Adapter(name="maildir", claims=is_maildir, iter_items=iter_maildir, priority=40),
    Adapter(name="mbox", claims=is_mbox, iter_items=iter_mbox, priority=30),
    Adapter(name="eml", claims=is_eml, iter_items=iter_eml, priority=20),
    Adapter(name="text", claims=is_page_text, iter_items=iter_page_text, priority=-100),
)
