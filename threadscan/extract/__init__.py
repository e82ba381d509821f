"""The extract stage: diffs and what they do to locks (pure; Message/Patch in, model out).

``analyze_patches(messages)`` finds every Patch in the messages (``diff.find_patches``)
and, for the patches that are the code under review, derives LockOps (``locks``),
LockChanges (``changes``) and code OrderEdges (``order``).

Only non-quoted patches produce LockOps: a diff quoted in a reply is a *view* of a
patch (kept in ``patches`` with ``quoted=True``). Quoted fallback: when no message of
the thread carries an unquoted copy of any patch (archive pages that show the patch only
inside replies, seeds 003/004), the best quoted copy — the one with the most changed
lines — stands in as the patch source (``quoted_fallback=True``, the default). Its
LockOps carry the msgid of the reply it was quoted in.
"""

from __future__ import annotations

from collections.abc import Iterable

from threadscan.extract.changes import lock_changes
from threadscan.extract.diff import find_patches, format_patch, parse_patch_text
from threadscan.extract.locks import lock_ops
from threadscan.extract.order import order_edges
from threadscan.extract.primitives import PrimitiveTable, load_table
from threadscan.model import LockChange, LockOp, Message, OrderEdge, Patch, PatchAnalysis

__all__ = [
    "analyze_patches",
    "find_patches",
    "format_patch",
    "load_table",
    "lock_changes",
    "lock_ops",
    "order_edges",
    "parse_patch_text",
    "source_patches",
]


def analyze_patches(
    messages: Iterable[Message], *, quoted_fallback: bool = True,
    table: PrimitiveTable | None = None,
) -> PatchAnalysis:
    """Patches of a thread's messages and the lock analysis of the patches under review."""
    table = table or load_table()
    patches = [p for msg in messages for p in find_patches(msg)]
    ops: list[LockOp] = []
    changes: list[LockChange] = []
    edges: list[OrderEdge] = []
    for patch in source_patches(patches, quoted_fallback=quoted_fallback):
        patch_ops = lock_ops(patch, table)
        ops.extend(patch_ops)
        changes.extend(lock_changes(patch, patch_ops, table))
        edges.extend(order_edges(patch, table))
    return PatchAnalysis(patches=tuple(patches), lock_ops=tuple(ops),
                         lock_changes=tuple(changes), lock_order=tuple(edges))


def source_patches(patches: Iterable[Patch], *, quoted_fallback: bool = True) -> list[Patch]:
    """The patches that are code under review: the unquoted ones, else the best quoted copy."""
    patches = list(patches)
    own = [p for p in patches if not p.quoted and p.hunks]
    if own or not quoted_fallback:
        return own
    quoted = [p for p in patches if p.quoted and p.hunks]
    if not quoted:
        return []
    return [max(quoted, key=lambda p: (sum(h.added + h.removed for h in p.hunks), len(p.hunks)))]
