"""``mail.parse_mail`` records ``DATE_NO_ZONE`` when a Date header names no time zone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from threadscan.mail import parse_item
from threadscan.mail.headers import DATE_NO_ZONE
from threadscan.model import Message, RawItem
from threadscan.sources import iter_items
from threadscan.sources.base import SourceOptions

DATA = Path(__file__).parent / "data"
NAME_LEN = DATA / "fixups" / "patchwork-name-len.mbox"  # Date: Wed, 4 Jun 2014 17:50:46 0
NETDEV = DATA / "files" / "org.kernel.vger.netdev-2.eml"


def _messages(path: Path) -> list[Message]:
    out: list[Message] = []
    for item in iter_items(str(path), SourceOptions()):
        assert isinstance(item, RawItem), item
        out += [m for m in parse_item(item) if isinstance(m, Message)]
    return out


def test_patchwork_fuzz_mail_date_without_zone_is_utc_with_defect() -> None:
    msg = _messages(NAME_LEN)[0]
    assert msg.subject.clean == "Fix pow ovew in non roug modes (bug 16315)"
    assert msg.date == dt.datetime(2014, 6, 4, 17, 50, 46, tzinfo=dt.UTC)
    assert DATE_NO_ZONE in msg.defects


def test_netdev_mail_date_with_zone_has_no_zone_defect() -> None:
    [msg] = _messages(NETDEV)
    assert msg.date == dt.datetime(2002, 3, 31, 21, 13, 46,
                                   tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert DATE_NO_ZONE not in msg.defects
