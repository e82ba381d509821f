"""Fitting a rebuilt (once flattened) diff to the line counts of its hunk headers.

``diffsplit`` cuts a flattened patch back into lines by shape; where the shape
is ambiguous the ``@@ -a,b +c,d @@`` counts decide. Whitespace collapse loses
exactly these things, and each repair adds one old and one new line:

- a blank added line before a column-0 context line: ``+ static int f(...)`` is
  ``+`` then `` static int f(...)`` (``+\\n static`` collapsed to ``+ static``);
- a blank context line (it was only whitespace, so it vanished);
- a context line wrapped in two (``VFIO_A |`` / ``VFIO_B;``, ``f(...)`` / ``{``).

A ``+``/``-`` read as an operator (or the reverse) changes one side only: a
line is split at, or merged over, such a token. Repairs are chosen greedily
by plausibility, with git's three context lines at each end of a hunk as
evidence; lines cut where a quoting reply cut them (``trusted``) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

__all__ = ["fit_counts"]

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_HEADER_START = re.compile(r"^(?:diff |index [0-9a-f]+\.\.|--- [ab/]|\+\+\+ [ab/])")
_TOP_LEVEL = re.compile(
    r"^(?:static|extern|typedef|enum|union|MODULE_\w+|EXPORT_SYMBOL\w*|DEFINE_\w+|#\w+)\b"
)
_TYPE_START = re.compile(r"^(?:struct|void|int|bool|long|unsigned|char|u8|u16|u32|u64)$")
_CONTROL = re.compile(r"^(?:(?:\} )?else(?: if \(.*\))?|if \(.*\)|for \(.*\)|while \(.*\))$")
_OPERATORS = frozenset({"|", "||", "&&", "&", "+", "-", "?", ":", "=", "<<", ">>"})
_CONTEXT = 3  # git diff -U3
_WRAP_AT = 40  # characters (indentation lost): shorter lines were not wrapped at an operator
_MAX_BODY = 250  # lines; larger hunks are left as cut
_MAX_STEPS = 16
_SHORTLIST = 40  # most plausible repairs weighed against the context-line evidence
_MIN_SCORE = -2.0  # a repair less plausible than this is not made (counts stay off)


@dataclass(frozen=True)
class _Line:
    words: tuple[str, ...]  # () is a blank context line
    trusted: bool = False

    @property
    def sign(self) -> str:
        first = self.words[0] if self.words else ""
        if first[:1] == "+" and not first.startswith(("++", "+=")):
            return "+"
        if first[:1] == "-" and not first.startswith(("--", "->", "-=")):
            return "-"
        return " "

    @property
    def code(self) -> tuple[str, ...]:
        """The words without the sign: ``+ foo`` / ``+foo`` -> ``foo``."""
        if self.sign == " " or not self.words:
            return self.words
        rest = self.words[0][1:]
        return ((rest,) if rest else ()) + self.words[1:]

    def render(self) -> str:
        text = " ".join(self.words)
        return text if self.sign != " " else " " + text


@dataclass(frozen=True)
class _Option:
    """A repair: ``lines`` replace ``drop`` lines of the body at ``at``."""

    score: float
    at: int
    drop: int
    lines: tuple[_Line, ...]

    def apply(self, body: tuple[_Line, ...]) -> tuple[_Line, ...]:
        return (*body[: self.at], *self.lines, *body[self.at + self.drop :])

    def delta(self, body: Sequence[_Line]) -> tuple[int, int]:
        new, gone = _tally(self.lines), _tally(body[self.at : self.at + self.drop])
        return new[0] - gone[0], new[1] - gone[1]


def _tally(lines: Sequence[_Line]) -> tuple[int, int]:
    """(old-side, new-side) lines."""
    plus = sum(1 for ln in lines if ln.sign == "+")
    minus = sum(1 for ln in lines if ln.sign == "-")
    return len(lines) - plus, len(lines) - minus


def fit_counts(lines: Sequence[str], trusted: Collection[int] = ()) -> list[str]:
    """The lines with every hunk refitted to its header's counts, where that is possible.

    The text after a hunk header may be git's function context or, cut wrongly,
    the hunk's first context line; the reading that fits the counts better wins.
    """
    out = list(lines)
    for start, end, old, new, old_start in reversed(list(_hunks(lines))):
        if end - start > _MAX_BODY:
            continue
        body = tuple(_parse(lines[k], k in trusted) for k in range(start, end))
        header = _HUNK.match(lines[start - 1])
        assert header is not None  # _hunks starts bodies after a header
        head, section = lines[start - 1][: header.end()], lines[start - 1][header.end():]
        fitted = _fit(body, old, new, old_start)
        if section.strip() and (start - 1) not in trusted:
            moved = _fit((_Line(tuple(section.split())), *body), old, new, old_start)
            if _better(moved, fitted, old, new, old_start):
                fitted, out[start - 1] = moved, head
        if fitted != body:
            out[start:end] = [ln.render() for ln in fitted]
    return out


def _better(a: Sequence[_Line], b: Sequence[_Line], old: int, new: int, start: int) -> bool:
    miss_a, miss_b = (sum(map(abs, _deficit(x, old, new))) for x in (a, b))
    return miss_a < miss_b or (miss_a == miss_b and _edges(a, start) > _edges(b, start))


def _parse(line: str, trusted: bool) -> _Line:
    return _Line(tuple(line.split()), trusted)


def _hunks(lines: Sequence[str]) -> Iterator[tuple[int, int, int, int, int]]:
    """(first body line, end, old count, new count, old start) of every hunk."""
    for k, line in enumerate(lines):
        m = _HUNK.match(line)
        if not m:
            continue
        end = k + 1
        while end < len(lines) and not _HUNK.match(lines[end]) and not _HEADER_START.match(
                lines[end]):
            end += 1
        old = int(m.group(2)) if m.group(2) is not None else 1
        new = int(m.group(4)) if m.group(4) is not None else 1
        yield k + 1, end, old, new, int(m.group(1))


def _deficit(body: Sequence[_Line], old: int, new: int) -> tuple[int, int]:
    have = _tally(body)
    return old - have[0], new - have[1]


def _fit(body: tuple[_Line, ...], old: int, new: int, old_start: int) -> tuple[_Line, ...]:
    """Greedy: the most plausible repair that brings the counts closer, until they fit."""
    for _ in range(_MAX_STEPS):
        need = _deficit(body, old, new)
        if need == (0, 0):
            return body
        helpful = sorted(
            (o for o in _options(body) if o.score >= _MIN_SCORE and _closer(need, o.delta(body))),
            key=lambda o: -o.score,
        )[:_SHORTLIST]
        if not helpful:
            return body
        edge = _edges(body, old_start)
        scored = [(o.score + 2 * (_edges(o.apply(body), old_start) - edge), -n, o)
                  for n, o in enumerate(helpful)]
        body = max(scored)[2].apply(body)
    return body


def _closer(need: tuple[int, int], delta: tuple[int, int]) -> bool:
    after = abs(need[0] - delta[0]) + abs(need[1] - delta[1])
    return after < abs(need[0]) + abs(need[1])


def _edges(body: Sequence[_Line], old_start: int) -> int:
    """Closeness to git's 3 context lines before the first and after the last change."""
    changed = [k for k, ln in enumerate(body) if ln.sign != " "]
    if not changed:
        return 0
    leading, trailing = changed[0], len(body) - 1 - changed[-1]
    score = -abs(trailing - _CONTEXT) if trailing <= _CONTEXT else 0
    if old_start > 1:
        score -= abs(leading - _CONTEXT)
    return score


def _options(body: tuple[_Line, ...]) -> Iterator[_Option]:
    for k, line in enumerate(body):
        if not line.trusted:
            yield from _splits(body, k, line)
            if k and not body[k - 1].trusted and line.words and body[k - 1].words:
                yield _merge(body, k)
    for gap in range(len(body) + 1):
        before = body[gap - 1] if gap else None
        after = body[gap] if gap < len(body) else None
        if not (before and after and before.trusted and after.trusted):
            score = _blank_score(before, after)
            yield _Option(score, gap, 0, (_Line(()),))


def _splits(body: tuple[_Line, ...], k: int, line: _Line) -> Iterator[_Option]:
    words = line.words
    for cut in range(1, len(words)):
        head, tail = _Line(words[:cut]), _Line(words[cut:])
        if line.sign != " " and cut == 1 and words[0] in ("+", "-"):
            score = _blank_sign_score(tail)
        elif line.sign != " " and tail.sign == " ":
            score = _tail_score(words, cut)  # a context line run on after a changed one
        else:
            score = _split_score(words, cut)
        yield _Option(score, k, 1, (head, tail))


def _merge(body: tuple[_Line, ...], k: int) -> _Option:
    prev, line = body[k - 1], body[k]
    last = prev.words[-1]
    score = -4.0 if last.endswith((";", "{", "}", "*/")) else 1.0
    if line.sign != " " and len(line.words[0]) == 1:
        score -= 5  # a standalone sign token is a line start
    merged = _Line(prev.words + line.words)
    return _Option(score, k - 1, 2, (merged,))


def _top_level(line: _Line) -> bool:
    """Looks like a line at column 0: a definition, a macro, a declaration of a function."""
    code = line.code
    if not code:
        return False
    if _TOP_LEVEL.match(code[0]):
        return True
    text = " ".join(code)
    return bool(_TYPE_START.match(code[0])) and "(" in text and "=" not in text \
        and not text.endswith(";")


def _blank_sign_score(tail: _Line) -> float:
    """``+ X`` read as a blank added line then ``X``: a context ``X`` only at column 0."""
    if tail.sign != " ":
        return 3.0  # "+ + foo": a blank added line, then "+ foo"
    return 4.0 if _top_level(tail) else -3.0


def _tail_score(words: Sequence[str], cut: int) -> float:
    """Only a control statement's body ("+ if (err)" / " goto next;") or a brace."""
    score = _split_score(words, cut)
    prev, nxt = words[cut - 1], words[cut]
    control = score == 3.0 and (prev.endswith(")") or prev == "else")
    return score if control or (nxt == "{" and score > 0) else -5.0


def _split_score(words: Sequence[str], cut: int) -> float:
    prev, nxt = words[cut - 1], words[cut]
    depth = sum(w.count("(") - w.count(")") for w in words[:cut])
    if nxt[:1] in ("+", "-") and len(nxt) == 1:
        return 3.0 if prev.endswith((";", "{", "}", ",", "*/")) else -2.0
    if nxt == "{":  # only a function definition's brace has a line of its own
        first = words[1] if words[0] in ("+", "-") and len(words) > 1 else words[0].lstrip("+-")
        definition = _TOP_LEVEL.match(first) or _TYPE_START.match(first)
        return 4.0 if definition and prev.endswith(")") and depth == 0 else -5.0
    if depth == 0 and _CONTROL.match(" ".join(words[:cut]).lstrip("+- ")) and (
            prev.endswith(")") or prev == "else"):
        return 3.0  # "if (err)" / "goto out;"
    if prev in _OPERATORS:  # wrapped after an operator: long, and the rest is complete
        wrapped = len(" ".join(words)) >= _WRAP_AT and not words[-1].endswith("(")
        return 3.0 if wrapped else -3.0
    if prev.endswith(";") or (prev.endswith(",") and depth == 0):
        return 2.0
    if prev.endswith(","):
        return 1.0  # an argument list wrapped
    if prev.endswith("*") and re.match(r"^\w+\(", nxt):
        return 3.0
    return -5.0


def _blank_score(before: _Line | None, after: _Line | None) -> float:
    """How plausible a vanished blank context line is between two lines."""
    if (before is not None and not before.code) or (after is not None and not after.code):
        return -10.0  # next to a blank line (added, removed or context)
    score = 0.0
    last = before.code[-1] if before is not None else ""
    if last.endswith("}") or last == "};":
        score += 2
    if last.endswith(("{", ",", "(")) or last in _OPERATORS:
        score -= 4
    if after is not None and (_top_level(after) or after.words[0] in ("+/*", "-/*", "/*")):
        score += 3 if last.endswith(";") else 2
    if after is not None and after.code[0] in ("}", "};"):
        score -= 3
    if before is not None and after is not None and before.sign == after.sign != " ":
        score -= 2
    return score
