"""Sources: every argument (path, ``-``, URL) becomes ``RawItem``s with provenance.

``default_registry()`` registers the file adapters (``sources.files``) and the one
URL adapter. The URL adapter fetches the page (``sources.http`` is the only
network module), detects the archive program from the page itself
(``sources.detect``; the host is a hint) and hands it to that archive's module
(``lore``, ``pipermail``, ``mhonarc``, ``patchwork``, ``hyperkitty``), which
prefers the archive's raw mail and rebuilds RFC 822 bytes from the page otherwise.
A page of no known archive is still read: an mbox as mail, HTML or plain text as
``page-text`` (for ``threadscan.mail``'s page reader); anything else is
``UnsupportedSource``. A bare Message-ID is looked up in a public-inbox
(``sources.msgid``, b4's ``midmask``) and read as that URL.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from threadscan.errors import UnsupportedSource
from threadscan.model import RawItem
from threadscan.sources.base import Adapter, Item, SourceOptions, SourceRegistry

if TYPE_CHECKING:
    from threadscan.sources.detect import Crawl
    from threadscan.sources.http import FetchResult

ARCHIVE_KINDS = ("lore", "pipermail", "mhonarc", "patchwork", "hyperkitty")
URL_PRIORITY = 100  # asked before every file adapter
TEXT_TYPES = frozenset({"text/html", "text/plain", "application/xhtml+xml"})

URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")

__all__ = [
    "ARCHIVE_KINDS",
    "URL_ADAPTER",
    "default_registry",
    "is_url",
    "iter_items",
    "iter_url",
]


def is_url(arg: str) -> bool:
    """Any ``scheme://`` argument is a URL; only http(s) ones are fetched (``iter_url``)."""
    return URL_SCHEME.match(arg) is not None


def iter_url(arg: str, options: SourceOptions) -> Iterator[Item]:
    """Items of one archive URL: fetch, detect the archive kind, delegate."""
    from threadscan.sources.detect import Crawl, detect_kind
    from threadscan.sources.http import Fetcher, check_url

    check_url(arg)
    with Fetcher(options) as fetcher:
        page = fetcher.fetch(arg)
        kind = detect_kind(page.final_url, page.body)
        if kind is None:
            yield from iter_unknown(Crawl(fetcher, options, source=arg, kind="text"), page)
            return
        module = importlib.import_module(f"threadscan.sources.{kind}")
        crawl = Crawl(fetcher, options, source=arg, kind=kind, seen_urls={arg})
        yield from module.iter_page(crawl, page)


def iter_unknown(crawl: Crawl, page: FetchResult) -> Iterator[Item]:
    """A page of no known archive: an mbox is read as mail, text/HTML as page text."""
    from threadscan.sources.detect import mbox_body_items, page_text
    from threadscan.sources.http import is_gzip

    if is_gzip(page.body) or page.body.startswith(b"From "):
        yield from mbox_body_items(crawl, page, None)
    elif page.content_type.split(";")[0].strip().lower() in TEXT_TYPES:
        yield RawItem(page_text(page), "page-text", crawl.prov(page.final_url, None))
    else:
        raise UnsupportedSource(f"not a mail archive page ({page.content_type})",
                                url=page.url)


URL_ADAPTER = Adapter(name="url", claims=is_url, iter_items=iter_url, priority=URL_PRIORITY)


def default_registry() -> SourceRegistry:
    """The URL adapter and the file adapters, registered as a third party would."""
    from threadscan.sources.files import FILE_ADAPTERS
    from threadscan.sources.msgid import MSGID_ADAPTER

    registry = SourceRegistry()
    registry.register(URL_ADAPTER)
    registry.register(MSGID_ADAPTER)
    for adapter in FILE_ADAPTERS:
        registry.register(adapter)
    return registry


def iter_items(arg: str, options: SourceOptions) -> Iterator[Item]:
    """Raw items (or Skips) of one source argument."""
    yield from default_registry().iter_items(arg, options)
