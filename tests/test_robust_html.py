"""HTML with scripts (never executed, never kept as text) and broken markup through the
URL adapters' page parsers and the text adapter for saved pages."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from threadscan.mail import parse_item
from threadscan.model import Message, Provenance, RawItem
from threadscan.sources import detect, hyperkitty, lore, mhonarc, pipermail
from threadscan.sources.files import page_item
from threadscan.sources.http import FetchResult

DATA = Path(__file__).resolve().parent / "data" / "robust"
XEN_URL = "https://lists.xenproject.org/archives/html/xen-devel/2022-11/msg00000.html"
PIPER_URL = "http://127.0.0.1/pipermail/l/2019-May/1.html"
SCRIPT = "<script>document.write('<pre>From: evil');steal()</script>"
MARKERS = ("steal()", "evil", "document.write")

BROKEN = {
    "script": f"<html><body>{SCRIPT}<pre>From: Bob &lt;b@x.org&gt;\nSubject: s\n\nhello"
              "</pre><style>p {{}}</style>",
    "unclosed comment": f"<html><body><!-- never closed {SCRIPT}",
    "unclosed tags": "<html><body>" + "<b><i><p>" * 3000 + "text",
    "deep divs": "<html><body>" + "<div>" * 2000 + "text" + "</div>" * 2000,
    "huge attribute": "<html><body><a href='" + "x" * 100_000 + "'>l</a><p " + "a=b " * 20000,
    "comment run": "<!-- -->" * 4000 + "x",
    "stray brackets": "<html><body><<<>>> &&&; &#xffffffff; &#0; <pre>> > >\n</b></i>",
}


@contextmanager
def alarm(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _page(html: str) -> FetchResult:
    return FetchResult(XEN_URL, XEN_URL, 200, "text/html; charset=utf-8", html.encode())


PARSERS: dict[str, Callable[[str], object]] = {
    "files.page_item": lambda h: page_item(h.encode(), Provenance("p.html", "text")),
    "detect.page_text": lambda h: detect.page_text(_page(h)),
    "detect.detect_kind": lambda h: detect.detect_kind(XEN_URL, h.encode()),
    "mhonarc.parse_page": lambda h: mhonarc.parse_page(h, XEN_URL),
    "pipermail.parse_article": lambda h: pipermail.parse_article(h, PIPER_URL),
    "pipermail.parse_thread_index": lambda h: pipermail.parse_thread_index(h, PIPER_URL),
    "lore.thread_root": lambda h: lore.thread_root(_page(h), "http://127.0.0.1/l/m/"),
    "hyperkitty.thread_id_of": lambda h: hyperkitty.thread_id_of(_page(h), "message", "k"),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_page_parsers_survive_broken_markup_and_keep_no_script(name: str) -> None:
    for label, html in BROKEN.items():
        start = time.perf_counter()
        with alarm(3.0):
            out = str(PARSERS[name](html))
        assert time.perf_counter() - start < 3.0, label
        assert not any(m in out for m in MARKERS), (label, out[:300])


def _xen_with_script() -> str:
    html = (DATA / "mhonarc-xen-devel-2022-11-msg00000.html").read_text("utf-8")
    return html.replace("<pre>", f"<pre>{SCRIPT}", 1).replace("</body>", f"{SCRIPT}</body>")


def test_mhonarc_page_with_injected_scripts_still_yields_the_patch_mail() -> None:
    page = mhonarc.parse_page(_xen_with_script(), XEN_URL)
    assert page.msgid == "20221130150919.13935-1-roger.pau@citrix.com"
    assert "Introduce a lock to xencons_info" in page.body
    assert "+\tspinlock_t ring_lock;" in page.body
    assert not any(m in page.body for m in MARKERS)


def test_saved_page_with_scripts_goes_through_the_text_adapter_without_them() -> None:
    item = page_item(_xen_with_script().encode(), Provenance("saved.html", "text"))
    assert isinstance(item, RawItem) and item.kind == "page-text"
    text = item.data.decode()
    assert "hvc/xen: prevent concurrent accesses" in text
    assert not any(m in text for m in MARKERS)
    parsed = parse_item(item)
    assert parsed and all(not any(m in s.text for m in MARKERS)
                          for p in parsed if isinstance(p, Message) for s in p.segments)


def test_page_text_is_fast_on_deeply_nested_blocks() -> None:
    html = "<html><body>" + "<div>" * 20_000 + "text" + "</div>" * 20_000
    with alarm(3.0):
        assert b"text" in detect.page_text(_page(html))


XHTML = "<?xml version='1.0'?>\n<!-- c -->\n<!DOCTYPE html><html><body><p>hello"


def test_saved_xhtml_page_is_read_as_html_without_a_warning() -> None:
    item = page_item(XHTML.encode(), Provenance("p.xhtml", "text"))  # warnings are errors here
    assert isinstance(item, RawItem) and item.data == b"hello\n"


def test_fetched_xhtml_page_is_read_without_a_warning() -> None:
    assert b"hello" in detect.page_text(_page(XHTML))
