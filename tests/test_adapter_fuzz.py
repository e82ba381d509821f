"""Hostile or broken input never crashes the page readers (property tests)."""

from __future__ import annotations

import gzip

from hypothesis import example, given, settings
from hypothesis import strategies as st

from threadscan.sources.detect import detect_kind, header_msgid, split_mbox
from threadscan.sources.http import gunzip
from threadscan.sources.mhonarc import parse_page
from threadscan.sources.pipermail import parse_article, parse_thread_index

MARKUP = st.lists(st.sampled_from([
    "<pre>", "</pre>", "<!--X-Message-Id: a@b -->", "<!--X-Head-End-->", "<!--beginarticle-->",
    "<!--X-Body-of-Message-->", "<!--X-Body-of-Message-End-->", "<script>x()</script>", "&gt;",
    '<a href="mailto:l@x?In-Reply-To=%3Cm@x%3E">u at x</a>', "<H1>", "<i>", "<b>", "\n", "text",
    '<!--1 01.2- -->\n<LI><A HREF="2.html">s</A>', "<!--X-Reference: r@x -->", "&#45;", "<",
]), max_size=40).map("".join)


def text_outside_scripts(markup: str) -> str:
    """What an HTML parser shows as text: script bodies never, but "x()" after a stray "<"
    ("<text<script>x()") is the text of an odd element, as a browser renders it too."""
    from bs4 import BeautifulSoup

    doc = BeautifulSoup(markup, "lxml")
    for tag in doc("script"):
        tag.decompose()
    return str(doc.get_text())


@settings(max_examples=150, deadline=None)
@given(MARKUP)
@example(text="<pre><text<script>x()</script>")  # found by this test: not a script element
def test_page_parsers_accept_any_markup(text: str) -> None:
    page = parse_page(text, "http://127.0.0.1/a/2022-12/msg00001.html")
    assert page.body.count("x()") <= text_outside_scripts(text).count("x()")
    article = parse_article(text, "http://127.0.0.1/pipermail/l/2019-May/1.html")
    assert article.body.count("x()") <= text_outside_scripts(text).count("x()")
    parse_thread_index(text, "http://127.0.0.1/pipermail/l/2019-May/")
    detect_kind("http://127.0.0.1/", text.encode())


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_mbox_splitting_and_gunzip_accept_any_bytes(data: bytes) -> None:
    for message in split_mbox(data):
        header_msgid(message)
    out, complete = gunzip(gzip.compress(data)[: max(1, len(data) // 2)], 10_000)
    assert data.startswith(out) and (complete or len(out) <= len(data))
