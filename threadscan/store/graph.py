"""The lock-order graph across the whole corpus.

Every stored ``OrderEdge`` (outer -> inner, from code or from prose) is grouped
by its (outer, inner) pair. An edge is *inverted* when some thread orders
A -> B and another thread (or the same one) orders B -> A; it is *shared* when
two or more threads order it the same way. Edges a patch removes
(``change="removed"``) and trylock edges (the inner lock cannot block) are kept
as evidence but never count towards an inversion or a share.
Order of the result: inversions, then shared edges, then the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from threadscan.lockname import lock_tail, normalize_lock

if TYPE_CHECKING:
    from threadscan.store.corpus import Corpus


@dataclass(frozen=True)
class EdgeEvidence:
    thread_id: str
    msgid: str
    origin: str  # code | prose
    change: str  # added | removed | kept | stated
    function: str | None
    trylock: bool
    evidence: str  # the line or sentence
    url: str | None


@dataclass(frozen=True)
class GraphEdge:
    outer: str
    inner: str
    threads: tuple[str, ...]  # threads where the edge holds (not removed, not trylock)
    evidence: tuple[EdgeEvidence, ...]
    inversion: bool = False  # inner -> outer holds in some thread too
    inverse_threads: tuple[str, ...] = ()  # the threads that order it the other way
    shared: bool = False  # holds in >= 2 threads
    status: str = "single"  # inversion | shared | single (one thread) | removed (holds nowhere)


_EDGES_SQL = (
    "SELECT e.outer_lock, e.inner_lock, e.thread_id, e.msgid, e.origin, e.change, e.function, "
    "e.trylock, e.evidence, m.prov_url FROM lock_order e LEFT JOIN messages m "
    "ON m.msgid = e.msgid ORDER BY e.thread_id, e.pos"
)


def _matches(lock: str, expr: str) -> bool:
    norm, want = normalize_lock(expr), normalize_lock(lock)
    if want.startswith(("->", ".")) or want == lock_tail(want):
        return lock_tail(norm) == lock_tail(want)
    return norm == want or norm.endswith(("->" + want, "." + want))


def lock_graph(
    corpus: Corpus, lock: str | None = None, *, by: Literal["expr", "member"] = "expr"
) -> list[GraphEdge]:
    """Order edges across the corpus (touching ``lock`` if given), inversions first.

    ``by="member"`` groups locks by their last member, like lockdep classes:
    ``set->tag_list_lock`` and ``q->tag_set->tag_list_lock`` are both ``tag_list_lock``.
    """
    evidence: dict[tuple[str, str], list[EdgeEvidence]] = {}
    for row in corpus.conn.execute(_EDGES_SQL):
        outer, inner = row[0], row[1]
        if by == "member":
            outer, inner = lock_tail(outer), lock_tail(inner)
        if lock and not (_matches(lock, outer) or _matches(lock, inner)):
            continue
        ev = EdgeEvidence(row[2], row[3], row[4], row[5], row[6], bool(row[7]), row[8], row[9])
        evidence.setdefault((outer, inner), []).append(ev)
    holds = {pair: _holding(evs) for pair, evs in evidence.items()}
    edges = [_edge(pair, evs, holds) for pair, evs in evidence.items()]
    return sorted(edges, key=lambda e: (not e.inversion, not e.shared, -len(e.threads),
                                        e.outer, e.inner))


def _holding(evs: list[EdgeEvidence]) -> tuple[str, ...]:
    live = (e.thread_id for e in evs if e.change != "removed" and not e.trylock)
    return tuple(dict.fromkeys(live))


def _edge(
    pair: tuple[str, str], evs: list[EdgeEvidence], holds: dict[tuple[str, str], tuple[str, ...]]
) -> GraphEdge:
    threads = holds[pair]
    inverse = holds.get((pair[1], pair[0]), ()) if threads else ()
    shared = len(threads) >= 2
    status = ("inversion" if inverse else "shared" if shared
              else "single" if threads else "removed")
    return GraphEdge(
        outer=pair[0], inner=pair[1], threads=threads, evidence=tuple(evs),
        inversion=bool(inverse), inverse_threads=inverse, shared=shared, status=status,
    )
