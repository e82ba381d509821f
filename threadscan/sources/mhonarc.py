"""MHonArc archives (lists.xenproject.org, spinics.net, lists.gnu.org, ...).

A message page carries its headers in comments MHonArc writes for itself:
``<!--X-Subject:``, ``<!--X-From-R13:`` (the sender in MHonArc's modified rot13,
unmasked even under SPAMMODE), ``<!--X-Date:``, ``<!--X-Message-Id:``,
``<!--X-Content-Type:``, ``<!--X-Reference:`` (References + In-Reply-To; the last
one is taken as In-Reply-To), and the body sits between
``<!--X-Body-of-Message-->`` and ``<!--X-Body-of-Message-End-->``. RFC 822 bytes
are rebuilt from them.

``--thread``: breadth-first over Follow-Ups, References and Thread Prev/Next
links, keeping a page only when it is connected to the thread (its Message-ID
or one of its references is already known), then the thread indexes of the
neighbouring month directories (``.../YYYY-MM/threads.html``) for same-subject
messages, since MHonArc links never cross a month.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from threadscan.errors import FetchError
from threadscan.model import RawItem
from threadscan.sources.detect import Crawl, Item, absolute, angle, build_mail, links, soup
from threadscan.sources.http import FetchResult

R13 = str.maketrans(
    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[abcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZ[@ABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)
COMMENT = re.compile(r"<!--X-([A-Za-z0-9-]+): ?(.*?) ?-->")
BODY = re.compile(r"<!--X-Body-of-Message-->(.*?)<!--X-Body-of-Message-End-->", re.S)
SECTION = "<!--X-{0}-->(.*?)<!--X-{0}-End-->"
NAV = re.compile(r'<a href="([^"]+)">Thread (?:Prev|Next)</a>'
                 r'|by thread:\s*<strong><a href="([^"]+)"', re.I)
MONTH = re.compile(r"/(\d{4})-(\d{2})/")
REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw)\s*:\s*)+", re.I)
MAX_GAP = 2
MAX_MONTHS = 12


def derot13(text: str) -> str:
    """Undo MHonArc's ``mrot13`` (rot13 over letters and ``@A-Z[``)."""
    return text.translate(R13)


@dataclass(frozen=True)
class Page:
    url: str
    msgid: str
    subject: str
    sender: str
    date: str
    content_type: str
    references: tuple[str, ...]
    body: str
    list_id: str | None
    thread_links: tuple[str, ...]  # follow-ups, references, thread prev/next


def comments(text: str) -> list[tuple[str, str]]:
    head = text.split("<!--X-Head-End-->", 1)[0]
    return [(k.lower(), html.unescape(v)) for k, v in COMMENT.findall(head)]


def body_text(text: str) -> str:
    found = BODY.search(text)
    if found is None:
        return ""
    markup = re.sub(r"<br\s*/?>", "\n", found.group(1), flags=re.I)
    return str(soup(markup).get_text()).strip("\n") + "\n"


def thread_links(text: str, url: str) -> tuple[str, ...]:
    out: list[str] = []
    for name in ("Follow-Ups", "References"):
        found = re.search(SECTION.format(name), text, re.S)
        if found:
            out += [u for u, _ in links(soup(found.group(1)), url)]
    for top in ("TopPNI", "BotPNI"):
        found = re.search(SECTION.format(top), text, re.S)
        if found:
            out += nav_links(found.group(1), url)
    return tuple(dict.fromkeys(u for u in out if re.search(r"/msg\d+\.html$", u)))


def nav_links(markup: str, url: str) -> list[str]:
    return [absolute(url, a or b) for a, b in NAV.findall(markup)]


def list_id_of(url: str, fields: dict[str, str]) -> str | None:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    for marker in ("html", "lists"):
        if marker in parts[:-1]:
            return parts[parts.index(marker) + 1]
    return fields.get("list-id") or None


def parse_page(text: str, url: str) -> Page:
    fields: dict[str, str] = {}
    refs: list[str] = []
    for key, value in comments(text):
        if key == "reference":
            refs.append(value.strip())
        else:
            fields.setdefault(key, value.strip())
    return Page(
        url=url,
        msgid=fields.get("message-id", ""),
        subject=fields.get("subject", ""),
        sender=derot13(fields.get("from-r13", "")),
        date=fields.get("date", ""),
        content_type=fields.get("content-type", "text/plain"),
        references=tuple(refs),
        body=body_text(text),
        list_id=list_id_of(url, fields),
        thread_links=thread_links(text, url),
    )


def page_mail(page: Page) -> bytes:
    headers = [("From", page.sender), ("Date", page.date), ("Subject", page.subject),
               ("Message-ID", angle(page.msgid))]
    if page.references:
        headers += [("In-Reply-To", angle(page.references[-1])),
                    ("References", " ".join(angle(r) for r in page.references))]
    headers += [("X-Threadscan-Rebuilt", f"mhonarc page ({page.content_type})")]
    return build_mail(headers, page.body)


def page_item(crawl: Crawl, page: Page) -> RawItem:
    if page.msgid:
        crawl.seen_msgids.add(page.msgid)
    return RawItem(page_mail(page), "mail", crawl.prov(page.url, page.list_id))


def iter_page(crawl: Crawl, result: FetchResult) -> Iterator[Item]:
    page = parse_page(result.text, result.final_url)
    if not page.msgid:
        yield from iter_index(crawl, result)
        return
    yield page_item(crawl, page)
    if crawl.options.follow_thread:
        known = {page.msgid, *page.references}
        yield from iter_connected(crawl, list(page.thread_links), known)
        yield from iter_other_months(crawl, page, known)


def iter_index(crawl: Crawl, result: FetchResult) -> Iterator[Item]:
    """An index page (threads.html, maillist.html): every message it links to."""
    urls = [u for u, _ in links(soup(result.text), result.final_url)
            if re.search(r"/msg\d+\.html$", u)]
    if not urls:
        yield crawl.skip(result.final_url, "MHonArc page without X-Message-Id or message links")
    for url in dict.fromkeys(urls):
        if crawl.first(url):
            page = fetch_page(crawl, url)
            yield crawl.skip(url, page) if isinstance(page, str) else page_item(crawl, page)


def connected(page: Page, known: set[str]) -> bool:
    return page.msgid in known or any(r in known for r in page.references)


def fetch_page(crawl: Crawl, url: str) -> Page | str:
    try:
        result = crawl.fetch(url)
    except FetchError as err:
        return f"cannot fetch MHonArc page: {err}"
    return parse_page(result.text, result.final_url)


def iter_connected(crawl: Crawl, start: list[str], known: set[str]) -> Iterator[Item]:
    """Breadth-first over thread links; only pages connected to ``known`` count."""
    queue = deque(start)
    while queue:
        url = queue.popleft()
        if not crawl.first(url):
            continue
        page = fetch_page(crawl, url)
        if isinstance(page, str):
            yield crawl.skip(url, page)
            continue
        if not page.msgid or not connected(page, known) or page.msgid in crawl.seen_msgids:
            continue
        known |= {page.msgid, *page.references}
        yield page_item(crawl, page)
        queue.extend(page.thread_links)


def clean_subject(subject: str) -> str:
    return " ".join(REPLY_PREFIX.sub("", subject).split()).lower()


def shift_month(url: str, delta: int) -> str | None:
    found = MONTH.search(urlsplit(url).path)
    if found is None:
        return None
    index = int(found.group(1)) * 12 + int(found.group(2)) - 1 + delta
    month_dir = url[: url.index(found.group(0))] + f"/{index // 12}-{index % 12 + 1:02d}/"
    return month_dir + "threads.html"


def iter_other_months(crawl: Crawl, page: Page, known: set[str]) -> Iterator[Item]:
    """Same-subject messages in neighbouring month directories, if connected."""
    subject = clean_subject(page.subject)
    for step in (-1, 1):
        gap, delta = 0, step
        while gap <= MAX_GAP and abs(delta) <= MAX_MONTHS:
            index_url = shift_month(page.url, delta)
            if index_url is None:
                return
            before = len(crawl.seen_msgids)
            yield from iter_month(crawl, index_url, subject, known)
            gap = 0 if len(crawl.seen_msgids) > before else gap + 1
            delta += step


def iter_month(crawl: Crawl, index_url: str, subject: str, known: set[str]) -> Iterator[Item]:
    if not crawl.first(index_url):
        return
    try:
        index = crawl.fetcher.fetch(index_url)
    except FetchError:
        return
    candidates = [u for u, text in links(soup(index.text), index.final_url)
                  if re.search(r"/msg\d+\.html$", u) and clean_subject(text) == subject]
    yield from iter_connected(crawl, candidates, known)
