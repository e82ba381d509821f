"""HyperKitty (Mailman 3) URLs end to end: the thread's mbox export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.archive_server import (
    ArchiveServer,
    Fault,
    expected_ids,
    file_messages,
    messages,
    msgids,
    run,
    skips,
)
from threadscan.model import Message, RawItem
from threadscan.sources.base import SourceOptions
from threadscan.sources.hyperkitty import message_hash

DATA = (Path(__file__).parent / "data" / "html" / "hyperkitty" / "list"
        / "virtualization@lists.linux-foundation.org")
LIST = "https://lists.example.org/archives/list/virtualization@lists.linux-foundation.org/"
TID = "TTHGDIY53AAMRXZYXBVNYS6X73U2P67O"
THREAD = LIST + f"thread/{TID}/"
EXPORT = LIST + f"export/virtualization@lists.linux-foundation.org-{TID}.mbox.gz?thread={TID}"
MESSAGE = LIST + "message/2C3Z4AELV2XNT5H4E7S4IF4WA5FQ6FXG/"
JASON = "CACGkMEtVUqJcS1W2p1U9RCjQqQOSREu1J9zjmw37TbPBNqq7tA@mail.gmail.com"


def test_message_hash_is_base32_sha1_of_the_message_id() -> None:
    assert message_hash(f"<{JASON}>") == "2C3Z4AELV2XNT5H4E7S4IF4WA5FQ6FXG"


def test_message_page_yields_only_that_message(archive: ArchiveServer,
                                               web_options: SourceOptions) -> None:
    items = run(archive, MESSAGE, web_options)
    [msg] = messages(items)
    assert msg.msgid == JASON and msg.author.name == "Jason Wang"
    assert isinstance(items[0], RawItem)
    prov = items[0].provenance
    assert (prov.kind, prov.list_id) == ("hyperkitty", "virtualization@lists.linux-foundation.org")
    assert prov.url == archive.url(MESSAGE)


def test_thread_page_and_thread_flag_read_the_export(archive: ArchiveServer,
                                                     web_options: SourceOptions) -> None:
    want = sorted(expected_ids(EXPORT))
    assert sorted(msgids(run(archive, THREAD, web_options))) == want
    assert sorted(msgids(run(archive, MESSAGE, web_options, thread=True))) == want
    assert len(want) == 18


def test_without_export_the_page_text_is_used(archive: ArchiveServer,
                                              web_options: SourceOptions) -> None:
    archive.add(EXPORT, Fault("status", status=404))
    items = run(archive, MESSAGE, web_options)
    [skip] = skips(items)
    assert skip.reason.startswith("mbox export unavailable")
    [page] = [i for i in items if isinstance(i, RawItem)]
    assert page.kind == "page-text" and b"prevent cvq work from hogging CPU" in page.data


def test_page_text_gives_sender_date_and_subject(archive: ArchiveServer,
                                                 web_options: SourceOptions) -> None:
    archive.add(EXPORT, Fault("status", status=404))
    [msg] = messages(run(archive, MESSAGE, web_options))
    assert msg.author.name == "Jason Wang"
    # "25 Mar 2022 / 3:22 a.m." on the page; the export says 11:22:25 +0800 (the page is UTC)
    assert msg.date == dt.datetime(2022, 3, 25, 3, 22, tzinfo=dt.UTC)
    assert msg.subject.raw == "Re: [PATCH 1/2] vdpa: mlx5: prevent cvq work from hogging CPU"
    assert "parsed from hyperkitty page text" in msg.defects
    assert any('Yes, there will be no "infinite" loop' in s.text for s in msg.segments)


def page_text_message(page: Path) -> Message:
    """The one message the visible text of a saved HyperKitty message page holds."""
    [msg] = page_text_messages(page)
    return msg


def page_text_messages(page: Path) -> list[Message]:
    """The messages the visible text of a saved HyperKitty page holds."""
    from threadscan.mail.page import parse_page
    from threadscan.model import Provenance
    from threadscan.sources.detect import render_text, soup

    text = render_text(soup(page.read_text(encoding="utf-8")))
    found = parse_page(text, Provenance(str(page), "page-text"))
    assert all(isinstance(m, Message) for m in found)
    return [m for m in found if isinstance(m, Message)]


def test_thread_page_text_is_every_message_the_page_shows() -> None:
    # the first message with the patch, then each reply under its own sender and clock
    # (a reply's day is shown without its year: the year of the message before it)
    msg, *replies = page_text_messages(DATA / "thread" / TID / "noscript.html")
    assert (msg.author.name, msg.date) == ("Jason Wang", dt.datetime(2022, 3, 21, 6, 4,
                                                                     tzinfo=dt.UTC))
    assert len(replies) == 17
    export = file_messages(DATA / "export" /
                           f"virtualization@lists.linux-foundation.org-{TID}.mbox.gz")
    assert sorted((m.author.name, m.date) for m in [msg, *replies]) == sorted(
        (m.author.name, m.date.astimezone(dt.UTC).replace(second=0)) for m in export)
    last = replies[-1]
    assert (last.author.name, last.date) == ("Jason Wang", dt.datetime(2022, 3, 25, 3, 22,
                                                                      tzinfo=dt.UTC))
    # who answers whom, from each reply's attribution (the page does not say): as the
    # export's In-Reply-To for 14 of the 17 replies
    pages = {m.msgid: m for m in [msg, *replies]}
    stamp = {(m.author.name, m.date.astimezone(dt.UTC).replace(second=0)): m for m in export}
    by_id = {m.msgid: m for m in export}
    right = 0
    for reply in replies:
        mail = stamp[(reply.author.name, reply.date)]
        parent = pages[reply.in_reply_to] if reply.in_reply_to else None
        want = by_id.get(mail.in_reply_to or "")
        right += bool(parent and want and (parent.author.name, parent.date) == (
            want.author.name, want.date.astimezone(dt.UTC).replace(second=0)))
    assert right == 14
    assert not any("A userspace triggerable infinite loop" in s.text
                   for r in replies for s in r.segments if s.kind == "text" and s.depth == 0
                   and not s.text.startswith("..."))
    assert msg.subject.clean == "vdpa: mlx5: prevent cvq work from hogging CPU"
    assert msg.segments_of("text")[0].text.startswith("A userspace triggerable infinite loop")
    assert "mlx5_cvq_kick_handler" in msg.segments_of("diff")[0].text


def test_page_text_quoted_from_and_date_lines_are_not_the_headers() -> None:
    # David Miller's reply opens by quoting "From: Jason Wang ... / Date: Mon, 12 Aug 2019
    # 10:44:51 +0800"; the page's own sender and clock are his
    msg = page_text_message(DATA / "message" / "JKXIPF2QZXZNKPAEEW22OVOR55XKTDPG" / "index.html")
    assert (msg.author.name, msg.date) == ("David Miller", dt.datetime(2019, 8, 11, 4, 13,
                                                                       tzinfo=dt.UTC))
    assert msg.segments[0].text.startswith("From: Jason Wang <jasowang@redhat.com>")
