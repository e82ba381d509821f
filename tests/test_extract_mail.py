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


ZRAM_PATCH = (Path(__file__).parent / "data" / "html" / "patchwork" / "project" / "linux-block"
              / "patch" / "20251201094754.4149975-3-senozhatsky@chromium.org" / "mbox"
              / "index.mbox")


def test_documentation_hunks_name_no_function_code_hunks_do() -> None:
    from threadscan.nlp.link import code_functions
    from threadscan.report.debate import held_functions

    hunks = [h for p in analyze_patches(messages(ZRAM_PATCH)).patches for h in p.hunks]
    docs = [h for h in hunks if h.file.startswith("Documentation/")]
    # git's @@ line of the .rst hunk is prose: "... so keeping ... decompressed (...)"
    assert any("reset) so" in h.section for h in docs)
    assert all(h.function is None and not any(code_functions(h)) for h in docs)
    assert all(not held_functions(h) for h in docs)
    code = {h.function for h in hunks if h.file == "drivers/block/zram/zram_drv.c"}
    assert "writeback_compressed_store" in code


ZRAM_MACRO = DATA / "zram-module-attr-macro-v3-2.mbox"


def test_a_macro_body_line_defines_no_function() -> None:
    from threadscan.extract.cfunc import line_functions

    hunks = [h for p in analyze_patches(messages(ZRAM_MACRO)).patches for h in p.hunks
             if h.file == "drivers/block/zram/zram_drv.h"]
    texts = [ln.text for h in hunks for ln in h.lines]
    # "#define MODULE_DEVICE_ATTR_WO(_name) \" continues with "static DEVICE_ATTR_WO(...)"
    assert "static DEVICE_ATTR_WO(module_ ## _name)" in texts
    funcs = {f for h in hunks for f in (h.function, *line_functions(h.lines, h.section))}
    assert "DEVICE_ATTR_WO" not in funcs


ZRAM_WB = DATA / "zram-writeback-slot-lock-prototype.mbox"


def test_a_prototype_in_a_header_takes_no_lock() -> None:
    analysis = analyze_patches(messages(ZRAM_WB))
    header = [o for o in analysis.lock_ops if o.file == "drivers/block/zram/zram_drv.h"]
    # "+void zram_slot_lock(struct zram *zram, u32 index);" declares the function
    assert not header
    calls = {(o.function, o.role) for o in analysis.lock_ops if o.primitive == "zram_slot_lock"}
    assert ("complete_wb_request", "acquire") in calls


def test_a_function_whose_hunk_ends_inside_its_body_is_no_wrapper() -> None:
    from threadscan.extract import load_table
    from threadscan.extract.wrappers import find_wrappers

    (patch,) = [p for m in messages(ZRAM_WB) for p in find_patches(m)]
    # enqueue_wb_request's hunk stops after "spin_lock_bh(&req_list->lock); ...": its unlock
    # is below the hunk, unseen
    assert "enqueue_wb_request" not in find_wrappers(patch, load_table())
    analysis = analyze_patches(messages(ZRAM_WB))
    assert not [c for c in analysis.lock_changes if c.kind.startswith("wrapper-")]


IOCOST = DATA / "blk-iocost-irq-disable-msg-0.mbox"
BRD_XA = DATA / "brd-insert-page-xa-lock.mbox"


def test_a_lock_taken_in_another_context_is_a_context_change() -> None:
    # "spin_lock_irq(&ioc->lock)" -> "spin_lock(&ioc->lock)" under an irq-disabling caller
    changes = analyze_patches(messages(IOCOST)).lock_changes
    kinds = {(c.function, c.kind, c.lock, c.detail) for c in changes}
    assert kinds == {
        (fn, "context-changed", "ioc->lock", "spin_lock_irq -> spin_lock (irq -> plain)")
        for fn in ("ioc_qos_prfill", "ioc_cost_model_prfill")}


def test_xarray_lock_calls_take_the_xarray_spinlock() -> None:
    ops = analyze_patches(messages(BRD_XA)).lock_ops
    (unlock,) = {(o.function, o.lock, o.family, o.via) for o in ops if o.primitive == "xa_unlock"}
    assert unlock == ("brd_insert_page", "brd->brd_pages.xa_lock", "spinlock", "table")


def test_an_unlock_added_on_a_new_return_path_replaces_no_lock() -> None:
    # brd_insert_page stops dropping RCU around its allocation and adds xa_unlock() on two
    # new return paths of the xa_lock() it keeps: RCU is not "converted" to the xarray lock
    changes = analyze_patches(messages(BRD_XA)).lock_changes
    insert = {(c.kind, c.lock) for c in changes if c.function == "brd_insert_page"}
    assert insert == {("section-removed", "rcu")}


NS_TREE = DATA / "namespace-mnt-ns-tree-v1-17.mbox"


def test_a_declaration_with_a_trailing_comment_starts_no_function() -> None:
    # "LIST_HEAD(notify_list); /* protected by namespace_sem */" above the removed
    # "static DEFINE_SEQLOCK(mnt_ns_tree_lock);" is a declaration, not a function LIST_HEAD
    ops = analyze_patches(messages(NS_TREE)).lock_ops
    (define,) = [o for o in ops if o.primitive == "DEFINE_SEQLOCK"]
    assert (define.lock, define.sign, define.function) == ("mnt_ns_tree_lock", "-", None)


UBLK_FIFO = DATA / "ublk-evts-lock-anonymous-struct.mbox"


def test_an_attribute_after_an_anonymous_struct_is_no_member_name() -> None:
    # "struct { ...; spinlock_t evts_lock; }____cacheline_aligned_in_smp;" inside ublk_queue
    changes = analyze_patches(messages(UBLK_FIFO)).lock_changes
    assert [(c.kind, c.lock) for c in changes] == [("introduced", "ublk_queue.evts_lock")]


BLKCG = DATA / "blkcg-destroy-blkgs-trylock-v1-5.mbox"


def test_a_context_change_is_no_move_but_keeps_a_shrunk_section() -> None:
    # blkcg_destroy_blkgs(): spin_lock_irq(&blkcg->lock) -> spin_lock() over a shorter
    # section, and spin_trylock(&q->queue_lock) -> spin_lock_irq() in its place
    changes = analyze_patches(messages(BLKCG)).lock_changes
    kinds = {(c.kind, c.lock) for c in changes if c.function == "blkcg_destroy_blkgs"}
    assert kinds == {("context-changed", "blkcg->lock"), ("shrunk", "blkcg->lock"),
                     ("context-changed", "q->queue_lock")}


MREMAP = DATA / "mremap-pte-ptl-release-only.mbox"


def test_a_function_that_only_drops_a_lock_drops_the_new_one() -> None:
    # page_vma_mapped_walk_done() only unlocks: pvmw->ptl becomes pvmw->pte_ptl there too
    changes = analyze_patches(messages(MREMAP)).lock_changes
    [done] = [c for c in changes if c.function == "page_vma_mapped_walk_done"]
    assert (done.kind, done.lock, done.detail) == (
        "replaced", "pvmw->pte_ptl", "spin_unlock -> spin_unlock (pvmw->ptl -> pvmw->pte_ptl)")
