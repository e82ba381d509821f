"""Threading real lore threads: parents, ghosts, order, subject fallback, loops, duplicates."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from threadscan.mail import parse_item
from threadscan.model import Message, RawItem, Thread
from threadscan.sources.base import SourceOptions
from threadscan.sources.files import iter_mbox
from threadscan.thread import build_threads

MAIL = Path(__file__).parent / "data" / "mail"
FILES = Path(__file__).parent / "data" / "files"
SHARED = Path(__file__).resolve().parents[2] / "shared"
EVTCHN = MAIL / "xen-devel-evtchn-defer-lock-acquire-v6.mbox"
XEN006 = MAIL / (
    "linux-block-xen-006-re-xen-devel-patch-v7-2-3-xen-blkback-squeeze-page-pools-if.mbox"
)
BRD = MAIL / "linux-block-noobj-006-brd-remove-brd-devices-mutex-mutex.mbox"
LORE_GZ = FILES / "lore-linux-block-00000000000099c4ca05da07e42f-t.mbox.gz"

BRD_ROOT = "01fb7a16-fb97-b0e4-1c1f-aa42e7f68766@i-love.sakura.ne.jp"
BRD_LUIS = "Yb+lq232ndMCt7z1@bombadil.infradead.org"
BRD_HCH = "20211221093416.GA10573@lst.de"
BRD_RESEND = "0dbdac19-80be-c5b4-ff14-1393c15ca06e@i-love.sakura.ne.jp"


def raw_items(path: Path) -> list[RawItem]:
    return [i for i in iter_mbox(str(path), SourceOptions()) if isinstance(i, RawItem)]


def to_message(item: RawItem) -> Message:
    [msg] = parse_item(item)
    assert isinstance(msg, Message)
    return msg


def messages(path: Path) -> list[Message]:
    return [to_message(i) for i in raw_items(path)]


def parents(thread: Thread) -> dict[str, str | None]:
    return {n.msgid: n.parent for n in thread.nodes}


def rewrite(item: RawItem, pattern: bytes, repl: bytes) -> Message:
    data = re.sub(pattern, repl, item.data, flags=re.M | re.I)
    return to_message(RawItem(data=data, kind="mail", provenance=item.provenance))


def test_evtchn_thread_hangs_off_the_missing_cover_letter_ghost() -> None:
    [thread] = build_threads(messages(EVTCHN))
    assert thread.id == "01bbf3d4-ca6a-e837-91fe-b34aa014564c@suse.com"
    assert thread.ghosts == (thread.id,)
    assert thread.subject == "evtchn: slightly defer lock acquire where possible"
    cover = "01bbf3d4-ca6a-e837-91fe-b34aa014564c@suse.com"
    patch = "5939858e-1c7c-5658-bc2d-0c9024c74040@suse.com"
    julien = "938eb888-ec15-feb1-19f7-b90dfee822ae@xen.org"
    roger = "YLCqQz9xS4HEpabG@Air-de-Roger"
    jan = "27d54d81-bec8-5bc7-39cd-60e9761e726b@suse.com"
    assert parents(thread) == {
        cover: None,
        patch: cover,
        julien: patch,
        roger: julien,
        jan: roger,
        "079f2f2a-0797-b650-ff47-7e595ab29589@xen.org": jan,
        "e5e6ab32-815c-49d8-94f3-a75d975465b3@suse.com": julien,
    }


def test_evtchn_nodes_are_depth_first_children_by_date() -> None:
    [thread] = build_threads(messages(EVTCHN))
    assert [n.msgid.split("@")[0][:8] for n in thread.nodes] == [
        "01bbf3d4", "5939858e", "938eb888", "YLCqQz9x", "27d54d81", "079f2f2a", "e5e6ab32",
    ]


def test_xen006_chain_under_ghost_with_reply_subject() -> None:
    [thread] = build_threads(messages(XEN006))
    assert thread.id == "20191212152757.GF11756@Air-de-Roger"
    assert thread.ghosts == ("20191212152757.GF11756@Air-de-Roger",)
    assert len(thread.message_ids) == 4
    assert thread.subject == "xen/blkback: Squeeze page pools if a memory pressure is detected"
    last = "CAEjAshpuT_S44Fn12XRZz-aLs38awkJSiQ_J2ofXsJRXKopScQ@mail.gmail.com"
    assert parents(thread)[last] == "8425d77b-37cf-d959-9466-7bc1d4d99642@suse.com"


def test_brd_three_replies_sorted_by_date_under_real_root() -> None:
    [thread] = build_threads(messages(BRD))
    assert thread.id == BRD_ROOT and thread.ghosts == ()
    assert thread.subject == "brd: remove brd_devices_mutex mutex"
    assert [n.msgid for n in thread.nodes] == [BRD_ROOT, BRD_LUIS, BRD_HCH, BRD_RESEND]
    assert {n.parent for n in thread.nodes[1:]} == {BRD_ROOT}


def test_lore_gz_thread_tree() -> None:
    [thread] = build_threads(messages(LORE_GZ))
    p = parents(thread)
    assert thread.id == "00000000000099c4ca05da07e42f@google.com"
    assert p["000000000000ea753505da2658d5@google.com"] == thread.id
    tetsuo = "134d1b65-f7c0-b8b3-d6c9-4a5e1d807afd@I-love.SAKURA.ne.jp"
    assert p["20220316084429.GA6858@lst.de"] == tetsuo
    assert p["20220316122614.6fmgrx55n4st7tsp@quack3.lan"] == tetsuo
    assert len(thread.nodes) == 10


def test_order_of_input_does_not_change_threads() -> None:
    msgs = messages(EVTCHN) + messages(BRD) + messages(LORE_GZ)
    expected = build_threads(msgs)
    shuffled = list(msgs)
    random.Random(7).shuffle(shuffled)
    assert build_threads(shuffled) == expected
    assert build_threads(reversed(msgs)) == expected
    assert [t.id for t in expected] == [
        "01bbf3d4-ca6a-e837-91fe-b34aa014564c@suse.com",  # 2021-05
        BRD_ROOT,  # 2021-12
        "00000000000099c4ca05da07e42f@google.com",  # 2022-03
    ]


def test_duplicates_are_merged_by_message_id() -> None:
    msgs = messages(BRD)
    assert build_threads(msgs + msgs) == build_threads(msgs)


def test_reply_without_references_joins_root_by_subject() -> None:
    items = raw_items(BRD)
    stripped = rewrite(items[2], rb"^(References|In-Reply-To):.*\n", b"")
    assert stripped.msgid == BRD_HCH and stripped.parent_ids == ()
    msgs = [to_message(items[0]), to_message(items[1]), stripped, to_message(items[3])]
    [thread] = build_threads(msgs)
    assert parents(thread)[BRD_HCH] == BRD_ROOT


def test_reply_under_unknown_parent_joins_by_subject_and_keeps_ghost() -> None:
    items = raw_items(BRD)
    moved = rewrite(items[1], re.escape(BRD_ROOT.encode()), b"lost-parent@example.org")
    assert moved.parent_ids == ("lost-parent@example.org",)
    msgs = [to_message(items[0]), moved, to_message(items[2]), to_message(items[3])]
    [thread] = build_threads(msgs)
    p = parents(thread)
    assert p["lost-parent@example.org"] == BRD_ROOT
    assert p[BRD_LUIS] == "lost-parent@example.org"
    assert thread.ghosts == ("lost-parent@example.org",)


def test_orphan_reply_joins_patch_that_sits_under_a_ghost_cover() -> None:
    items = raw_items(EVTCHN)
    last = rewrite(items[5], rb"^(References|In-Reply-To):.*\n(?:[ \t].*\n)*", b"")
    assert last.msgid == "e5e6ab32-815c-49d8-94f3-a75d975465b3@suse.com" and not last.parent_ids
    [thread] = build_threads([to_message(i) for i in items[:5]] + [last])
    assert parents(thread)[last.msgid] == "5939858e-1c7c-5658-bc2d-0c9024c74040@suse.com"


def test_reference_loop_is_broken() -> None:
    items = raw_items(BRD)
    luis = rewrite(items[1], re.escape(BRD_ROOT.encode()), BRD_HCH.encode())
    hch = rewrite(items[2], re.escape(BRD_ROOT.encode()), BRD_LUIS.encode())
    assert luis.parent_ids == (BRD_HCH,) and hch.parent_ids == (BRD_LUIS,)
    threads = build_threads([to_message(items[0]), luis, hch, to_message(items[3])])
    seen = [n.msgid for t in threads for n in t.nodes]
    assert sorted(seen) == sorted([BRD_ROOT, BRD_LUIS, BRD_HCH, BRD_RESEND])
    for thread in threads:
        p = parents(thread)
        for node in p:
            hops, up = 0, p[node]
            while up is not None:
                up, hops = p[up], hops + 1
                assert hops <= len(p)


def test_empty_input_gives_no_threads() -> None:
    assert build_threads([]) == []


def _lore_mboxes() -> list[Path]:
    fixtures = SHARED / "fixtures"
    lore = sorted(fixtures.glob("lore-*/*.mbox"))
    return lore + sorted(fixtures.glob("xen-devel-transcribed/*.mbox"))


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent")
def test_every_lore_fixture_is_one_thread_holding_every_message() -> None:
    paths = _lore_mboxes()
    assert len(paths) >= 80
    for path in paths:
        msgs = messages(path)
        threads = build_threads(msgs)
        assert len(threads) == 1, path
        assert set(threads[0].message_ids) == {m.msgid for m in msgs}, path
        assert len(threads[0].nodes) == len({n.msgid for n in threads[0].nodes}), path
