"""HyperKitty (Mailman 3) archives.

- thread page ``/archives/list/<list>/thread/<id>/`` and, with ``--thread``, a
  message page -> the thread's mbox export
  ``/archives/list/<list>/export/<list>-<id>.mbox.gz?thread=<id>``;
- message page ``/archives/list/<list>/message/<hash>/`` without ``--thread`` ->
  the one message of that export whose HyperKitty hash
  (base32(sha1(Message-ID))) is ``<hash>``;
- an export URL given directly is read as it is;
- when the export cannot be had: the page's visible text as ``page-text``
  (a Skip says why).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from urllib.parse import urljoin, urlsplit

from threadscan.errors import FetchError
from threadscan.model import RawItem
from threadscan.sources.detect import (
    Crawl,
    Item,
    header_msgid,
    mail_items,
    mbox_body_items,
    page_text,
    split_mbox,
)
from threadscan.sources.http import FetchResult, gunzip, is_gzip

LIST_PATH = re.compile(r"/archives/list/([^/]+)/(message|thread|export)/([^/?]+)")
THREAD_LINK = re.compile(r'href="([^"]*/archives/list/[^/"]+/thread/([A-Z0-9]+)/)')


def message_hash(msgid: str) -> str:
    """HyperKitty's id of a message: base32 of the sha1 of its Message-ID."""
    digest = hashlib.sha1(msgid.strip().strip("<>").encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii")


def export_url(page_url: str, list_name: str, thread_id: str) -> str:
    path = f"/archives/list/{list_name}/export/{list_name}-{thread_id}.mbox.gz?thread={thread_id}"
    return urljoin(page_url, path)


def thread_id_of(page: FetchResult, what: str, key: str) -> str | None:
    if what == "thread":
        return key
    found = THREAD_LINK.search(page.text)
    return found.group(2) if found else None


def iter_page(crawl: Crawl, page: FetchResult) -> Iterator[Item]:
    url = page.final_url
    found = LIST_PATH.search(urlsplit(url).path)
    list_name = found.group(1) if found else None
    if found is None or found.group(2) == "export" or is_gzip(page.body):
        yield from mbox_body_items(crawl, page, list_name, message_url_maker(url, list_name))
        return
    thread_id = thread_id_of(page, found.group(2), found.group(3))
    if thread_id is None or list_name is None:
        yield crawl.skip(url, "HyperKitty page without a thread link; using the page text")
        yield page_text_item(crawl, page, list_name)
        return
    wanted = None
    if found.group(2) == "message" and not crawl.options.follow_thread:
        wanted = found.group(3)
    yield from iter_export(crawl, page, export_url(url, list_name, thread_id), list_name, wanted)


def message_url_maker(url: str, list_name: str | None) -> Callable[[str], str] | None:
    if list_name is None:
        return None
    return lambda mid: urljoin(url, f"/archives/list/{list_name}/message/{message_hash(mid)}/")


def iter_export(crawl: Crawl, page: FetchResult, export: str, list_name: str,
                wanted: str | None) -> Iterator[Item]:
    maker = message_url_maker(page.final_url, list_name)
    try:
        result = crawl.fetch(export)
    except FetchError as err:
        yield crawl.skip(export, f"mbox export unavailable, using the page text: {err}")
        yield page_text_item(crawl, page, list_name)
        return
    if wanted is None:
        yield from mbox_body_items(crawl, result, list_name, maker)
        return
    body = gunzip(result.body, crawl.options.max_bytes)[0] if is_gzip(result.body) \
        else result.body
    chosen = [m for m in split_mbox(body) if message_hash(header_msgid(m) or "") == wanted]
    if not chosen:
        yield crawl.skip(page.final_url, "message not found in its thread export; page text")
        yield page_text_item(crawl, page, list_name)
        return
    yield from mail_items(crawl, chosen[:1], export, list_name, maker)


def page_text_item(crawl: Crawl, page: FetchResult, list_name: str | None) -> RawItem:
    return RawItem(page_text(page), "page-text", crawl.prov(page.final_url, list_name))
