"""Lock-order rules stated in prose -> ``OrderEdge(origin="prose", change="stated")``.

Between two lock expressions of one sentence (at most ``MAX_GAP`` characters
apart) the words decide the direction:

* ``A -> B``, ``A --> B``, ``A => B``; ``the A B locking order``   -> A outside B
* ``A must be taken outside (of) B``, ``A before/prior to B``,
  ``taking A first and (then) B``                                   -> A outside B
* ``A nests inside B``, ``A under B``, ``A within B``, ``A after B`` -> B outside A
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from threadscan.model import OrderEdge
from threadscan.nlp.entities import Entity

MAX_GAP = 60
_ARROW = re.compile(r"^\W*(?:-+>|=>|→)\W*$")
_FORWARD = re.compile(r"\b(?:outside|before|prior to|first|then|followed by|ahead of)\b", re.I)
_BACKWARD = re.compile(r"\b(?:inside|under|within|after|nested|nests|beneath|while holding)\b",
                       re.I)
_ORDER_AFTER = re.compile(r"^\s+(?:lock(?:ing)?|nesting|acquisition)\s+order", re.I)
_VERB = re.compile(r"\b(?:tak|held|hold|acquir|grab|lock|nest|ordered|order|first|must)", re.I)


def _direction(text: str, a: Entity, b: Entity) -> int:
    """+1: a outside b; -1: b outside a; 0: no rule stated."""
    between = text[a.end : b.start]
    if len(between) > MAX_GAP:
        return 0
    if _ARROW.match(between):
        return 1
    if not between.strip() and _ORDER_AFTER.match(text[b.end :]):
        return 1
    window = text[max(0, a.start - 30) : b.start]
    if not _VERB.search(window):
        return 0
    if _FORWARD.search(between) and not _BACKWARD.search(between):
        return 1
    if _BACKWARD.search(between) and not _FORWARD.search(between):
        return -1
    return 0


def stated_edges(sentence: str, entities: Sequence[Entity], msgid: str) -> list[OrderEdge]:
    """Order edges stated in one sentence (locks taken from its LOCK entities)."""
    locks = [e for e in entities if e.label == "LOCK"]
    out: list[OrderEdge] = []
    for a, b in itertools.pairwise(locks):
        if a.text == b.text:
            continue
        d = _direction(sentence, a, b)
        if d:
            outer, inner = (a.text, b.text) if d > 0 else (b.text, a.text)
            out.append(OrderEdge(outer, inner, "prose", msgid, change="stated", evidence=sentence))
    return out


def dedup_edges(edges: Iterable[OrderEdge]) -> tuple[OrderEdge, ...]:
    """One edge per (outer, inner), the first statement kept."""
    seen: dict[tuple[str, str], OrderEdge] = {}
    for e in edges:
        seen.setdefault((e.outer, e.inner), e)
    return tuple(seen.values())
