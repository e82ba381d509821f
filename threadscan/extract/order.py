"""Lock nesting from code: simulate the held-lock set over each function's images.

For every function a patch touches, the pre- and post-image (``image.py``) are scanned in
order: acquisitions (and held-assertions, which state a lock is held) push, releases pop
the most recent entry of the same normalized lock. Acquiring B while A is held records
the edge ``A -> B`` (``trylock=True`` when B was a trylock: it cannot block).
Branches are approximated: at ``{`` the held set is saved; a block that ends in
``return``/``goto``/``break``/``continue`` restores it at its ``}`` (the error path of
``if (!mutex_trylock(&m)) { spin_unlock(&l); return; }`` does not leak into the rest).
A wait (``flush_work(&w)``, ``wait_for_completion(&c)``, ``synchronize_rcu()``,
``blk_mq_freeze_queue_wait(q)``) while A is held records ``A -> <what is waited for>``, as
lockdep does with its pseudo-locks: if the waited-for side ever takes A (``w -> A`` in another
patch or thread) the corpus graph shows the inversion. A wait pushes nothing, and counts only
when A was taken in the same hunk (a release in the unknown lines between hunks would make
the edge false, and a wait under a lock reads as a deadlock).
A scope guard holds its lock to the end of its block: ``scoped_guard(...) { }`` (QEMU's
``WITH_*_GUARD``) to the end of the block it opens, ``guard(...)(...)`` to the end of the block
it is in; when that block's ``{`` is not in the image, to the end of the image.
Edges only in the post-image are ``added``, only in the pre-image ``removed``, in both
``kept``. Lines between hunks are unknown and treated as absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from threadscan.extract.image import ImageLine, function_images
from threadscan.extract.locks import Found, called_names, line_found
from threadscan.extract.primitives import ACQUIRING, Primitive, PrimitiveTable
from threadscan.extract.relevance import has_lock_calls, may_lock
from threadscan.extract.wrappers import wrapper_map
from threadscan.model import OrderEdge, Patch

EXIT_RE = re.compile(r"^\s*(?:return\b|goto\b|break\s*;|continue\s*;)")
BRACELESS_RE = re.compile(r"^\s*(?:(?:}\s*)?else\s*$|(?:}\s*else\s+)?(?:if|for|while)\b.*\)\s*$)")
HOLDING = ACQUIRING | {"assert_held"}


@dataclass(frozen=True)
class Held:
    lock: str
    index: int  # image position where it was taken
    trylock: bool = False
    hunk: str = ""  # id of the hunk it was taken in
    scope: int | None = None  # a scope guard: released when the brace depth drops below this


@dataclass(frozen=True)
class Edge:
    outer: str
    inner: str
    trylock: bool
    evidence: str


@dataclass
class Simulation:
    """Result of one simulation (local object, never shared)."""

    edges: list[Edge] = field(default_factory=list)
    sections: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    held: list[Held] = field(default_factory=list)
    saved: list[tuple[list[Held], bool]] = field(default_factory=list)


def order_edges(patch: Patch, table: PrimitiveTable) -> list[OrderEdge]:
    """Nesting edges per function, compared between the pre- and post-image."""
    if not has_lock_calls(patch, table):
        return []  # no line of the patch can take a lock: no image has an edge
    called = called_names(patch)
    wrappers = wrapper_map(patch, table)
    out: list[OrderEdge] = []
    for (_file, func), image in function_images(patch).items():
        old = _image_edges(image.old, table, wrappers, called)
        new = _image_edges(image.new, table, wrappers, called)
        for pair, edge in {**old, **new}.items():
            change = "kept" if pair in old and pair in new else "added" if pair in new \
                else "removed"
            out.append(OrderEdge(
                outer=edge.outer, inner=edge.inner, origin="code", msgid=patch.msgid,
                function=func, trylock=edge.trylock, change=change,  # type: ignore[arg-type]
                evidence=edge.evidence))
    return out


def _image_edges(
    lines: Sequence[ImageLine], table: PrimitiveTable,
    wrappers: Mapping[str, Primitive], called: frozenset[str],
) -> dict[tuple[str, str], Edge]:
    if not may_lock((il.code for il in lines), table, wrappers):
        return {}  # no line can take a lock: the simulation would find no edge
    return _first_edges(simulate(lines, table, wrappers, called).edges)


def _first_edges(edges: Sequence[Edge]) -> dict[tuple[str, str], Edge]:
    out: dict[tuple[str, str], Edge] = {}
    for e in edges:
        out.setdefault((e.outer, e.inner), e)
    return out


def simulate(
    lines: Sequence[ImageLine], table: PrimitiveTable,
    wrappers: Mapping[str, Primitive], called: frozenset[str],
) -> Simulation:
    """Scan one image; record edges and per-lock critical sections (index ranges)."""
    sim = Simulation()
    braceless = False
    for idx, il in enumerate(lines):
        if not il.code.strip():
            continue
        for f in line_found(il.code, il.more, table, wrappers, called):
            _apply(sim, f, idx, il.line.text.strip(), il.key[0])
        if sim.saved and not braceless and EXIT_RE.match(il.code):
            sim.saved[-1] = (sim.saved[-1][0], True)
        _braces(sim, il.code, idx)
        braceless = il.code.rstrip().endswith((")", "else")) and bool(BRACELESS_RE.match(il.code))
    for h in sim.held:
        sim.sections.setdefault(h.lock, []).append((h.index, len(lines)))
    return sim


def _apply(sim: Simulation, f: Found, idx: int, text: str, hunk: str = "") -> None:
    if f.role in HOLDING:
        if any(h.lock == f.lock for h in sim.held):
            return
        for h in sim.held:
            sim.edges.append(Edge(h.lock, f.lock, f.role == "trylock", text))
        sim.held.append(Held(f.lock, idx, f.role == "trylock", hunk, _guard_scope(sim, f)))
    elif f.role == "wait" and f.lock not in ("", "?"):
        for h in sim.held:  # a wait under a lock orders it like lockdep's pseudo-lock
            if h.lock != f.lock and h.hunk == hunk:
                sim.edges.append(Edge(h.lock, f.lock, False, text))
    elif f.role == "release":
        for k in range(len(sim.held) - 1, -1, -1):
            if sim.held[k].lock == f.lock:
                h = sim.held.pop(k)
                sim.sections.setdefault(h.lock, []).append((h.index, idx))
                break


def _guard_scope(sim: Simulation, f: Found) -> int | None:
    """The brace depth a scope guard lives at: ``guard(mutex)(&m);`` until its block ends,
    ``scoped_guard(mutex, &m) { ... }`` (QEMU: ``WITH_QEMU_LOCK_GUARD(&m) { ... }``) until
    the end of the block it opens; None for other locks (released by their unlock)."""
    if f.via != "guard":
        return None
    return len(sim.saved) + int(f.primitive.startswith(("scoped_", "WITH_")))


def _braces(sim: Simulation, code: str, idx: int) -> None:
    if "{" not in code and "}" not in code:
        return
    for ch in code:
        if ch == "{":
            sim.saved.append((list(sim.held), False))
        elif ch == "}" and sim.saved:  # a "}" whose "{" is not in the image (before it, or
            snapshot, exited = sim.saved.pop()  # in lines between hunks) ends no guard
            if exited:
                sim.held = list(snapshot)
            _end_guards(sim, len(sim.saved), idx)


def _end_guards(sim: Simulation, depth: int, idx: int) -> None:
    """A block closed (the depth is now ``depth``): the scope guards of deeper blocks end."""
    for h in [h for h in sim.held if h.scope is not None and h.scope > depth]:
        sim.held.remove(h)
        sim.sections.setdefault(h.lock, []).append((h.index, idx))
