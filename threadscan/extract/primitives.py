"""The lock primitive table: names -> what a call does to which lock.

The data lives in ``data/primitives.toml`` (one table for Linux, Xen, QEMU and
pthreads; each entry is tagged with the projects it belongs to). ``load_table()``
reads it into frozen objects; ``PrimitiveTable.lookup(name)`` answers per call name.

Lock expressions: ``lock_expr(prim, args)`` fills the entry's template with the
normalized lock argument (``&mvdev->state_mutex`` -> ``mvdev->state_mutex``;
``pod_lock(p2m)`` -> ``p2m->pod.lock``; ``bql_lock()`` -> ``bql``).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from threadscan.errors import ModelError
from threadscan.model import Role

TABLE_FILE = "primitives.toml"
ROLES: frozenset[str] = frozenset(
    {"acquire", "release", "trylock", "cond_acquire", "assert_held", "init", "declare",
     "define", "destroy", "guard", "wait", "upgrade", "downgrade", "annotate"}
)
ACQUIRING: frozenset[str] = frozenset({"acquire", "trylock", "cond_acquire", "guard"})

_CAST = re.compile(
    r"^\(\s*(?:const\s+|volatile\s+|struct\s+|union\s+|unsigned\s+)*\w+\s*\**\s*\)(?!->|\.|\[)"
)
_PAREN_NAME = re.compile(r"^\((\w+)\)(?=->|\.|\[)")  # (f)->lock: macro-style parens
_SPACE = re.compile(r"\s+")
_PLAIN_LOCK = re.compile(r"[\w.\->\[\]]+")


@dataclass(frozen=True)
class Primitive:
    name: str
    role: Role
    family: str
    mode: str = "exclusive"
    ctx: str = "plain"
    sleeps: str = "n/a"
    pair: str | None = None
    arg: int = 0  # index of the lock argument; -1 = none (constant lock_expr)
    lock_expr: str = "{0}"
    query: bool = False  # only an assertion inside ASSERT()/WARN_ON()/...
    projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuardClass:
    """A scope-guard class: ``guard(NAME)(ARG)`` or a macro ``QEMU_LOCK_GUARD(ARG)``."""

    name: str
    family: str
    sleeps: str = "n/a"
    mode: str = "exclusive"
    ctx: str = "plain"
    role: Role = "guard"
    lock: str | None = None  # constant lock (rcu, preempt) when the guard takes no lock arg
    lock_expr: str = "{0}"


@dataclass(frozen=True)
class PrimitiveTable:
    version: str
    primitives: Mapping[str, Primitive]
    guards: Mapping[str, GuardClass]
    guard_macros: Mapping[str, GuardClass]
    types: Mapping[str, str]  # declaration type -> family
    conversion_targets: Mapping[str, str]  # non-lock types a lock may become (atomic_t)
    family_sleeps: Mapping[str, str]

    def lookup(self, name: str) -> Primitive | None:
        return self.primitives.get(name)

    def pair_names(self) -> frozenset[str]:
        return frozenset(p.pair for p in self.primitives.values() if p.pair)


@functools.lru_cache(maxsize=8)
def load_table(project: str | None = None) -> PrimitiveTable:
    """Read the packaged table; ``project`` ("linux", "xen", "qemu") keeps only its entries.

    Cached: the table is immutable (frozen dataclasses, read-only mappings), so every
    caller shares one parse of the packaged TOML.
    """
    try:
        raw = resources.files("threadscan.extract").joinpath("data", TABLE_FILE).read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ModelError(f"cannot read lock primitive table: {err}", file=TABLE_FILE) from err
    return table_from_dict(data, project)


def table_from_dict(data: Mapping[str, Any], project: str | None = None) -> PrimitiveTable:
    """Build a table from parsed TOML (also used by tests and third-party tables)."""
    prims: dict[str, Primitive] = {}
    for group in data.get("group", []):
        for entry in group.get("ops", []):
            prim = _primitive(group, entry)
            if project is None or not prim.projects or project in prim.projects:
                prims.setdefault(prim.name, prim)
    return PrimitiveTable(
        version=str(data.get("version", "primitives.v?")),
        primitives=MappingProxyType(prims),
        guards=MappingProxyType(_guards(data.get("guards", {}))),
        guard_macros=MappingProxyType(_guards(data.get("guard_macros", {}))),
        types=MappingProxyType(dict(data.get("types", {}))),
        conversion_targets=MappingProxyType(dict(data.get("conversion_targets", {}))),
        family_sleeps=MappingProxyType(dict(data.get("family_sleeps", {}))),
    )


def _primitive(group: Mapping[str, Any], entry: Mapping[str, Any]) -> Primitive:
    def pick(key: str, default: Any) -> Any:
        return entry.get(key, group.get(key, default))

    role = str(entry.get("role", ""))
    if role not in ROLES or "name" not in entry:
        raise ModelError(f"bad primitive entry {dict(entry)!r}", file=TABLE_FILE)
    return Primitive(
        name=str(entry["name"]), role=role,  # type: ignore[arg-type]
        family=str(pick("family", "custom")), mode=str(pick("mode", "exclusive")),
        ctx=str(pick("ctx", "plain")), sleeps=str(pick("sleeps", "n/a")),
        pair=entry.get("pair"), arg=int(entry.get("arg", 0)),
        lock_expr=str(entry.get("lock_expr", "{0}")), query=bool(entry.get("query", False)),
        projects=tuple(group.get("projects", ())),
    )


def _guards(section: Mapping[str, Mapping[str, Any]]) -> dict[str, GuardClass]:
    out: dict[str, GuardClass] = {}
    for name, spec in section.items():
        out[name] = GuardClass(
            name=name, family=str(spec.get("family", "custom")),
            sleeps=str(spec.get("sleeps", "n/a")), mode=str(spec.get("mode", "exclusive")),
            ctx=str(spec.get("ctx", "plain")), role=spec.get("role", "guard"),
            lock=spec.get("lock"), lock_expr=str(spec.get("lock_expr", "{0}")),
        )
    return out


def normalize_lock(expr: str) -> str:
    """``&(mvdev->state_mutex)`` -> ``mvdev->state_mutex``: no &, casts, spaces, outer parens."""
    text = _SPACE.sub("", expr.strip())
    for _ in range(8):
        before = text
        text = _PAREN_NAME.sub(r"\1", text)
        text = _CAST.sub("", text)
        if text.startswith("&"):
            text = text[1:]
        if text.startswith("(") and _closing(text, 0) == len(text) - 1:
            text = text[1:-1]
        if text == before:
            break
    return text


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def lock_expr(template: str, args: tuple[str, ...], index: int) -> str:
    """Fill a lock template; ``index`` -1 means the template is the constant lock name."""
    if index < 0 or "{0}" not in template:
        return template
    if index >= len(args) or not args[index].strip():
        return ""
    base = normalize_lock(args[index])
    if template == "{0}":
        return base
    if not _PLAIN_LOCK.fullmatch(base):
        base = f"({base})"
    return template.replace("{0}", base)
