"""Helpers shared by the adapter tests: run a URL through sources, then the mail parser."""

from __future__ import annotations

import dataclasses

from tests.archive_server import ArchiveServer
from threadscan.mail import parse_item
from threadscan.model import Message, RawItem, Skip
from threadscan.sources import default_registry
from threadscan.sources.base import SourceOptions


def run(archive: ArchiveServer, real_url: str, options: SourceOptions,
        *, thread: bool = False) -> list[RawItem | Skip]:
    opts = dataclasses.replace(options, follow_thread=thread)
    return list(default_registry().iter_items(archive.url(real_url), opts))


def messages(items: list[RawItem | Skip]) -> list[Message]:
    out: list[Message] = []
    for item in items:
        if isinstance(item, RawItem):
            out += [m for m in parse_item(item) if isinstance(m, Message)]
    return out


def msgids(items: list[RawItem | Skip]) -> list[str]:
    return [m.msgid for m in messages(items)]


def skips(items: list[RawItem | Skip]) -> list[Skip]:
    return [i for i in items if isinstance(i, Skip)]
