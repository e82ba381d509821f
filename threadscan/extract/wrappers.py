"""Lock wrappers defined in a patch: functions and macros that only take or only drop a lock.

A function defined in ``+`` (or ``-``) lines whose body, seen to its closing ``}``, only
releases (or only acquires) one lock is a release (acquire) wrapper of it, with the
parameter substituted (``mlx5vf_state_mutex_unlock(mvdev)`` releases
``mvdev->state_mutex``); a body that only
trylocks (``while (!arch_spin_trylock(&dept_spin)) ...``) is a trylock wrapper. Macros
(``#define foo_lock(f) mutex_lock(&(f)->lock)``) count too. Callers of a wrapper are
recognised with ``via="wrapper"`` by ``locks.line_found``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType

from threadscan.extract.ccode import code_texts, split_args
from threadscan.extract.cfunc import line_definitions, line_functions
from threadscan.extract.locks import Found, line_found
from threadscan.extract.memo import identity_cache
from threadscan.extract.primitives import ACQUIRING, Primitive, PrimitiveTable
from threadscan.model import DiffLine, Patch, Role

MACRO_RE = re.compile(r"^\s*#\s*define\s+(\w+)\(([^)]*)\)")
PARAM_START_RE = re.compile(r"\w+\s*\(")
WORD_RE = re.compile(r"\w+")
PAREN_PARAM_RE = re.compile(r"^\((\w+)\)")
LEADING_WORD_RE = re.compile(r"^(\w+)")


def find_wrappers(patch: Patch, table: PrimitiveTable) -> dict[str, Primitive]:
    """Functions defined in the patch's ``+``/``-`` lines whose body only releases or only
    acquires a lock: callers of them release/acquire that lock."""
    return dict(wrapper_map(patch, table))


@identity_cache(maxsize=16)
def wrapper_map(patch: Patch, table: PrimitiveTable) -> Mapping[str, Primitive]:
    """``find_wrappers`` as a shared read-only mapping (one object per patch and table)."""
    defs = [*_definitions(patch, table), *_macro_definitions(patch, table)]
    out: dict[str, Primitive] = {}
    for _ in range(2):  # second pass: wrappers calling wrappers
        if _ and not out:
            break  # nothing known after the first pass: the second would repeat it
        known = dict(out)
        for name, body, params in defs:
            prim = _wrapper(name, body, params, table, known)
            if prim is not None:
                out[name] = prim
    return MappingProxyType(out)


def _definitions(
    patch: Patch, table: PrimitiveTable
) -> Iterator[tuple[str, list[str], tuple[str, ...]]]:
    """(name, body code lines, parameter names) of functions defined in +/- lines."""
    for hunk in patch.hunks:
        names = line_definitions(hunk.lines)
        if not any(ln.sign != " " and names[i] for i, ln in enumerate(hunk.lines)):
            continue
        funcs = line_functions(hunk.lines, hunk.section)
        codes = code_texts(hunk.lines)
        for i, ln in enumerate(hunk.lines):
            name = names[i] if ln.sign != " " else None
            if name is None or table.lookup(name) is not None:
                continue
            end = _closing(hunk.lines, i)
            if end is None:
                continue  # the hunk ends inside the body: what it does after is unseen
            body = [k for k in range(i + 1, end)
                    if funcs[k] == name and hunk.lines[k].sign in (ln.sign, " ")]
            yield name, [codes[k] for k in body], _params(codes, i, body)


def _closing(lines: Sequence[DiffLine], start: int) -> int | None:
    """Index of the column-0 ``}`` that closes the function defined at ``start`` (in the
    same image), else None."""
    image = (lines[start].sign, " ")
    return next((k for k in range(start + 1, len(lines))
                 if lines[k].sign in image and lines[k].text.startswith("}")), None)


def _macro_definitions(
    patch: Patch, table: PrimitiveTable
) -> Iterator[tuple[str, list[str], tuple[str, ...]]]:
    """``#define foo_lock(f) mutex_lock(&(f)->lock)`` in +/- lines (with ``\\`` continuations)."""
    for hunk in patch.hunks:
        for i, ln in enumerate(hunk.lines):
            m = MACRO_RE.match(ln.text) if ln.sign != " " else None
            if m is None or table.lookup(m.group(1)) is not None:
                continue
            body = [ln.text[m.end():]]
            k = i
            while hunk.lines[k].text.rstrip().endswith("\\") and k + 1 < len(hunk.lines):
                k += 1
                body.append(hunk.lines[k].text)
            params = tuple(p.strip() for p in m.group(2).split(","))
            yield m.group(1), [" ".join(body).replace("\\", " ")], params


def _params(codes: Sequence[str], i: int, body: Sequence[int]) -> tuple[str, ...]:
    m = PARAM_START_RE.search(codes[i])
    if m is None:
        return ()
    text = codes[i] + " " + " ".join(codes[k] for k in body[:3])
    args, _ = split_args(text, m.end() - 1)
    names = [WORD_RE.findall(a) for a in args]
    return tuple(n[-1] if n else "" for n in names)


def _wrapper(
    name: str, body: Sequence[str], params: tuple[str, ...], table: PrimitiveTable,
    known: Mapping[str, Primitive],
) -> Primitive | None:
    effects: dict[str, list[Found]] = {}
    for code in body:
        for f in line_found(code, (), table, known, frozenset()):
            effects.setdefault(f.lock, []).append(f)
    for lock, found in effects.items():
        acq = [f for f in found if f.role in ACQUIRING]
        rel = [f for f in found if f.role == "release"]
        role = _wrapper_role(acq, rel)
        if role is None:
            continue
        f = (acq or rel)[0]
        arg, template = _template(lock, params)
        return Primitive(name=name, role=role, family=f.family, mode=f.mode, ctx=f.ctx,
                         sleeps=f.sleeps, arg=arg, lock_expr=template)
    return None


def _wrapper_role(acq: Sequence[Found], rel: Sequence[Found]) -> Role | None:
    """A body that only acquires (``acquire``; only trylocks: ``trylock``, as in
    ``while (!arch_spin_trylock(&l)) ...``) or only releases one lock wraps that operation."""
    if bool(acq) == bool(rel):
        return None
    if not acq:
        return "release"
    roles = {f.role for f in acq}
    return "acquire" if "acquire" in roles else "trylock" if roles == {"trylock"} else None


def _template(lock: str, params: tuple[str, ...]) -> tuple[int, str]:
    lock = PAREN_PARAM_RE.sub(r"\1", lock)  # macro bodies parenthesize: (f)->lock
    m = LEADING_WORD_RE.match(lock)
    if m and m.group(1) in params:
        return params.index(m.group(1)), "{0}" + lock[m.end():]
    return -1, lock
