"""parse_page on the visible text of real-mail MHonArc pages (spinics, xenproject)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from threadscan.mail.page import detect_kind, parse_page
from threadscan.model import Message, Provenance

DATA = Path(__file__).parent / "data" / "body"


def _page(name: str) -> Message:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((DATA / name).read_bytes(), "lxml")
    for tag in soup(["script", "style"]):
        tag.decompose()
    text = "\n".join(ln.rstrip() for ln in soup.get_text().splitlines() if ln.strip())
    assert detect_kind(text) == "mhonarc"
    (msg,) = parse_page(text, Provenance(source=name, kind="mhonarc"))
    assert isinstance(msg, Message)
    return msg


def test_spinics_header_block_gives_author_date_and_parent() -> None:
    msg = _page("spinics-kvm-arm-msg50017.html")
    assert (msg.author.name, msg.author.email) == ("Marc Zyngier", "maz@xxxxxxxxxx")
    assert msg.author.obfuscated
    assert msg.date == dt.datetime(
        2021, 4, 12, 11, 12, 51, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert msg.in_reply_to == "20210402005658.3024832-4-seanjc@xxxxxxxxxx"
    assert msg.subject.index == 3 and msg.subject.total == 10


def test_spinics_body_segments() -> None:
    msg = _page("spinics-kvm-arm-msg50017.html")
    kinds = [(s.kind, s.depth, s.speaker) for s in msg.segments]
    assert kinds[:3] == [
        ("attribution", 0, "Marc Zyngier"),
        ("quote", 1, "Sean Christopherson"),
        ("trailer", 0, "Marc Zyngier"),
    ]
    assert msg.segments_of("trailer")[0].text == "Reviewed-by: Marc Zyngier <maz@xxxxxxxxxx>"
    assert msg.segments_of("signature")[0].text.startswith("--\nWithout deviation")
    assert msg.segments[-1].kind == "footer" and "kvmarm mailing list" in msg.segments[-1].text


def test_xenproject_reply_quotes_the_whole_patch() -> None:
    msg = _page("xenproject-xen-devel-2022-12-msg00000.html")
    assert msg.author.name == "Stefano Stabellini"
    quoted_diff = msg.segments_of("diff")[0]
    assert (quoted_diff.depth, quoted_diff.speaker) == (1, "Roger Pau Monne")
    assert "spin_lock_irqsave" in quoted_diff.text
    own = next(s for s in msg.segments if "For domU_read_console" in s.text)
    assert (own.kind, own.speaker) == ("text", "Stefano Stabellini")
    assert msg.segments[-1].kind == "footer" and msg.segments[-1].text.startswith("Follow-Ups:")
