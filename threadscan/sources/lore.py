"""public-inbox (lore.kernel.org and mirrors): always the raw mail.

- message page ``/<list>/<mid>/`` -> ``/<list>/<mid>/raw`` (one mboxrd entry);
- ``--thread`` (or a ``/T/`` / ``/t/`` thread page) -> ``/<list>/<root>/t.mbox.gz``;
  if that fails, every ``raw`` link of the flat ``/T/`` page;
- ``/raw`` and ``t.mbox.gz`` URLs given directly are read as they are.

The root of the thread is the first entry of the page's "Thread overview".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import quote, urljoin, urlsplit

from threadscan.errors import FetchError
from threadscan.model import Skip
from threadscan.sources.detect import (
    Crawl,
    Item,
    absolute,
    links,
    mbox_body_items,
    soup,
)
from threadscan.sources.http import FetchResult, is_gzip

MID_SAFE = "@!$&'()*+,;=:~-._"
HREF = re.compile(r'href="?([^"\s>]+)"?')
OVERVIEW_SKIP = ("T/#u", "t/#u", "t.mbox.gz", "t.atom", "#b", "#R", "#r")
THREAD_PAGE = re.compile(r"/[Tt]/?$")


def list_id_of(url: str) -> str | None:
    """``linux-block`` from ``https://lore.kernel.org/linux-block/<mid>/``."""
    first = urlsplit(url).path.strip("/").split("/")[0]
    return first if first and first not in ("r", "all") else None


def message_base(url: str) -> str:
    """``.../<list>/<mid>/`` for any URL inside a message (page, raw, T/, t.mbox.gz)."""
    path = urlsplit(url).path
    for tail in ("/raw", "/t.mbox.gz", "/T/", "/t/", "/T", "/t"):
        if path.endswith(tail):
            return url[: url.rindex(tail)] + "/"
    return url if url.endswith("/") else url + "/"


def msg_url_maker(base: str) -> Callable[[str], str]:
    list_base = urljoin(base, "../")
    return lambda mid: list_base + quote(mid, safe=MID_SAFE) + "/"


def iter_page(crawl: Crawl, page: FetchResult) -> Iterator[Item]:
    url = page.final_url
    base = message_base(url)
    list_id = list_id_of(url)
    path = urlsplit(url).path
    if path.endswith(("/raw", ".mbox.gz", ".mbox")) or is_gzip(page.body) \
            or page.body.startswith(b"From "):
        yield from mbox_body_items(crawl, page, list_id, msg_url_maker(base))
    elif crawl.options.follow_thread or THREAD_PAGE.search(path):
        yield from iter_thread(crawl, page, base, list_id)
    else:
        yield from iter_raw(crawl, base + "raw", list_id)


def iter_raw(crawl: Crawl, raw_url: str, list_id: str | None) -> Iterator[Item]:
    result = crawl.fetch_new(raw_url, "raw message")
    if isinstance(result, Skip):
        yield result
    if not isinstance(result, FetchResult):
        return
    yield from mbox_body_items(crawl, result, list_id, msg_url_maker(message_base(raw_url)))


def thread_root(page: FetchResult, base: str) -> str:
    """The root message base URL, from the page's "Thread overview" (else ``base``)."""
    text = page.text
    at = text.find("Thread overview")
    if at < 0:
        return base
    for href in HREF.findall(text[at:]):
        if href in OVERVIEW_SKIP:
            continue
        return base if href.startswith("#") else message_base(absolute(base, href))
    return base


def iter_thread(crawl: Crawl, page: FetchResult, base: str,
                list_id: str | None) -> Iterator[Item]:
    root = thread_root(page, base)
    for candidate in dict.fromkeys((root + "t.mbox.gz", base + "t.mbox.gz")):
        if not crawl.first(candidate):
            continue
        try:
            result = crawl.fetcher.fetch(candidate)
        except FetchError:
            continue
        yield from mbox_body_items(crawl, result, list_id, msg_url_maker(base))
        return
    yield from iter_flat_page(crawl, page if THREAD_PAGE.search(page.final_url) else None,
                              root, list_id)


def iter_flat_page(crawl: Crawl, page: FetchResult | None, root: str,
                   list_id: str | None) -> Iterator[Item]:
    """Fallback: the flat ``/T/`` page, then each message's ``raw``."""
    if page is None:
        try:
            page = crawl.fetch(root + "T/")
        except FetchError as err:
            yield crawl.skip(root, f"thread not available (no t.mbox.gz, no T/ page): {err}")
            yield from iter_raw(crawl, root + "raw", list_id)
            return
    raws = [u for u, text in links(soup(page.text), page.final_url) if text == "raw"]
    for raw_url in dict.fromkeys(raws):
        yield from iter_raw(crawl, raw_url, list_id)

