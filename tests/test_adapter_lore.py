"""lore / public-inbox URLs end to end: sources -> mail parser."""

from __future__ import annotations

import dataclasses

from tests.archive_server import ArchiveServer, Fault, expected_ids, messages, msgids, run, skips
from threadscan.model import RawItem
from threadscan.sources.base import SourceOptions

LORE = "https://lore.kernel.org/linux-block/"
REPLY = LORE + "aO4EniFy63IlWM_-@fedora/"
ROOT = LORE + "20251014022149.947800-1-yukuai3@huawei.com/"
SYZ = LORE + "00000000000099c4ca05da07e42f@google.com/"


def test_message_page_yields_its_raw_mail(archive: ArchiveServer,
                                          web_options: SourceOptions) -> None:
    items = run(archive, REPLY, web_options)
    [msg] = messages(items)
    assert msg.msgid == "aO4EniFy63IlWM_-@fedora"
    assert msg.author.name == "Ming Lei"
    assert msg.in_reply_to == "20251014022149.947800-2-yukuai3@huawei.com"
    prov = items[0].provenance
    assert (prov.kind, prov.list_id, prov.source) == ("lore", "linux-block", archive.url(REPLY))
    assert prov.url == archive.url(REPLY)
    assert archive.hits[archive.url(REPLY + "raw").removeprefix(archive.base)] == 1


def test_thread_from_a_reply_page_is_the_whole_t_mbox(archive: ArchiveServer,
                                                      web_options: SourceOptions) -> None:
    items = run(archive, REPLY, web_options, thread=True)
    assert sorted(msgids(items)) == sorted(expected_ids(ROOT + "t.mbox.gz"))
    assert len(items) == 23
    assert all(isinstance(i, RawItem) and i.provenance.url for i in items)


def test_raw_and_t_mbox_urls_given_directly(archive: ArchiveServer,
                                            web_options: SourceOptions) -> None:
    assert msgids(run(archive, REPLY + "raw", web_options)) == ["aO4EniFy63IlWM_-@fedora"]
    assert len(msgids(run(archive, ROOT + "t.mbox.gz", web_options))) == 23


def test_without_t_mbox_the_flat_page_raw_links_are_read(archive: ArchiveServer,
                                                         web_options: SourceOptions) -> None:
    archive.add(SYZ + "t.mbox.gz", Fault("status", status=404))
    items = run(archive, SYZ, web_options, thread=True)
    assert sorted(msgids(items)) == sorted(expected_ids(SYZ + "T/"))
    assert archive.hits["/linux-block/00000000000099c4ca05da07e42f@google.com/T/"] == 1


def test_truncated_t_mbox_keeps_complete_messages_and_skips_the_rest(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    archive.add(ROOT + "t.mbox.gz", Fault("truncate-gzip", keep=30_000))
    items = run(archive, ROOT, web_options, thread=True)
    [skip] = skips(items)
    assert skip.reason.startswith("truncated gzip: kept ")
    ids = msgids(items)
    assert 0 < len(ids) < 23
    assert ids == expected_ids(ROOT + "t.mbox.gz")[: len(ids)]


def test_t_mbox_with_a_wrong_content_type_is_still_read(archive: ArchiveServer,
                                                        web_options: SourceOptions) -> None:
    archive.add(ROOT + "t.mbox.gz", Fault("content-type", content_type="text/html"))
    assert len(msgids(run(archive, ROOT, web_options, thread=True))) == 23


def test_second_run_is_served_from_cache_and_offline_works(archive: ArchiveServer,
                                                           web_options: SourceOptions) -> None:
    first = msgids(run(archive, REPLY, web_options, thread=True))
    before = archive.total
    offline = dataclasses.replace(web_options, offline=True)
    assert msgids(run(archive, REPLY, offline, thread=True)) == first
    assert archive.total == before
