"""Which archive program made a page, and the helpers every archive adapter shares.

``detect_kind(url, body)`` scores the page against the signatures in
``data/archives.toml`` (page markers first; the host name is only a hint, so a
127.0.0.1 mirror is recognised like the real site). ``Crawl`` is the per-run
context an adapter receives: the fetcher, the options, the argument asked and
the set of URLs already fetched (so one run never fetches or yields a URL
twice). The rest turns fetched bytes into ``RawItem``s: mbox splitting
(mboxrd ``>From`` unescaping), truncated-gzip handling, and rebuilding RFC 822
bytes from the header fields and body text read off an archive page.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.header import Header
from importlib import resources
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from threadscan.errors import FetchError
from threadscan.model import Provenance, RawItem, Skip
from threadscan.sources.base import SourceOptions
from threadscan.sources.http import Fetcher, FetchResult, gunzip, is_gzip

Item = RawItem | Skip
FROM_LINE = re.compile(rb"^From [^\n]*\d\d:\d\d[^\n]*\n", re.MULTILINE)
MBOXRD_QUOTED = re.compile(rb"^>(>*From )", re.MULTILINE)
MSGID_HEADER = re.compile(rb"^message-id:[ \t]*([^\n]*)", re.I | re.M)
MSGID = re.compile(r"<?([^<>\s]+@[^<>\s]+|[^<>\s]+)>?")
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead",
    "title", "tr", "ul",
))
_BLOCK, _BREAK = "\ue000", "\ue001"  # private-use marks: a block edge, a <br>
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_PRE_STYLE = re.compile(r"white-space\s*:\s*pre", re.I)
_PRE_CLASSES = ("email-body",)  # HyperKitty styles message bodies ``white-space: pre-wrap``
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


@dataclass(frozen=True)
class Signature:
    kind: str
    hosts: tuple[str, ...]
    markers: tuple[re.Pattern[str], ...]
    urls: tuple[re.Pattern[str], ...]


def load_signatures() -> tuple[Signature, ...]:
    raw = resources.files("threadscan.sources").joinpath("data/archives.toml").read_bytes()
    table = tomllib.loads(raw.decode("utf-8"))
    return tuple(
        Signature(
            kind=entry["kind"],
            hosts=tuple(entry.get("hosts", ())),
            markers=tuple(re.compile(m) for m in entry.get("markers", ())),
            urls=tuple(re.compile(u) for u in entry.get("urls", ())),
        )
        for entry in table["archive"]
    )


def score(sig: Signature, url: str, text: str) -> int:
    parts = urlsplit(url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    points = 2 * sum(1 for m in sig.markers if m.search(text))
    points += 3 * sum(1 for u in sig.urls if u.search(path))
    return points + (1 if parts.hostname in sig.hosts else 0)


def detect_kind(url: str, body: bytes, signatures: tuple[Signature, ...] = ()) -> str | None:
    """The archive kind of a fetched page, or None when nothing matches."""
    sigs = signatures or load_signatures()
    text = "" if is_gzip(body) else body[:400_000].decode("utf-8", errors="replace")
    best = max(sigs, key=lambda s: score(s, url, text))
    return best.kind if score(best, url, text) >= 2 else None


@dataclass
class Crawl:
    """Per-run context handed to an archive adapter."""

    fetcher: Fetcher
    options: SourceOptions
    source: str  # the argument the user gave
    kind: str
    seen_urls: set[str] = field(default_factory=set)
    seen_msgids: set[str] = field(default_factory=set)

    def fetch(self, url: str) -> FetchResult:
        self.seen_urls.add(url)
        return self.fetcher.fetch(url)

    def first(self, url: str) -> bool:
        """True the first time ``url`` is seen in this run (then marks it)."""
        if url in self.seen_urls:
            return False
        self.seen_urls.add(url)
        return True

    def fetch_new(self, url: str, what: str) -> FetchResult | Skip | None:
        """Fetch ``url`` unless this run saw it (None); a failure is a Skip naming ``what``."""
        if not self.first(url):
            return None
        try:
            return self.fetcher.fetch(url)
        except FetchError as err:
            return self.skip(url, f"cannot fetch {what}: {err}")

    def prov(self, url: str | None, list_id: str | None, locator: str = "") -> Provenance:
        return Provenance(self.source, self.kind, locator=locator, url=url, list_id=list_id)

    def skip(self, url: str | None, reason: str, msgid: str | None = None) -> Skip:
        return Skip(self.prov(url, None), reason, msgid=msgid)


def rebase(url: str, origin_of: str) -> str:
    """``url`` moved onto the scheme+host of ``origin_of`` (mirrors serve their own links)."""
    target, origin = urlsplit(url), urlsplit(origin_of)
    return urlunsplit((origin.scheme, origin.netloc, target.path, target.query, ""))


def absolute(base: str, href: str) -> str:
    return urljoin(base, href).split("#", 1)[0]


# ---------------------------------------------------------------- mail bytes


def header_msgid(data: bytes) -> str | None:
    """The Message-ID of raw mail bytes (header block only, unfolded), or None."""
    head = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    head = re.sub(rb"\n[ \t]+", b" ", head)
    found = MSGID_HEADER.search(head)
    if found is None:
        return None
    value = MSGID.search(found.group(1).decode("utf-8", errors="replace"))
    return value.group(1) if value else None


def split_mbox(data: bytes) -> list[bytes]:
    """Messages of an mbox/mboxrd text, envelope lines removed, ``>From`` unescaped."""
    data = data.replace(b"\r\n", b"\n")
    starts = [m.start() for m in FROM_LINE.finditer(data)
              if m.start() == 0 or data[m.start() - 2:m.start()] == b"\n\n"]
    if not starts:
        return [data] if data.strip() else []
    bounds = [*starts, len(data)]
    out = []
    for begin, end in itertools.pairwise(bounds):
        chunk = FROM_LINE.sub(b"", data[begin:end], count=1)
        out.append(MBOXRD_QUOTED.sub(rb"\1", chunk))
    return [m for m in out if m.strip()]


MsgUrl = Callable[[str], str] | None


def mail_items(crawl: Crawl, messages: list[bytes], url: str, list_id: str | None,
               msg_url: MsgUrl = None) -> Iterator[Item]:
    """RawItems for raw messages, skipping Message-IDs already yielded this run."""
    for index, data in enumerate(messages):
        mid = header_msgid(data)
        if mid is not None:
            if mid in crawl.seen_msgids:
                continue
            crawl.seen_msgids.add(mid)
        where = msg_url(mid) if (msg_url is not None and mid) else url
        yield RawItem(data, "mail", crawl.prov(where, list_id, locator=f"{url}#{index}"))


def mbox_body_items(crawl: Crawl, result: FetchResult, list_id: str | None,
                    msg_url: MsgUrl = None) -> Iterator[Item]:
    """Items of a fetched mbox, gzip'd or not.

    A truncated gzip keeps the complete messages before the cut; the partial
    last message becomes a ``Skip`` (documented choice, tested).
    """
    body, complete = (gunzip(result.body, crawl.options.max_bytes)
                      if is_gzip(result.body) else (result.body, True))
    messages = split_mbox(body)
    if not complete:
        tail = messages.pop() if messages else b""
        reason = f"truncated gzip: kept {len(messages)} complete messages, dropped a partial one"
        yield crawl.skip(result.url, reason, msgid=header_msgid(tail) if tail else None)
    yield from mail_items(crawl, messages, result.url, list_id, msg_url)


def build_mail(headers: list[tuple[str, str]], body: str) -> bytes:
    """RFC 822 bytes from header fields and a plain-text body (UTF-8, 8bit)."""
    lines = []
    for name, value in headers:
        value = " ".join(value.split())
        if not value:
            continue
        if not value.isascii():
            value = Header(value, "utf-8").encode()
        lines.append(f"{name}: {value}")
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
              "Content-Transfer-Encoding: 8bit"]
    text = body.replace("\r\n", "\n")
    return ("\n".join(lines) + "\n\n" + text).encode("utf-8")


def angle(msgid: str) -> str:
    msgid = msgid.strip().strip("<>")
    return f"<{msgid}>" if msgid else ""


# ---------------------------------------------------------------- html


def soup(text: str) -> Any:
    """Parse HTML with bs4+lxml; scripts, styles and embeds are removed, never run."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():  # XHTML archive pages are read as HTML on purpose
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        doc = BeautifulSoup(text, "lxml")
    for tag in doc(["script", "style", "noscript", "iframe", "object", "embed"]):
        tag.decompose()
    return doc


def links(doc: Any, base: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of every ``<a href>`` in document order."""
    out = []
    for a in doc.find_all("a", href=True):
        href = str(a["href"]).strip()
        if href.startswith(("mailto:", "javascript:", "data:")):
            continue
        out.append((absolute(base, href), a.get_text(" ", strip=True)))
    return out


def page_text(page: FetchResult) -> bytes:
    """The visible text of a page (scripts, styles and hidden parts removed), UTF-8."""
    if "html" not in page.content_type.lower() and b"<html" not in page.body[:2000].lower():
        return page.text.encode("utf-8")
    return render_text(soup(page.text)).encode("utf-8")


def render_text(doc: Any) -> str:
    """Text of a parsed page as a browser lays it out, block by block.

    Block elements (``div``, ``p``, ``li``, ``h1`` ...) and ``<br>`` end lines;
    inline elements (``a``, ``em``, ``span``) stay on their line, so a pipermail
    ``&gt;`` keeps its quoted text and an MHonArc ``<em>From</em>: X`` stays one
    field. Outside ``<pre>`` (and elements styled ``white-space: pre*``)
    whitespace collapses; inside, lines are kept as they are, blank ones too.
    Hidden parts are dropped; table cells end with `` | `` (Patchwork's
    "Message ID | <id> |" rows).
    """
    from bs4.element import NavigableString, PreformattedString, Tag

    lines = _Lines()
    stack: list[tuple[Any, bool]] = [(doc, False)]  # explicit stack: deep pages are fine
    while stack:
        node, pre = stack.pop()
        if type(node) is str:  # a mark pushed below: a block's end, a cell's end
            lines.add(node, pre)
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctypes
                lines.add(str(node), pre)
        elif isinstance(node, Tag) and not _hidden(node):
            stack.extend(_enter(node, pre, lines))
    return lines.text()


def _hidden(tag: Any) -> bool:
    """``style="display:none"``, the ``hidden`` attribute or Bootstrap's ``hidden`` class."""
    return bool(_HIDDEN.search(str(tag.get("style") or ""))) or tag.has_attr("hidden") \
        or "hidden" in (tag.get("class") or ())


def _enter(tag: Any, pre: bool, lines: _Lines) -> list[tuple[Any, bool]]:
    """What to push for an element (reversed): its children, then the marks after it."""
    if tag.name == "br":
        lines.add(_BREAK, pre)
        return []
    inner = pre or tag.name == "pre" or _PRE_STYLE.search(str(tag.get("style") or "")) \
        is not None or any(c in _PRE_CLASSES for c in tag.get("class") or ())
    after: list[tuple[Any, bool]] = []
    if tag.name in _BLOCK_TAGS:
        lines.add(_BLOCK, pre)
        after.append((_BLOCK, pre))
    if tag.name in ("td", "th"):
        after.append((" | ", False))
    return after + [(child, inner) for child in reversed(tag.contents)]


@dataclass
class _Lines:
    """Line builder for ``render_text``: block ends, breaks, preformatted runs."""

    done: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    pre: bool = False  # the current line started inside preformatted text

    def add(self, text: str, pre: bool) -> None:
        if text in (_BLOCK, _BREAK):
            self.end(blank_ok=text == _BREAK)
        elif not pre:
            text = _SPACES.sub(" ", text)
            if self.parts and self.parts[-1].endswith(" ") and text.startswith(" "):
                text = text[1:]
            if text:
                self.parts.append(text)
        else:
            first, *rest = text.split("\n")
            self.pre = self.pre or not "".join(self.parts).strip()
            self.parts.append(first)
            for piece in rest:
                self.end(blank_ok=True)
                self.pre = True
                self.parts.append(piece)

    def end(self, blank_ok: bool) -> None:
        """Close the current line: preformatted lines keep their spaces (" ", "-- ")."""
        line = "".join(self.parts)
        line = line.rstrip("\r") if self.pre else line.strip()
        if line.strip() or (self.pre and blank_ok):
            self.done.append(line)
        elif blank_ok and self.done and self.done[-1].strip():
            self.done.append("")
        self.parts, self.pre = [], False

    def text(self) -> str:
        self.end(blank_ok=False)
        return "\n".join(self.done).strip("\n") + "\n"
