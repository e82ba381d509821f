"""Mailman 2 pipermail archives (lists.ozlabs.org, ...).

- message page ``/pipermail/<list>/<YYYY-Month>/<NNNNNN>.html`` -> RFC 822 bytes
  rebuilt from the page: ``From: user at host (Name)`` (as pipermail writes it),
  ``Date`` (server local time, e.g. ``AEST``), ``Subject``, ``Message-ID`` (the
  page's reply link carries it as ``In-Reply-To=``), body from ``<pre>`` with
  ``&gt;`` quotes unescaped;
- ``--thread``: the month's ``thread.html`` gives the thread (nesting -> In-Reply-To
  and References for the rebuilt mail); neighbouring months' indexes are searched
  for threads with the same subject (a thread spanning several months), stopping
  after ``MAX_GAP`` months without one; without an index, prev/next-by-thread links;
- monthly ``<YYYY-Month>.txt(.gz)`` archives are mbox: one ``mail`` item per message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from threadscan.errors import FetchError
from threadscan.sources.detect import Crawl, Item, angle, build_mail, mbox_body_items, soup
from threadscan.sources.http import FetchResult

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTH_DIR = re.compile(r"/(\d{4})-([A-Z][a-z]+)/")
ENTRY = re.compile(r'<!--(\d+) (\S+) -->\s*<LI><A HREF="(\d+)\.html">(.*?)</A>', re.S | re.I)
REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw)\s*:\s*)+", re.I)
MAX_GAP = 2  # months without a match before the cross-month search stops
MAX_MONTHS = 12


@dataclass(frozen=True)
class Article:
    url: str
    msgid: str
    subject: str
    name: str
    address: str  # "user at host", as the archive shows it
    date: str
    body: str
    next_url: str | None = None


@dataclass(frozen=True)
class Entry:
    """One line of a month's thread.html."""

    month_url: str  # the month directory, ending in "/"
    article: str
    chain: tuple[str, ...]  # article numbers from the root down to this one
    subject: str

    @property
    def url(self) -> str:
        return f"{self.month_url}{self.article}.html"


def list_id_of(url: str) -> str | None:
    parts = urlsplit(url).path.split("/")
    return parts[parts.index("pipermail") + 1] if "pipermail" in parts[:-1] else None


def clean_subject(subject: str) -> str:
    return " ".join(REPLY_PREFIX.sub("", subject).split()).lower()


def parse_article(html: str, url: str) -> Article:
    doc = soup(html)
    mailto = doc.find("a", href=re.compile(r"^mailto:", re.I))
    href = str(mailto["href"]) if mailto is not None else ""
    query = parse_qs(urlsplit(href).query)
    title = doc.find("h1")
    name, date, pre = doc.find("b"), doc.find("i"), doc.find("pre")
    nxt = doc.find("link", rel=re.compile("next", re.I))
    return Article(
        url=url,
        msgid=query.get("In-Reply-To", [""])[0].strip().strip("<>"),
        subject=title.get_text(" ", strip=True) if title is not None else "",
        name=name.get_text(" ", strip=True) if name is not None else "",
        address=mailto.get_text(" ", strip=True) if mailto is not None else "",
        date=date.get_text(" ", strip=True) if date is not None else "",
        body=pre.get_text() if pre is not None else "",
        next_url=urljoin(url, str(nxt["href"])) if nxt is not None else None,
    )


def article_mail(art: Article, parents: tuple[str, ...] = ()) -> bytes:
    sender = f"{art.address} ({art.name})" if art.name else art.address
    headers = [("From", sender), ("Date", art.date), ("Subject", art.subject),
               ("Message-ID", angle(art.msgid))]
    if parents:
        headers += [("In-Reply-To", angle(parents[-1])),
                    ("References", " ".join(angle(p) for p in parents))]
    headers.append(("X-Threadscan-Rebuilt", "pipermail page"))
    return build_mail(headers, art.body)


def parse_thread_index(html: str, month_url: str) -> list[Entry]:
    out = []
    for _depth, key, article, subject in ENTRY.findall(html):
        chain = tuple(part.rsplit(".", 1)[-1] for part in key.split("-") if part)
        out.append(Entry(month_url, article, chain, " ".join(subject.split())))
    return out


def month_url_of(url: str) -> str | None:
    found = MONTH_DIR.search(urlsplit(url).path)
    return url[: url.index(found.group(0)) + len(found.group(0))] if found else None


def shift_month(month_url: str, delta: int) -> str | None:
    found = MONTH_DIR.search(urlsplit(month_url).path)
    if found is None or found.group(2) not in MONTHS:
        return None
    index = int(found.group(1)) * 12 + MONTHS.index(found.group(2)) + delta
    name = f"/{index // 12}-{MONTHS[index % 12]}/"
    return month_url.replace(found.group(0), name)


def iter_page(crawl: Crawl, page: FetchResult) -> Iterator[Item]:
    url = page.final_url
    list_id = list_id_of(url)
    if re.search(r"\.txt(\.gz)?$", urlsplit(url).path) or page.body.startswith(b"From "):
        yield from mbox_body_items(crawl, page, list_id)
        return
    if "<!--beginarticle-->" not in page.text:
        yield from iter_index(crawl, page, list_id)
        return
    art = parse_article(page.text, url)
    if not crawl.options.follow_thread:
        yield crawl_item(crawl, art, (), list_id)
        return
    yield from iter_thread(crawl, art, list_id)


def iter_index(crawl: Crawl, page: FetchResult, list_id: str | None) -> Iterator[Item]:
    """A month index (thread/date/subject/author.html): every article it lists."""
    month = month_url_of(page.final_url) or urljoin(page.final_url, "./")
    entries = parse_thread_index(page.text, month)
    if not entries:
        numbers = re.findall(r'href="(\d+)\.html"', page.text, re.I)
        entries = [Entry(month, n, (n,), "") for n in dict.fromkeys(numbers)]
    if not entries:
        yield crawl.skip(page.final_url, "pipermail page is neither an article nor an index")
    yield from iter_entries(crawl, entries, None, list_id)


def crawl_item(crawl: Crawl, art: Article, parents: tuple[str, ...],
               list_id: str | None) -> Item:
    from threadscan.model import RawItem

    if art.msgid:
        crawl.seen_msgids.add(art.msgid)
    return RawItem(article_mail(art, parents), "mail", crawl.prov(art.url, list_id))


def month_entries(crawl: Crawl, month_url: str) -> list[Entry] | None:
    index_url = month_url + "thread.html"
    try:
        page = crawl.fetch(index_url)
    except FetchError:
        return None
    return parse_thread_index(page.text, month_url)


def iter_thread(crawl: Crawl, art: Article, list_id: str | None) -> Iterator[Item]:
    month = month_url_of(art.url)
    entries = month_entries(crawl, month) if month else None
    number = art.url.rsplit("/", 1)[-1].removesuffix(".html")
    mine = [e for e in entries or [] if e.article == number]
    if month is None or not mine:
        yield from iter_by_links(crawl, art, list_id)
        return
    thread = [e for e in entries or [] if e.chain[0] == mine[0].chain[0]]
    thread = thread_across_months(crawl, month, thread)
    yield from iter_entries(crawl, thread, art, list_id)


def thread_across_months(crawl: Crawl, month: str, thread: list[Entry]) -> list[Entry]:
    subjects = {clean_subject(e.subject) for e in thread}
    before: list[Entry] = []
    after: list[Entry] = []
    for step, found in ((-1, before), (1, after)):
        gap, delta = 0, step
        while gap <= MAX_GAP and abs(delta) <= MAX_MONTHS:
            other = shift_month(month, delta)
            entries = month_entries(crawl, other) if other else None
            hits = related_threads(entries or [], subjects)
            gap = 0 if hits else gap + 1
            found[:0] = hits if step < 0 else []
            found += hits if step > 0 else []
            subjects |= {clean_subject(e.subject) for e in hits}
            delta += step
    return before + thread + after


def related_threads(entries: list[Entry], subjects: set[str]) -> list[Entry]:
    """Entries of the threads (by root) that share a subject with ``subjects``."""
    roots = {e.chain[0] for e in entries if clean_subject(e.subject) in subjects}
    return [e for e in entries if e.chain[0] in roots]


def iter_entries(crawl: Crawl, thread: list[Entry], start: Article | None,
                 list_id: str | None) -> Iterator[Item]:
    msgids: dict[tuple[str, str], str] = {}
    for entry in thread:
        if start is not None and entry.url == start.url:
            art: Article | str = start
        elif crawl.first(entry.url):
            art = fetch_article(crawl, entry.url)
        else:
            continue
        if isinstance(art, str):
            yield crawl.skip(entry.url, art)
            continue
        msgids[(entry.month_url, entry.article)] = art.msgid
        parents = tuple(msgids[(entry.month_url, a)] for a in entry.chain[:-1]
                        if msgids.get((entry.month_url, a)))
        yield crawl_item(crawl, art, parents, list_id)


def fetch_article(crawl: Crawl, url: str) -> Article | str:
    """The parsed article, or the reason it could not be fetched."""
    try:
        page = crawl.fetch(url)
    except FetchError as err:
        return f"cannot fetch pipermail article: {err}"
    return parse_article(page.text, page.final_url)


def thread_key(subject: str) -> str:
    """What a thread's subjects share: the series tag without ``n/m`` ("[patch v9]")."""
    clean = clean_subject(subject)
    tag = re.match(r"\[([^\]]*)\]", clean)
    if tag is None:
        return clean
    return "[" + " ".join(re.sub(r"\b\d+/\d+\b", "", tag.group(1)).split()) + "]"


def iter_by_links(crawl: Crawl, art: Article, list_id: str | None) -> Iterator[Item]:
    """No thread index: follow next-by-thread links while the series tag (or subject) holds."""
    key = thread_key(art.subject)
    yield crawl_item(crawl, art, (), list_id)
    current: Article | str = art
    while isinstance(current, Article) and current.next_url and crawl.first(current.next_url):
        current = fetch_article(crawl, current.next_url)
        if isinstance(current, Article) and thread_key(current.subject) == key:
            yield crawl_item(crawl, current, (), list_id)
        else:
            break
