"""Archive detection from the page itself, and the source registry."""

from __future__ import annotations

import pytest

from tests.archive_server import DATA, ArchiveServer, run
from threadscan.errors import UnsupportedSource, UsageError
from threadscan.model import RawItem
from threadscan.sources import URL_ADAPTER, default_registry
from threadscan.sources.base import SourceOptions
from threadscan.sources.detect import detect_kind, split_mbox

CASES = [
    ("lore", "http://127.0.0.1:1/linux-block/aO4EniFy63IlWM_-@fedora/",
     "lore/linux-block/aO4EniFy63IlWM_-@fedora/index.html"),
    ("pipermail", "http://127.0.0.1:1/x/210029.html",
     "pipermail/linuxppc-dev/2019-October/210029.html"),
    ("mhonarc", "http://127.0.0.1:1/x/msg00001.html",
     "xenproject/archives/html/xen-devel/2022-12/msg00001.html"),
    ("patchwork", "http://127.0.0.1:1/x/",
     "patchwork/project/linux-block/patch/20251201094754.4149975-3-senozhatsky@chromium.org/"
     "index.html"),
    ("hyperkitty", "http://127.0.0.1:1/x/",
     "hyperkitty/list/virtualization@lists.linux-foundation.org/message/"
     "2C3Z4AELV2XNT5H4E7S4IF4WA5FQ6FXG/index.html"),
]


@pytest.mark.parametrize(("kind", "url", "file"), CASES)
def test_kind_is_detected_from_the_page_not_the_host(kind: str, url: str, file: str) -> None:
    assert detect_kind(url, (DATA / file).read_bytes()) == kind


def test_unknown_text_page_becomes_page_text(archive: ArchiveServer,
                                            web_options: SourceOptions) -> None:
    archive.routes["/plain"] = (DATA / "SOURCES.md", "text/plain; charset=utf-8")
    [item] = default_registry().iter_items(archive.base + "/plain", web_options)
    assert isinstance(item, RawItem) and item.kind == "page-text"
    assert item.data == (DATA / "SOURCES.md").read_bytes()
    assert item.provenance.kind == "text"


def test_unknown_binary_page_is_unsupported(archive: ArchiveServer,
                                            web_options: SourceOptions) -> None:
    archive.routes["/blob"] = (DATA / "SOURCES.md", "application/octet-stream")
    with pytest.raises(UnsupportedSource):
        list(default_registry().iter_items(archive.base + "/blob", web_options))


def test_url_adapter_is_asked_before_file_adapters() -> None:
    registry = default_registry()
    assert registry.adapters[0] is URL_ADAPTER
    assert registry.find("https://lore.kernel.org/linux-block/x/") is URL_ADAPTER
    assert URL_ADAPTER.claims("ftp://lore.kernel.org/x")  # claimed, to be refused clearly:
    with pytest.raises(UsageError, match="only http"):
        list(registry.iter_items("ftp://lore.kernel.org/x", SourceOptions()))


def test_mboxrd_from_lines_are_unescaped() -> None:
    data = (b"From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: a\n\n>From here\n>>From x\n\n"
            b"From mboxrd@z Thu Jan  1 00:00:00 1970\nSubject: b\n\nbody\n")
    first, second = split_mbox(data)
    assert first == b"Subject: a\n\nFrom here\n>From x\n\n"
    assert second.startswith(b"Subject: b")


def test_same_url_twice_in_one_run_is_fetched_once(archive: ArchiveServer,
                                                   web_options: SourceOptions) -> None:
    url = "https://lore.kernel.org/linux-block/20251014022149.947800-1-yukuai3@huawei.com/"
    items = run(archive, url, web_options, thread=True)
    assert len(items) == 23
    assert max(archive.hits.values()) == 1
