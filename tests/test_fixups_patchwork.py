"""Patchwork pages rendered line by line (not flattened): submission, comments, diff.

The pages are the adapter tests' copies in ``data/html/patchwork`` (series 1390003),
rendered with the adapter's own ``page_text``; each patch page must give the same
segments as the patch's own mbox next to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from threadscan.mail import parse_item
from threadscan.mail.page import detect_kind
from threadscan.model import Message, Provenance, RawItem
from threadscan.sources.detect import page_text
from threadscan.sources.http import FetchResult

PROJECT = Path(__file__).parent / "data" / "html" / "patchwork" / "project" / "linux-block"
SERIES = "20251201094754.4149975-{}-senozhatsky@chromium.org"
UTC = dt.UTC


def page(kind: str, n: int) -> list[Message]:
    path = PROJECT / kind / SERIES.format(n) / "index.html"
    fetched = FetchResult(str(path), str(path), 200, "text/html; charset=utf-8",
                          path.read_bytes())
    text = page_text(fetched)
    assert detect_kind(text.decode("utf-8")) == "patchwork"
    found = parse_item(RawItem(text, "page-text", Provenance(str(path), "patchwork")))
    assert all(isinstance(m, Message) for m in found), found
    return [m for m in found if isinstance(m, Message)]


def own_mbox(kind: str, n: int) -> Message:
    path = PROJECT / kind / SERIES.format(n) / "mbox" / "index.mbox"
    [mail] = parse_item(RawItem(path.read_bytes(), "mail", Provenance(str(path), "mbox")))
    assert isinstance(mail, Message)
    return mail


@pytest.mark.parametrize("n", range(2, 9))
def test_patch_page_gives_the_segments_of_its_mbox(n: int) -> None:
    submission, mail = page("patch", n)[0], own_mbox("patch", n)
    assert submission.msgid == mail.msgid == SERIES.format(n)
    assert not submission.msgid_synthetic
    assert [(s.kind, s.depth, s.text) for s in submission.segments] == [
        (s.kind, s.depth, s.text) for s in mail.segments]
    assert mail.date is not None and submission.date == mail.date.astimezone(UTC).replace(
        second=0)  # the page shows minutes only
    assert (submission.subject.version, submission.subject.index) == (2, n - 1)


def test_patch_page_comments_are_replies_with_authors_and_dates() -> None:
    submission, *comments = page("patch", 2)
    assert submission.author.name == "Sergey Senozhatsky"
    assert [c.author.name for c in comments] == ["zhangdongdong", "Sergey Senozhatsky"] * 4
    assert all(c.in_reply_to == submission.msgid and c.msgid_synthetic for c in comments)
    assert comments[0].date == dt.datetime(2026, 1, 7, 3, 50, tzinfo=UTC)
    assert comments[-1].date == dt.datetime(2026, 1, 13, 4, 54, tzinfo=UTC)
    assert comments[0].subject.raw == "Re: [PATCHv2,1/7] zram: introduce compressed data writeback"
    first = comments[0]
    assert first.segments[0].text == "On 12/1/25 17:47, Sergey Senozhatsky wrote:"
    said = next(s for s in first.segments if "Thanks for the work on decompression" in s.text)
    assert (said.kind, said.depth, said.speaker) == ("text", 0, "zhangdongdong")
    answer = next(s for s in comments[1].segments if "happen in atomic context" in s.text)
    assert (answer.kind, answer.speaker) == ("text", "Sergey Senozhatsky")


def test_status_labels_and_page_chrome_stay_out_of_bodies() -> None:
    for message in page("patch", 2):
        text = "\n".join(s.text for s in message.segments)
        for chrome in ("Unaddressed", "Comments", "13900024", "patchwork patch tracking"):
            assert chrome not in text.split("\n")


def test_cover_page_author_address_comes_from_an_attribution() -> None:
    cover, comment = page("cover", 1)
    assert (cover.author.name, cover.author.email) == (
        "Sergey Senozhatsky", "senozhatsky@chromium.org")
    assert cover.subject.index == 0 and not cover.segments_of("diff")
    assert comment.author.name == "Andrew Morton"
    quote = comment.segments_of("quote")[0]
    assert (quote.depth, quote.speaker) == (1, "Sergey Senozhatsky")
    assert "review coverage is thin" in comment.segments_of("text")[0].text
