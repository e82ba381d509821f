"""Seed 003 (vfio/mlx5 reset_done, Patchwork page with every message flattened to one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadscan.extract import analyze_patches, parse_patch_text
from threadscan.extract.unflatten import looks_flattened, unflatten_diff
from threadscan.mail import parse_item
from threadscan.model import Message, PatchAnalysis, Provenance, RawItem

SEED = Path(__file__).parent / "data" / "extract" / "003_7f74704c25fc2499.txt"
PATCH_MSGID = "20220207172216.206415-15-yishaih@nvidia.com"


def flat_diff() -> str:
    return next(ln for ln in SEED.read_text().split("\n") if ln.startswith("diff --git"))


@pytest.fixture(scope="module")
def analysis() -> PatchAnalysis:
    item = RawItem(SEED.read_bytes(), "page-text", Provenance(str(SEED), "text"))
    return analyze_patches([m for m in parse_item(item) if isinstance(m, Message)])


def test_seed003_flattened_diff_is_rebuilt_into_lines() -> None:
    text = flat_diff()
    assert looks_flattened(text)
    patch = parse_patch_text(text, PATCH_MSGID)
    assert patch.defects[0] == "rebuilt flattened diff lines"
    assert [h.new_start for h in patch.hunks] == [28, 440, 487, 499, 608, 643]
    added = [ln.text.strip() for h in patch.hunks for ln in h.lines if ln.sign == "+"]
    assert "if (!mutex_trylock(&mvdev->state_mutex)) {" in added
    assert "spin_lock_init(&mvdev->reset_lock);" in added
    assert unflatten_diff(unflatten_diff(text)) == unflatten_diff(text)


def test_seed003_unquoted_patch_is_the_lock_source(analysis: PatchAnalysis) -> None:
    own = [p for p in analysis.patches if not p.quoted]
    assert [p.msgid for p in own] == [PATCH_MSGID]
    assert {op.msgid for op in analysis.lock_ops} == {PATCH_MSGID}
    assert any(p.quoted for p in analysis.patches)  # the replies' quoted views are kept


def test_seed003_reset_lock_declared_in_struct(analysis: PatchAnalysis) -> None:
    [decl] = [o for o in analysis.lock_ops if o.role == "declare"]
    assert (decl.primitive, decl.lock, decl.family) == (
        "spinlock_t", "mlx5vf_pci_core_device.reset_lock", "spinlock")
    [intro] = [c for c in analysis.lock_changes if c.kind == "introduced"]
    assert intro.lock == "mlx5vf_pci_core_device.reset_lock"


def test_seed003_reset_lock_initialised_in_probe(analysis: PatchAnalysis) -> None:
    [init] = [o for o in analysis.lock_ops if o.role == "init"]
    assert (init.primitive, init.lock, init.function, init.sign) == (
        "spin_lock_init", "mvdev->reset_lock", "mlx5vf_pci_probe", "+")


@pytest.mark.parametrize("function", ["mlx5vf_pci_set_device_state",
                                      "mlx5vf_pci_get_device_state"])
def test_seed003_mutex_unlock_replaced_by_wrapper(analysis: PatchAnalysis, function: str) -> None:
    ops = [o for o in analysis.lock_ops if o.function == function]
    assert [(o.sign, o.primitive, o.lock, o.via) for o in ops] == [
        ("-", "mutex_unlock", "mvdev->state_mutex", "table"),
        ("+", "mlx5vf_state_mutex_unlock", "mvdev->state_mutex", "wrapper"),
    ]
    [change] = [c for c in analysis.lock_changes if c.function == function]
    assert (change.kind, change.detail) == (
        "wrapper-release", "mutex_unlock -> mlx5vf_state_mutex_unlock")


def test_seed003_wrapper_body_releases_state_mutex(analysis: PatchAnalysis) -> None:
    ops = [o for o in analysis.lock_ops if o.function == "mlx5vf_state_mutex_unlock"]
    assert ("release", "mutex_unlock", "mvdev->state_mutex") in {
        (o.role, o.primitive, o.lock) for o in ops}


def test_seed003_reset_done_trylocks_state_mutex_under_reset_lock(
    analysis: PatchAnalysis,
) -> None:
    edges = [e for e in analysis.lock_order if e.function == "mlx5vf_pci_aer_reset_done"]
    assert [(e.outer, e.inner, e.trylock, e.change) for e in edges] == [
        ("mvdev->reset_lock", "mvdev->state_mutex", True, "added")]
    kinds = {c.kind for c in analysis.lock_changes
             if c.function == "mlx5vf_pci_aer_reset_done"}
    assert {"trylock-introduced", "wrapper-release"} <= kinds


def test_seed003_error_path_does_not_leak_held_locks(analysis: PatchAnalysis) -> None:
    # the wrapper's own spin_lock/goto-again loop creates no order edge
    assert not [e for e in analysis.lock_order if e.function == "mlx5vf_state_mutex_unlock"]
