"""The extract stage fed by the real mail parser (parse_item) on copied lore threads."""

from __future__ import annotations

import mailbox
from pathlib import Path

from threadscan.extract import analyze_patches, find_patches
from threadscan.mail import parse_item
from threadscan.model import Message, Provenance, RawItem

DATA = Path(__file__).parent / "data" / "extract"
LOOP = DATA / "linux-block-028-loop-scale-loop-device-by-introducing-per-device-lock.mbox"


def messages(path: Path) -> list[Message]:
    out: list[Message] = []
    for i, msg in enumerate(mailbox.mbox(path)):
        item = RawItem(msg.as_bytes(), "mail", Provenance(str(path), "mbox", str(i)))
        out += [m for m in parse_item(item) if isinstance(m, Message)]
    return out


def test_loop_thread_patch_and_its_quoted_views() -> None:
    msgs = messages(LOOP)
    result = analyze_patches(msgs)
    own = [p for p in result.patches if not p.quoted]
    assert len(own) == 1 and len(own[0].hunks) == 24 and own[0].defects == ()
    assert own[0].series == "loop: scale loop device by introducing per device lock"
    assert (own[0].version, own[0].index, own[0].total) == (1, 1, 1)
    assert any(p.quoted and p.depth >= 1 for p in result.patches)
    assert {op.msgid for op in result.lock_ops} == {own[0].msgid}


def test_loop_thread_lock_changes_from_mail() -> None:
    result = analyze_patches(messages(LOOP))
    kinds = {(c.function, c.kind) for c in result.lock_changes}
    assert ("loop_change_fd", "replaced") in kinds
    assert (None, "introduced") in kinds


def test_cover_letter_has_no_patches_and_replies_only_views() -> None:
    msgs = messages(LOOP)
    [cover] = [m for m in msgs if m.subject.index == 0]
    assert find_patches(cover) == []
    for reply in (m for m in msgs if m.subject.is_reply):
        assert all(p.quoted for p in find_patches(reply))
