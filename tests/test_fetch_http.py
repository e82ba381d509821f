"""Fetcher behaviours against the local archive server (no network)."""

from __future__ import annotations

import dataclasses
import gzip
import os
import stat
from pathlib import Path

import pytest

from tests.archive_server import ArchiveServer, Fault
from threadscan.errors import FetchError, OfflineMiss, UsageError
from threadscan.sources.base import SourceOptions
from threadscan.sources.http import USER_AGENT, Fetcher, gunzip, is_volatile, retry_after

PAGE = "https://lore.kernel.org/linux-block/aO4EniFy63IlWM_-@fedora/"
TMBOX = "https://lore.kernel.org/linux-block/20251014022149.947800-1-yukuai3@huawei.com/t.mbox.gz"


class Sleeps(list[float]):
    """Records the waits the fetcher asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_page_is_fetched_with_the_threadscan_user_agent(archive: ArchiveServer,
                                                        web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher:
        result = fetcher.fetch(archive.url(PAGE))
    assert result.status == 200 and not result.from_cache
    assert b"Message-ID: &lt;aO4EniFy63IlWM_-@fedora&gt;" in result.body
    assert result.content_type.startswith("text/html")
    assert archive.agents == [USER_AGENT]


def test_second_fetch_comes_from_cache_without_a_request(archive: ArchiveServer,
                                                         web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher:
        first = fetcher.fetch(archive.url(PAGE))
    with Fetcher(web_options) as fetcher:
        second = fetcher.fetch(archive.url(PAGE))
        assert fetcher.requests == 0
    assert second.from_cache and second.body == first.body
    assert archive.total == 1


def test_cache_dir_is_private_and_has_no_temp_files(archive: ArchiveServer,
                                                    web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher:
        fetcher.fetch(archive.url(PAGE))
    cache = Path(str(web_options.cache_dir))
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    names = sorted(p.suffix for p in cache.iterdir())
    assert names == [".body", ".json"]


def test_offline_with_cache_serves_the_cached_page(archive: ArchiveServer,
                                                   web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher:
        fetcher.fetch(archive.url(PAGE))
    offline = dataclasses.replace(web_options, offline=True)
    with Fetcher(offline) as fetcher:
        assert fetcher.fetch(archive.url(PAGE)).from_cache
    assert archive.total == 1


def test_offline_without_cache_raises_offline_miss(archive: ArchiveServer,
                                                   web_options: SourceOptions) -> None:
    offline = dataclasses.replace(web_options, offline=True)
    with Fetcher(offline) as fetcher, pytest.raises(OfflineMiss) as err:
        fetcher.fetch(archive.url(PAGE))
    assert err.value.url == archive.url(PAGE)
    assert archive.total == 0


def test_429_with_retry_after_then_success(archive: ArchiveServer,
                                           web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("status", status=429, times=1, retry_after="3"))
    sleeps = Sleeps()
    with Fetcher(web_options, sleep=sleeps) as fetcher:
        result = fetcher.fetch(archive.url(PAGE))
    assert result.status == 200
    assert sleeps == [3.0]
    assert archive.hits["/linux-block/aO4EniFy63IlWM_-@fedora/"] == 2


def test_retry_after_is_bounded() -> None:
    assert retry_after("86400", 0) == 60.0
    assert retry_after(None, 2) == 2.0


def test_500_then_success_backs_off_exponentially(archive: ArchiveServer,
                                                  web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("status", status=500, times=2))
    sleeps = Sleeps()
    with Fetcher(web_options, sleep=sleeps) as fetcher:
        assert fetcher.fetch(archive.url(PAGE)).status == 200
    assert sleeps == [0.5, 1.0]


def test_persistent_503_is_a_fetch_error_and_not_cached(archive: ArchiveServer,
                                                        web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("status", status=503))
    with Fetcher(web_options, sleep=Sleeps()) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(archive.url(PAGE))
    assert err.value.status == 503
    assert archive.total == 3  # retries=2
    assert not Path(str(web_options.cache_dir)).exists()


def test_404_is_not_retried(archive: ArchiveServer, web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(archive.base + "/no/such/page")
    assert err.value.status == 404 and archive.total == 1


def test_slow_response_times_out(archive: ArchiveServer, web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("slow", seconds=1.5))
    quick = dataclasses.replace(web_options, timeout=0.3, retries=0)
    with Fetcher(quick) as fetcher, pytest.raises(FetchError, match="Timeout"):
        fetcher.fetch(archive.url(PAGE))


def test_connection_reset_then_success(archive: ArchiveServer,
                                       web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("reset", times=1))
    with Fetcher(web_options, sleep=Sleeps()) as fetcher:
        assert fetcher.fetch(archive.url(PAGE)).status == 200


def test_redirect_loop_is_a_fetch_error(archive: ArchiveServer,
                                        web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("redirect-loop"))
    with Fetcher(web_options) as fetcher, pytest.raises(FetchError, match="redirect loop"):
        fetcher.fetch(archive.url(PAGE))


def test_oversized_body_is_refused_and_not_cached(archive: ArchiveServer,
                                                  web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("oversize", size=50_000))
    small = dataclasses.replace(web_options, max_bytes=10_000)
    with Fetcher(small) as fetcher, pytest.raises(FetchError, match="exceeds 10000"):
        fetcher.fetch(archive.url(PAGE))
    assert not Path(str(web_options.cache_dir)).exists()


def test_short_body_is_an_error_never_cached(archive: ArchiveServer,
                                             web_options: SourceOptions) -> None:
    archive.add(PAGE, Fault("short-body", keep=100))
    once = dataclasses.replace(web_options, retries=0)
    with Fetcher(once) as fetcher, pytest.raises(FetchError):
        fetcher.fetch(archive.url(PAGE))
    assert not Path(str(web_options.cache_dir)).exists()


def test_truncated_gzip_is_returned_but_not_cached(archive: ArchiveServer,
                                                   web_options: SourceOptions) -> None:
    archive.add(TMBOX, Fault("truncate-gzip", keep=20_000))
    with Fetcher(web_options) as fetcher:
        result = fetcher.fetch(archive.url(TMBOX))
    data, complete = gunzip(result.body, 10**8)
    assert not complete and data.startswith(b"From mboxrd@z")
    assert not Path(str(web_options.cache_dir)).exists()


def test_gunzip_reads_concatenated_members_and_refuses_bombs() -> None:
    two = gzip.compress(b"From a\n\n") + gzip.compress(b"From b\n\n")
    assert gunzip(two, 1000) == (b"From a\n\nFrom b\n\n", True)
    with pytest.raises(FetchError, match="expands beyond"):
        gunzip(gzip.compress(b"x" * 5000), 1000)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://lore.kernel.org/x", "lore/x"])
def test_non_http_urls_are_refused(url: str, web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher, pytest.raises(UsageError):
        fetcher.fetch(url)


def test_polite_delay_between_requests_to_one_host(archive: ArchiveServer,
                                                   web_options: SourceOptions) -> None:
    polite = dataclasses.replace(web_options, delay=0.5)
    sleeps = Sleeps()
    with Fetcher(polite, sleep=sleeps) as fetcher:
        fetcher.fetch(archive.url(PAGE))
        fetcher.fetch(archive.url(TMBOX))
    assert len(sleeps) == 1 and 0.3 < sleeps[0] <= 0.5


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fetcher = Fetcher(SourceOptions())
    assert fetcher.cache_dir == tmp_path / "threadscan" / "http"
    assert os.fspath(fetcher.cache_dir).startswith(os.fspath(tmp_path))


def test_thread_mbox_older_than_max_age_is_refetched_messages_are_not(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher:
        fetcher.fetch(archive.url(PAGE))
        fetcher.fetch(archive.url(TMBOX))
    with Fetcher(web_options, max_age=-1.0) as fetcher:
        assert fetcher.fetch(archive.url(PAGE)).from_cache
        assert not fetcher.fetch(archive.url(TMBOX)).from_cache
    assert archive.total == 3


def test_stale_thread_mbox_is_served_when_the_refetch_fails(
        archive: ArchiveServer, web_options: SourceOptions) -> None:
    with Fetcher(web_options) as fetcher:
        fetcher.fetch(archive.url(TMBOX))
    archive.add(TMBOX, Fault("status", status=503))
    with Fetcher(web_options, max_age=-1.0, sleep=Sleeps()) as fetcher:
        assert fetcher.fetch(archive.url(TMBOX)).from_cache


@pytest.mark.parametrize(("url", "volatile"), [
    (TMBOX, True),
    ("https://lists.ozlabs.org/pipermail/linuxppc-dev/2019-October/thread.html", True),
    ("https://patchwork.kernel.org/api/1.3/patches/13900036/comments/", True),
    ("https://patchwork.kernel.org/api/1.3/patches/13900036/", False),
    (PAGE, False),
    (PAGE + "raw", False),
])
def test_which_urls_expire(url: str, volatile: bool) -> None:
    assert is_volatile(url) is volatile
