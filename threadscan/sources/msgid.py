"""A bare Message-ID as a source: looked up in a public-inbox, as ``b4`` does.

Kernel people name threads by Message-ID (``b4 am <msgid>``, ``Link:`` trailers), so
``threadscan ingest '<20251113202320.2530531-1-mkhalfella@purestorage.com>'`` reads the
message from ``SourceOptions.midmask`` (b4's ``midmask``: ``https://lore.kernel.org/all/%s/``
by default, ``--midmask`` / ``THREADSCAN_MIDMASK`` to use a mirror or another inbox) through
the URL adapter, so ``--thread``, the cache and ``--offline`` work as for any lore URL.

Claimed only when the argument is shaped like a Message-ID and names no existing file:
``<anything-without-spaces>``, or ``left@right`` without ``/`` (a path is never a
Message-ID by accident).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from threadscan.errors import UsageError
from threadscan.sources.base import Adapter, Item, SourceOptions

MSGID_PRIORITY = -50  # after every file adapter, before page text
_BRACKETED = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_BARE = re.compile(r"[^<>\s/@]+@[^<>\s/@]+")
_SAFE = "@!$&'()*+,;=:~-._"  # kept as is in the path; "/" and the rest are %-escaped


def msgid_of(arg: str) -> str | None:
    """The Message-ID ``arg`` names (without angle brackets), or None."""
    text = arg.strip()
    m = _BRACKETED.fullmatch(text)
    if m:
        return m.group(1)
    return text if _BARE.fullmatch(text) else None


def claims_msgid(arg: str) -> bool:
    return msgid_of(arg) is not None and not Path(arg).exists()


def msgid_url(msgid: str, midmask: str) -> str:
    """The archive URL of ``msgid`` (``midmask``: a URL with one ``%s``)."""
    if midmask.count("%s") != 1:
        raise UsageError(f"--midmask needs exactly one %s: {midmask!r}")
    return midmask.replace("%s", quote(msgid, safe=_SAFE))


def iter_msgid(arg: str, options: SourceOptions) -> Iterator[Item]:
    from threadscan.sources import iter_url

    msgid = msgid_of(arg)
    if msgid is None:  # claims_msgid said yes; keep the type checker honest
        raise UsageError(f"not a Message-ID: {arg!r}")
    yield from iter_url(msgid_url(msgid, options.midmask), options)


MSGID_ADAPTER = Adapter(name="msgid", claims=claims_msgid, iter_items=iter_msgid,
                        priority=MSGID_PRIORITY)
