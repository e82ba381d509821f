"""The lock-order graph as inline SVG: a simple layered (longest-path) layout.

Outer locks sit above the locks taken inside them. Code edges are solid, prose edges
dashed, trylock edges dotted; an inversion (A->B and B->A both present) is red. Edges
that point upwards or sideways (cycles) are drawn as curves. All text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from threadscan.model import OrderEdge
from threadscan.report.summary import EdgeItem

CHAR_W = 7.4
NODE_H = 28
LAYER_GAP = 86
NODE_GAP = 28
MARGIN = 24


@dataclass(frozen=True)
class Box:
    name: str
    x: float
    y: float
    w: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


def node_names(edges: Sequence[EdgeItem]) -> list[str]:
    return list(dict.fromkeys(n for e in edges for n in (e.outer, e.inner)))


def acyclic(edges: Sequence[EdgeItem]) -> list[tuple[str, str]]:
    """Edges in order, skipping any that would close a cycle (those become back edges)."""
    kept: list[tuple[str, str]] = []
    for e in edges:
        if e.outer != e.inner and not reaches(kept, e.inner, e.outer):
            kept.append((e.outer, e.inner))
    return kept


def reaches(pairs: Sequence[tuple[str, str]], start: str, goal: str) -> bool:
    todo, seen = [start], {start}
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for a, b in pairs:
            if a == node and b not in seen:
                seen.add(b)
                todo.append(b)
    return False


def layers(edges: Sequence[EdgeItem]) -> list[list[str]]:
    """Longest-path layering over the acyclic part of the graph."""
    names = node_names(edges)
    depth = dict.fromkeys(names, 0)
    pairs = acyclic(edges)
    for _ in names:  # at most |V| relaxation rounds on a DAG
        changed = False
        for a, b in pairs:
            if depth[b] < depth[a] + 1:
                depth[b], changed = depth[a] + 1, True
        if not changed:
            break
    out: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for name in names:
        out[depth[name]].append(name)
    return out


def place(edges: Sequence[EdgeItem]) -> tuple[dict[str, Box], float, float]:
    """Boxes for every lock, centred per layer; returns (boxes, width, height)."""
    rows = layers(edges)
    widths = [[len(n) * CHAR_W + 24 for n in row] for row in rows]
    full = max((sum(ws) + NODE_GAP * (len(ws) - 1) for ws in widths), default=0)
    width = full + 2 * MARGIN + 60
    boxes: dict[str, Box] = {}
    for r, (row, ws) in enumerate(zip(rows, widths, strict=True)):
        x = (width - (sum(ws) + NODE_GAP * (len(ws) - 1))) / 2
        for name, w in zip(row, ws, strict=True):
            boxes[name] = Box(name, x, MARGIN + r * LAYER_GAP, w)
            x += w + NODE_GAP
    return boxes, width, MARGIN * 2 + max(len(rows) - 1, 0) * LAYER_GAP + NODE_H


def edge_class(e: EdgeItem) -> str:
    kinds = ["edge", e.origin]
    kinds += ["trylock"] if e.trylock else []
    kinds += ["inversion"] if e.inversion else []
    kinds += ["removed"] if e.change == "removed" else []
    return " ".join(kinds)


def edge_path(a: Box, b: Box, bend: float) -> str:
    """A straight line downwards; a curve (bent by ``bend``) for up/sideways edges."""
    if b.y > a.y and not bend:
        return f"M{a.cx:.1f},{a.y + NODE_H:.1f} L{b.cx:.1f},{b.y - 3:.1f}"
    down = b.y > a.y
    y1 = a.y + NODE_H if down else a.y + NODE_H / 2
    y2 = b.y - 3 if down else b.y + NODE_H / 2
    x1 = a.cx if down else a.x + a.w
    x2 = b.cx if down else b.x + b.w + 3
    mx, my = (x1 + x2) / 2 + bend, (y1 + y2) / 2
    if not down:
        mx = max(x1, x2) + 50 + abs(bend)
    return f"M{x1:.1f},{y1:.1f} Q{mx:.1f},{my:.1f} {x2:.1f},{y2:.1f}"


def edge_svg(e: EdgeItem, boxes: dict[str, Box], index: int, pairs: set[tuple[str, str]]) -> str:
    a, b = boxes[e.outer], boxes[e.inner]
    bend = 26.0 if (e.inner, e.outer) in pairs else 0.0
    marker = "arrow-red" if e.inversion else "arrow"
    where = f" in {e.function}()" if e.function else ""
    tip = f"{e.outer} → {e.inner}: {e.origin}, {e.change}{where}. {e.evidence}".strip()
    return (
        f'<path id="edge-{index}" class="{edge_class(e)}" d="{edge_path(a, b, bend)}" '
        f'marker-end="url(#{marker})"><title>{escape(tip)}</title></path>'
    )


def node_svg(box: Box) -> str:
    return (
        f'<g class="node"><rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" '
        f'height="{NODE_H}" rx="6"/><text x="{box.cx:.1f}" y="{box.y + 18:.1f}" '
        f'text-anchor="middle">{escape(box.name)}</text></g>'
    )


DEFS = (
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
    'class="arrowhead"/></marker><marker id="arrow-red" viewBox="0 0 10 10" refX="9" '
    'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
    '<path d="M0,0 L10,5 L0,10 z" class="arrowhead red"/></marker></defs>'
)


def lock_graph_svg(edges: Sequence[EdgeItem]) -> str:
    """The lock-order graph of ``edges`` as one ``<svg>`` element ("" when no edges)."""
    if not edges:
        return ""
    boxes, width, height = place(edges)
    pairs = {(e.outer, e.inner) for e in edges}
    parts = [
        f'<svg class="lockgraph" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">',
        "<title>Lock order: outer lock above, inner lock below</title>",
        DEFS,
        *(edge_svg(e, boxes, i, pairs) for i, e in enumerate(edges) if e.outer != e.inner),
        *(node_svg(b) for b in boxes.values()),
        "</svg>",
    ]
    return "\n".join(parts)


def order_graph_svg(edges: Sequence[OrderEdge]) -> str:
    """The graph of raw ``OrderEdge``s (e.g. corpus-wide), duplicates merged."""
    from threadscan.report.debate import to_edge_items
    from threadscan.report.summary import Citation

    return lock_graph_svg(to_edge_items(edges, Citation))
