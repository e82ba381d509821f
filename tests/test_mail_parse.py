"""parse_item over real mail: lore threads, patchwork fuzz corpus, perceval archives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threadscan.mail import parse_item, parse_mail
from threadscan.model import Message, Provenance, RawItem, Skip
from threadscan.sources.base import SourceOptions
from threadscan.sources.files import iter_mbox

DATA = Path(__file__).parent / "data" / "mail"
SHARED = Path(__file__).resolve().parents[2] / "shared"
XEN006 = "linux-block-xen-006-re-xen-devel-patch-v7-2-3-xen-blkback-squeeze-page-pools-if.mbox"
XEN004 = "linux-block-xen-004-deadlock-in-xen-blkfront-upon-device-hot-unplug.mbox"
EVTCHN = "xen-devel-evtchn-defer-lock-acquire-v6.mbox"
BRD = "linux-block-noobj-006-brd-remove-brd-devices-mutex-mutex.mbox"


def parse_file(path: Path) -> tuple[list[Message], list[Skip]]:
    messages: list[Message] = []
    skips: list[Skip] = []
    for item in iter_mbox(str(path), SourceOptions()):
        results = parse_item(item) if isinstance(item, RawItem) else [item]
        for result in results:
            (messages if isinstance(result, Message) else skips).append(result)  # type: ignore[arg-type]
    return messages, skips


def raw(data: bytes) -> RawItem:
    return RawItem(data=data, kind="mail", provenance=Provenance("test", "eml"))


def strings(value: object) -> list[str]:
    """Every string inside a (nested) dataclass value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.astuple(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, (tuple, list)):
        return [s for v in value for s in strings(v)]
    return []


def assert_storable(result: Message | Skip) -> None:
    for text in strings(result):
        text.encode("utf-8")  # raises on lone surrogates


def one(path: Path) -> Message:
    messages, skips = parse_file(path)
    assert not skips and len(messages) == 1
    return messages[0]


@pytest.mark.parametrize(("name", "count"), [(XEN006, 4), (XEN004, 5), (EVTCHN, 6), (BRD, 4)])
def test_lore_mbox_parses_every_message(name: str, count: int) -> None:
    messages, skips = parse_file(DATA / name)
    assert len(messages) == count and skips == []
    assert all(m.date is not None and m.date.tzinfo is not None for m in messages)
    assert all(not m.msgid_synthetic and "@" in m.msgid for m in messages)


def test_xen006_headers_of_roger_reply() -> None:
    messages, _ = parse_file(DATA / XEN006)
    roger = messages[1]
    assert roger.msgid == "20191213092742.GG11756@Air-de-Roger"
    assert roger.author.name == "Roger Pau Monné"
    assert roger.author.email == "roger.pau@citrix.com"
    cet = dt.timezone(dt.timedelta(hours=1))
    assert roger.date == dt.datetime(2019, 12, 13, 10, 27, 42, tzinfo=cet)
    assert roger.in_reply_to == "20191212160658.10466-1-sj38.park@gmail.com"
    assert roger.references == (
        "20191212152757.GF11756@Air-de-Roger",
        "20191212160658.10466-1-sj38.park@gmail.com",
    )
    assert roger.subject.is_reply and roger.subject.version == 7
    assert (roger.subject.index, roger.subject.total) == (2, 3)
    assert roger.subject.clean == "xen/blkback: Squeeze page pools if a memory pressure is detected"
    assert roger.list_id == "linux-block.vger.kernel.org"


def test_evtchn_first_message_is_jan_patch() -> None:
    messages, _ = parse_file(DATA / EVTCHN)
    jan = messages[0]
    assert jan.author.email == "jbeulich@suse.com"
    assert jan.subject.prefixes == ("PATCH",) and not jan.subject.is_reply
    assert jan.in_reply_to == "01bbf3d4-ca6a-e837-91fe-b34aa014564c@suse.com"
    assert "Roger Pau Monné" in {m.author.name for m in messages}


def test_text_x_patch_parts_become_attachments() -> None:
    msg = one(DATA / "linuxppc-dev-003-msg9-xpatch-attachments.mbox")
    assert msg.author.email == "longman@redhat.com"
    names = [a.filename for a in msg.attachments]
    assert names == [
        "0001-locking-pvqspinlock-Code-relocation-and-extraction.patch",
        "0002-locking-pvqspinlock-Introduce-CONFIG_PARAVIRT_QSPINL.patch",
        "0009-powerpc-pseries-Fixup.patch",
    ]
    assert all(a.content_type == "text/x-patch" for a in msg.attachments)
    assert msg.attachments[2].text.startswith("From 655d3a5d48a494a5674cf57454bf3e1f36b6eb83")
    assert "diff --git" in msg.attachments[0].text


def test_multipart_alternative_keeps_plain_body_and_html_as_attachment() -> None:
    msg = one(DATA / "patchwork-0019-multipart-patch.mbox")
    assert msg.subject.clean == "parsemail: ignore html part of multi-part comments"
    assert [a.content_type for a in msg.attachments] == ["text/html"]
    body = "\n".join(s.text for s in msg.segments)
    assert "<html" not in body.lower()


def test_codec_null_charset_is_a_defect_not_a_crash() -> None:
    msg = one(DATA / "patchwork-codec-null.mbox")
    assert msg.author.email == "xiaolou4617@gmail.com"
    assert "NUL bytes in message" in msg.defects
    assert any("unknown charset" in d for d in msg.defects)


def test_missing_message_id_is_synthesized_deterministically() -> None:
    first = one(DATA / "patchwork-msgid-len2.mbox")
    again = one(DATA / "patchwork-msgid-len2.mbox")
    assert first.msgid_synthetic and first.msgid.endswith("@synthetic")
    assert first.msgid == again.msgid
    assert "no Message-ID: synthesized" in first.defects


def test_unreadable_dates_are_none_with_defect() -> None:
    for name in ("patchwork-year-out-of-range.mbox", "patchwork-dateheader.mbox"):
        msg = one(DATA / name)
        assert_storable(msg)
        assert msg.date is None
        assert any(d.startswith("unreadable Date") for d in msg.defects)


def test_invalid_utf8_header_bytes_are_recovered() -> None:
    msg = one(DATA / "patchwork-0015-with-invalid-utf8-headers.mbox")
    assert msg.author.email == "zajec5@gmail.com"
    assert msg.subject.clean.startswith("MAINTAINERS: Update entry for BCM5301X")


def test_invalid_charset_falls_back_with_defect() -> None:
    msg = one(DATA / "patchwork-0010-invalid-charset.mbox")
    assert msg.author.name == "Joseph S. Myers"
    assert any("charset 'none'" in d for d in msg.defects)


def test_perceval_latin1_unixfrom_and_encoded_name() -> None:
    msg = one(DATA / "mbox_iso8859_encoding.mbox")
    assert msg.author.name == "Lucía Charlie"
    assert msg.subject.clean == "Remittance Advice"


def test_pipermail_obfuscated_from_is_deobfuscated() -> None:
    messages, skips = parse_file(DATA / "pipermail_2016_april.mbox")
    assert len(messages) == 3 and not skips
    assert messages[0].author.email == "jgb@example.com"
    assert messages[0].author.name == "Jesus M. Gonzalez-Barahona"
    assert not messages[0].author.obfuscated
    assert messages[0].subject.clean == "Presenting GrimoireLab"


def test_mercurial_series_subjects() -> None:
    messages, _ = parse_file(DATA / "patchwork-mercurial-cover-letter.mbox")
    assert [(m.subject.index, m.subject.total) for m in messages] == [(0, 2), (1, 2), (2, 2)]
    assert messages[1].in_reply_to == "patchbomb.1485159385@nuevo"


def test_base64_garbage_from_header_does_not_crash() -> None:
    msg = one(DATA / "patchwork-base64err.mbox")
    assert msg.msgid == "1m"
    assert "no Date header" in msg.defects


def test_bytes_without_headers_are_skipped_with_reason() -> None:
    [result] = parse_item(raw(b"\x00\x01 just some bytes\n\nand more"))
    assert isinstance(result, Skip) and "no mail headers" in result.reason


def test_parse_mail_survives_headers_only() -> None:
    msg = parse_mail(b"Subject: hi\n", Provenance("test", "eml"))
    assert isinstance(msg, Message)
    assert msg.subject.clean == "hi" and "no From header" in msg.defects and msg.date is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    results = parse_item(raw(data))
    assert results and all(isinstance(r, (Message, Skip)) for r in results)
    for result in results:
        assert_storable(result)


_HEADER = st.sampled_from(
    [b"From: ", b"Date: ", b"Subject: ", b"Message-ID: ", b"References: ", b"In-Reply-To: ",
     b"Content-Type: ", b"Content-Transfer-Encoding: ", b"MIME-Version: ", b"List-Id: "]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_HEADER, st.binary(max_size=80)), min_size=1, max_size=12),
       st.binary(max_size=500))
def test_mail_like_bytes_give_a_message_not_an_exception(
    headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    lines = (name + value.replace(b"\n", b" ").replace(b"\r", b" ") for name, value in headers)
    [result] = parse_item(raw(b"\n".join(lines) + b"\n\n" + body))
    assert_storable(result)
    if isinstance(result, Skip):  # only when no core header made it through
        assert result.reason.startswith("no mail headers"), result.reason
        assert not any(name in (b"From: ", b"Date: ", b"Subject: ", b"Message-ID: ")
                       for name, _ in headers)


def _shared_files() -> list[Path]:
    roots = [SHARED / "fixtures" / "patchwork-tests", SHARED / "fixtures" / "perceval-tests"]
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*.mbox"))


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_every_patchwork_and_perceval_mbox_parses_or_skips_with_reason() -> None:
    files = _shared_files()
    assert len(files) >= 50
    for path in files:
        messages, skips = parse_file(path)
        assert messages or skips, path
        assert all(s.reason for s in skips), path
        assert all(m.msgid for m in messages), path
        for message in messages:
            assert_storable(message)


def _first_item(name: str) -> RawItem:
    item = next(iter_mbox(str(DATA / name), SourceOptions()))
    assert isinstance(item, RawItem)
    return item


def test_missing_date_falls_back_to_last_received_hop() -> None:
    item = _first_item(XEN004)
    data = item.data.replace(b"\nDate:   Thu, 15 Jul 2021 11:16:30 +0200\n", b"\n", 1)
    [msg] = parse_item(RawItem(data, "mail", item.provenance))
    assert isinstance(msg, Message)
    cest = dt.timezone(dt.timedelta(hours=2))
    assert msg.date == dt.datetime(2021, 7, 15, 11, 16, 37, tzinfo=cest)
    assert "no Date header: taken from Received" in msg.defects


def test_list_id_falls_back_to_x_mailing_list() -> None:
    item = _first_item(XEN004)
    data = re.sub(rb"\nList-Id:[^\n]*(\n[ \t][^\n]*)*", b"", item.data, flags=re.I)
    [msg] = parse_item(RawItem(data, "mail", item.provenance))
    assert isinstance(msg, Message) and msg.list_id == "linux-block.vger.kernel.org"


def test_first_of_several_in_reply_to_ids_is_kept() -> None:
    data = (b"From: a@example.org\nMessage-ID: <m@example.org>\n"
            b"In-Reply-To: <p1@example.org> <p2@example.org>\nSubject: Re: x\n\nbody\n")
    [msg] = parse_item(raw(data))
    assert isinstance(msg, Message) and msg.in_reply_to == "p1@example.org"
