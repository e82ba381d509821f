"""Header decoding: people, dates with zone names, Message-IDs, RFC 2047 defects."""

from __future__ import annotations

import datetime as dt

import pytest

from threadscan.mail.headers import (
    decode_header,
    normalize_msgid,
    parse_date,
    parse_person,
    parse_references,
    synth_msgid,
)


@pytest.mark.parametrize(
    ("raw", "name", "email", "obfuscated"),
    [
        ("haren at linux.ibm.com", "", "haren@linux.ibm.com", False),
        ("Haren Myneni haren at linux.ibm.com", "Haren Myneni", "haren@linux.ibm.com", False),
        ("Haren Myneni <haren at linux.ibm.com>", "Haren Myneni", "haren@linux.ibm.com", False),
        ("Tony Krowiak <akrowiak@xxxxxxxxxxxxx>", "Tony Krowiak", "akrowiak@xxxxxxxxxxxxx", True),
        ("Juliet Kim<juli...@linux.vnet.ibm.com>", "Juliet Kim", "juli...@linux.vnet.ibm.com",
         True),
        ("Jan Beulich <jbeulich@DOMAIN.HIDDEN>", "Jan Beulich", "jbeulich@domain.hidden", True),
        (
            "goran at domain.com (=?ISO-8859-1?Q?G=F6ran_Lastname?=)",
            "Göran Lastname",
            "goran@domain.com",
            False,
        ),
        (
            "=?UTF-8?q?Roger=20Pau=20Monn=C3=A9?= <roger.pau@citrix.com>",
            "Roger Pau Monné",
            "roger.pau@citrix.com",
            False,
        ),
        ('"yves (yingmin) yang" <yves@example.com>', "yves (yingmin) yang", "yves@example.com",
         False),
        ("SeongJae Park <SJ38.Park@Gmail.com>", "SeongJae Park", "sj38.park@gmail.com", False),
        ("Jason Wang <jasowang\uff20redhat.com>", "Jason Wang", "jasowang@redhat.com", False),
        ("jdoe@example.com", "", "jdoe@example.com", False),
        ("", "", "", False),
    ],
)
def test_parse_person_table(raw: str, name: str, email: str, obfuscated: bool) -> None:
    person = parse_person(raw)
    assert (person.name, person.email, person.obfuscated) == (name, email, obfuscated)


def test_person_display_falls_back_to_email() -> None:
    assert parse_person("haren at linux.ibm.com").display == "haren@linux.ibm.com"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sat Oct 14 07:22:34 AEDT 2023", "2023-10-14T07:22:34+11:00"),
        ("Fri Oct 18 14:00:49 AEST 2019", "2019-10-18T14:00:49+10:00"),
        ("Thu, 21 Oct 2021 11:23:26 -0400", "2021-10-21T11:23:26-04:00"),
        ("Thu, 12 Dec 2019 08:07:12 -0800 (PST)", "2019-12-12T08:07:12-08:00"),
        ("Tue, 6 Dec 2011 01:49:42 CET", "2011-12-06T01:49:42+01:00"),
        ("Mon, 1 Jul 2019 10:00:00 CEST", "2019-07-01T10:00:00+02:00"),
        ("Wed, 1 Jan 2020 10:00:00 EST", "2020-01-01T10:00:00-05:00"),
        ("Wed, 1 Jul 2020 10:00:00 PDT", "2020-07-01T10:00:00-07:00"),
        ("Wed, 1 Jan 2020 10:00:00 GMT", "2020-01-01T10:00:00+00:00"),
        ("Wed, 1 Jan 2020 10:00:00 -0000", "2020-01-01T10:00:00+00:00"),
        ("Thu Mar  3 18:20:35 2016", "2016-03-03T18:20:35+00:00"),
        ("2023-10-14 07:22:34+11:00", "2023-10-14T07:22:34+11:00"),
        ("2023-10-14T07:22:34Z", "2023-10-14T07:22:34+00:00"),
    ],
)
def test_parse_date_is_aware_with_zone_abbreviations(raw: str, expected: str) -> None:
    when = parse_date(raw)
    assert when is not None and when.tzinfo is not None
    assert when == dt.datetime.fromisoformat(expected)
    assert when.utcoffset() == dt.datetime.fromisoformat(expected).utcoffset()


@pytest.mark.parametrize(
    "raw",
    [
        "Wed, 4 Jun 207777777777777777777714 17:50:46 0",  # patchwork fuzz/date-too-long
        ", 11 Sep 2016 23:22:904070804030804 +0100",  # fuzz/year-out-of-range
        "Wed, 4 Jun 2014 17:50:\udc80\udcff\udcff\udcff",  # fuzz/dateheader (raw 8-bit)
        "Wg>",
        "",
        None,
    ],
)
def test_parse_date_garbage_is_none(raw: str | None) -> None:
    assert parse_date(raw) is None


def test_normalize_msgid_strips_brackets_and_space() -> None:
    assert normalize_msgid(" <20191212160658.10466-1-sj38.park@gmail.com>\n") == (
        "20191212160658.10466-1-sj38.park@gmail.com"
    )
    assert normalize_msgid("YLCqQz9xS4HEpabG@Air-de-Roger") == "YLCqQz9xS4HEpabG@Air-de-Roger"
    assert normalize_msgid(None) == ""
    assert normalize_msgid("<abc\n def@host>") == "abcdef@host"


def test_parse_references_tolerates_folding_duplicates_and_garbage() -> None:
    value = "<a@b.example> garbage (comment)\n\t<c@d.example>  <a@b.example>"
    assert parse_references(value) == ("a@b.example", "c@d.example")
    assert parse_references("a@b.example, c@d.example") == ("a@b.example", "c@d.example")
    assert parse_references("<x@y> (Jan's message of Tue)") == ("x@y",)
    assert parse_references("!!!") == ()


def test_decode_header_records_bad_charsets() -> None:
    text, defects = decode_header("=?unknown-8bit?q?caf=E9?= au lait")
    assert text == "café au lait"
    assert any("unknown-8bit" in d for d in defects)
    text, defects = decode_header("=?x-no-such-charset?b?Y2Fm6Q==?=")
    assert text == "café"
    assert any("x-no-such-charset" in d for d in defects)


def test_decode_header_joins_adjacent_encoded_words() -> None:
    text, defects = decode_header("=?utf-8?q?Rafa=C5=82?=\n =?utf-8?q?_Mi=C5=82ecki?=")
    assert text == "Rafał Miłecki" and defects == ()


def test_decode_header_recovers_raw_latin1_bytes() -> None:
    raw = "Luc\udceda".encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")
    text, defects = decode_header(raw)
    assert text == "Lucía" and defects


def test_synth_msgid_is_deterministic() -> None:
    one = synth_msgid("a@b", "Mon, 1 Jan 2001", "subject", "body")
    assert one == synth_msgid("a@b", "Mon, 1 Jan 2001", "subject", "body")
    assert one != synth_msgid("a@b", "Mon, 1 Jan 2001", "subject", "body!")
    assert one.startswith("threadscan-") and one.endswith("@synthetic")
    assert len(one.split("@")[0]) == len("threadscan-") + 16
