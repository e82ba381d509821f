"""LockChanges: the semantic view of what a patch does to each lock in each function.

Per (file, function), from the LockOps (``locks.py``) and the function images:

- ``assertion-added`` / ``assertion-removed``: a held-assertion appears / disappears;
- ``trylock-introduced``: a ``+`` trylock on a lock with no removed trylock;
- ``wrapper-release`` / ``wrapper-acquire``: a ``+`` call of a wrapper from the patch
  (``mutex_unlock -> mlx5vf_state_mutex_unlock``);
- ``replaced``: one lock's acquire/release only removed, another's only added, in the
  same function (``lock_page_alloc -> pod_lock``);
- ``context-changed``: the same lock taken in another context (``spin_lock_irq`` ->
  ``spin_lock_bh``, ``mutex_lock`` -> ``mutex_lock_nested``);
- ``conversion``: the same lock taken with a primitive of another family
  (``mutex_lock -> down_write``), a replacement by a lock of another family, or a lock
  field whose type changed (``struct mutex`` -> ``struct rw_semaphore``, also when renamed
  with a common stem: ``tag_list_lock`` -> ``tag_list_rwsem``; ``spinlock_t`` -> ``atomic_t``);
- ``section-added`` / ``section-removed``: a lock's acquire+release only added / removed;
- ``extended`` / ``shrunk`` / ``moved`` / ``split``: both images take the lock; the
  critical sections (simulated, ``order.simulate``) cover more / fewer / other context
  lines, or the post-image has more sections;
- per patch: ``introduced`` / ``retired`` for lock declarations and definitions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from threadscan.extract.ccode import code_texts
from threadscan.extract.changes_sections import section_kind
from threadscan.extract.image import FuncKey, Image, function_images
from threadscan.extract.locks import called_names, decl_match
from threadscan.extract.primitives import ACQUIRING, Primitive, PrimitiveTable
from threadscan.extract.wrappers import wrapper_map
from threadscan.model import LockChange, LockOp, Patch

SECTION_ROLES = ACQUIRING | {"release"}


@dataclass(frozen=True)
class _Env:
    """What the section comparison needs, computed once per patch."""

    images: Mapping[FuncKey, Image]
    table: PrimitiveTable
    wrappers: Mapping[str, Primitive]
    called: frozenset[str]


def lock_changes(patch: Patch, ops: Sequence[LockOp], table: PrimitiveTable) -> list[LockChange]:
    """Every LockChange of one (non-quoted) patch, given its LockOps."""
    groups: dict[tuple[str, str | None], list[LockOp]] = {}
    for op in ops:
        if op.role not in ("declare", "define"):
            groups.setdefault((op.file, op.function), []).append(op)
    out: list[LockChange] = []
    if groups:  # the function images are only needed for lock operations in functions
        env = _Env(function_images(patch), table, wrapper_map(patch, table), called_names(patch))
        for key, group in groups.items():
            out.extend(_function_changes(env, key, group))
    out.extend(_declaration_changes(patch, ops, table))
    return out


def _change(op: LockOp, kind: str, detail: str, ops: Sequence[LockOp] = ()) -> LockChange:
    hunks = tuple(dict.fromkeys(o.hunk_id for o in (op, *ops)))
    return LockChange(msgid=op.msgid, file=op.file, function=op.function, kind=kind,
                      lock=op.lock, primitive=op.primitive, sign=op.sign, role=op.role,
                      detail=detail, hunk_ids=hunks)


def _function_changes(env: _Env, key: FuncKey, group: Sequence[LockOp]) -> list[LockChange]:
    by_lock: dict[str, list[LockOp]] = {}
    for op in group:
        by_lock.setdefault(op.lock, []).append(op)
    out: list[LockChange] = []
    for ops in by_lock.values():
        out.extend(_simple_kinds(ops))
    out.extend(_section_kinds(env, key, by_lock))
    return out


def _simple_kinds(ops: Sequence[LockOp]) -> list[LockChange]:
    plus = [o for o in ops if o.sign == "+"]
    minus = [o for o in ops if o.sign == "-"]
    out: list[LockChange] = []
    for sign_ops, other, kind in ((plus, minus, "assertion-added"),
                                  (minus, plus, "assertion-removed")):
        asserts = [o for o in sign_ops if o.role == "assert_held"]
        if asserts and not any(o.role == "assert_held" for o in other):
            out.append(_change(asserts[0], kind, f"{asserts[0].primitive}({asserts[0].lock})"))
    tries = [o for o in plus if o.role == "trylock"]
    if tries and not any(o.role == "trylock" for o in minus):
        out.append(_change(tries[0], "trylock-introduced", f"{tries[0].primitive}"))
    for op in plus:
        if op.via == "wrapper" and op.role in ("acquire", "release"):
            old = next((o for o in minus if o.role == op.role and o.via != "wrapper"), None)
            was = f"{old.primitive} -> " if old else ""
            kind = f"wrapper-{op.role}"
            out.append(_change(op, kind, f"{was}{op.primitive}", (old,) if old else ()))
    return _dedupe(out)


def _dedupe(changes: list[LockChange]) -> list[LockChange]:
    seen: dict[tuple[str, str, str, str], LockChange] = {}
    for c in changes:
        key = (c.kind, c.lock, c.primitive, c.detail)
        if key in seen:
            prev = seen[key]
            ids = tuple(dict.fromkeys((*prev.hunk_ids, *c.hunk_ids)))
            seen[key] = LockChange(**{**prev.__dict__, "hunk_ids": ids})
        else:
            seen[key] = c
    return list(seen.values())


def _section_kinds(
    env: _Env, key: FuncKey, by_lock: dict[str, list[LockOp]]
) -> list[LockChange]:
    only_minus: list[list[LockOp]] = []
    only_plus: list[list[LockOp]] = []
    out: list[LockChange] = []
    for ops in by_lock.values():
        sec = [o for o in ops if o.role in SECTION_ROLES and o.via != "wrapper"]
        plus = [o for o in sec if o.sign == "+"]
        minus = [o for o in sec if o.sign == "-"]
        if plus and not minus:
            only_plus.append(plus)
        elif minus and not plus:
            only_minus.append(minus)
        elif plus and minus:
            out.extend(_both_images(env, key, plus, minus))
    out.extend(_replacements(only_minus, only_plus))
    return out


def _both_images(
    env: _Env, key: FuncKey, plus: list[LockOp], minus: list[LockOp]
) -> list[LockChange]:
    fam_old = {o.family for o in minus if o.role != "release"}
    fam_new = {o.family for o in plus if o.role != "release"}
    if fam_old and fam_new and not fam_old & fam_new:
        detail = f"{minus[0].primitive} -> {plus[0].primitive}"
        return [_change(plus[0], "conversion", detail, (*plus[1:], *minus))]
    image = env.images.get(key)
    kind = section_kind(image, plus[0].lock, env.table, env.wrappers, env.called) \
        if image else None
    out = _context_change(plus, minus)
    if kind is None or (out and kind == "moved"):
        return out  # a section "moved" by swapping its lock call for another is the same one
    detail = f"{minus[0].primitive} -> {plus[0].primitive} ({kind})"
    return [*out, _change(plus[0], kind, detail, (*plus[1:], *minus))]


def _context_change(plus: list[LockOp], minus: list[LockOp]) -> list[LockChange]:
    """``context-changed``: the lock is taken in another context (``spin_lock_irq`` ->
    ``spin_lock_bh``: what the section disables, and so where it may run, changed)."""
    old = {o.ctx for o in minus if o.role in ACQUIRING}
    new = {o.ctx for o in plus if o.role in ACQUIRING}
    if not old or not new or old == new:
        return []
    head = next(o for o in plus if o.role in ACQUIRING and o.ctx not in old)
    taken = [o for o in minus if o.role in ACQUIRING]
    was = next((o for o in taken if o.ctx not in new), taken[0])
    detail = f"{was.primitive} -> {head.primitive} ({was.ctx} -> {head.ctx})"
    return [_change(head, "context-changed", detail, (*plus, *minus))]


def _replacements(
    only_minus: list[list[LockOp]], only_plus: list[list[LockOp]]
) -> list[LockChange]:
    """Locks only taken (released) in one image replace those only taken (released) in the
    other, in order; a taking group left over is a section added or removed. Groups that
    only release pair only with each other (the lock dropped on a path changed): an unlock
    on a new error path of a lock taken in unchanged code replaces no lock."""
    out: list[LockChange] = []
    for taking in (True, False):
        plus_groups = [ops for ops in only_plus if _takes(ops) == taking]
        minus_groups = [ops for ops in only_minus if _takes(ops) == taking]
        out.extend(_pair(minus_groups, plus_groups))
        if taking:
            out.extend(_change(_head(ops), "section-added", _names(ops), ops)
                       for ops in plus_groups[len(minus_groups):])
            out.extend(_change(_head(ops), "section-removed", _names(ops), ops)
                       for ops in minus_groups[len(plus_groups):])
    return out


def _takes(ops: Sequence[LockOp]) -> bool:
    return any(o.role in ACQUIRING for o in ops)


def _pair(only_minus: list[list[LockOp]], only_plus: list[list[LockOp]]) -> list[LockChange]:
    out: list[LockChange] = []
    for plus, minus in zip(only_plus, only_minus, strict=False):
        head, old = _head(plus), _head(minus)
        detail = f"{old.primitive} -> {head.primitive} ({old.lock} -> {head.lock})"
        kind = "conversion" if old.family != head.family else "replaced"
        out.append(_change(head, kind, detail, (*plus, *minus)))
    return out


def _head(ops: Sequence[LockOp]) -> LockOp:
    return next((o for o in ops if o.role in ACQUIRING), ops[0])


def _names(ops: Sequence[LockOp]) -> str:
    return "/".join(dict.fromkeys(o.primitive for o in ops))


def _declaration_changes(
    patch: Patch, ops: Sequence[LockOp], table: PrimitiveTable
) -> list[LockChange]:
    decls = [o for o in ops if o.role in ("declare", "define")]
    added = {_decl_key(o.lock): o for o in decls if o.sign == "+"}
    removed = {_decl_key(o.lock): o for o in decls if o.sign == "-"}
    targets = _conversion_targets(patch, table)
    out: list[LockChange] = []
    for new_key, old_key in _renamed(added, removed):
        new, gone = added.pop(new_key), removed.pop(old_key)
        detail = f"{gone.primitive} {gone.lock} -> {new.primitive} {new.lock}"
        out.append(_change(new, "conversion", detail, (gone,)))
    for name, op in added.items():
        old = removed.get(name)
        if old is None:
            uses = sorted({o.primitive for o in ops if _uses(name, o.lock) and o.sign == "+"
                           and o.role not in ("declare", "define")})
            out.append(_change(op, "introduced", ", ".join([op.primitive, *uses])))
        elif old.primitive != op.primitive:
            out.append(_change(op, "conversion", f"{old.primitive} -> {op.primitive}", (old,)))
    for name, op in removed.items():
        if name in added:
            continue
        kind, detail = ("conversion", f"{op.primitive} -> {targets[name[-1]]}") \
            if name[-1] in targets else ("retired", op.primitive)
        out.append(_change(op, kind, detail))
    return out


def _renamed(
    added: dict[tuple[str, ...], LockOp], removed: dict[tuple[str, ...], LockOp]
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """A lock field retired and another of another type introduced in the same struct, with
    a common name stem (``tag_list_lock`` -> ``tag_list_rwsem``): one conversion."""
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for new_key, new in added.items():
        for old_key, old in removed.items():
            same_struct = new.lock.split(".")[0] == old.lock.split(".")[0]
            stem = _common_prefix(new_key[-1], old_key[-1])
            if new_key != old_key and same_struct and len(stem) >= 4 \
                    and new.family != old.family and old_key not in [p[1] for p in pairs]:
                pairs.append((new_key, old_key))
                break
    return pairs


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _decl_key(lock: str) -> tuple[str, ...]:
    """``p2m_domain.pod.lock`` -> ("pod", "lock"): the field path without its struct."""
    parts = tuple(lock.split("."))
    return parts[1:] if len(parts) > 1 else parts


def _uses(key: tuple[str, ...], lock: str) -> bool:
    parts = tuple(lock.replace("->", ".").split("."))
    return parts[-len(key):] == key


def _conversion_targets(patch: Patch, table: PrimitiveTable) -> dict[str, str]:
    """Fields declared in ``+`` lines with a non-lock type (atomic_t, refcount_t)."""
    out: dict[str, str] = {}
    for hunk in patch.hunks:
        for ln, code in zip(hunk.lines, code_texts(hunk.lines), strict=True):
            m = decl_match(code, table.conversion_targets) if ln.sign == "+" else None
            if m:
                out[m[1]] = m[0]
    return out
