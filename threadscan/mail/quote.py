"""Who said each quoted line: attribution lines, nesting, sign-offs, alternation.

Depth d is named by an attribution line at depth d-1 ("On ..., X wrote:" at the
top names depth 1; one inside depth 1 names depth 2, ...), or by one that opens a
depth-d block with no attribution above it and no deeper line after it (Apple Mail
quotes its own attribution line). A depth with no
attribution is named by a sign-off inside it ("-George", "Thanks,\\nNathan"),
else by alternation in a two-party exchange (A quotes B quoting A: depth d
spoke as depth d-2). ``fixed`` lets a caller that knows better (a page with the
whole exchange) pin depths. Recovery of lost quote markers is in ``unquoted``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from threadscan.mail.attribution import fold_name, sign_off_name
from threadscan.mail.unquoted import Recovered, recover_quotes
from threadscan.model import SegmentKind

__all__ = [
    "BodyLine",
    "Recovered",
    "assign_speakers",
    "depth_names",
    "full_name",
    "recover_quotes",
]


class BodyLine(NamedTuple):
    """One classified body line (markers removed); a NamedTuple: one is built per line."""

    idx: int
    depth: int
    kind: SegmentKind
    text: str
    attributed: str | None = None  # for attribution lines: who the next depth is
    inside: bool = False  # the attribution names its own depth (Apple Mail quotes it too)

    @property
    def names_depth(self) -> int:
        """The depth an attribution line names."""
        return self.depth if self.inside else self.depth + 1


def assign_speakers(
    lines: Sequence[BodyLine], author: str | None, fixed: Mapping[int, str]
) -> list[str | None]:
    """The speaker of every line, indexed by ``BodyLine.idx``."""
    names = depth_names(lines, author, fixed)
    current: dict[int, str | None] = dict(names)
    out: list[str | None] = [None] * (max((ln.idx for ln in lines), default=-1) + 1)
    for line in lines:
        if line.kind == "footer":
            continue
        if line.attributed and line.inside and line.depth not in fixed:
            current[line.depth] = full_name(line.attributed, names.values())
        out[line.idx] = current.get(line.depth)
        if line.attributed and not line.inside and line.depth + 1 not in fixed:
            named = full_name(line.attributed, names.values())
            for deeper in [d for d in current if d > line.depth + 1]:
                current[deeper] = names.get(deeper)  # a new quoted message starts
            current[line.depth + 1] = named
    return out


def depth_names(
    lines: Sequence[BodyLine], author: str | None, fixed: Mapping[int, str]
) -> dict[int, str]:
    """One name per depth: fixed, else first attribution, else sign-off, else alternation."""
    names: dict[int, str] = {0: author} if author else {}
    for line in lines:
        if line.attributed and line.names_depth not in names:
            names[line.names_depth] = line.attributed
    for depth, name in _sign_offs(lines).items():
        names.setdefault(depth, name)
    names.update(fixed)
    known = list(names.values())
    names = {d: full_name(n, known) for d, n in names.items()}
    return _alternate(names, max((ln.depth for ln in lines), default=0))


def _sign_offs(lines: Sequence[BodyLine]) -> dict[int, str]:
    """Depth -> name signed at the end of a block of that depth (depth >= 1)."""
    found: dict[int, str] = {}
    block: list[BodyLine] = []
    for line in [*lines, BodyLine(idx=-1, depth=-1, kind="text", text="x")]:
        if block and (line.depth != block[0].depth) and line.text.strip():
            name = sign_off_name([b.text for b in block if b.kind == "quote"])
            if name and block[0].depth > 0:
                found.setdefault(block[0].depth, name)
            block = []
        if line.text.strip() or block:
            block.append(line)
    return found


def _alternate(names: dict[int, str], deepest: int) -> dict[int, str]:
    """Fill unnamed depths from d-2 / d+2 when only two people are talking."""
    if len(set(names.values())) > 2 or not names:
        return names
    filled = dict(names)
    changed = True
    while changed:
        changed = False
        for depth in range(deepest + 1):
            if depth in filled:
                continue
            guess = filled.get(depth - 2) or filled.get(depth + 2)
            if guess:
                filled[depth] = guess
                changed = True
    return filled


def full_name(name: str, known: Iterable[str]) -> str:
    """'Nathan' -> 'Nathan Lynch' when exactly one known name starts with it."""
    names = list(known)
    if " " in name.strip():
        return name
    first = name.strip().lower()
    matches = [k for k in names if k.lower().split()[:1] == [first] and " " in k]
    spelled = {fold_name(k) for k in matches}  # "Roger Pau Monné" is "Roger Pau Monne"
    return matches[0] if len(spelled) == 1 else name

