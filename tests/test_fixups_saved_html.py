"""A saved HTML archive page is rendered exactly as the fetched page is
(``sources.detect.render_text``), so the one mail parser sees the same text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from threadscan.mail import parse_item
from threadscan.model import Message, RawItem
from threadscan.sources import iter_items
from threadscan.sources.base import SourceOptions
from threadscan.sources.detect import page_text
from threadscan.sources.http import FetchResult

PIPERMAIL = Path(__file__).parent / "data" / "html" / "pipermail" / "linuxppc-dev"
AEDT = dt.timezone(dt.timedelta(hours=11))


def _saved(tmp_path: Path, name: str) -> RawItem:
    path = tmp_path / "saved-page.html"
    shutil.copyfile(PIPERMAIL / name, path)
    [item] = list(iter_items(str(path), SourceOptions()))
    assert isinstance(item, RawItem) and item.kind == "page-text"
    return item


@pytest.mark.parametrize("name", ["2019-October/210028.html", "2019-September/210026.html"])
def test_saved_pipermail_page_text_equals_fetched_page_text(tmp_path: Path, name: str) -> None:
    fetched = FetchResult("u", "u", 200, "text/html", (PIPERMAIL / name).read_bytes())
    assert _saved(tmp_path, name).data == page_text(fetched)


def test_saved_pipermail_reply_has_author_and_quoted_speaker(tmp_path: Path) -> None:
    [msg] = parse_item(_saved(tmp_path, "2019-October/210028.html"))
    assert isinstance(msg, Message)
    assert (msg.author.name, msg.author.email) == ("Paul Mackerras", "paulus@ozlabs.org")
    assert msg.date == dt.datetime(2019, 10, 18, 14, 0, 49, tzinfo=AEDT)
    quotes = [s for s in msg.segments if s.kind == "quote"]
    assert quotes[0].speaker == "Bharata B Rao"
    assert quotes[0].text.startswith("Manage migration of pages betwen normal and secure")
    assert any("struct kvmppc_uvmem_page_pvt" in s.text for s in msg.segments
               if s.speaker == "Bharata B Rao")
