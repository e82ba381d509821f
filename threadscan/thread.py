"""Threading: JWZ over References / In-Reply-To, with ghosts and a subject fallback.

``build_threads`` is pure and deterministic: the same messages in any order give
the same threads. Messages referenced but not present stay in the tree as ghost
nodes. A reply whose parents are all unknown joins the thread whose root has the
same clean subject. Loops in References are broken, duplicates merged by id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import pairwise

from threadscan.model import Message, Thread, ThreadNode

__all__ = ["build_threads"]

Parents = dict[str, str | None]
SortKey = tuple[float, str]


def build_threads(messages: Iterable[Message]) -> list[Thread]:
    """Group messages into threads, roots and children ordered by date then Message-ID."""
    by_id = _dedupe(messages)
    parent = _link(by_id)
    _join_orphans_by_subject(by_id, parent)
    children = _children(parent, by_id)
    roots = sorted((mid for mid, up in parent.items() if up is None), key=lambda r: children[r][0])
    return [_thread(root, by_id, children) for root in roots]


def _key(message: Message) -> SortKey:
    when = message.date.timestamp() if message.date is not None else math.inf
    return (when, message.msgid)


def _dedupe(messages: Iterable[Message]) -> dict[str, Message]:
    """One message per Message-ID: the first seen, unless a later copy knows its parents."""
    by_id: dict[str, Message] = {}
    for message in sorted(messages, key=_key):
        kept = by_id.get(message.msgid)
        if kept is None or (not _parent_ids(kept) and _parent_ids(message)):
            by_id[message.msgid] = message
    return by_id


def _parent_ids(message: Message) -> tuple[str, ...]:
    """``Message.parent_ids`` in linear time (a hostile References may hold 10^5 ids)."""
    chain = dict.fromkeys((*message.references, message.in_reply_to or ""))
    chain.pop("", None)
    chain.pop(message.msgid, None)
    return tuple(chain)


def _is_ancestor(candidate: str, node: str, parent: Parents) -> bool:
    """True when ``candidate`` is ``node`` or one of its ancestors."""
    seen: set[str] = set()
    current: str | None = node
    while current is not None and current not in seen:
        if current == candidate:
            return True
        seen.add(current)
        current = parent.get(current)
    return False


class _Forest:
    """The parent map plus root hints, so loop checks on deep chains stay near-linear.

    A hint points from a node to one of its ancestors; hanging a root under a node keeps
    every hint true, moving a subtree (a message's own parent overriding a guess) does not,
    so it drops them.
    """

    def __init__(self, parent: Parents) -> None:
        self.parent = parent
        self.hint: dict[str, str] = {}

    def root(self, node: str) -> str:
        path: list[str] = []
        current = node
        while (up := self.hint.get(current) or self.parent.get(current)) is not None:
            path.append(current)
            current = up
        for seen in path:
            self.hint[seen] = current
        return current

    def is_ancestor(self, candidate: str, node: str) -> bool:
        if self.parent.get(candidate) is None:
            return self.root(node) == candidate
        return _is_ancestor(candidate, node, self.parent)

    def hang(self, child: str, up: str) -> None:
        if self.parent.get(child) not in (None, up):
            self.hint.clear()
        self.parent[child] = up


def _link(by_id: dict[str, Message]) -> Parents:
    forest = _Forest({mid: None for mid in by_id})
    parent = forest.parent
    for message in by_id.values():
        chain = _parent_ids(message)
        for mid in chain:
            parent.setdefault(mid, None)
        for up, down in pairwise(chain):
            if parent[down] is None and not forest.is_ancestor(down, up):
                forest.hang(down, up)
        if chain and not forest.is_ancestor(message.msgid, chain[-1]):
            forest.hang(message.msgid, chain[-1])
    return parent


# ---------------------------------------------------------------- subject fallback


def _subject_key(text: str) -> str:
    return " ".join(text.lower().split())


def _kids(parent: Parents) -> dict[str, list[str]]:
    kids: dict[str, list[str]] = {mid: [] for mid in parent}
    for mid, up in parent.items():
        if up is not None:
            kids[up].append(mid)
    return kids


def _top_reals(root: str, by_id: dict[str, Message], kids: dict[str, list[str]]) -> list[Message]:
    """The real messages reached from ``root`` through ghosts only."""
    if root in by_id:
        return [by_id[root]]
    found: list[Message] = []
    frontier = [root]
    while frontier:
        node = frontier.pop()
        for child in kids[node]:
            if child in by_id:
                found.append(by_id[child])
            else:
                frontier.append(child)
    return sorted(found, key=_key)


def _anchors(tops: dict[str, list[Message]]) -> dict[str, tuple[SortKey, str]]:
    """The earliest non-reply message at the top of any thread, by clean subject."""
    anchors: dict[str, tuple[SortKey, str]] = {}
    for reals in tops.values():
        for message in reals:
            key = _subject_key(message.subject.clean)
            if not key or message.subject.is_reply:
                continue
            if key not in anchors or _key(message) < anchors[key][0]:
                anchors[key] = (_key(message), message.msgid)
    return anchors


def _join_orphans_by_subject(by_id: dict[str, Message], parent: Parents) -> None:
    """Hang each thread whose top messages are all replies under its subject's anchor."""
    roots = [mid for mid, up in parent.items() if up is None]
    kids = _kids(parent)
    tops = {root: _top_reals(root, by_id, kids) for root in roots}
    anchors = _anchors(tops)
    for root, reals in tops.items():
        if not reals or not all(m.subject.is_reply for m in reals):
            continue
        anchor = anchors.get(_subject_key(reals[0].subject.clean))
        if anchor is None or anchor[0] >= _key(reals[0]):
            continue
        if not _is_ancestor(root, anchor[1], parent):
            parent[root] = anchor[1]


# ---------------------------------------------------------------- output


def _children(parent: Parents, by_id: dict[str, Message]) -> dict[str, tuple[SortKey, list[str]]]:
    """Each node's sort key (its own, or its earliest real descendant's) and sorted children."""
    kids = _kids(parent)
    keys: dict[str, SortKey] = {}
    for node in _postorder(parent, kids):
        own = _key(by_id[node]) if node in by_id else (math.inf, node)
        below = [keys[c] for c in kids[node]]
        keys[node] = own if node in by_id or not below else min(below)
    return {mid: (keys[mid], sorted(kids[mid], key=keys.__getitem__)) for mid in parent}


def _postorder(parent: Parents, kids: dict[str, list[str]]) -> list[str]:
    order: list[str] = []
    for root in (mid for mid, up in parent.items() if up is None):
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            stack.append((node, True))
            stack.extend((c, False) for c in kids[node])
    return order


def _thread(
    root: str, by_id: dict[str, Message], children: dict[str, tuple[SortKey, list[str]]]
) -> Thread:
    nodes: list[ThreadNode] = []
    stack: list[tuple[str, str | None]] = [(root, None)]
    while stack:
        node, up = stack.pop()
        nodes.append(ThreadNode(msgid=node, parent=up, ghost=node not in by_id))
        stack.extend((c, node) for c in reversed(children[node][1]))
    reals = sorted((by_id[n.msgid] for n in nodes if not n.ghost), key=_key)
    subject = reals[0].subject.clean if reals else ""
    if root in by_id:
        subject = by_id[root].subject.clean
    return Thread(id=root, subject=subject, nodes=tuple(nodes))
