"""Patchwork URLs end to end: page -> mbox, REST API, series with comments."""

from __future__ import annotations

from tests.archive_server import ArchiveServer, Fault, expected_ids, messages, msgids, run, skips
from threadscan.model import RawItem
from threadscan.sources.base import SourceOptions

PW = "https://patchwork.kernel.org/"
PATCH = PW + "project/linux-block/patch/20251201094754.4149975-3-senozhatsky@chromium.org/"
COVER = PW + "project/linux-block/cover/20251201094754.4149975-1-senozhatsky@chromium.org/"
SERIES_API = PW + "api/1.3/series/1390003/"
AKPM = "20260118183437.6b11e6c43c7701759b73d22c@linux-foundation.org"


def series_ids() -> list[str]:
    ids = expected_ids(COVER) + expected_ids(SERIES_API)
    for patch in expected_ids(SERIES_API):
        ids += expected_ids(PW + f"project/linux-block/patch/{patch}/")[1:]
    return ids


def test_patch_page_yields_its_mbox(archive: ArchiveServer, web_options: SourceOptions) -> None:
    items = run(archive, PATCH, web_options)
    [msg] = messages(items)
    assert msg.msgid == "20251201094754.4149975-3-senozhatsky@chromium.org"
    assert msg.author.name == "Sergey Senozhatsky"
    assert isinstance(items[0], RawItem)
    assert (items[0].provenance.kind, items[0].provenance.list_id) == ("patchwork", "linux-block")
    assert items[0].provenance.url == archive.url(PATCH)
    assert archive.hits[PATCH.removeprefix(PW[:-1]) + "mbox/"] == 1


def test_thread_is_the_series_with_every_comment(archive: ArchiveServer,
                                                 web_options: SourceOptions) -> None:
    ids = msgids(run(archive, PATCH, web_options, thread=True))
    assert sorted(ids) == sorted(series_ids())
    assert len(ids) == 17 and AKPM in ids


def test_api_comment_is_rebuilt_from_headers_and_content(archive: ArchiveServer,
                                                         web_options: SourceOptions) -> None:
    items = run(archive, PW + "api/1.3/covers/13900022/comments/", web_options)
    [msg] = messages(items)
    assert msg.msgid == AKPM
    assert (msg.author.name, msg.in_reply_to) == (
        "Andrew Morton", "20251201094754.4149975-1-senozhatsky@chromium.org")
    assert isinstance(items[0], RawItem)
    assert items[0].provenance.url == archive.base + "/comment/13900023/"


def test_api_patch_and_series_urls(archive: ArchiveServer, web_options: SourceOptions) -> None:
    one = msgids(run(archive, PW + "api/1.3/patches/13900036/", web_options))
    assert one == ["20251201094754.4149975-6-senozhatsky@chromium.org"]
    assert sorted(msgids(run(archive, SERIES_API, web_options))) == sorted(series_ids())


def test_missing_series_api_is_a_skip_not_a_crash(archive: ArchiveServer,
                                                  web_options: SourceOptions) -> None:
    archive.add(SERIES_API, Fault("status", status=404))
    items = run(archive, PATCH, web_options, thread=True)
    reasons = [s.reason for s in skips(items)]
    assert reasons[0].startswith("patchwork API unavailable")
    assert any("cannot fetch patchwork mbox" in r for r in reasons)  # no series mbox here
    assert msgids(items) == ["20251201094754.4149975-3-senozhatsky@chromium.org"]


def test_api_answer_of_the_wrong_shape_is_a_skip(archive: ArchiveServer,
                                                 web_options: SourceOptions) -> None:
    comments = archive.routes["/api/1.3/covers/13900022/comments/"]
    archive.routes["/api/1.3/patches/13900036/"] = comments  # a list where an object belongs
    [skip] = run(archive, PW + "api/1.3/patches/13900036/", web_options, thread=True)
    assert skip.reason == "patchwork API answer for patches is not a JSON object"
