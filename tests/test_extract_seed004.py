"""Seed 004 (Xen PoD locking rework, patch quoted two levels deep) through the mail parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadscan.extract import analyze_patches
from threadscan.mail import parse_item
from threadscan.model import Message, PatchAnalysis, Provenance, RawItem

SEED = Path(__file__).parent / "data" / "extract" / "004_829cfff417aa0942.txt"


@pytest.fixture(scope="module")
def analysis() -> PatchAnalysis:
    item = RawItem(SEED.read_bytes(), "page-text", Provenance(str(SEED), "text"))
    messages = [m for m in parse_item(item) if isinstance(m, Message)]
    return analyze_patches(messages)


def test_seed004_patch_is_a_quoted_view_used_as_fallback(analysis: PatchAnalysis) -> None:
    assert all(p.quoted for p in analysis.patches)
    assert analysis.lock_ops, "the quoted copy stands in for the patch"
    assert {p.depth for p in analysis.patches} == {2}


def test_seed004_emergency_sweep_gains_a_p2m_lock_section(analysis: PatchAnalysis) -> None:
    [change] = [c for c in analysis.lock_changes if c.function == "p2m_pod_emergency_sweep"]
    assert (change.kind, change.lock, change.primitive) == (
        "section-added", "p2m->lock", "p2m_lock")
    assert "p2m_unlock" in change.detail


def test_seed004_demand_populate_replaces_page_alloc_with_pod_lock(
    analysis: PatchAnalysis,
) -> None:
    [change] = [c for c in analysis.lock_changes if c.function == "p2m_pod_demand_populate"]
    assert change.kind == "replaced"
    assert change.detail.startswith("lock_page_alloc -> pod_lock")
    assert change.lock == "p2m->pod.lock"


def test_seed004_pod_unlock_on_every_exit_path(analysis: PatchAnalysis) -> None:
    ops = [o for o in analysis.lock_ops if o.function == "p2m_pod_demand_populate"]
    added_unlocks = [o for o in ops if o.sign == "+" and o.primitive == "pod_unlock"]
    removed_unlocks = [o for o in ops if o.sign == "-" and o.primitive == "unlock_page_alloc"]
    assert len(added_unlocks) == 5  # 1G split, return 0, out_of_memory, out_fail, remap_and_retry
    assert len(removed_unlocks) == 3
    assert {o.lock for o in added_unlocks} == {"p2m->pod.lock"}
    assert {o.lock for o in removed_unlocks} == {"p2m->domain->page_alloc_lock"}


def test_seed004_audit_p2m_nests_pod_lock_inside_p2m_lock(analysis: PatchAnalysis) -> None:
    edges = [e for e in analysis.lock_order if e.function == "audit_p2m"]
    assert [(e.outer, e.inner, e.change, e.trylock) for e in edges] == [
        ("p2m->lock", "p2m->pod.lock", "added", False)]
    assert edges[0].evidence == "pod_lock(p2m);"


def test_seed004_pod_locked_by_me_assertion_added(analysis: PatchAnalysis) -> None:
    [change] = [c for c in analysis.lock_changes if c.kind == "assertion-added"]
    assert (change.function, change.lock, change.primitive) == (
        "p2m_pt_audit_p2m", "p2m->pod.lock", "pod_locked_by_me")
    assert change.role == "assert_held"


def test_seed004_new_mm_lock_field_and_its_init(analysis: PatchAnalysis) -> None:
    [decl] = [o for o in analysis.lock_ops if o.role == "declare"]
    assert (decl.primitive, decl.lock, decl.family) == ("mm_lock_t", "p2m_domain.pod.lock",
                                                        "mm_lock")
    [init] = [o for o in analysis.lock_ops if o.role == "init"]
    assert (init.primitive, init.lock, init.function) == (
        "mm_lock_init", "p2m->pod.lock", "p2m_initialise")
    [intro] = [c for c in analysis.lock_changes if c.kind == "introduced"]
    assert "mm_lock_init" in intro.detail and "pod_lock" in intro.detail


def test_seed004_quoted_fallback_can_be_turned_off() -> None:
    item = RawItem(SEED.read_bytes(), "page-text", Provenance(str(SEED), "text"))
    messages = [m for m in parse_item(item) if isinstance(m, Message)]
    result = analyze_patches(messages, quoted_fallback=False)
    assert result.patches and not result.lock_ops and not result.lock_order
