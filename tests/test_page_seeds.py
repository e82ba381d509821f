"""parse_page on the five seed pages: kind, author, date, and who said what at which depth."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from threadscan.mail.page import detect_kind, parse_page
from threadscan.model import Message, Provenance, Segment

SEEDS = Path(__file__).parent / "data" / "seeds"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _page(prefix: str) -> list[Message]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    found = parse_page(path.read_text("utf-8"), Provenance(source=str(path), kind="text"))
    messages = [m for m in found if isinstance(m, Message)]
    assert len(messages) == len(found)
    return messages


def _said(message: Message, needle: str) -> Segment:
    return next(s for s in message.segments if needle in s.text)


def _structure(message: Message) -> list[tuple[int, str | None]]:
    """(depth, speaker) of quote/diff segments, consecutive duplicates folded."""
    out: list[tuple[int, str | None]] = []
    for seg in message.segments:
        if seg.kind in ("quote", "diff") and seg.depth and (seg.depth, seg.speaker) not in out[-1:]:
            out.append((seg.depth, seg.speaker))
    return out


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [
        ("000", "pipermail"),
        ("001", "text"),
        ("002", "mhonarc"),
        ("003", "patchwork"),
        ("004", "mhonarc"),
    ],
)
def test_seed_archive_kind_is_detected(prefix: str, kind: str) -> None:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    assert detect_kind(path.read_text("utf-8")) == kind


def test_seed000_pipermail_author_date_subject() -> None:
    (msg,) = _page("000")
    assert (msg.author.name, msg.author.email) == ("Haren Myneni", "haren@linux.ibm.com")
    assert msg.date == dt.datetime(
        2023, 10, 14, 7, 22, 34, tzinfo=dt.timezone(dt.timedelta(hours=11))
    )
    assert msg.subject.clean.startswith("powerpc/pseries/vas: Migration suspend waits")
    assert msg.msgid_synthetic and msg.msgid.endswith("@synthetic")


def test_seed000_four_levels_alternate_nathan_and_haren() -> None:
    (msg,) = _page("000")
    assert _said(msg, "The hypervisor returns migration failure").depth == 4
    assert _said(msg, "The hypervisor returns migration failure").speaker == "Haren Myneni"
    assert (
        _said(msg, "Could the the path t1 takes").depth,
        _said(msg, "Could the the path t1 takes").speaker,
    ) == (
        3,
        "Nathan Lynch",
    )
    assert _said(msg, "Thanks Nathan for your comments.").speaker == "Haren Myneni"
    contend = _said(msg, "I contend that it would fix your bug")
    assert (contend.kind, contend.depth, contend.speaker) == ("quote", 1, "Nathan Lynch")
    own = _said(msg, "The migration thread is the only writer")
    assert (own.kind, own.depth, own.speaker) == ("text", 0, "Haren Myneni")
    assert msg.segments[-1].kind == "footer"


def test_seed000_is_deterministic() -> None:
    assert _page("000")[0].msgid == _page("000")[0].msgid


def test_seed001_google_groups_reply_is_juliets() -> None:
    (msg,) = _page("001")
    assert msg.author.name == "Juliet Kim"
    assert msg.author.email == "juli...@linux.vnet.ibm.com" and msg.author.obfuscated
    assert msg.date is None and "no date on page" in msg.defects
    conflating = _said(msg, "I think this is conflating two issues")
    assert (conflating.depth, conflating.speaker) == (1, "Nathan Lynch")
    prrn = _said(msg, "PRRN request can be received at any time")
    assert (prrn.kind, prrn.depth, prrn.speaker) == ("text", 0, "Juliet Kim")
    assert _said(msg, "Thanks,\nNathan").speaker == "Nathan Lynch"


def test_seed002_halil_replies_to_tony() -> None:
    (msg,) = _page("002")
    assert msg.author.name == "Halil" and msg.author.email == ""
    assert msg.date is None
    assert msg.subject.version == 17 and msg.subject.index == 9
    attribution = msg.segments_of("attribution")[0]
    assert attribution.text.endswith("Tony Krowiak <akrowiak@xxxxxxxxxxxxx> wrote:")
    assert _structure(msg) == [(1, "Tony Krowiak")]
    kvm = _said(msg, "Keep in mind that the kvm->lock must be taken outside")
    assert kvm.speaker == "Tony Krowiak"
    rwsem = _said(msg, "But rwsem can't be")
    assert (rwsem.kind, rwsem.speaker) == ("text", "Halil")
    assert msg.segments[0].kind == "footer"
    assert msg.segments[-1].kind == "footer"


def test_seed004_george_quotes_andres_patch_two_deep() -> None:
    (msg,) = _page("004")
    assert msg.author.name == "Andres Lagar-Cavilla"
    assert msg.subject.clean == "Rework locking in the PoD layer"
    inner = _said(msg, "Andres Lagar-Cavilla wrote:")
    assert (inner.kind, inner.depth) == ("attribution", 1)
    assert (_said(msg, "This assert should stay where it is.").speaker) == "George"
    diffs = msg.segments_of("diff")
    assert diffs and all((d.depth, d.speaker) == (2, "Andres Lagar-Cavilla") for d in diffs)
    assert any(
        "diff -r fb9c06df05f2 -r 56ceab0118cb xen/arch/x86/mm/p2m.c" in d.text for d in diffs
    )
    assert any("+    pod_lock(p2m);" in d.text for d in diffs)
    own = _said(msg, "As is, there is no risk of deadlock.")
    assert (own.kind, own.depth, own.speaker) == ("text", 0, "Andres Lagar-Cavilla")
    assert msg.segments[-1].kind == "footer"


def test_seed003_patchwork_messages_and_authors() -> None:
    msgs = _page("003")
    authors = [m.author.name for m in msgs]
    assert authors == [
        "Yishai Hadas",
        "Alex Williamson",
        "Jason Gunthorpe",
        "Alex Williamson",
        "Jason Gunthorpe",
    ]
    patch = msgs[0]
    assert (
        patch.msgid == "20220207172216.206415-15-yishaih@nvidia.com" and not patch.msgid_synthetic
    )
    assert patch.date == dt.datetime(
        2022, 2, 7, 19, 22, 15, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert msgs[1].date == dt.datetime(
        2022, 2, 8, 17, 8, 1, tzinfo=dt.timezone(dt.timedelta(hours=-7))
    )
    assert msgs[2].author.email == "jgg@nvidia.com"
    assert msgs[4].date is None


def test_seed003_replies_link_to_what_they_quote() -> None:
    msgs = _page("003")
    assert msgs[0].in_reply_to is None
    for parent, child in itertools.pairwise(msgs):
        assert child.in_reply_to == parent.msgid
        assert child.msgid_synthetic


def test_seed003_patch_diff_rebuilt_into_lines() -> None:
    patch = _page("003")[0]
    (diff,) = patch.segments_of("diff")
    lines = diff.text.split("\n")
    assert lines[0] == "diff --git a/drivers/vfio/pci/mlx5/main.c b/drivers/vfio/pci/mlx5/main.c"
    assert "@@ -28,9 +28,12 @@" in lines
    assert "+ spin_lock(&mvdev->reset_lock);" in lines
    assert "+ if (!mutex_trylock(&mvdev->state_mutex)) {" in lines
    assert "- mutex_unlock(&mvdev->state_mutex);" in lines
    assert (diff.depth, diff.speaker) == (0, "Yishai Hadas")


def test_seed003_quoted_diff_and_nested_quotes() -> None:
    alex1, jason1, alex2, jason2 = _page("003")[1:]
    quoted = alex1.segments_of("diff")[0]
    assert (quoted.depth, quoted.speaker) == (1, "Yishai Hadas")
    assert (
        "+static void mlx5vf_state_mutex_unlock(struct mlx5vf_pci_core_device *mvdev)"
        in quoted.text
    )
    assert _said(alex1, "I still can't see why").speaker == "Alex Williamson"
    assert _said(alex1, "I still can't see why").kind == "text"
    assert _structure(jason1) == [(2, "Yishai Hadas"), (1, "Alex Williamson")]
    assert _said(jason1, "It simply is not useful").speaker == "Jason Gunthorpe"
    assert _structure(alex2) == [
        (3, "Yishai Hadas"),
        (2, "Alex Williamson"),
        (1, "Jason Gunthorpe"),
    ]
    walk = _said(alex2, "So walk me through how this works with QEMU")
    assert (walk.kind, walk.speaker) == ("text", "Alex Williamson")
    stepped = _said(jason2, "before the device")
    assert (stepped.depth, stepped.speaker) == (1, "Alex Williamson")
    assert "Yes, STOP_COPY" not in stepped.text
    assert _said(jason2, "Yes, STOP_COPY drivers like mlx5/acc").speaker == "Jason Gunthorpe"
    assert _said(jason2, "The device will be in PRE_COPY").kind == "text"


def test_empty_page_is_a_skip_with_reason() -> None:
    (skip,) = parse_page("  \n\n", Provenance(source="x", kind="text"))
    assert not isinstance(skip, Message) and "empty" in skip.reason


@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is absent")
def test_shared_seeds_match_the_copies() -> None:
    for path in (SHARED / "seeds").iterdir():
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


def test_text_without_any_mail_shape_is_a_skip() -> None:
    (skip,) = parse_page(
        "Toggle navigation\nLogin\nRegister\n", Provenance(source="x", kind="text")
    )
    assert not isinstance(skip, Message) and "no mail" in skip.reason
