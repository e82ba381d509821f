"""Critical-section deltas of one lock in one function: extended, shrunk, moved, split.

Both images are simulated (``order.simulate``); a section is the image index range
between an acquisition and its release. Sections are compared by the context lines
they cover (context lines exist in both images, so they are comparable):
more sections in the post-image -> ``split``; covered context a strict superset ->
``extended``; strict subset -> ``shrunk``; otherwise, when the sections differ -> ``moved``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from threadscan.extract.image import Image, ImageLine
from threadscan.extract.order import simulate
from threadscan.extract.primitives import Primitive, PrimitiveTable


def section_kind(
    image: Image, lock: str, table: PrimitiveTable,
    wrappers: Mapping[str, Primitive], called: frozenset[str],
) -> str | None:
    """How the critical sections of ``lock`` changed between the two images, or None."""
    old = simulate(image.old, table, wrappers, called).sections.get(lock, [])
    new = simulate(image.new, table, wrappers, called).sections.get(lock, [])
    if not old or not new:
        return None
    if len(new) > len(old):
        return "split"
    cov_old = _covered(image.old, old)
    cov_new = _covered(image.new, new)
    if cov_new > cov_old:
        return "extended"
    if cov_new < cov_old:
        return "shrunk"
    if _covered_all(image.old, old) != _covered_all(image.new, new) or len(new) < len(old):
        return "moved"
    return None


Sections = Sequence[tuple[int, int]]


def _inside(lines: Sequence[ImageLine], sections: Sections) -> list[ImageLine]:
    return [lines[i] for a, b in sections for i in range(a + 1, min(b, len(lines)))
            if lines[i].code.strip()]


def _covered(lines: Sequence[ImageLine], sections: Sections) -> set[tuple[str, int]]:
    return {il.key for il in _inside(lines, sections) if il.line.sign == " "}


def _covered_all(lines: Sequence[ImageLine], sections: Sections) -> set[str]:
    return {il.line.text.strip() for il in _inside(lines, sections)}
