"""12-hour clocks and zone-less dates (``mail.headers.parse_date_zone``).

"July 24, 2020 2:16 pm" used to come out as 02:16 UTC: the "pm" was dropped and a
zone invented. Dates are still returned aware (``Message.date`` must be), but a
date that names no zone is reported so the caller records ``DATE_NO_ZONE``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from threadscan.mail.headers import DATE_NO_ZONE, parse_date, parse_date_zone
from threadscan.mail.page import parse_page
from threadscan.model import Message, Provenance
from threadscan.sources.detect import page_text
from threadscan.sources.http import FetchResult

UTC = dt.UTC
PIPERMAIL = Path(__file__).parent / "data" / "html" / "pipermail" / "linuxppc-dev" / \
    "2019-October" / "210029.html"


@pytest.mark.parametrize(
    ("text", "expected", "zoned"),
    [
        # lore linuxppc-dev-006: "Excerpts from Alexey Kardashevskiy's message of ...:"
        ("July 24, 2020 2:16 pm", dt.datetime(2020, 7, 24, 14, 16, tzinfo=UTC), False),
        ("July 24, 2020 12:29 am", dt.datetime(2020, 7, 24, 0, 29, tzinfo=UTC), False),
        # Patchwork comment headers (data/html/patchwork)
        ("Dec. 1, 2025, 9:47 a.m. UTC", dt.datetime(2025, 12, 1, 9, 47, tzinfo=UTC), True),
        ("Jan. 13, 2026, 4:54 a.m. UTC", dt.datetime(2026, 1, 13, 4, 54, tzinfo=UTC), True),
        # archive formats that name their zone stay as they were
        ("Tue Oct 22 17:29:35 AEDT 2019",
         dt.datetime(2019, 10, 22, 17, 29, 35, tzinfo=dt.timezone(dt.timedelta(hours=11))), True),
        ("Wed, 30 Nov 2022 17:08:06 -0800 (PST)",
         dt.datetime(2022, 11, 30, 17, 8, 6, tzinfo=dt.timezone(dt.timedelta(hours=-8))), True),
        ("Thu Mar  3 18:20:35 2016", dt.datetime(2016, 3, 3, 18, 20, 35, tzinfo=UTC), False),
    ],
)
def test_parse_date_zone_reads_12_hour_clocks_and_says_when_the_zone_is_missing(
    text: str, expected: dt.datetime, zoned: bool
) -> None:
    assert parse_date_zone(text) == (expected, zoned)
    when = parse_date(text)
    assert when == expected and when is not None and when.utcoffset() == expected.utcoffset()


def _pipermail_text() -> str:
    page = FetchResult("u", "u", 200, "text/html", PIPERMAIL.read_bytes())
    return page_text(page).decode("utf-8")


def test_pipermail_page_date_with_zone_has_no_defect() -> None:
    [msg] = parse_page(_pipermail_text(), Provenance("210029.html", "pipermail"))
    assert isinstance(msg, Message)
    assert msg.date == dt.datetime(2019, 10, 22, 6, 29, 35, tzinfo=UTC)
    assert DATE_NO_ZONE not in msg.defects


def test_pipermail_page_date_without_zone_is_utc_with_a_defect() -> None:
    text = _pipermail_text().replace("Tue Oct 22 17:29:35 AEDT 2019", "Tue Oct 22 17:29:35 2019")
    [msg] = parse_page(text, Provenance("210029.html", "pipermail"))
    assert isinstance(msg, Message)
    assert msg.date == dt.datetime(2019, 10, 22, 17, 29, 35, tzinfo=UTC)
    assert DATE_NO_ZONE in msg.defects
