"""Lock primitive table and line recognisers (threadscan.extract.primitives / locks)."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from threadscan.errors import ModelError
from threadscan.extract import lock_ops, parse_patch_text
from threadscan.extract.ccode import Call, code_texts
from threadscan.extract.locks import call_found, declaration, heuristic_found, line_found
from threadscan.extract.primitives import (
    PrimitiveTable,
    load_table,
    lock_expr,
    normalize_lock,
    table_from_dict,
)
from threadscan.model import DiffLine

TABLE = load_table()  # frozen, read-only


@pytest.fixture(scope="module")
def table() -> PrimitiveTable:
    return load_table()


def found(code: str, table: PrimitiveTable, called: frozenset[str] = frozenset()) -> list[
        tuple[str, str, str]]:
    [blanked] = code_texts([DiffLine("+", code, None, 1)])  # comments/literals removed
    return [(f.role, f.primitive, f.lock) for f in line_found(blanked, (), table, {}, called)]


def test_table_covers_the_three_projects_and_pthreads(table: PrimitiveTable) -> None:
    for name in ("spin_lock_irqsave", "mutex_trylock", "down_write", "lockdep_assert_held",
                 "rspin_lock", "pcidevs_lock", "p2m_lock", "gfn_lock", "pod_lock",
                 "paging_lock", "lock_page_alloc", "mm_lock_init", "pod_locked_by_me",
                 "qemu_mutex_lock", "bql_lock", "qemu_rec_mutex_lock", "pthread_mutex_lock"):
        assert table.lookup(name) is not None, name
    assert {"QEMU_LOCK_GUARD", "WITH_QEMU_LOCK_GUARD"} <= set(table.guard_macros)
    assert {"mutex", "spinlock_irqsave", "rwsem_read", "rcu"} <= set(table.guards)
    assert table.types["struct mutex"] == "mutex" and table.types["mm_lock_t"] == "mm_lock"


def test_acquire_release_pairs_are_symmetric(table: PrimitiveTable) -> None:
    for prim in table.primitives.values():
        if prim.role == "acquire" and prim.pair:
            partner = table.lookup(prim.pair)
            assert partner is not None and partner.role == "release", prim.name


def test_project_filter_keeps_only_that_project(table: PrimitiveTable) -> None:
    qemu = load_table("qemu")
    assert qemu.lookup("bql_lock") is not None and qemu.lookup("p2m_lock") is None
    assert qemu.lookup("rcu_read_lock") is not None  # shared by all three


def test_bad_table_entry_is_a_model_error() -> None:
    with pytest.raises(ModelError):
        table_from_dict({"group": [{"ops": [{"name": "x", "role": "grab"}]}]})
    assert tomllib  # the packaged table itself parses (load_table above)


def test_lock_expressions_are_normalized(table: PrimitiveTable) -> None:
    assert normalize_lock("&(mvdev->state_mutex)") == "mvdev->state_mutex"
    assert normalize_lock("& q -> limits_lock") == "q->limits_lock"
    assert normalize_lock("(struct foo *)&x->lock") == "x->lock"
    assert lock_expr("{0}->pod.lock", ("p2m",), 0) == "p2m->pod.lock"
    assert lock_expr("bql", (), -1) == "bql"
    assert found("spin_lock_irqsave(&d->event_lock, flags);", table) == [
        ("acquire", "spin_lock_irqsave", "d->event_lock")]


def test_xen_owner_wrappers_name_distinct_locks(table: PrimitiveTable) -> None:
    assert found("p2m_lock(p2m);", table) == [("acquire", "p2m_lock", "p2m->lock")]
    assert found("pod_lock(p2m);", table) == [("acquire", "pod_lock", "p2m->pod.lock")]
    assert found("mm_lock_init(&p2m->pod.lock);", table) == [
        ("init", "mm_lock_init", "p2m->pod.lock")]
    assert found("ASSERT(pod_locked_by_me(p2m));", table) == [
        ("assert_held", "pod_locked_by_me", "p2m->pod.lock")]


def test_queries_count_only_inside_assertions(table: PrimitiveTable) -> None:
    assert found("if (spin_is_locked(&d->event_lock))", table) == []
    assert found("ASSERT(spin_is_locked(&d->event_lock));", table) == [
        ("assert_held", "spin_is_locked", "d->event_lock")]
    assert found("assert(bql_locked());", table) == [("assert_held", "bql_locked", "bql")]


def test_guards_and_guard_macros(table: PrimitiveTable) -> None:
    assert found("guard(mutex)(&zram->init_lock);", table) == [
        ("guard", "guard(mutex)", "zram->init_lock")]
    assert found("scoped_guard(spinlock_irqsave, &q->queue_lock) {", table) == [
        ("guard", "scoped_guard(spinlock_irqsave)", "q->queue_lock")]
    assert found("scoped_cond_guard(mutex_intr, return -EINTR, &lo->lo_mutex) {", table) == [
        ("cond_acquire", "scoped_cond_guard(mutex_intr)", "lo->lo_mutex")]
    assert found("guard(rcu)();", table) == [("guard", "guard(rcu)", "rcu")]
    assert found("QEMU_LOCK_GUARD(&s->lock);", table) == [
        ("guard", "QEMU_LOCK_GUARD", "s->lock")]


def test_comments_and_strings_are_not_scanned(table: PrimitiveTable) -> None:
    assert found('pr_info("mutex_lock(&x) failed");', table) == []
    assert found("x = 1; /* spin_lock(&foo) */", table) == []


def test_false_friends_are_rejected(table: PrimitiveTable) -> None:
    called = frozenset({"blk_mq_unblock", "clock_unlock", "foo_unlock", "lockdep_unlock"})
    for name in ("blk_mq_block", "clock_lock", "deadlock_lock", "lockdep_lock",
                 "foo_locked", "foo_nolock", "is_locked"):
        assert heuristic_found(Call(name, ("x",), 0, False), called) is None, name
    hit = heuristic_found(Call("foo_lock", ("&dev->x",), 0, False), called)
    assert hit is not None and (hit.role, hit.lock, hit.via) == ("acquire", "foo(dev->x)",
                                                                 "heuristic")


def test_paired_name_heuristic_needs_the_partner(table: PrimitiveTable) -> None:
    call = Call("nvme_tagset_lock", ("set",), 0, False)
    assert call_found(call, table, {}, frozenset()) is None
    assert call_found(call, table, {}, frozenset({"nvme_tagset_unlock"})) is not None


def test_declarations_and_definers(table: PrimitiveTable) -> None:
    decl = declaration("\tspinlock_t reset_lock;", table, "mlx5vf_pci_core_device")
    assert decl is not None and (decl.role, decl.primitive, decl.lock) == (
        "declare", "spinlock_t", "mlx5vf_pci_core_device.reset_lock")
    assert declaration("\tstruct mutex\t\tlo_mutex;", table, None) is not None
    assert declaration("\tstruct mutex *lock;", table, None) is None  # a pointer, not a lock
    assert found("static DEFINE_MUTEX(brd_devices_mutex);", table) == [
        ("define", "DEFINE_MUTEX", "brd_devices_mutex")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("spin_lock(&x->y), /*\"'*/;{}guard()mutex")),
               max_size=120))
def test_line_recognisers_never_raise(text: str) -> None:
    line_found(text, (text,), TABLE, {}, frozenset({"x_unlock"}))


def test_macro_wrappers_defined_in_the_patch_resolve_their_lock() -> None:
    text = "\n".join([
        "--- a/drivers/block/x.c",
        "+++ b/drivers/block/x.c",
        "@@ -1,3 +1,9 @@",
        " #include <linux/mutex.h>",
        "+#define foo_lock(f)\tmutex_lock(&(f)->lock)",
        "+#define foo_unlock(f) \\",
        "+\tmutex_unlock(&(f)->lock)",
        " static int bar(struct foo *f)",
        " {",
        "+\tfoo_lock(f);",
        "+\tfoo_unlock(f);",
        " \treturn 0;",
    ])
    patch = parse_patch_text(text, "m")
    ops = [(o.role, o.primitive, o.lock, o.function, o.via) for o in lock_ops(patch, TABLE)]
    assert ("acquire", "foo_lock", "f->lock", "bar", "wrapper") in ops
    assert ("release", "foo_unlock", "f->lock", "bar", "wrapper") in ops
    assert normalize_lock("&(lo)->lo_mutex") == "lo->lo_mutex"
