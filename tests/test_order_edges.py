"""Held-lock simulation and nesting edges (threadscan.extract.order) on real patches."""

from __future__ import annotations

import mailbox
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.archive_server import file_messages
from threadscan.extract import (
    analyze_patches,
    format_patch,
    load_table,
    lock_changes,
    lock_ops,
    order_edges,
    parse_patch_text,
)
from threadscan.extract.image import function_images
from threadscan.extract.locks import called_names
from threadscan.extract.order import simulate
from threadscan.extract.primitives import PrimitiveTable
from threadscan.extract.wrappers import find_wrappers
from threadscan.model import Patch, PatchAnalysis

DATA = Path(__file__).parent / "data" / "extract"
RANGES = DATA / "linux-block-023-block-fix-nr-hw-queue-update-racing-with-disk-addition-remov.mbox"
SEED003 = DATA / "003_7f74704c25fc2499.txt"


@pytest.fixture(scope="module")
def table() -> PrimitiveTable:
    return load_table()


def first_patch(path: Path) -> Patch:
    for msg in mailbox.mbox(path):
        part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
        text = part.get_payload(decode=True).decode("utf-8", "replace")
        m = re.search(r"^diff --git ", text, re.M)
        if m:
            return parse_patch_text(text[m.start():], str(msg["message-id"]).strip("<>"))
    raise AssertionError("no patch")


def seed003_patch() -> Patch:
    flat = next(ln for ln in SEED003.read_text().split("\n") if ln.startswith("diff --git"))
    return parse_patch_text(flat, "seed003")


def test_dropping_sysfs_dir_lock_removes_its_nesting(table: PrimitiveTable) -> None:
    edges = order_edges(first_patch(RANGES), table)
    assert sorted((e.function, e.outer, e.inner, e.change) for e in edges) == [
        ("disk_register_independent_access_ranges", "q->sysfs_dir_lock", "q->sysfs_lock",
         "removed"),
        ("disk_set_independent_access_ranges", "q->sysfs_dir_lock", "q->sysfs_lock", "removed"),
        ("disk_unregister_independent_access_ranges", "q->sysfs_dir_lock", "q->sysfs_lock",
         "removed"),
    ]
    assert all(e.origin == "code" and not e.trylock for e in edges)


def test_edge_evidence_is_the_inner_acquisition_line(table: PrimitiveTable) -> None:
    edges = order_edges(first_patch(RANGES), table)
    [edge] = [e for e in edges if e.function == "disk_set_independent_access_ranges"]
    assert edge.evidence == "mutex_lock(&q->sysfs_lock);"


def test_trylock_edge_and_error_path_restore(table: PrimitiveTable) -> None:
    patch = seed003_patch()
    images = function_images(patch)
    image = images[("drivers/vfio/pci/mlx5/main.c", "mlx5vf_pci_aer_reset_done")]
    sim = simulate(image.new, table, find_wrappers(patch, table), called_names(patch))
    assert [(e.outer, e.inner, e.trylock) for e in sim.edges] == [
        ("mvdev->reset_lock", "mvdev->state_mutex", True)]
    assert sim.held == []  # released by spin_unlock + the wrapper; the early return restored
    assert [lock for lock in sim.sections] == ["mvdev->reset_lock", "mvdev->state_mutex"]


def test_a_scoped_guard_holds_its_lock_to_the_end_of_its_block(table: PrimitiveTable) -> None:
    # Bart Van Assche's blk-zoned v21 06/12 turns spin_lock_irqsave()/unlock into
    # scoped_guard(spinlock_irqsave, &zwplug->lock) { ... }: the lock ends with that block,
    # not with the function (the "again:" label above the guard is no longer covered)
    path = DATA / "blk-zoned-scoped-guard-v21-06.mbox"
    pa = analyze_patches(file_messages(path))
    [patch] = [p for p in pa.patches if not p.quoted]
    [image] = function_images(patch).values()
    sim = simulate(image.new, table, find_wrappers(patch, table), called_names(patch))
    [(start, end)] = sim.sections["zwplug->lock"]
    assert image.new[start].code.strip() == "scoped_guard(spinlock_irqsave, &zwplug->lock) {"
    assert image.new[end].code.strip() == "}" and end < len(image.new) - 1
    assert "bdev = bio->bi_bdev;" in [il.code.strip() for il in image.new[end:]]
    assert [(lc.function, lc.kind) for lc in pa.lock_changes] == [
        ("blk_zone_wplug_bio_work", "shrunk")]


def test_pre_image_of_a_new_function_is_empty(table: PrimitiveTable) -> None:
    patch = seed003_patch()
    image = function_images(patch)[("drivers/vfio/pci/mlx5/main.c",
                                    "mlx5vf_pci_aer_reset_done")]
    assert image.old == ()
    assert all(il.line.sign == "+" for il in image.new)


SEED003_LINES = format_patch(seed003_patch()).split("\n")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(SEED003_LINES), max_size=70))
def test_lock_stages_never_raise_on_damaged_patches(lines: list[str]) -> None:
    table = load_table()
    patch = parse_patch_text("\n".join(lines), "fuzz", quoted=True)
    ops = lock_ops(patch, table)
    lock_changes(patch, ops, table)
    for edge in order_edges(patch, table):
        assert edge.outer != edge.inner


def thread_analysis(path: Path) -> PatchAnalysis:
    return analyze_patches(file_messages(path))


def test_wait_under_a_held_lock_is_an_order_edge_to_what_it_waits_for() -> None:
    # loop: __loop_clr_fd() calls del_timer_sync(&lo->timer) with the queue frozen
    pa = thread_analysis(DATA / "linux-block-025-loop-remove-lo-refcount-and-avoid-lo-mutex-in-"
                                "open-release.mbox")
    waits = {(e.function, e.outer, e.inner, e.evidence) for e in pa.lock_order
             if e.inner == "lo->timer"}
    assert waits == {("__loop_clr_fd", "lo->lo_queue->q_usage_counter", "lo->timer",
                      "del_timer_sync(&lo->timer);")}


def test_trylock_only_wrapper_pairs_with_its_release_wrapper(table: PrimitiveTable) -> None:
    # dept: dept_lock() spins on arch_spin_trylock(&dept_spin), dept_unlock() releases it; the
    # synchronize_rcu() after dept_unlock() is therefore not under any lock
    pa = thread_analysis(DATA / "linux-block-007-dept-track-timeout-waits-separately-with-a-"
                                "new-kconfig.mbox")
    (patch,) = [p for p in pa.patches if p.msgid.startswith("1673235231-30302-3-")]
    wrappers = find_wrappers(patch, table)
    assert (wrappers["dept_lock"].role, wrappers["dept_lock"].lock_expr) == ("trylock",
                                                                             "dept_spin")
    assert wrappers["dept_unlock"].lock_expr == "dept_spin"
    assert not [e for e in pa.lock_order if e.function == "dept_free_range"]
