"""LockOps: what each ``+``/``-`` line of a patch does to which lock.

Recognisers, in order (first hit wins per call):

1. scope guards: ``guard(NAME)(ARG)``, ``scoped_guard(NAME, ARG)``,
   ``scoped_cond_guard(NAME, FAIL, ARG)`` and guard macros (``QEMU_LOCK_GUARD(&m)``);
2. the primitive table (``primitives.toml``); queries such as ``spin_is_locked`` count
   only inside ``ASSERT()``/``WARN_ON()``/... (then ``assert_held``);
3. wrappers defined in the patch (``wrappers.py``): a function or macro whose body only
   releases (acquires, trylocks) a lock releases (acquires, trylocks) that lock, with the
   parameter substituted (``mlx5vf_state_mutex_unlock(mvdev)`` releases
   ``mvdev->state_mutex``), ``via="wrapper"``;
4. paired names: ``X_lock``/``X_unlock``, ``lock_X``/``unlock_X``, ``X_acquire``/``X_release``
   when the partner is also called in the patch (``via="heuristic"``, family ``custom``,
   lock named ``X(owner)``); false friends (block, clock, deadlock, lockdep_*, *_locked,
   *_nolock, lockless, ...) are rejected;
5. declarations of lock-typed fields/variables (``spinlock_t reset_lock;`` -> role
   ``declare``, lock ``mlx5vf_pci_core_device.reset_lock`` when the struct is known).

Comment text and string literals are never scanned; only C/C++ files are (documentation
such as ``Documentation/locking/locktypes.rst`` quotes calls that are not code).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from threadscan.extract.ccode import Call, code_texts, iter_calls, split_args
from threadscan.extract.cfunc import (
    definition_name,
    line_functions,
    line_structs,
    prototype_name,
)
from threadscan.extract.image import is_code_file
from threadscan.extract.memo import identity_cache
from threadscan.extract.primitives import (
    GuardClass,
    Primitive,
    PrimitiveTable,
    lock_expr,
    normalize_lock,
)
from threadscan.model import DiffLine, Hunk, LockChange, LockOp, Patch, Role

GUARD_RE = re.compile(r"\b(guard|scoped_guard|scoped_cond_guard)\s*\(")
CALL_NAME_RE = re.compile(r"\b(\w+)\s*\(")
HEURISTIC_HINT = re.compile(r"lock|acquire|release", re.I)
DEFINE_RE = re.compile(r"^\s*#\s*define\s+(\w+)")
DECL_RE = re.compile(
    r"^\s*(?:(?:static|extern|volatile|const|__cacheline_aligned\w*)\s+)*"
    r"((?:struct|union)\s+\w+|\w+)\s+(\w+)\s*(?:\[[^\]]*\])?\s*(?:=[^;]*)?(?:;|,|$)"
)
SPACES_RE = re.compile(r"\s+")
CLOSE_NAMED_RE = re.compile(r"^\s+}\s*(?!__)(\w+)\b[^;{}]*;")  # "} pod;", not "} __packed;"
GUARD_CALLS = frozenset({"guard", "scoped_guard", "scoped_cond_guard"})
FALSE_FRIENDS = frozenset(
    {"block", "blocked", "unblock", "clock", "deadlock", "deadlocks", "flock", "lockup",
     "lockdep", "locked", "unlocked", "nolock", "lockless", "locking", "lockref", "sherlock",
     "lock_class_key", "is", "held", "assert", "init", "owner"}
)
ACQ_TOKENS = {"lock": "unlock", "trylock": "unlock", "acquire": "release",
              "rdlock": "unlock", "wrlock": "unlock"}
REL_TOKENS = {"unlock": "lock", "release": "acquire", "rdunlock": "rdlock",
              "wrunlock": "wrlock"}


@dataclass(frozen=True)
class Found:
    """One recognised lock operation on a line (before it becomes a LockOp)."""

    primitive: str
    role: Role
    family: str
    lock: str
    mode: str = "exclusive"
    ctx: str = "plain"
    sleeps: str = "n/a"
    via: str = "table"


def lock_ops(patch: Patch, table: PrimitiveTable) -> list[LockOp]:
    """Every lock operation on the ``+``/``-`` lines of ``patch``."""
    from threadscan.extract.relevance import has_lock_calls  # relevance imports locks
    from threadscan.extract.wrappers import wrapper_map  # wrappers import the recognisers

    wrappers = wrapper_map(patch, table)
    calls = has_lock_calls(patch, table)  # False: only declarations can be found
    called = called_names(patch) if calls else frozenset()  # read by line_found only
    ops: list[LockOp] = []
    for hunk in patch.hunks:
        if is_code_file(hunk.file):
            ops.extend(_hunk_ops(patch.msgid, hunk, table, wrappers, called, calls))
    return ops


def lock_changes(patch: Patch, ops: Sequence[LockOp], table: PrimitiveTable) -> list[LockChange]:
    """The ARCHITECTURE.md entry point; the logic lives in ``changes.py``."""
    from threadscan.extract.changes import lock_changes as changes_of  # changes imports locks

    return changes_of(patch, ops, table)


def _hunk_ops(
    msgid: str, hunk: Hunk, table: PrimitiveTable,
    wrappers: Mapping[str, Primitive], called: frozenset[str], calls: bool,
) -> list[LockOp]:
    codes = code_texts(hunk.lines)
    funcs = line_functions(hunk.lines, hunk.section) if calls else ()  # for non-declare ops
    structs: tuple[str | None, ...] | None = None  # for declarations, computed when needed
    out: list[LockOp] = []
    for i, ln in enumerate(hunk.lines):
        if ln.sign == " " or not codes[i].strip():
            continue
        found = line_found(codes[i], _more(hunk.lines, codes, i), table, wrappers, called) \
            if calls and "(" in codes[i] else []  # line_found needs a call
        decl = None
        if decl_match(codes[i], table.types):
            structs = structs or line_structs(hunk.lines, hunk.section)
            decl = declaration(codes[i], table, _qualifier(hunk.lines, codes, structs, i))
        for f in (*found, *((decl,) if decl else ())):
            func = None if f.role == "declare" else funcs[i]
            out.append(LockOp(
                msgid=msgid, file=hunk.file, function=func, sign=ln.sign, role=f.role,
                primitive=f.primitive, family=f.family, lock=f.lock, hunk_id=hunk.id,
                old_no=ln.old_no, new_no=ln.new_no, text=ln.text, mode=f.mode, ctx=f.ctx,
                sleeps=f.sleeps, via=f.via))
    return out


def _more(lines: Sequence[DiffLine], codes: Sequence[str], i: int) -> list[str]:
    sign = lines[i].sign
    nxt = [j for j in range(i + 1, min(i + 5, len(lines))) if lines[j].sign in (sign, " ")]
    return [codes[j] for j in nxt]


@identity_cache(maxsize=16)
def called_names(patch: Patch) -> frozenset[str]:
    """Every identifier called anywhere in the patch (pairing evidence)."""
    names: set[str] = set()
    for hunk in patch.hunks:
        for ln in hunk.lines:
            if "(" in ln.text:
                names.update(CALL_NAME_RE.findall(ln.text))
    return frozenset(names)


def line_found(
    code: str, more: Sequence[str], table: PrimitiveTable,
    wrappers: Mapping[str, Primitive], called: frozenset[str],
) -> list[Found]:
    """All lock operations recognised on one code line."""
    if "(" not in code:
        return []
    out = guard_found(code, more, table) if "guard" in code else []
    macro = DEFINE_RE.match(code) if "define" in code else None
    defined = macro.group(1) if macro else definition_name(code) or prototype_name(code)
    for call in iter_calls(code, more, lambda name: is_wanted(name, table, wrappers)):
        if call.name in GUARD_CALLS or call.name == defined:
            continue
        f = call_found(call, table, wrappers, called)
        if f is not None:
            out.append(f)
    return out


def is_wanted(name: str, table: PrimitiveTable, wrappers: Mapping[str, Primitive]) -> bool:
    """Can a call of ``name`` be a lock operation (table, wrapper, guard macro, or a name
    the pairing heuristic looks at)? Only such calls have their arguments split."""
    return (name in table.primitives or name in wrappers or name in table.guard_macros
            or HEURISTIC_HINT.search(name) is not None)


def call_found(
    call: Call, table: PrimitiveTable, wrappers: Mapping[str, Primitive], called: frozenset[str]
) -> Found | None:
    macro = table.guard_macros.get(call.name)
    if macro is not None:
        return _guard(call.name, macro, call.args)
    prim = table.lookup(call.name)
    if prim is not None:
        return _from_primitive(prim, call, "table")
    prim = wrappers.get(call.name)
    if prim is not None:
        return _from_primitive(prim, call, "wrapper")
    return heuristic_found(call, called)


def _from_primitive(prim: Primitive, call: Call, via: str) -> Found | None:
    if prim.query and not call.in_assert:
        return None
    lock = lock_expr(prim.lock_expr, call.args, prim.arg) or "?"
    return Found(primitive=prim.name, role=prim.role, family=prim.family, lock=lock,
                 mode=prim.mode, ctx=prim.ctx, sleeps=prim.sleeps, via=via)


def _guard(name: str, cls: GuardClass, args: tuple[str, ...]) -> Found:
    lock = cls.lock or lock_expr(cls.lock_expr, args, 0) or cls.name
    return Found(primitive=name, role=cls.role, family=cls.family, lock=lock, mode=cls.mode,
                 ctx=cls.ctx, sleeps=cls.sleeps, via="guard")


def guard_found(code: str, more: Sequence[str], table: PrimitiveTable) -> list[Found]:
    """``guard(NAME)(ARG)``, ``scoped_guard(NAME, ARG)``, ``scoped_cond_guard(NAME, F, ARG)``."""
    text = code + " " + " ".join(more)
    out: list[Found] = []
    for m in GUARD_RE.finditer(code):
        args, _ = split_args(text, m.end() - 1)
        if not args:
            continue
        kind, cls_name = m.group(1), args[0]
        if kind == "guard":
            end = _after_call(text, m.end() - 1)
            lock_args = split_args(text, end)[0] if text[end:end + 1] == "(" else ()
        else:
            lock_args = args[2:] if kind == "scoped_cond_guard" else args[1:]
        cls = table.guards.get(cls_name, GuardClass(name=cls_name, family="custom"))
        out.append(_guard(f"{kind}({cls_name})", cls, lock_args))
    return out


def _after_call(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            j = i + 1
            while j < len(text) and text[j] == " ":
                j += 1
            return j
    return len(text)


def heuristic_found(call: Call, called: frozenset[str]) -> Found | None:
    """Paired-name heuristic for unknown wrappers (``lock_page_alloc``/``unlock_page_alloc``)."""
    tokens = call.name.lower().split("_")
    if any(t in FALSE_FRIENDS for t in tokens) or call.name.startswith("__"):
        return None
    for pos in (-1, 0):
        tok = tokens[pos]
        table = ACQ_TOKENS if tok in ACQ_TOKENS else REL_TOKENS if tok in REL_TOKENS else None
        if table is None or len(tokens) < 2:
            continue
        partner = list(call.name.split("_"))
        partner[pos] = table[tok]
        if "_".join(partner) not in called:
            continue
        role: Role = ("trylock" if tok == "trylock" else "acquire") if tok in ACQ_TOKENS \
            else "release"
        stem = "_".join(t for k, t in enumerate(call.name.split("_")) if k != pos % len(tokens))
        owner = normalize_lock(call.args[0]) if call.args else ""
        lock = f"{stem}({owner})" if owner else stem
        return Found(primitive=call.name, role=role, family="custom", lock=lock, via="heuristic")
    return None


def declaration(code: str, table: PrimitiveTable, qualifier: str | None) -> Found | None:
    """``spinlock_t reset_lock;`` / ``struct mutex lock;`` -> a ``declare`` Found."""
    m = decl_match(code, table.types)
    if m is None:
        return None
    typ, name = m
    family = table.types[typ]
    lock = f"{qualifier}.{name}" if qualifier else name
    return Found(primitive=typ, role="declare", family=family, lock=lock,
                 sleeps=table.family_sleeps.get(family, "n/a"), via="declaration")


def decl_match(code: str, types: Mapping[str, str]) -> tuple[str, str] | None:
    """(type, name) when a code line declares a variable/field of one of ``types``."""
    m = DECL_RE.match(code)
    if m is None:
        return None
    typ = SPACES_RE.sub(" ", m.group(1))
    if typ not in types or m.group(2) in ("const", "volatile"):
        return None
    return typ, m.group(2)


def _qualifier(
    lines: Sequence[DiffLine], codes: Sequence[str], structs: Sequence[str | None], i: int
) -> str | None:
    """``p2m_domain.pod`` for a field of an anonymous ``struct { ... } pod;`` in p2m_domain."""
    base = structs[i]
    sign = lines[i].sign
    for j in range(i + 1, min(i + 30, len(lines))):
        if lines[j].sign not in (sign, " "):
            continue
        if "{" in codes[j]:
            break
        m = CLOSE_NAMED_RE.match(codes[j])
        if m:
            return f"{base}.{m.group(1)}" if base else m.group(1)
        if codes[j].startswith("}"):
            break
    return base
