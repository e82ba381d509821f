"""pipermail (Mailman 2) URLs end to end: pages rebuilt as RFC 822, threads across months."""

from __future__ import annotations

from tests.archive_server import ArchiveServer, Fault, expected_ids, messages, msgids, run
from threadscan.model import RawItem
from threadscan.sources.base import SourceOptions
from threadscan.sources.pipermail import parse_thread_index, shift_month, thread_key

PPC = "https://lists.ozlabs.org/pipermail/linuxppc-dev/"
OCT_REPLY = PPC + "2019-October/210029.html"


def test_message_page_is_rebuilt_with_its_message_id_and_author(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    items = run(archive, OCT_REPLY, web_options)
    [msg] = messages(items)
    assert msg.msgid == "CAGZKiBqoxAvix3wrF2wuxTrikVCjY6PzD22pHsasew-F=P3KSg@mail.gmail.com"
    assert (msg.author.name, msg.author.email) == ("Bharata B Rao", "bharata.rao@gmail.com")
    assert msg.date is not None and msg.date.isoformat() == "2019-10-22T17:29:35+11:00"
    assert msg.subject.clean.endswith("Move pages between normal and secure memory")
    assert isinstance(items[0], RawItem)
    assert items[0].provenance.kind == "pipermail"
    assert items[0].provenance.list_id == "linuxppc-dev"
    assert b"> On Wed, Sep 25, 2019 at 10:36:43AM +0530, Bharata B Rao wrote:" in items[0].data


def test_thread_from_an_october_reply_reaches_back_into_september(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    ids = msgids(run(archive, OCT_REPLY, web_options, thread=True))
    want = expected_ids(PPC + "2019-September/thread.html") + \
        expected_ids(PPC + "2019-October/thread.html")
    assert sorted(ids) == sorted(want)
    assert len(ids) == 15


def test_thread_index_nesting_becomes_in_reply_to(archive: ArchiveServer,
                                                  web_options: SourceOptions) -> None:
    msgs = {m.msgid: m for m in messages(run(archive, OCT_REPLY, web_options, thread=True))}
    jason = msgs["20190925121226.GA21150@ziepe.ca"]
    assert jason.in_reply_to == "20190925050649.14926-3-bharata@linux.ibm.com"
    assert jason.references[0] == "20190925050649.14926-1-bharata@linux.ibm.com"


def test_monthly_txt_gz_is_one_mail_item_per_message(archive: ArchiveServer,
                                                     web_options: SourceOptions) -> None:
    items = run(archive, PPC + "2019-October.txt.gz", web_options)
    assert all(isinstance(i, RawItem) and i.kind == "mail" for i in items)
    assert msgids(items) == expected_ids(PPC + "2019-October.txt.gz")


def test_thread_index_chain_and_month_arithmetic() -> None:
    html = ('<!--1 01569388001.210017-01569388003.210019- -->\n'
            '<LI><A HREF="210019.html">[PATCH v9 2/8] KVM\n</A>')
    [entry] = parse_thread_index(html, PPC + "2019-September/")
    assert entry.chain == ("210017", "210019") and entry.subject == "[PATCH v9 2/8] KVM"
    assert shift_month(PPC + "2019-December/", 1) == PPC + "2020-January/"
    assert shift_month(PPC + "2019-January/", -1) == PPC + "2018-December/"


def test_month_thread_index_given_directly_yields_every_article(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    index = PPC + "2019-October/thread.html"
    msgs = messages(run(archive, index, web_options))
    assert [m.msgid for m in msgs] == expected_ids(index)
    assert msgs[1].in_reply_to == "20191018030049.GA907@oak.ozlabs.ibm.com"


def test_without_thread_index_next_by_thread_links_are_followed(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    archive.add(PPC + "2019-September/thread.html", Fault("status", status=404))
    ids = msgids(run(archive, PPC + "2019-September/210017.html", web_options, thread=True))
    assert sorted(ids) == sorted(expected_ids(PPC + "2019-September/thread.html"))


def test_thread_key_is_the_series_tag() -> None:
    assert thread_key("Re: [PATCH v9 2/8] KVM: x") == thread_key("[PATCH v9 0/8] KVM: y")
    assert thread_key("[PATCH v9 2/8] KVM") != thread_key("[PATCH v8 2/8] KVM")
    assert thread_key("Re: printk: remove safe buffers") == "printk: remove safe buffers"
