"""Sources: every argument (path, ``-``, URL) becomes ``RawItem``s with provenance.

``default_registry()`` registers the file adapters (``sources.files``) and the one
URL adapter. The URL adapter fetches the page (``sources.http`` is the only
network module), detects the archive program from the page itself
(``sources.detect``; the host is a hint) and hands it to that archive's module
(``lore``, ``pipermail``, ``mhonarc``, ``patchwork``, ``hyperkitty``), which
prefers the archive's raw mail and rebuilds RFC 822 bytes from the page otherwise.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from threadscan.errors import UnsupportedSource
from threadscan.sources.base import Adapter, Item, SourceOptions, SourceRegistry

ARCHIVE_KINDS = ("lore", "pipermail", "mhonarc", "patchwork", "hyperkitty")
URL_PRIORITY = 100  # asked before every file adapter

__all__ = [
    "ARCHIVE_KINDS",
    "URL_ADAPTER",
    "default_registry",
    "is_url",
    "iter_items",
    "iter_url",
]


def is_url(arg: str) -> bool:
    return arg.lower().startswith(("http://", "https://"))


def iter_url(arg: str, options: SourceOptions) -> Iterator[Item]:
    """Items of one archive URL: fetch, detect the archive kind, delegate."""
    from threadscan.sources.detect import Crawl, detect_kind
    from threadscan.sources.http import Fetcher

    with Fetcher(options) as fetcher:
        page = fetcher.fetch(arg)
        kind = detect_kind(page.final_url, page.body)
        if kind is None:
            raise UnsupportedSource("page is not from a known mail archive", url=arg)
        module = importlib.import_module(f"threadscan.sources.{kind}")
        crawl = Crawl(fetcher, options, source=arg, kind=kind, seen_urls={arg})
        yield from module.iter_page(crawl, page)


URL_ADAPTER = Adapter(name="url", claims=is_url, iter_items=iter_url, priority=URL_PRIORITY)


def file_adapters() -> tuple[Adapter, ...]:
    """Engineer A's file adapters; empty while that module is not there yet."""
    try:
        files = importlib.import_module("threadscan.sources.files")
    except ModuleNotFoundError as exc:
        if exc.name != "threadscan.sources.files":
            raise
        return ()
    return tuple(getattr(files, "FILE_ADAPTERS", ()))


def default_registry() -> SourceRegistry:
    registry = SourceRegistry()
    registry.register(URL_ADAPTER)
    for adapter in file_adapters():
        registry.register(adapter)
    return registry


def iter_items(arg: str, options: SourceOptions) -> Iterator[Item]:
    """Raw items (or Skips) of one source argument."""
    yield from default_registry().iter_items(arg, options)
