"""Every archive page of the shared html corpus, through the URL adapter (marked ``shared``)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.archive_server import ArchiveServer, file_messages, messages, msgids, tagged
from threadscan.model import RawItem, Skip
from threadscan.sources import default_registry
from threadscan.sources.base import SourceOptions
from threadscan.sources.detect import header_msgid, split_mbox

SHARED = Path(__file__).resolve().parents[2] / "shared"
HTML = SHARED / "fixtures" / "html"
MESSAGE_PAGE = re.compile(
    r"(lore\.kernel\.org/[^/]+/[^/]+/$|/\d{6}\.html$|/msg\d{5}\.html$"
    r"|/project/[^/]+/(patch|cover)/[^/]+/$|/message/[A-Z0-9]+/$)")
THREADS = re.compile(r"^\| (\w+) \| `shared/(fixtures/[^`]+)` \| \d+ \| `<([^>]+)>` \|$", re.M)

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not HTML.is_dir(), reason="../shared is not there"),
]


def page_rows() -> list[list[str]]:
    if not HTML.is_dir():
        return []
    with (HTML / "PAGES.tsv").open(encoding="utf-8") as fh:
        return [row for row in csv.reader(fh, delimiter="\t") if MESSAGE_PAGE.search(row[1])]


@pytest.fixture(scope="module")
def shared_archive() -> Iterator[ArchiveServer]:
    server = ArchiveServer(HTML).start()
    yield server
    server.stop()


def test_every_message_page_yields_its_own_message(shared_archive: ArchiveServer,
                                                   tmp_path: Path) -> None:
    options = SourceOptions(cache_dir=str(tmp_path), delay=0.0)
    rows = page_rows()[::2]  # every other page: all six sites, within the time budget
    wrong = []
    for row in rows:
        got = msgids(list(default_registry().iter_items(shared_archive.url(row[1]), options)))
        if got != row[2].split()[:1]:
            wrong.append((row[1], got))
    assert len(rows) > 125 and {r[0] for r in rows} == {
        "lore", "pipermail", "xenproject", "spinics", "patchwork", "hyperkitty"}
    assert wrong == []


def thread_cases() -> list[tuple[str, str, str]]:
    if not HTML.is_dir():
        return []
    return THREADS.findall((HTML / "SOURCES.md").read_text(encoding="utf-8"))


def thread_items(site: str, root: str, archive: ArchiveServer, tmp_path: Path
                 ) -> list[RawItem | Skip]:
    """The items of a thread read from its root page on ``site`` (``--thread``)."""
    urls = [r[1] for r in page_rows() if r[0] == site and r[2].split()[:1] == [root]]
    if not urls:
        pytest.skip(f"{site} has no page for the root {root} (not a patch submission)")
    options = SourceOptions(cache_dir=str(tmp_path), delay=0.0, follow_thread=True)
    return list(default_registry().iter_items(archive.url(urls[0]), options))


@pytest.mark.parametrize(("site", "mbox", "root"), thread_cases())
def test_thread_from_the_root_page_is_the_whole_source_mbox(
        site: str, mbox: str, root: str, shared_archive: ArchiveServer, tmp_path: Path) -> None:
    got = msgids(thread_items(site, root, shared_archive, tmp_path))
    want = [header_msgid(m) for m in split_mbox((SHARED / mbox).read_bytes())]
    assert sorted(got) == sorted(m for m in want if m)


@pytest.mark.parametrize(("site", "mbox", "root"), thread_cases())
def test_a_thread_read_from_archive_pages_is_tagged_as_its_source_mbox(
        site: str, mbox: str, root: str, shared_archive: ArchiveServer, tmp_path: Path) -> None:
    # same objections (speaker, sentence, stance, categories) and lock changes, whatever
    # archive program rendered the thread
    pages = messages(thread_items(site, root, shared_archive, tmp_path))
    assert tagged(pages) == tagged(file_messages(SHARED / mbox))


