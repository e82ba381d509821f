"""MHonArc URLs (xenproject, spinics) end to end: X- comments rebuilt as RFC 822."""

from __future__ import annotations

from tests.archive_server import ArchiveServer, expected_ids, messages, msgids, run
from threadscan.model import RawItem
from threadscan.sources.base import SourceOptions
from threadscan.sources.mhonarc import derot13, parse_page, shift_month

XEN = "https://lists.xenproject.org/archives/html/xen-devel/"
DEC_REPLY = XEN + "2022-12/msg00001.html"
SPINICS = "https://www.spinics.net/lists/kvm-arm/msg50001.html"


def test_from_r13_is_decoded() -> None:
    assert derot13("Dbtre Bnh [baaé <ebtre.cnhNpvgevk.pbz>") == \
        "Roger Pau Monné <roger.pau@citrix.com>"


def test_xen_message_page_is_rebuilt_with_the_unmasked_sender(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    items = run(archive, DEC_REPLY, web_options)
    [msg] = messages(items)
    assert msg.msgid == "Y4nkFZal7oy+aICa@Air-de-Roger"
    assert (msg.author.name, msg.author.email) == ("Roger Pau Monné", "roger.pau@citrix.com")
    assert msg.in_reply_to == "alpine.DEB.2.22.394.2211301657200.4039@ubuntu-linux-20-04-desktop"
    assert msg.references[0] == "20221130150919.13935-1-roger.pau@citrix.com"
    assert isinstance(items[0], RawItem)
    assert (items[0].provenance.kind, items[0].provenance.list_id) == ("mhonarc", "xen-devel")
    assert b"> On Wed, 30 Nov 2022, Roger Pau Monne wrote:" in items[0].data


def test_thread_spans_three_month_directories(archive: ArchiveServer,
                                              web_options: SourceOptions) -> None:
    ids = msgids(run(archive, DEC_REPLY, web_options, thread=True))
    want = [i for month in ("2022-11", "2022-12", "2023-03")
            for i in expected_ids(XEN + month + "/threads.html")]
    assert sorted(ids) == sorted(want)
    assert len(ids) == 9


def test_spinics_page_on_a_local_host_is_detected_as_mhonarc(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    items = run(archive, SPINICS, web_options)
    [msg] = messages(items)
    assert msg.msgid == "20210402005658.3024832-2-seanjc@google.com"
    assert msg.author.email == "seanjc@google.com"
    assert isinstance(items[0], RawItem)
    assert (items[0].provenance.kind, items[0].provenance.list_id) == ("mhonarc", "kvm-arm")


def test_hostile_markup_scripts_are_dropped() -> None:
    page = ('<!--X-Subject: x -->\n<!--X-Message-Id: a@b -->\n<!--X-Head-End-->'
            '<!--X-Body-of-Message--><pre>kept &lt;line&gt;<script>alert("owned")</script>'
            '<b>unclosed <i>tags</pre><!--X-Body-of-Message-End-->')
    parsed = parse_page(page, XEN + "2022-12/msg00009.html")
    assert "owned" not in parsed.body and "kept <line>" in parsed.body
    assert parsed.msgid == "a@b"


def test_month_arithmetic_crosses_the_year() -> None:
    assert shift_month(XEN + "2022-12/msg00001.html", 1) == XEN + "2023-01/threads.html"
    assert shift_month("https://www.spinics.net/lists/kvm-arm/msg50001.html", 1) is None


def test_month_thread_index_given_directly_yields_every_message(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    index = XEN + "2023-03/threads.html"
    assert sorted(msgids(run(archive, index, web_options))) == sorted(expected_ids(index))
