"""Which code a summary shows for an objection (seed 003, the real Patchwork page)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.test_tag_seeds import messages
from threadscan.model import Link, ThreadAnalysis
from threadscan.pipeline import analyze_thread
from threadscan.report import build_summary
from threadscan.report.debate import held_functions
from threadscan.thread import build_threads

SEED003 = Path(__file__).parent / "data" / "nlp" / "003_7f74704c25fc2499.txt"
GET = "mlx5vf_pci_get_device_state"
SET = "mlx5vf_pci_set_device_state"


def seed003() -> ThreadAnalysis:
    msgs = messages(SEED003)
    [thread] = build_threads(msgs)
    return analyze_thread(thread, msgs)


def with_functions(analysis: ThreadAnalysis, *names: str) -> ThreadAnalysis:
    """Alex Williamson's -EAGAIN objection, linked to further functions."""
    [ob] = [o for o in analysis.objections if "-EAGAIN on a deferred reset" in o.sentence]
    extra = tuple(Link("function", n, "named in sentence") for n in names)
    ob = dataclasses.replace(ob, links=(*ob.links, *extra))
    return dataclasses.replace(analysis, objections=(ob,))


def code_of(analysis: ThreadAnalysis) -> list[tuple[str | None, str | None]]:
    [item] = build_summary(analysis).debate
    return [(ref.function, ref.header.split("@@")[-1].strip() or None) for ref in item.code]


def test_a_hunk_holds_the_functions_it_changes_lines_of() -> None:
    hunks = {h.id.rsplit(":", 1)[-1]: h for p in seed003().patches if not p.quoted
             for h in p.hunks}
    # the hunk after mlx5vf_pci_step_device_state_locked() adds mlx5vf_state_mutex_unlock()
    assert "mlx5vf_state_mutex_unlock" in held_functions(hunks["1"])
    assert SET not in held_functions(hunks["1"])  # only its first line, as context
    assert held_functions(hunks["2"]) == {SET}


def test_a_linked_function_outside_the_quoted_hunk_shows_its_own_hunk() -> None:
    code = code_of(with_functions(seed003(), SET))
    assert [fn for fn, _ in code] == [GET, SET]
    assert code[1][1] is not None and code[1][1].startswith(SET)


def test_a_function_the_patch_neither_changes_nor_calls_is_shown_as_not_in_the_patch() -> None:
    code = code_of(with_functions(seed003(), "mlx5vf_cmd_suspend_vhca"))
    assert code[-1] == ("mlx5vf_cmd_suspend_vhca", None)
    assert isinstance(build_summary(seed003()).debate[0].code[0].hunk, str)
    # mlx5vf_disable_fds() is called by the added mlx5vf_state_mutex_unlock(): that hunk
    code = code_of(with_functions(seed003(), "mlx5vf_disable_fds"))
    assert ("mlx5vf_disable_fds", None) not in code
    assert [s for _, s in code if s and s.startswith("mlx5vf_pci_step_device_state_locked(")]


def test_a_hunk_that_adds_a_function_is_named_by_it_not_by_its_section() -> None:
    # hunk 1's @@ line names mlx5vf_pci_step_device_state_locked(), the function before
    # the one it adds
    code = code_of(with_functions(seed003(), "mlx5vf_state_mutex_unlock"))
    assert code[1] == ("mlx5vf_state_mutex_unlock",
                       "mlx5vf_pci_step_device_state_locked(struct mlx5vf_pci_core_device *mvdev,")


def test_a_hunk_that_changes_only_a_later_function_is_named_by_it() -> None:
    from tests.test_tag_context import THREAD, file_messages
    from threadscan.extract import analyze_patches
    from threadscan.report.debate import shown_function

    # nvme tag_list rwsem patch: the @@ line names __blk_mq_update_nr_hw_queues(), whose
    # last lines are context; the changed lines are in blk_mq_update_nr_hw_queues()
    [hunk] = [h for p in analyze_patches(file_messages(THREAD)).patches for h in p.hunks
              if h.id == "20251113202320.2530531-1-mkhalfella@purestorage.com:1:6"]
    assert hunk.function == "__blk_mq_update_nr_hw_queues"
    assert shown_function(hunk, ()) == "blk_mq_update_nr_hw_queues"


def test_a_function_the_patch_calls_but_does_not_change_shows_the_hunks_calling_it() -> None:
    from tests.test_tag_context import IOCOST, file_messages

    msgs = file_messages(IOCOST)
    [thread] = build_threads(msgs)
    summary = build_summary(analyze_thread(thread, msgs))
    # Tejun Heo: "Yeah, that should be spin_lock_irq() for consistency ..." about the
    # patch's "-spin_lock_irq(&ioc->lock); +spin_lock(&ioc->lock);"
    [item] = [d for d in summary.debate if d.sentence.startswith("Yeah, that should be")]
    assert "spin_lock_irq" in item.functions
    assert {ref.function for ref in item.code} == {"ioc_qos_prfill", "ioc_cost_model_prfill"}
    assert all(isinstance(ref.hunk, str) for ref in item.code)


def test_a_hunk_spanning_functions_shows_the_lines_of_the_one_it_is_named_by() -> None:
    from tests.test_tag_context import file_messages

    # Ming Lei's ublk patch adds five functions in one hunk; Caleb Sander Mateos's
    # suggestion about the reference counts is about ublk_has_io_with_active_ref()
    path = Path(__file__).parent / "data" / "report" / "ublk-release-patch-and-review.mbox"
    msgs = file_messages(path)
    [thread] = build_threads(msgs)
    debate = build_summary(analyze_thread(thread, msgs)).debate
    [item] = [d for d in debate if d.sentence.startswith("It would be safer to check")]
    [ref] = item.code
    assert ref.function == "ublk_has_io_with_active_ref"
    assert ref.lines[0] == "+static bool ublk_has_io_with_active_ref(struct ublk_device *ub)"
    assert not [ln for ln in ref.lines if "ublk_ch_release" in ln]


def test_a_function_only_in_a_hunks_context_shows_that_hunk() -> None:
    from tests.test_tag_context import file_messages

    # Xen evtchn: the patch moves spin_lock(&d->event_lock) below "if ( !port_is_valid(d,
    # port) )", a context line; Julien Grall asks for a comment "on top of port_is_valid()"
    path = (Path(__file__).parent / "data" / "extract" /
            "xen-devel-evtchn-defer-lock-acquire-v6.mbox")
    msgs = file_messages(path)
    [thread] = build_threads(msgs)
    debate = build_summary(analyze_thread(thread, msgs)).debate
    [item] = [d for d in debate if d.sentence.startswith("However, I don't think this should")]
    assert "port_is_valid" in item.functions
    assert {ref.function for ref in item.code} == {"evtchn_close", "evtchn_bind_vcpu"}
    [agree] = [d for d in debate if d.sentence.startswith("So I agree that port_is_valid()")]
    assert not [ref for ref in agree.code if ref.function == "port_is_valid"]
